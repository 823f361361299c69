/**
 * Turns a message into named sparse features: folded word unigrams and bigrams, accented
 * unigrams (only where the writer typed accents), folded character 3–4-grams (typos),
 * entity and regex flags. Entity spans are blanked first so codes and numbers add no noise.
 */
import { extractEntities, type NamedPatterns } from '../entities';
import { foldDiacritics, hasDiacritics, normalize } from '../normalize';
import type { Entity, TrainingData } from '../types';

/** Feature name → weight, before vocabulary lookup. */
export type NamedFeatures = Map<string, number>;

/** The features of one message and what they were made from. */
export interface MessageFeatures {
  /** With accented features (as typed). */
  full: NamedFeatures;
  /** The same message as if typed without accents (for training-time accent dropout). */
  folded: NamedFeatures;
  /** Folded syllables after normalization and synonyms (for the vocabulary-coverage guard). */
  words: string[];
  entities: Entity[];
}

interface Phrase {
  from: string[];
  to: { tokens: string[]; folded: string[] };
}

/** Relative weight of each feature group (each group is L2-normalized first). */
export const GROUP_WEIGHT: Record<string, number> = { u: 1, b: 0.6, a: 0.5, c: 0.8, e: 1, r: 0.5 };

/** Builds features for the built-in classifier; synonyms and regexes come from the training data. */
export class Featurizer {
  /** Synonym variants by their first folded syllable, longest first. */
  private readonly phrases = new Map<string, Phrase[]>();
  private readonly regexes: NamedPatterns[];

  constructor(data: Pick<TrainingData, 'synonyms' | 'regexes'>) {
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

  /** Rewrites synonym variants to their canonical value (on folded syllables). */
  private applySynonyms(tokens: string[], folded: string[]): { tokens: string[]; folded: string[] } {
    if (this.phrases.size === 0) return { tokens, folded };
    const outT: string[] = [];
    const outF: string[] = [];
    let i = 0;
    while (i < folded.length) {
      const hit = this.phrases.get(folded[i])?.find((p) => p.from.every((w, k) => folded[i + k] === w));
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

  /** Extracts the features of one message. */
  extract(text: string): MessageFeatures {
    const entities = extractEntities(text);
    let masked = text;
    for (const e of entities) masked = masked.slice(0, e.start) + ' '.repeat(e.end - e.start) + masked.slice(e.end);
    const n = normalize(masked);
    const { tokens, folded } = this.applySynonyms(n.tokens, n.folded);
    const words = folded.map((w) => (/^\d{5,}$/.test(w) ? '#num' : w));

    const shared = new Map<string, number>();
    const groups: Record<string, string[]> = { u: [], b: [], c: [], e: [], r: [] };
    for (let i = 0; i < words.length; i++) {
      groups.u.push(words[i]);
      groups.b.push(`${i === 0 ? '^' : words[i - 1]}_${words[i]}`);
    }
    if (words.length > 0) groups.b.push(`${words[words.length - 1]}_$`);
    const line = ` ${words.join(' ')} `;
    for (let size = 3; size <= 4; size++) {
      for (let i = 0; i + size <= line.length; i++) groups.c.push(line.slice(i, i + size));
    }
    for (const e of entities) groups.e.push(e.entity);
    for (const { name, patterns } of this.regexes) {
      if (patterns.some((p) => safeTest(p, text))) groups.r.push(name);
    }
    for (const [g, keys] of Object.entries(groups)) addGroup(shared, g, keys);

    const full = new Map(shared);
    const accented = tokens.filter((t, i) => hasDiacritics(t) && foldDiacritics(t) === words[i]);
    addGroup(full, 'a', accented);
    return { full, folded: shared, words, entities };
  }
}

function addGroup(out: NamedFeatures, group: string, keys: string[]): void {
  if (keys.length === 0 || !GROUP_WEIGHT[group]) return;
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  let norm = 0;
  for (const c of counts.values()) norm += c * c;
  const scale = GROUP_WEIGHT[group] / Math.sqrt(norm);
  for (const [k, c] of counts) out.set(`${group}:${k}`, c * scale);
}

const compiled = new Map<string, RegExp | null>();
function safeTest(pattern: string, text: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'iu');
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re !== null && re.test(text);
}
