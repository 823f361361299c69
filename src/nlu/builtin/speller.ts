/**
 * Typo repair against the words the model knows (folded syllables): a word the model has never
 * seen is replaced by a known word one edit away (SymSpell-style delete index: insertion, deletion,
 * substitution, transposition), or split into two known syllables typed without a space
 * ("dangky" → "dang ky"). Known words are never touched, so correct text costs nothing.
 * https://github.com/wolfgarbe/SymSpell
 */
import { canonicalSyllable } from '../normalize';

/** Words shorter than this are left alone: one edit away from a short syllable is another syllable. */
const MIN_LENGTH = 4;
/** Unknown words whose repair is remembered (cleared when full). */
const CACHE_LIMIT = 20_000;

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance, stopping early above 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Corrects unknown folded words to known ones. */
export class Speller {
  private readonly frequency: Map<string, number>;
  /** Delete variant → known words having it. */
  private readonly index = new Map<string, string[]>();
  /** Unknown word → its repair (null: none). */
  private readonly cache = new Map<string, string[] | null>();

  /** `frequency`: known folded word → how often it occurs in training. */
  constructor(frequency: Map<string, number>) {
    this.frequency = frequency;
    for (const word of frequency.keys()) {
      if (word.length < MIN_LENGTH - 1 || /\d/.test(word)) continue;
      for (const key of [word, ...deletes(word)]) {
        const list = this.index.get(key);
        if (list) list.push(word);
        else this.index.set(key, [word]);
      }
    }
  }

  /** True when the model has seen the word. */
  knows(word: string): boolean {
    return this.frequency.has(word);
  }

  /** The repaired form of an unknown word (one or two words), or undefined to keep it as it is. */
  correct(word: string): string[] | undefined {
    if (this.frequency.has(word) || word.length < MIN_LENGTH || /\d/.test(word)) return undefined;
    // Long messages repeat their unknown words (names, places): each is looked up once.
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached ?? undefined;
    const fixed = this.lookup(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, fixed ?? null);
    return fixed;
  }

  private lookup(word: string): string[] | undefined {
    let best: string | undefined;
    let bestCount = 0;
    for (const key of [word, ...deletes(word)]) {
      for (const candidate of this.index.get(key) ?? []) {
        const count = this.frequency.get(candidate) ?? 0;
        if (count > bestCount && withinOneEdit(word, candidate)) {
          best = candidate;
          bestCount = count;
        }
      }
    }
    let split: string[] | undefined;
    let splitCount = 0;
    for (let i = 2; i <= word.length - 2; i++) {
      const a = canonicalSyllable(word.slice(0, i));
      const b = canonicalSyllable(word.slice(i));
      const count = Math.min(this.frequency.get(a) ?? 0, this.frequency.get(b) ?? 0);
      if (count > splitCount) {
        split = [a, b];
        splitCount = count;
      }
    }
    // A clean split into two real syllables beats a one-letter repair of the whole.
    if (split && splitCount >= 2) return split;
    return best ? [best] : split;
  }
}
