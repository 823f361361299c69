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
  readonly tokens: readonly string[];
  /** The same syllables without diacritics (đ → d). */
  readonly folded: readonly string[];
}

/** Teencode, abbreviations and context-free Southern words: one lookup. */
const TEENCODE: ReadonlyMap<string, string> = new Map([...TEENCODE_ONLY, ...SOUTHERN]);

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
  // Below U+00C0 nothing folds: a word typed without accents is returned as it is, with no copy.
  let plain = 0;
  while (plain < text.length && text.charCodeAt(plain) < 0xc0) plain++;
  if (plain === text.length) return text;
  let out = text.slice(0, plain);
  for (const ch of text.slice(plain)) {
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
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) >= 0xc0) return foldDiacritics(token) !== token;
  return false;
}

/**
 * Splits lowercase NFC text into letter runs and digit runs; punctuation is dropped, and so are
 * emoji except the few that mean a word (👍 → ok, 🚑 → cấp cứu).
 */
export function tokenize(text: string): string[] {
  const words = MAYBE_PICTOGRAPH.test(text) ? text.replace(PICTOGRAPH, (e) => ` ${EMOJI_WORDS.get(e) ?? ''} `) : text;
  return letterAndDigitRuns(words.normalize('NFC').toLowerCase());
}

/** Every emoji (Extended_Pictographic) is one of these: most messages have none, and skip the replacement. */
const MAYBE_PICTOGRAPH = /[\u00a9\u00ae\u203c-\uffff]/;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const OTHER = 3;
/** Class of each BMP character, worked out on first sight: 1 letter, 2 digit, 3 other (0: not yet). */
const charClasses = new Uint8Array(0x10000);

function charClass(code: number): number {
  if (code > 0xffff) return LETTER.test(String.fromCodePoint(code)) ? 1 : DIGIT.test(String.fromCodePoint(code)) ? 2 : OTHER;
  let c = charClasses[code];
  if (c === 0) {
    const ch = String.fromCharCode(code);
    c = charClasses[code] = LETTER.test(ch) ? 1 : DIGIT.test(ch) ? 2 : OTHER;
  }
  return c;
}

/** The runs of letters and the runs of digits of a text, in order (as `text.match(/\p{L}+|\p{N}+/gu)`, without the regex's cost). */
function letterAndDigitRuns(text: string): string[] {
  const runs: string[] = [];
  let start = 0;
  let current = OTHER;
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i) as number;
    const c = charClass(code);
    if (c !== current) {
      if (current !== OTHER) runs.push(text.slice(start, i));
      start = i;
      current = c;
    }
    i += code > 0xffff ? 2 : 1;
  }
  if (current !== OTHER) runs.push(text.slice(start));
  return runs;
}

function isSyllable(token: string): boolean {
  const f = foldDiacritics(token);
  return SYLLABLE.test(f) && !DOUBLED_VOWEL.test(f);
}

