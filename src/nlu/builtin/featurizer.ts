/**
 * Turns a message into named sparse features: folded word unigrams and bigrams, accented
 * unigrams (only where the writer typed accents), word classes (lexicon), entity and regex flags,
 * optionally character n-grams. Entity spans are blanked first so codes and numbers add no noise.
 * After training, unknown words are repaired against the known ones (typos, missing spaces).
 */
import { extractEntities, type NamedPatterns } from '../entities';
import { hasDiacritics, normalize, type NormalizedText } from '../normalize';
import type { Entity, TrainingData } from '../types';
import { LEXICON, LexiconMatcher } from './lexicon';
import { runAt } from './segments';
import type { Speller } from './speller';

/**
 * One feature group's keys and how often each occurs, in first-seen order; a key's weight is its
 * count times `scale` (the group's weight over the counts' L2 norm, unknown keys included),
 * computed where it is read. Extracted against a vocabulary (`Known`), a group other than the word
 * classes keeps only its known keys, as their indices.
 */
export type FeatureGroup = { group: string; scale: number } & (
  { counts: Map<string, number>; known?: undefined } | { counts?: undefined; known: { idx: number[]; counts: number[] } }
);

/** A vocabulary by feature group: key → index. */
export type Known = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * A message's features, group by group, before vocabulary lookup. A feature's name is
 * `<group>:<key>`; names are only put together for the vocabulary, not when parsing.
 */
export class NamedFeatures {
  constructor(readonly groups: FeatureGroup[] = []) {}

  /** Every feature's name, in order. */
  *keys(): IterableIterator<string> {
    for (const { group, counts } of this.groups) {
      if (!counts) throw new Error('features extracted against a vocabulary have no names');
      for (const key of counts.keys()) yield `${group}:${key}`;
    }
  }
}

/** The features of one message and what they were made from. */
export interface MessageFeatures {
  /** With accented features (as typed). */
  full: NamedFeatures;
  /** The same message as if typed without accents (for training-time accent dropout; `full` itself when parsing). */
  folded: NamedFeatures;
  /** Folded syllables after normalization and synonyms (for the vocabulary-coverage guard). */
  words: string[];
  /** Indices of `words` that belong to a word-class (lexicon) match: known even when no example has them. */
  lexical: Set<number>;
  /** Folded syllables before synonyms (what the speller learns from). */
  source: readonly string[];
  /** In a message of several sentences, the features of the question alone (for the nearest-example check). */
  focus?: NamedFeatures;
  entities: Entity[];
}

interface Phrase {
  from: readonly string[];
  to: NormalizedText;
}

/** Relative weight of each feature group (each group is L2-normalized first). */
export const GROUP_WEIGHT: Record<string, number> = { u: 1, b: 0.6, a: 0.5, c: 0.8, e: 1, r: 0.5, x: 0.5, q: 0.7, w: 0.7 };

/** Sentence ends: a long story and its question are told apart by them. */
const SENTENCE_END = /[.?!;\n]+/u;

/** The sentences of a text that hold a word. */
function sentencesOf(text: string): string[] {
  return text.split(SENTENCE_END).filter((s) => /[\p{L}\p{N}]/u.test(s));
}
/** Folded words that make a sentence a question (không, gì, sao, đâu, nào, bao, chưa, hả, nhỉ, thế, ai). */
const QUESTION_WORDS = new Set(['khong', 'gi', 'sao', 'dau', 'nao', 'bao', 'chua', 'ha', 'nhi', 'the', 'ai']);

/** Featurizer settings (experiments; defaults are what the engine ships with). */
export interface FeaturizerOptions {
  /** Character 3–4-grams over the whole line (across syllables), inside syllables, or none (default: none). */
  chars?: 'line' | 'word' | 'none';
  /** Use the built-in word classes (default: true). */
  lexicon?: boolean;
  /** Group weights overriding GROUP_WEIGHT. */
  weights?: Record<string, number>;
}

let sharedLexicon: LexiconMatcher | undefined;

/** Builds features for the built-in classifier; synonyms and regexes come from the training data. */
export class Featurizer {
  /** Synonym variants by their first folded syllable, longest first. */
  private readonly phrases = new Map<string, Phrase[]>();
  private readonly regexes: NamedPatterns[];
  private readonly lexicon: LexiconMatcher | undefined;
  private readonly weights: Record<string, number>;
  private readonly chars: 'line' | 'word' | 'none';
  private speller: Speller | undefined;

