/**
 * Vietnamese text normalization for intent classification: NFC, lowercase, syllable
 * tokens, teencode / dialect expansion, repeated letters, stray Telex, and a parallel
 * diacritics-folded form so that "tạm trú" and "tam tru" meet.
 */
import { TEENCODE, TELEX_PAIRS } from './teencode';

/** A normalized message: accented syllables and their folded twins, index by index. */
export interface NormalizedText {
  /** Standardized syllables, accents kept when the writer typed them. */
  tokens: string[];
  /** The same syllables without diacritics (đ → d). */
  folded: string[];
}

const TOKEN = /\p{L}+|\p{N}+/gu;
const COMBINING = /[\u0300-\u036f]/g;
// Loose shape of a folded Vietnamese syllable: onset, 1–3 vowels (no doubled vowel), coda.
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;
const DOUBLED_VOWEL = /(aa|ee|ii|oo|uu|yy)/;
const PARTICLES_AFTER_QUESTION = new Set(['a', 'ạ', 'à', 'ha', 'hả', 'nha', 'nhỉ', 'ta', 'vậy', 'hen', 'hông', 'không']);
const HO_KHAU_CONTEXT = new Set(['nhap', 'tach', 'so', 'chuyen', 'cat', 'xoa', 'dang', 'ky', 'ho', 'thuong', 'tru', 'tam', 'gop', 'them', 'vao']);
const HONG_BROKEN_CONTEXT = new Set(['bi', 'da', 'hu', 'den', 'may', 'xe', 'cot', 'ong']);

const foldedChars = new Map<string, string>();

/** Removes Vietnamese diacritics (đ → d) from lowercase text. */
export function foldDiacritics(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch < '\u00c0') {
      out += ch;
      continue;
    }
    let f = foldedChars.get(ch);
    if (f === undefined) {
      f = ch === 'đ' ? 'd' : ch === 'Đ' ? 'D' : ch.normalize('NFD').replace(COMBINING, '').normalize('NFC');
      foldedChars.set(ch, f);
    }
    out += f;
  }
  return out;
}

/** True when a lowercase token carries Vietnamese diacritics or đ. */
export function hasDiacritics(token: string): boolean {
  return foldDiacritics(token) !== token;
}

/** Splits lowercase NFC text into letter runs and digit runs; punctuation and emoji are dropped. */
export function tokenize(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(TOKEN) ?? [];
}

function isSyllable(token: string): boolean {
  const f = foldDiacritics(token);
  return SYLLABLE.test(f) && !DOUBLED_VOWEL.test(f);
}

/** Collapses letters typed more than twice (khôngggg) and, when that makes a word, twice. */
function collapseRepeats(token: string): string {
  if (TEENCODE.has(token) || /^\p{N}+$/u.test(token)) return token;
  const once = token.replace(/(\p{L})\1{2,}/gu, '$1');
  if (TEENCODE.has(once) || isSyllable(once)) return once;
  const twice = once.replace(/(\p{L})\1/gu, '$1');
  return TEENCODE.has(twice) || isSyllable(twice) ? twice : once;
}

/** Undoes Telex typed without an IME (khoong → không, dduwowcj → đươc); tones are dropped. */
function fixTelex(token: string): string {
  if (!/^[a-z]{3,}$/.test(token) || isSyllable(token)) return token;
  let out = token;
  for (const [from, to] of TELEX_PAIRS) out = out.split(from).join(to);
  if (/[sfrxj]$/.test(out) && out.length > 2) out = out.slice(0, -1);
  return out !== token && isSyllable(out) ? out : token;
}

/** Resolves tokens whose reading depends on their neighbours. */
function resolveInContext(token: string, prev: string | undefined, next: string | undefined): string | undefined {
  const p = prev === undefined ? undefined : foldDiacritics(prev);
  switch (token) {
    case 'hk':
      return (p !== undefined && HO_KHAU_CONTEXT.has(p)) || (next !== undefined && HO_KHAU_CONTEXT.has(foldDiacritics(next)))
        ? 'hộ khẩu'
        : 'không';
    case 'k':
      return prev !== undefined && /^\d+$/.test(prev) ? 'nghìn' : 'không';
    case 'v':
      return next === undefined || PARTICLES_AFTER_QUESTION.has(next) ? 'vậy' : undefined;
    case 'hong':
      if (p === 'so') return 'hồng';
      if (p !== undefined && HONG_BROKEN_CONTEXT.has(p)) return 'hỏng';
      return next === undefined || PARTICLES_AFTER_QUESTION.has(next) ? 'không' : undefined;
    default:
      return undefined;
  }
}

const CONTEXTUAL = new Set(['hk', 'k', 'v', 'hong']);
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string[]>();

/** Context-free standardization of one raw token (memoized: messages reuse few words). */
function standardize(raw: string): string[] {
  let out = memo.get(raw);
  if (out === undefined) {
    const token = collapseRepeats(raw);
    const fixed = CONTEXTUAL.has(token) ? token : (TEENCODE.get(token) ?? TEENCODE.get(fixTelex(token)) ?? fixTelex(token));
    out = fixed.split(' ');
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(raw, out);
  }
  return out;
}

/** Normalizes one message into standardized syllables and their folded twins. */
export function normalize(text: string): NormalizedText {
  const raw = tokenize(text);
  const tokens: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const std = standardize(raw[i]);
    const single = std.length === 1 ? std[0] : undefined;
    const contextual = single !== undefined && CONTEXTUAL.has(single) ? resolveInContext(single, raw[i - 1], raw[i + 1]) : undefined;
    if (contextual !== undefined) tokens.push(...contextual.split(' '));
    else tokens.push(...std);
  }
  return { tokens, folded: tokens.map(foldDiacritics) };
}

/** Normalizes a message to one string of standardized syllables (accents kept). */
export function normalizeText(text: string): string {
  return normalize(text).tokens.join(' ');
}
