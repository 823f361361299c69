/** The labelled message sets of the NLU tests (JSON Lines, one message a line), and the list of the dev files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * must share no message with nlu.yml: `rasa-yaml.test.ts`). Never the frozen held-out set.
 */
export const DEV_FILES: readonly DevFile[] = [
  { file: 'dev.jsonl', about: 'the dev set (test/nlu/dev.jsonl)', minLines: 280 },
  { file: 'dev-fresh-a.jsonl', about: 'the first fresh batch of December 5', minLines: 120 },
  { file: 'dev-fresh-b.jsonl', about: 'the second fresh batch of December 5', minLines: 80 },
  { file: 'dev-fresh-c.jsonl', about: 'the third fresh batch of December 5, studied', minLines: 140 },
  { file: 'dev-fresh-d.jsonl', about: 'the fourth fresh batch of December 5, scored twice', minLines: 90 },
  { file: 'dev-fresh-e.jsonl', about: 'the fifth fresh batch of December 5, studied', minLines: 200 },
  { file: 'dev-fresh-f.jsonl', about: 'the sixth fresh batch of December 5, scored twice, then studied', minLines: 110 },
  { file: 'dev-fresh-g.jsonl', about: 'the seventh fresh batch of December 5, scored on arrival, then studied', minLines: 190 },
  {
    file: 'dev-fresh-h.jsonl',
    about: 'the eighth fresh batch of December 5, scored twice (before and after the seventh round)',
    minLines: 120,
  },
  {
    file: 'dev-emergency-k.jsonl',
    about: 'emergency probes of December 5 in many voices, with near misses (to study: the engine answers 69 % of their emergencies)',
    minLines: 90,
  },
  {
    file: 'dev-fresh-m.jsonl',
    about: 'untouched batch M of December 5, scored before and after rounds 9 and 10, then studied in the eleventh round',
    minLines: 220,
  },
  {
    file: 'dev-fresh-n.jsonl',
    about: 'untouched batch N of December 5, scored before and after the eleventh round, then studied in the twelfth',
    minLines: 210,
  },
  {
    file: 'dev-fresh-o.jsonl',
    about: 'untouched batch O of December 5, scored before and after the twelfth round, then studied in the thirteenth',
    minLines: 220,
  },
];

/** The older held-out set (test/nlu/heldout.jsonl): once used for tuning, so dev data too, though not in `--dev`. */
export const OLD_HELDOUT_FILE = 'heldout.jsonl';

/** The items of a set, by its path under test/nlu ("dev.jsonl", "frozen/heldout.jsonl"). */
export function readEvalSet(file: string): EvalItem[] {
  return readFileSync(join(__dirname, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalItem);
}