  constructor(data: Pick<TrainingData, 'synonyms' | 'regexes'>, opts: FeaturizerOptions = {}) {
    this.weights = { ...GROUP_WEIGHT, ...opts.weights };
    this.chars = opts.chars ?? 'none';
    if (opts.lexicon !== false) this.lexicon = sharedLexicon ??= new LexiconMatcher(LEXICON, normalize);
    for (const { value, variants } of data.synonyms) {
      const to = normalize(value);
      if (to.tokens.length === 0) continue;
      for (const variant of variants) {
        const from = normalize(variant).folded;
        if (from.length === 0 || from.join(' ') === to.folded.join(' ')) continue;
        const list = this.phrases.get(from[0]) ?? [];
        list.push({ from, to });
        this.phrases.set(from[0], list);
      }
    }
    // Longest variant first, so "sổ hộ khẩu" wins over "hộ khẩu".
    for (const list of this.phrases.values()) list.sort((a, b) => b.from.length - a.from.length);
    this.regexes = data.regexes;
  }

  /** Folded words the featurizer knows without examples (synonyms, word classes), for the speller. */
  hintWords(): string[] {
    const out: string[] = [];
    for (const list of this.phrases.values()) for (const p of list) out.push(...p.from, ...p.to.folded);
    if (this.lexicon) out.push(...this.lexicon.words());
    return out;
  }

  /** Repairs unknown words with `speller` from now on (set once the vocabulary is known). */
  useSpeller(speller: Speller): void {
    this.speller = speller;
  }

  private spell(tokens: readonly string[], folded: readonly string[]): NormalizedText {
    const speller = this.speller;
    if (!speller || folded.every((w) => speller.knows(w))) return { tokens, folded };
    const outT: string[] = [];
    const outF: string[] = [];
    folded.forEach((w, i) => {
      const fixed = speller.correct(w);
      if (fixed) {
        outT.push(...fixed);
        outF.push(...fixed);
      } else {
        outT.push(tokens[i]);
        outF.push(w);
      }
    });
    return { tokens: outT, folded: outF };
  }

  /** Rewrites synonym variants to their canonical value (on folded syllables). */
  private applySynonyms(tokens: readonly string[], folded: readonly string[]): NormalizedText {
    if (this.phrases.size === 0) return { tokens, folded };
    const outT: string[] = [];
    const outF: string[] = [];
    let i = 0;
    while (i < folded.length) {
      const hit = this.phrases.get(folded[i])?.find((p) => runAt(folded, i, p.from));
      if (hit) {
        outT.push(...hit.to.tokens);
        outF.push(...hit.to.folded);
        i += hit.from.length;
      } else {
        outT.push(tokens[i]);
        outF.push(folded[i]);
        i++;
      }
    }
    return { tokens: outT, folded: outF };
  }

  /** The entities of a message: the built-in ones and the training data's named regexes. */
  entities(text: string): Entity[] {
    return extractEntities(text, this.regexes);
  }

  /**
   * The question in a message of several sentences (the last sentence asking something), so that
   * a long story before it does not drown it; undefined for one sentence or no question.
   */
  private focusSentence(text: string): string | undefined {
    const sentences = sentencesOf(text);
    if (sentences.length < 2) return undefined;
    for (let i = sentences.length - 1; i >= 0; i--) {
      const asks = normalize(sentences[i]).folded.some((w) => QUESTION_WORDS.has(w)) || text.includes(`${sentences[i]}?`);
      if (asks) return sentences[i];
    }
    return undefined;
  }

  /** Normalized words as every feature group sees them: spell-repaired, synonyms applied. */
  private canonical(tokens: readonly string[], folded: readonly string[]): NormalizedText {
    const spelled = this.spell(tokens, folded);
    return this.applySynonyms(spelled.tokens, spelled.folded);
  }

  /**
   * What the writer says they want: in each clause naming a wish ("muốn", "cần", "xin", "cho hỏi"),
   * the words after it up to a purpose ("để", "đặng"). A story may name other procedures ("đã làm
   * khai tử rồi", "để làm khai sinh cho dễ"); the wished-for one is the request.
   */
  private wantedWords(text: string): string[] {
    // One sentence is read whole; a story of several sentences is where other procedures get named.
    if (!WANT_HINT.test(text) || sentencesOf(text).length < 2) return [];
    const out: string[] = [];
    for (const clause of text.split(CLAUSE_END)) {
      if (!WANT_HINT.test(clause)) continue;
      const n = normalize(clause);
      const start = wishStart(n.tokens, n.folded);
      if (start < 0) continue;
      let end = start;
      while (end < n.tokens.length && !isPurpose(n.tokens, n.folded, end)) end++;
      if (end > start) out.push(...this.canonical(n.tokens.slice(start, end), n.folded.slice(start, end)).folded);
    }
    return out;
  }

