/**
 * Rasa NLU training data (YAML format 3.1) ⇄ TrainingData.
 * https://rasa.com/docs/rasa/training-data-format#nlu-training-data
 */
import { Document, Scalar, isScalar, parse, visit } from 'yaml';
import type { TrainingData } from './types';

// [text](entity), [text](entity:value) and [text]{"entity": …} → text.
const ANNOTATION = /\[([^\]\n]+)\](?:\([^)\n]*\)|\{[^}\n]*\})/g;

/** Removes Rasa entity annotations, keeping the annotated words. */
export function stripAnnotations(example: string): string {
  return example.replace(ANNOTATION, '$1');
}

/** Splits a Rasa `examples` value (a `- ` list in a block string, or a list of {text}) into examples. */
function readExamples(value: unknown): string[] {
  if (typeof value === 'string') {
    return value
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('- ') || line === '-')
      .map((line) => line.slice(1).trim())
      .filter((line) => line.length > 0);
  }
  if (Array.isArray(value)) {
    return value
      .map((item: unknown) => (typeof item === 'object' && item !== null && 'text' in item ? String(item.text) : String(item)))
      .map((text) => text.trim())
      .filter((text) => text.length > 0);
  }
  return [];
}

/** Parses Rasa NLU YAML (intents, synonyms, regexes; lookups and other keys are ignored). */
export function parseRasaNluYaml(source: string): TrainingData {
  const doc: unknown = parse(source);
  const data: TrainingData = { intents: [], synonyms: [], regexes: [] };
  if (typeof doc !== 'object' || doc === null || !('nlu' in doc) || !Array.isArray(doc.nlu)) return data;
  const intents = new Map<string, string[]>();
  for (const block of doc.nlu as unknown[]) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as Record<string, unknown>;
    const examples = readExamples(b.examples);
    if (typeof b.intent === 'string') {
      const list = intents.get(b.intent) ?? [];
      list.push(...examples.map(stripAnnotations));
      intents.set(b.intent, list);
    } else if (typeof b.synonym === 'string') {
      data.synonyms.push({ value: b.synonym, variants: examples });
    } else if (typeof b.regex === 'string') {
      data.regexes.push({ name: b.regex, patterns: examples });
    }
  }
  data.intents = [...intents].map(([name, examples]) => ({ name, examples }));
  return data;
}

function block(lines: string[]): Scalar {
  const node = new Scalar(lines.map((l) => `- ${l.replace(/\s*\n\s*/g, ' ')}`).join('\n') + '\n');
  node.type = Scalar.BLOCK_LITERAL;
  return node;
}

/** Writes TrainingData as Rasa NLU YAML 3.1 (examples as `|` blocks of `- ` lines). */
export function toRasaNluYaml(data: TrainingData): string {
  const nlu = [
    ...data.intents.map((i) => ({ intent: i.name, examples: block(i.examples) })),
    ...data.synonyms.map((s) => ({ synonym: s.value, examples: block(s.variants) })),
    ...data.regexes.map((r) => ({ regex: r.name, examples: block(r.patterns) })),
  ];
  const doc = new Document({ version: '3.1', nlu });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'version' && isScalar(pair.value)) pair.value.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}
