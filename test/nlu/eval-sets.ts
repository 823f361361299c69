/** The labelled message sets of the NLU tests (JSON Lines, one message a line), and the list of the dev files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKGROUND_EXAMPLES } from '../../src/nlu/builtin/background-examples';
import { foldDiacritics } from '../../src/nlu/normalize';
import type { TrainingData } from '../../src/nlu/types';

/** One labelled message: its text, the expected intent, how it is typed, and whether it is Southern. */
export interface EvalItem {
  text: string;
  intent: string;
  style: string;
  southern?: boolean;
}

/** One file of the dev set: its name under test/nlu, what it is, and the fewest lines it holds. */
export interface DevFile {
  file: string;
  about: string;
  minLines: number;
}

/**
 * The dev set (`npm run eval:nlu -- --dev`), used to choose data and features: the one list of its
 * files, read by the evaluation, the parse benchmark and the tests. A new batch is added here (it
 * must share no message with the training data: `rasa-yaml.test.ts`). Never the frozen held-out set.
 * The fresh batches A–H, K, M, N and O that were here became training data in the fourteenth round
 * (`bots/dongthap-1022/nlu-citizens.yml`).
 */
export const DEV_FILES: readonly DevFile[] = [{ file: 'dev.jsonl', about: 'the dev set (test/nlu/dev.jsonl)', minLines: 280 }];

/** The older held-out set (test/nlu/heldout.jsonl): once used for tuning, so dev data too, though not in `--dev`. */
export const OLD_HELDOUT_FILE = 'heldout.jsonl';

/** Every file of dev data: the dev set's files and the older held-out set. */
export const ALL_DEV_FILES: readonly string[] = [...DEV_FILES.map((f) => f.file), OLD_HELDOUT_FILE];

/** The frozen held-out set: scored, never read by whoever tunes the engine. */
export const FROZEN_FILE = 'frozen/heldout.jsonl';

/** The untouched batches (`untouched/batch-*.jsonl`), by their paths under test/nlu. */
export function untouchedFiles(): string[] {
  return readdirSync(join(__dirname, 'untouched'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => `untouched/${f}`);
}

/**
 * A message as the engine tells messages apart: case, accents and punctuation aside ("Xin chào!" is
 * "xin chao"); an emoji-only message is kept as written. Sets are compared with it (no dev or
 * untouched message may equal a training example).
 */
export function messageKey(text: string): string {
  const k = foldDiacritics(text.normalize('NFC').toLowerCase())
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return k || text.trim();
}

/** The items of a set, by its path under test/nlu ("dev.jsonl", "frozen/heldout.jsonl"). */
export function readEvalSet(file: string): EvalItem[] {
  return readFileSync(join(__dirname, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalItem);
}

/** The `messageKey`s of a set's messages, by its path under test/nlu (only keys: nothing is shown). */
export function setKeys(file: string): string[] {
  return readEvalSet(file).map((i) => messageKey(i.text));
}

/** The `messageKey`s of the training examples and of the engine's built-in out-of-domain examples. */
export function trainingKeys(data: TrainingData): string[] {
  return [...data.intents.flatMap((i) => i.examples.map(messageKey)), ...BACKGROUND_EXAMPLES.map(messageKey)];
}