  /**
   * Extracts the features of one message. `training`: also build the accent-free view (parsing
   * does not need it); `nested`: one sentence of a message, without looking for its question.
   */
  extract(text: string, opts: { training?: boolean; nested?: boolean; known?: Known } = {}): MessageFeatures {
    const nested = opts.nested ?? false;
    const known = opts.training ? undefined : opts.known;
    const entities = this.entities(text);
    let masked = text;
    for (const e of entities) masked = masked.slice(0, e.start) + ' '.repeat(e.end - e.start) + masked.slice(e.end);
    const n = normalize(masked);
    const spelled = this.spell(n.tokens, n.folded); // kept: the lexical source is before synonyms
    const { tokens, folded } = this.applySynonyms(spelled.tokens, spelled.folded);
    const words = folded.map((w) => (isLongNumber(w) ? '#num' : w));

    const shared = new NamedFeatures();
    const sentence = nested ? undefined : this.focusSentence(masked);
    const focus = sentence === undefined ? undefined : this.extract(sentence, { nested: true, known });
    const groups: Record<string, string[]> = {
      u: [],
      b: [],
      c: [],
      e: [],
      r: [],
      x: [],
      q: focus?.words ?? words,
      w: nested ? [] : this.wantedWords(masked),
    };
    for (let i = 0; i < words.length; i++) {
      groups.u.push(words[i]);
      groups.b.push(`${i === 0 ? '^' : words[i - 1]}_${words[i]}`);
    }
    if (words.length > 0) groups.b.push(`${words[words.length - 1]}_$`);
    if (this.chars === 'line') {
      const line = ` ${words.join(' ')} `;
      for (let size = 3; size <= 4; size++) {
        for (let i = 0; i + size <= line.length; i++) groups.c.push(line.slice(i, i + size));
      }
    } else if (this.chars === 'word') {
      for (const w of words) {
        const padded = ` ${w} `;
        for (let size = 3; size <= 4; size++) {
          for (let i = 0; i + size <= padded.length; i++) groups.c.push(padded.slice(i, i + size));
        }
      }
    }
    let lexical = new Set<number>();
    if (this.lexicon) {
      const m = this.lexicon.match(tokens, folded);
      groups.x.push(...m.classes.map((cls, k) => (negated(folded, m.starts[k]) ? `neg_${cls}` : cls)));
      lexical = m.covered;
    }
    for (const e of entities) groups.e.push(e.entity);
    if (this.regexes.length > 0) {
      const run = longestDigitRun(text);
      for (const { name, patterns } of this.regexes) {
        if (patterns.some((p) => safeTest(p, text, run))) groups.r.push(name);
      }
    }
    for (const [g, keys] of Object.entries(groups)) addGroup(shared, g, keys, this.weights, g === 'x' ? undefined : known);

    const full = opts.training ? new NamedFeatures([...shared.groups]) : shared;
    // Accented as typed: a token that differs from its folded twin (a number has no accents).
    const accented = tokens.filter((t, i) => t !== folded[i]);
    addGroup(full, 'a', accented, this.weights, known);
    return { full, folded: shared, words, lexical, source: spelled.folded, entities, focus: focus?.full };
  }
}

/** A number of five digits or more (phone, ID and code fragments): one feature for them all. */
function isLongNumber(word: string): boolean {
  return word.length >= 5 && word.charCodeAt(0) <= 0x39 && /^\d{5,}$/.test(word);
}

/** Clause ends for finding wishes (a comma too: "tui hổng muốn X, chỉ cần Y"). */
const CLAUSE_END = /[.?!;\n,…]+/u;
/** A cheap test before normalizing clauses: the text may name a wish. */
const WANT_HINT = /mu[oốô]n|mún|mun|c[ầa]n|xin|h[ỏo]i|định|tính/iu;
/** Wish verbs (accented, or folded when typed without accents). */
const WISH = new Set(['muốn', 'cần', 'xin', 'định', 'tính']);
const FOLDED_WISH = new Set(['muon', 'can', 'xin']);
/** After an unaccented "can", words that make it "căn" (căn cước, căn hộ, căn nhà). */
const CAN_NOUN = new Set(['cuoc', 'ho', 'nha', 'phong']);
/** After "xin", words that make it a formula (xin chào, xin cảm ơn, xin lỗi, xin phép), not a wish. */
const XIN_FORMULA = new Set(['chao', 'cam', 'loi', 'phep']);
/** Before "hỏi", words that make it a request to ask ("cho em hỏi", "xin hỏi", "muốn hỏi"). */
const ASK_OPENER = new Set(['cho', 'xin', 'muon', 'em', 'toi', 'minh', 'con', 'chau']);