/** Collapses letters typed more than twice (khôngggg) and, when that makes a word, twice. */
function collapseRepeats(token: string): string {
  if (TEENCODE.has(token) || CONTEXTUAL.has(token) || /^\p{N}+$/u.test(token)) return token;
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

/** Words (folded) of a theft that make a following unaccented "chay" "chạy" (running away). */
const THIEF_WORDS = new Set(['trom', 'cuop', 'giat', 'giut']);
/** How far before "chay" such a word counts (tokens). */
const THIEF_SPAN = 5;

/** Words (folded) before a "pa" that is a report, phản ánh: "muốn pa", "gửi pa", "cái pa", "đơn pa". */
const PA_REPORT_PREV = new Set(['muon', 'mun', 'gui', 'goi', 'cai', 'vu', 'don']);
/** Words (folded) after such a "pa": "pa hôm bữa", "pa hum bữa". */
const PA_REPORT_NEXT = new Set(['hom', 'hum', 'bua']);

/** Resolves tokens whose reading depends on their neighbours. */
function resolveInContext(token: string, prev: string | undefined, next: string | undefined, before: string[]): string | undefined {
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
      if (next !== undefined && CHAY_RUN_NEXT.has(foldDiacritics(next))) return 'chạy';
      // "co nguoi trom xe may dang chay": a thief named just before runs, nothing burns.
      return before.some((w) => THIEF_WORDS.has(foldDiacritics(w))) ? 'chạy' : undefined;
    case 'pa':
      // "muốn pa về việc này", "gửi pa", "pa hôm bữa": a report (phản ánh), not "ba" (father).
      return (p !== undefined && PA_REPORT_PREV.has(p)) || (next !== undefined && PA_REPORT_NEXT.has(foldDiacritics(next)))
        ? 'phản ánh'
        : undefined;
    case 'cc':
      // "thẻ cc", "làm cc", "cc gắn chip": the identity card; "cc bản sao" (certified copy) keeps its own.
      // Elsewhere it stays what its letters collapse to ("c": chị).
      return (p !== undefined && CC_CARD_PREV.has(p)) || next === 'gắn' || next === 'gan' ? 'căn cước' : 'chị';
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

const CONTEXTUAL = new Set(['hk', 'k', 'v', 'hong', 'chay', 'pa', 'cc']);
/** Before "cc", words that make it the identity card ("thẻ cc", "làm cc", "đổi cc", "cấp lại cc"). */
const CC_CARD_PREV = new Set(['the', 'lam', 'doi', 'cap', 'lai', 'mat']);
const MEMO_LIMIT = 50_000;

/** A raw token standardized without its neighbours. */
interface Standard extends NormalizedText {
  /** One syllable that `resolveInContext` may read otherwise beside its neighbours. */
  shorthand: boolean;
  /** One syllable that `resolveSouthern` may read otherwise beside its neighbours. */
  southern: boolean;
}
const memo = new Map<string, Standard>();

/** Context-free standardization of one raw token (memoized: messages reuse few words). */
function standardize(raw: string): Standard {
  let out = memo.get(raw);
  if (out === undefined) {
    const collapsed = collapseRepeats(raw);
    const token = canonicalSyllable(collapsed);
    const fixed = CONTEXTUAL.has(token)
      ? token
      : (TEENCODE.get(collapsed) ?? TEENCODE.get(token) ?? TEENCODE.get(fixTelex(token)) ?? fixTelex(token));
    const tokens = fixed.split(' ').map(canonicalSyllable);
    const single = tokens.length === 1 ? tokens[0] : undefined;
    out = {
      tokens,
      folded: tokens.map(foldDiacritics),
      shorthand: single !== undefined && CONTEXTUAL.has(single),
      southern: single !== undefined && SOUTHERN_IN_CONTEXT.has(single),
    };
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(raw, out);
  }
  return out;
}

/**
 * The last texts normalized and their results: one parse normalizes the same text several times
 * (a clause for the segmenter and the done-clause check, the whole message for the features and
 * the present-danger check). Results are shared, so they are read-only (`NormalizedText`'s arrays
 * are `readonly`; not frozen at run time: V8 reads frozen arrays on slower paths).
 */
const recent = new Map<string, NormalizedText>();
const RECENT_LIMIT = 128;
/** Longer texts are not kept (a parse classifies at most 1,000 characters by default). */
const RECENT_MAX_CHARS = 4000;
let lastText: string | undefined;
let lastResult: NormalizedText | undefined;

/** Normalizes one message into standardized syllables and their folded twins. */
export function normalize(text: string): NormalizedText {
  // The same text asked again at once (the present-danger checks ask one message several questions).
  if (text === lastText && lastResult) return lastResult;
  if (text.length > RECENT_MAX_CHARS) return normalizeAnew(text);
  let out = recent.get(text);
  if (out === undefined) {
    out = normalizeAnew(text);
    if (recent.size >= RECENT_LIMIT) recent.clear();
    recent.set(text, out);
  }
  [lastText, lastResult] = [text, out];
  return out;
}

function normalizeAnew(text: string): NormalizedText {
  const raw = tokenize(text);
  const tokens: string[] = [];
  const folded: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const std = standardize(raw[i]);
    const single = std.tokens[0];
    let contextual = std.shorthand
      ? resolveInContext(single, raw[i - 1], raw[i + 1], raw.slice(Math.max(0, i - THIEF_SPAN), i))
      : undefined;
    if (std.southern) {
      const prev = folded.length > 0 ? folded[folded.length - 1] : undefined;
      const next = i + 1 < raw.length ? standardize(raw[i + 1]).folded[0] : undefined;
      contextual = resolveSouthern(single, prev, next);
    }
    const last = tokens.length - 1;
    if (contextual !== undefined) {
      for (const syllable of contextual.split(' ')) {
        const t = canonicalSyllable(syllable);
        tokens.push(t);
        folded.push(foldDiacritics(t));
      }
    } else if (std.tokens.length === 1 && single === 'xã' && (tokens[last] === 'ông' || tokens[last] === 'bà') && raw[i + 1] !== 'trưởng') {
      // "ông xã" / "bà xã": husband / wife in the South, not a commune.
      tokens[last] = tokens[last] === 'ông' ? 'chồng' : 'vợ';
      folded[last] = foldDiacritics(tokens[last]);
    } else {
      for (let k = 0; k < std.tokens.length; k++) {
        tokens.push(std.tokens[k]);
        folded.push(std.folded[k]);
      }
    }
  }
  return { tokens, folded };
}

/** Normalizes a message to one string of standardized syllables (accents kept). */
export function normalizeText(text: string): string {
  return normalize(text).tokens.join(' ');
}
