/**
 * Regex entities in Rasa format (offsets on the original text, as `text.slice(start, end)`),
 * and the redaction of personal numbers for logs.
 * https://rasa.com/docs/rasa/components#regexentityextractor
 */
import type { Entity } from './types';

/** The extractor name Rasa gives regex entities. */
export const REGEX_EXTRACTOR = 'RegexEntityExtractor';

/** Named patterns, e.g. Rasa `regex:` blocks of the training data. */
export interface NamedPatterns {
  name: string;
  patterns: string[];
}

const EDGE_BEFORE = '(?<![\\p{L}\\p{N}.\\-])';
const EDGE_AFTER = '(?![\\p{L}\\p{N}]|[.\\-]\\p{N})';

/**
 * 1022 ticket code: 1022-YYYY-NNNNNN, then (codes issued since the random part) -XXXX; separators may be
 * dashes, dots or spaces, the random part follows a dash and may be typed in lower case.
 */
const TICKET = new RegExp(
  `${EDGE_BEFORE}1022[-–. ]?(20\\d{2})[-–. ]?(\\d{6})(?:\\s?[-–]\\s?([A-HJKMNP-Za-hjkmnp-z2-9]{4}))?${EDGE_AFTER}`,
  'gu',
);

/**
 * Dossier (hồ sơ TTHC) receipt code: the receiving agency's code (Quyết định 20/2020/QĐ-TTg,
 * e.g. `000.00.30.H16` or `H16.30`), the receipt date (yymmdd or yyyymmdd), a sequence number.
 */
const DOSSIER = new RegExp(
  `${EDGE_BEFORE}((?:\\d{2,3}\\.){1,3}[a-z]\\d{2}|[a-z]\\d{2}(?:\\.\\d{1,3}){1,3}|(?:[a-z0-9]{1,4}\\.){1,4}[a-z]\\d{2,3})` +
    `\\s?[-–]\\s?(\\d{6}|\\d{8})\\s?[-–]\\s?(\\d{3,6})${EDGE_AFTER}`,
  'giu',
);

const SIX_DIGITS = /\d{6}/;

const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])/giu;

/** Runs of digit groups separated by one space, dot or dash (a leading + allowed). */
const DIGIT_RUN = /(?<![\p{L}\p{N}])\+?\d+(?:[ .-]\d+)*(?![\p{L}\p{N}])/gu;

interface Span {
  entity: string;
  value: string;
  start: number;
  end: number;
}

/**
 * Classifies a digit string as a phone number, an ID number (12-digit căn cước, 9-digit CMND), or
 * nothing. Dotted groups are amounts of money (150.000.000 đồng), never ID numbers; a 9-digit
 * CMND is only taken when written in one piece ("123 456 789" is more often something else).
 */
function classifyDigits(
  digits: string,
  plus: boolean,
  separated: 'none' | 'spaces' | 'dots',
): 'so_dien_thoai' | 'so_dinh_danh' | undefined {
  const national =
    digits.startsWith('84') && (plus || digits.length === 11 || digits.length === 12)
      ? digits.slice(2)
      : digits.startsWith('0') && !plus
        ? digits.slice(1)
        : undefined;
  if (national !== undefined && (/^[35789]\d{8}$/.test(national) || /^2\d{9}$/.test(national))) return 'so_dien_thoai';
  if (plus || separated === 'dots') return undefined;
  if (/^0\d{11}$/.test(digits) || (separated === 'none' && /^\d{9}$/.test(digits))) return 'so_dinh_danh';
  return undefined;
}

/** Finds phones and ID numbers inside one run of digit groups, longest match first. */
function digitSpans(run: string, offset: number): Span[] {
  const groups: { start: number; end: number; digits: string }[] = [];
  for (const m of run.matchAll(/\+?\d+/g)) groups.push({ start: m.index, end: m.index + m[0].length, digits: m[0].replace('+', '') });
  const spans: Span[] = [];
  let i = 0;
  while (i < groups.length) {
    // The longest run of groups from i that reads as a phone or ID number (13 digits at most,
    // so at most a handful of groups: a long list of numbers stays linear).
    let found: Span | undefined;
    let next = i + 1;
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      digits += groups[j].digits;
      if (digits.length > 13) break;
      const slice = run.slice(groups[i].start, groups[j].end);
      const separated = j === i ? 'none' : slice.includes('.') ? 'dots' : 'spaces';
      const kind = classifyDigits(digits, slice.startsWith('+'), separated);
      if (kind) {
        found = { entity: kind, value: slice, start: offset + groups[i].start, end: offset + groups[j].end };
        next = j + 1;
      }
    }
    if (found) spans.push(found);
    i = next;
  }
  return spans;
}