/** Index of the first word after an undenied wish verb in a clause (-1: none). */
function wishStart(tokens: readonly string[], folded: readonly string[]): number {
  for (let i = 0; i < folded.length; i++) {
    const t = tokens[i];
    const f = folded[i];
    const accented = hasDiacritics(t);
    let wish = accented ? WISH.has(t) : FOLDED_WISH.has(f);
    if (wish && f === 'can' && !accented && CAN_NOUN.has(folded[i + 1])) wish = false;
    if (wish && f === 'xin' && XIN_FORMULA.has(folded[i + 1])) wish = false;
    if (!wish && f === 'hoi' && (t === 'hỏi' || !accented) && ASK_OPENER.has(folded[i - 1])) wish = true;
    if (!wish) continue;
    // "hổng muốn làm lại", "hông cần xin": a wish denied names what is set aside, up to the clause's end.
    if (NEGATIONS.has(folded[i - 1]) || (NEGATIONS.has(folded[i - 2]) && folded[i - 1] === 'phai')) return -1;
    return i + 1;
  }
  return -1;
}

/** "để", "đặng" (Southern), "nhằm": what follows is the purpose, not the request. */
function isPurpose(tokens: readonly string[], folded: readonly string[], i: number): boolean {
  const t = tokens[i];
  if (t === 'để' || t === 'đặng' || t === 'nhằm') return true;
  return t === 'de' && folded[i + 1] !== 'nghi';
}

/** Words that may stand between "không" and the cue it denies ("hổng phải chuyển hộ khẩu", "không muốn rút một lần"). */
const NEGATION_BRIDGE = new Set([
  'phai',
  'muon',
  'can',
  'co',
  'rut',
  'chuyen',
  'nhap',
  'lanh',
  'linh',
  'lam',
  'xin',
  'dang',
  'ki',
  'di',
  'tinh',
  'nhan',
  'giay',
  'hoi',
  'lai',
  // "không có ý định chuyển hộ khẩu", "không hỏi việc cấp lần đầu".
  'y',
  'dinh',
  'viec',
  // "không phải trợ cấp thất nghiệp", "hổng xin bảo hiểm thất nghiệp".
  'tro',
  'cap',
  'bao',
  'hiem',
]);
/** Most words between a denial and the cue it denies ("hổng muốn làm lại đăng ký kết hôn": four). */
const NEGATION_REACH = 4;
/** Words of a denial besides "không" (folded): "chẳng", "chứ hổng", "khỏi". */
const NEGATIONS = new Set(['khong', 'chang', 'khoi']);
/** Words before "đâu" that make it a place asked about ("ở đâu có bán"), not a denial ("tui đâu có thất nghiệp"). */
const PLACE_BEFORE = new Set(['o', 'tai', 'den', 'di', 've', 'cho', 'noi', 'nao', 'tu']);

/** "đâu có" / "đâu phải" denying what follows ("tui đâu có thất nghiệp", "em đâu phải chuyển khẩu"), not "ở đâu có". */
function deniesWithDau(folded: readonly string[], k: number): boolean {
  return folded[k] === 'dau' && (folded[k + 1] === 'co' || folded[k + 1] === 'phai') && !(k > 0 && PLACE_BEFORE.has(folded[k - 1]));
}

/** Verbs of taking out before "khỏi" that make it "out of" ("xóa tên ổng khỏi sổ hộ khẩu", "cắt khỏi hộ"), not "no need to". */
const REMOVAL = new Set(['xoa', 'cat', 'tach', 'ra', 'rut', 'bo', 'dua', 'loai', 'go']);
/** Words before "khỏi" looked at for a verb of taking out. */
const REMOVAL_REACH = 4;

/** Whether the "khỏi" at `k` means "out of" (a verb of taking out a few words before it). */
function removedFrom(folded: readonly string[], k: number): boolean {
  for (let m = k - 1; m >= Math.max(0, k - REMOVAL_REACH); m--) if (REMOVAL.has(folded[m])) return true;
  return false;
}

