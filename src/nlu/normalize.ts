/**
 * Vietnamese text normalization for intent classification: NFC, lowercase, syllable
 * tokens, teencode / dialect expansion, repeated letters, stray Telex, and a parallel
 * diacritics-folded form so that "tạm trú" and "tam tru" meet.
 */
import { resolveSouthern, SOUTHERN, SOUTHERN_IN_CONTEXT } from './dialect';
import { EMOJI_WORDS, TEENCODE as TEENCODE_ONLY, TELEX_PAIRS } from './teencode';

/** A normalized message: accented syllables and their folded twins, index by index. */
export interface NormalizedText {
  /** Standardized syllables, accents kept when the writer typed them. */
  tokens: string[];
  /** The same syllables without diacritics (đ → d). */
  folded: string[];
}

/** Teencode, abbreviations and context-free Southern words: one lookup. */
const TEENCODE: ReadonlyMap<string, string> = new Map([...TEENCODE_ONLY, ...SOUTHERN]);

const TOKEN = /\p{L}+|\p{N}+/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}/gu;
const COMBINING = /[\u0300-\u036f]/g;
// Loose shape of a folded Vietnamese syllable: onset, 1–3 vowels (no doubled vowel), coda.
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;
const DOUBLED_VOWEL = /(aa|ee|ii|oo|uu|yy)/;
const PARTICLES_AFTER_QUESTION = new Set(['a', 'ạ', 'à', 'ha', 'hả', 'nha', 'nhỉ', 'ta', 'vậy', 'hen', 'hông', 'không']);
const HO_KHAU_CONTEXT = new Set([
  'nhap',
  'tach',
  'so',
  'chuyen',
  'cat',
  'xoa',
  'dang',
  'ky',
  'ho',
  'thuong',
  'tru',
  'tam',
  'gop',
  'them',
  'vao',
]);
/** Verbs after which an unaccented "hong" is the Southern "không" (hong biết, hong có, hong được). */
const HONG_BEFORE_VERB = new Set(['biet', 'co', 'duoc', 'hieu', 'can', 'phai', 'muon', 'thay', 'nho', 'chiu', 'dam', 'ai', 'sao']);
const HONG_BROKEN_CONTEXT = new Set(['bi', 'da', 'hu', 'den', 'may', 'xe', 'cot', 'ong']);
/** Words after an unaccented "chay" that make it "chạy" (to run, to flee), not "cháy" (to burn). */
const CHAY_RUN_NEXT = new Set([
  've',
  'tron',
  'mat',
  'ra',
  'vo',
  'vao',
  'theo',
  'xe',
  'di',
  'lai',
  'toi',
  'len',
  'xuong',
  'huong',
  'thoat',
  'luon',
  'nhanh',
  'le',
]);

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

/**
 * Splits lowercase NFC text into letter runs and digit runs; punctuation is dropped, and so are
 * emoji except the few that mean a word (👍 → ok, 🚑 → cấp cứu).
 */