/** Adds `s` to `spans` (kept sorted by start) unless it overlaps one of them; binary search, as logs can be long. */
function addSpan(spans: Span[], s: Span): void {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start < s.start) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && spans[lo - 1].end > s.start) return;
  if (lo < spans.length && spans[lo].start < s.end) return;
  spans.splice(lo, 0, s);
}

/** Compiled `extra` patterns (null: Python-only syntax, skipped): the training data's few patterns. */
const compiledPatterns = new Map<string, RegExp | null>();
/** More patterns than any training data holds: the map is cleared then. */
const COMPILED_LIMIT = 1000;

function compiled(pattern: string): RegExp | null {
  let re = compiledPatterns.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'giu');
    } catch {
      re = null; // Python-only syntax: Rasa accepts it, we skip it.
    }
    if (compiledPatterns.size >= COMPILED_LIMIT) compiledPatterns.clear();
    compiledPatterns.set(pattern, re);
  }
  return re;
}

function findSpans(text: string, extra: NamedPatterns[]): Span[] {
  const spans: Span[] = [];
  const add = (s: Span): void => addSpan(spans, s);
  // Every built-in entity has a digit or an @: most log lines and messages have neither.
  if (/[\d@]/.test(text)) builtinSpans(text, add);
  for (const { name, patterns } of extra) {
    for (const pattern of patterns) {
      const re = compiled(pattern);
      if (!re) continue;
      for (const m of text.matchAll(re)) {
        if (m[0].length > 0) add({ entity: name, value: m[0], start: m.index, end: m.index + m[0].length });
      }
    }
  }
  return spans;
}

/** Ticket and dossier codes, emails, phone and ID numbers, in this order (the first of two overlapping spans stays). */
function builtinSpans(text: string, add: (s: Span) => void): void {
  // Ticket and dossier codes hold six digits in a row; their patterns are slow to scan a long text for nothing.
  const codes = SIX_DIGITS.test(text);
  for (const m of codes ? text.matchAll(TICKET) : []) {
    const suffix = m[3] ? `-${m[3].toUpperCase()}` : '';
    add({ entity: 'ma_phieu', value: `1022-${m[1]}-${m[2]}${suffix}`, start: m.index, end: m.index + m[0].length });
  }
  for (const m of codes ? text.matchAll(DOSSIER) : []) {
    const value = `${m[1]}-${m[2]}-${m[3]}`.toUpperCase();
    add({ entity: 'ma_ho_so', value, start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.includes('@') ? text.matchAll(EMAIL) : [])
    add({ entity: 'email', value: m[0], start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(DIGIT_RUN)) for (const s of digitSpans(m[0], m.index)) add(s);
}

/** Built-in entity names; training-data regexes with other names add entities of their own. */
export const BUILTIN_ENTITIES = ['ma_phieu', 'ma_ho_so', 'so_dien_thoai', 'email', 'so_dinh_danh'] as const;
const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_ENTITIES);

/**
 * Extracts ma_phieu, ma_ho_so, so_dien_thoai, email and so_dinh_danh (plus `extra` named
 * regexes) in Rasa format. Codes get a canonical value (1022-2026-000123, upper-case dossier).
 */
export function extractEntities(text: string, extra: NamedPatterns[] = []): Entity[] {
  return findSpans(
    text,
    extra.filter((r) => !BUILTIN_NAMES.has(r.name)),
  ).map((s) => ({
    entity: s.entity,
    value: s.value,
    start: s.start,
    end: s.end,
    extractor: REGEX_EXTRACTOR,
  }));
}

const PLACEHOLDER: Record<string, string> = { so_dien_thoai: '[phone]', email: '[email]', so_dinh_danh: '[id]' };

/** Replaces phone numbers, emails and ID numbers with `[phone]`, `[email]`, `[id]` (ticket and dossier codes stay). */
export function redactPersonalData(text: string): string {
  let out = '';
  let at = 0;
  for (const s of findSpans(text, [])) {
    const placeholder = PLACEHOLDER[s.entity];
    if (!placeholder) continue;
    out += text.slice(at, s.start) + placeholder;
    at = s.end;
  }
  return out + text.slice(at);
}