/**
 * True when the word class matched at `start` is denied: "tui hổng phải chuyển hộ khẩu, chỉ ở
 * nhờ" names a neighbouring procedure to set it aside. A negation at most four words before the
 * cue, with only verbs of wanting, moving or doing between them.
 */
function negated(folded: readonly string[], start: number): boolean {
  for (let k = start - 1; k >= Math.max(0, start - NEGATION_REACH); k--) {
    if (folded[k] === 'khoi' && removedFrom(folded, k)) return false;
    if (NEGATIONS.has(folded[k])) return k === 0 || folded[k - 1] !== 'co';
    if (deniesWithDau(folded, k)) return true;
    if (!NEGATION_BRIDGE.has(folded[k])) return false;
  }
  return false;
}

/** Count of each vocabulary index within one group being added (zeroed after each group). */
let seenCounts = new Int32Array(1024);

function addGroup(out: NamedFeatures, group: string, keys: string[], weights: Record<string, number>, known?: Known): void {
  if (keys.length === 0 || !weights[group]) return;
  const index = known?.get(group);
  if (known) {
    // Against a vocabulary: known keys counted by index, unknown ones only for the norm.
    const idx: number[] = [];
    let unknown: Map<string, number> | undefined;
    for (const k of keys) {
      const i = index?.get(k);
      if (i === undefined) {
        unknown ??= new Map();
        unknown.set(k, (unknown.get(k) ?? 0) + 1);
        continue;
      }
      if (i >= seenCounts.length) {
        const grown = new Int32Array(Math.max(i + 1, seenCounts.length * 2));
        grown.set(seenCounts);
        seenCounts = grown;
      }
      if (seenCounts[i]++ === 0) idx.push(i);
    }
    let norm = 0;
    const counts = idx.map((i) => {
      const c = seenCounts[i];
      seenCounts[i] = 0;
      norm += c * c;
      return c;
    });
    if (unknown) for (const c of unknown.values()) norm += c * c;
    out.groups.push({ group, known: { idx, counts }, scale: weights[group] / Math.sqrt(norm) });
    return;
  }
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  let norm = 0;
  for (const c of counts.values()) norm += c * c;
  out.groups.push({ group, counts, scale: weights[group] / Math.sqrt(norm) });
}

/** A training data regex, compiled once; `run`: it only matches a text holding that many ASCII digits in a row. */
interface CompiledPattern {
  re: RegExp | null;
  run: number;
}
const compiled = new Map<string, CompiledPattern>();

/** Whether `text` matches `pattern` (case-insensitive; an invalid pattern matches nothing). `run`: the text's longest run of ASCII digits. */
function safeTest(pattern: string, text: string, run: number): boolean {
  let c = compiled.get(pattern);
  if (c === undefined) {
    let re: RegExp | null;
    try {
      re = new RegExp(pattern, 'iu');
    } catch {
      re = null;
    }
    compiled.set(pattern, (c = { re, run: digitRun(pattern) }));
  }
  if (c.re === null || c.run > run) return false;
  return c.re.test(text);
}

/**
 * The longest run of ASCII digits every match of `pattern` holds: the largest n of a `\d`, `\d+`
 * or `\d{n…}` at its top level (not in a group or a class, not made optional by `?`, `*` or
 * `{0`); 0 when a top-level `|` offers a way around it, or when there is none. Conservative: a
 * pattern it cannot read is given 0 (always tried). The phone, ID and code patterns need 6 to 11.
 */
export function digitRun(pattern: string): number {
  let depth = 0;
  let inClass = false;
  let run = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1];
      i++;
      if (next === 'd' && depth === 0 && !inClass) run = Math.max(run, repeats(pattern, i + 1));
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) return 0;
  }
  return run;
}

/** Fewest repeats the quantifier at `pattern[at]` asks of the atom before it (1 without one, 0 when optional). */
function repeats(pattern: string, at: number): number {
  const q = pattern[at];
  if (q === '?' || q === '*') return 0;
  if (q !== '{') return 1;
  const m = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(at));
  return m ? Number(m[1]) : 1;
}

/** The longest run of ASCII digits in `text`. */
function longestDigitRun(text: string): number {
  let longest = 0;
  let current = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      current++;
      if (current > longest) longest = current;
    } else current = 0;
  }
  return longest;
}