export function tokenize(text: string): string[] {
  const words = text.replace(PICTOGRAPH, (e) => ` ${EMOJI_WORDS.get(e) ?? ''} `);
  return words.normalize('NFC').toLowerCase().match(TOKEN) ?? [];
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
    case 'chay':
      // "đang chay ve huong cho": a thief running away, not a fire.
      return next !== undefined && CHAY_RUN_NEXT.has(foldDiacritics(next)) ? 'chạy' : undefined;
    case 'hong':
      if (p === 'so') return 'hồng';
      if (p !== undefined && HONG_BROKEN_CONTEXT.has(p)) return 'hỏng';
      if (next === undefined || PARTICLES_AFTER_QUESTION.has(next)) return 'không';
      // Southern "hong biết", "hong có": not before a verb of knowing, having or being able.
      return HONG_BEFORE_VERB.has(foldDiacritics(next)) ? 'không' : undefined;
    default:
      return undefined;
  }
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;
const VOWELS = new Set([...'aăâeêioôơuưy']);
const QUALITY_VOWELS = new Set([...'ăâêôơư']);
// A lone i/y after an onset is spelled both ways (ký/kí, lý/lí, Mỹ/Mĩ, quý/quí).
const I_OR_Y = /^(b|c|ch|d|đ|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y$/u;

/**
 * One spelling per syllable: the tone mark placed by one rule (the "old" style: hòa, thủy, khỏe —
 * keyboards also produce hoà, thuỷ, khoẻ, which are different strings) and a lone i for a lone y
 * after an onset (ký → kí). Anything that does not look like one toned Vietnamese syllable is kept.
 */
export function canonicalSyllable(token: string): string {
  const decomposed = token.normalize('NFD');
  const tones = decomposed.match(TONE_MARKS);
  if (tones && tones.length > 1) return token;
  let base = decomposed.replace(TONE_MARKS, '').normalize('NFC');
  if (I_OR_Y.test(base)) base = `${base.slice(0, -1)}i`;
  if (!tones) return base;
  const chars = [...base];
  // The onset's qu/gi is not part of the vowel cluster ("quá", "giá"; but "gì").
  let start = 0;
  while (start < chars.length && !VOWELS.has(chars[start])) start++;
  if (start > 0 && ((chars[start - 1] === 'q' && chars[start] === 'u') || (chars[start - 1] === 'g' && chars[start] === 'i'))) {
    if (start + 1 < chars.length && VOWELS.has(chars[start + 1])) start++;
  }
  let end = start;
  while (end < chars.length && VOWELS.has(chars[end])) end++;
  if (end === start || chars.slice(end).some((c) => VOWELS.has(c))) return token;
  let target = -1;
  for (let i = start; i < end; i++) if (QUALITY_VOWELS.has(chars[i])) target = i;
  if (target < 0) {
    const size = end - start;
    target = end < chars.length ? end - 1 : size === 3 ? start + 1 : start;
  }
  chars[target] = `${chars[target].normalize('NFD')}${tones[0]}`.normalize('NFC');
  return chars.join('');
}

const CONTEXTUAL = new Set(['hk', 'k', 'v', 'hong', 'chay']);
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string[]>();

/** Context-free standardization of one raw token (memoized: messages reuse few words). */
function standardize(raw: string): string[] {
  let out = memo.get(raw);
  if (out === undefined) {
    const collapsed = collapseRepeats(raw);
    const token = canonicalSyllable(collapsed);
    const fixed = CONTEXTUAL.has(token)
      ? token
      : (TEENCODE.get(collapsed) ?? TEENCODE.get(token) ?? TEENCODE.get(fixTelex(token)) ?? fixTelex(token));
    out = fixed.split(' ').map(canonicalSyllable);
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
    let contextual = single !== undefined && CONTEXTUAL.has(single) ? resolveInContext(single, raw[i - 1], raw[i + 1]) : undefined;
    if (single !== undefined && SOUTHERN_IN_CONTEXT.has(single)) {
      const prev = tokens.length > 0 ? foldDiacritics(tokens[tokens.length - 1]) : undefined;
      const next = i + 1 < raw.length ? foldDiacritics(standardize(raw[i + 1])[0]) : undefined;
      contextual = resolveSouthern(single, prev, next);
    }
    if (contextual !== undefined) tokens.push(...contextual.split(' ').map(canonicalSyllable));
    else if (single === 'xã' && (tokens[tokens.length - 1] === 'ông' || tokens[tokens.length - 1] === 'bà') && raw[i + 1] !== 'trưởng') {
      // "ông xã" / "bà xã": husband / wife in the South, not a commune.
      tokens[tokens.length - 1] = tokens[tokens.length - 1] === 'ông' ? 'chồng' : 'vợ';
    } else tokens.push(...std);
  }
  return { tokens, folded: tokens.map(foldDiacritics) };
}

/** Normalizes a message to one string of standardized syllables (accents kept). */
export function normalizeText(text: string): string {
  return normalize(text).tokens.join(' ');
}
