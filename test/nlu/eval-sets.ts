/** The labelled message sets of the NLU tests (JSON Lines, one message a line). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One labelled message: its text, the expected intent, how it is typed, and whether it is Southern. */
export interface EvalItem {
  text: string;
  intent: string;
  style: string;
  southern?: boolean;
}

/** The items of a set, by its path under test/nlu ("dev.jsonl", "frozen/heldout.jsonl"). */
export function readEvalSet(file: string): EvalItem[] {
  return readFileSync(join(__dirname, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalItem);
}
