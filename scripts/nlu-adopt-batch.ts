/**
 * A batch of citizens' messages that stops being a measure becomes training data: its lines are
 * appended to `$BOT_DIR/nlu-citizens.yml` (default bots/dongthap-1022), each under its intent's
 * block (`nlu_fallback` lines as `out_of_scope`), and the batch file is removed.
 *
 *   npm run nlu:adopt-batch -- test/nlu/untouched/batch-p.jsonl [more.jsonl …]
 *
 * A line equal to a training example, a dev line or an earlier line (case, accents and punctuation
 * aside: `messageKey`) is left out, as `rasa-yaml.test.ts` requires, and so is a line equal to a
 * message of another untouched batch or of the frozen set (`frozen-set.test.ts`: the measures share
 * nothing with the training data; compared by key, never shown). Only counts are printed: the
 * lines themselves are not shown. An intent the training data does not know stops the script
 * before anything is written. See test/nlu/untouched/README.md for when a batch is adopted.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTrainingData } from '../src/nlu';
import { FALLBACK_INTENT, OUT_OF_SCOPE_INTENT } from '../src/nlu/types';
import { ALL_DEV_FILES, FROZEN_FILE, messageKey, setKeys, trainingKeys, untouchedFiles, type EvalItem } from '../test/nlu/eval-sets';

const BOT_DIR = process.env.BOT_DIR ?? 'bots/dongthap-1022';
const CITIZENS_FILE = join(BOT_DIR, 'nlu-citizens.yml');

function readBatch(path: string): EvalItem[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const item = JSON.parse(l) as Partial<EvalItem>;
      if (typeof item.text !== 'string' || typeof item.intent !== 'string') throw new Error(`${path}:${i + 1}: not {"text", "intent", …}`);
      return item as EvalItem;
    });
}

/** `source` with `lines` appended to each intent's `examples: |` block (a new block at the end for a new intent). */
export function appendExamples(source: string, added: ReadonlyMap<string, readonly string[]>): string {
  let out = source.endsWith('\n') ? source : `${source}\n`;
  for (const [intent, texts] of added) {
    const header = new RegExp(`^(\\s*)- intent: ${intent}\\n\\s*examples: \\|\\n`, 'm');
    const found = header.exec(out);
    const indent = found ? `${found[1]}  ` : '  ';
    const lines = texts.map((t) => `${indent}  - ${t}\n`).join('');
    if (!found) {
      out += `- intent: ${intent}\n  examples: |\n${lines}`;
      continue;
    }
    // The block ends where a line is indented no deeper than its "- intent:" line.
    const start = found.index + found[0].length;
    const rest = out.slice(start);
    const end = rest.search(new RegExp(`^(?!${indent}  )`, 'm'));
    const at = start + (end < 0 ? rest.length : end);
    out = out.slice(0, at) + lines + out.slice(at);
  }
  return out;
}

function main(): void {
  const batches = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (batches.length === 0) throw new Error('usage: npm run nlu:adopt-batch -- <batch.jsonl> [more.jsonl …]');
  const training = loadTrainingData(BOT_DIR);
  const known = new Set(training.intents.map((i) => i.name));
  const seen = new Set([...trainingKeys(training), ...ALL_DEV_FILES.flatMap(setKeys)]);
  // The measures stay apart from the training data (frozen-set.test.ts): the other untouched
  // batches and the frozen set, compared by key only.
  const adopted = new Set(batches.map((b) => resolve(b)));
  const measures = new Set(
    [...untouchedFiles().filter((f) => !adopted.has(resolve(__dirname, '../test/nlu', f))), FROZEN_FILE].flatMap(setKeys),
  );
  const added = new Map<string, string[]>();
  const counts = { read: 0, added: 0, alreadyThere: 0, measures: 0 };
  for (const path of batches) {
    for (const item of readBatch(path)) {
      counts.read++;
      const intent = item.intent === FALLBACK_INTENT ? OUT_OF_SCOPE_INTENT : item.intent;
      if (!known.has(intent)) throw new Error(`${path}: intent ${item.intent} is not in the training data; nothing written`);
      const text = item.text.replace(/\s+/g, ' ').trim();
      const key = messageKey(text);
      if (seen.has(key)) {
        counts.alreadyThere++;
        continue;
      }
      if (measures.has(key)) {
        counts.measures++;
        continue;
      }
      seen.add(key);
      const list = added.get(intent);
      if (list) list.push(text);
      else added.set(intent, [text]);
      counts.added++;
    }
  }
  writeFileSync(CITIZENS_FILE, appendExamples(readFileSync(CITIZENS_FILE, 'utf8'), added));
  for (const path of batches) rmSync(path);
  process.stdout.write(
    `${counts.added} of ${counts.read} messages added to ${CITIZENS_FILE} (${counts.alreadyThere} equal to training, dev or earlier lines left out); ` +
      `${counts.measures} equal to an untouched or frozen message left out; removed ${batches.join(', ')}\n`,
  );
}

if (require.main === module) main();
