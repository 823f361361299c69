/** `npm run nlu:adopt-batch`: a batch of citizens' messages becomes training data in nlu-citizens.yml. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendExamples } from '../../scripts/nlu-adopt-batch';
import { loadTrainingData } from '../../src/nlu';
import { parseRasaNluYaml } from '../../src/nlu/rasa-yaml';
import { tempDirs } from '../support/temp-dirs';
import { readEvalSet, untouchedFiles } from './eval-sets';

const ROOT = join(__dirname, '../..');
const BOT_DIR = join(ROOT, 'bots/dongthap-1022');
const tempDir = tempDirs('adopt-batch-');

const SAMPLE = `# a comment kept
version: "3.1"
nlu:
- intent: tt_khai_sinh
  examples: |
    - làm khai sinh
- intent: chao_hoi
  examples: |
    - chào
`;

describe('appendExamples', () => {
  test("appends under each intent's block, keeps the rest of the file, and opens a block for a new intent", () => {
    const out = appendExamples(
      SAMPLE,
      new Map([
        ['tt_khai_sinh', ['khai sanh cho con ở đâu']],
        ['chao_hoi', ['alo ad']],
        ['out_of_scope', ['giá vàng hôm nay']],
      ]),
    );
    expect(out.startsWith('# a comment kept\n')).toBe(true);
    expect(parseRasaNluYaml(out).intents).toEqual([
      { name: 'tt_khai_sinh', examples: ['làm khai sinh', 'khai sanh cho con ở đâu'] },
      { name: 'chao_hoi', examples: ['chào', 'alo ad'] },
      { name: 'out_of_scope', examples: ['giá vàng hôm nay'] },
    ]);
  });

  test('leaves the bot file as it is when there is nothing to add', () => {
    const source = readFileSync(join(BOT_DIR, 'nlu-citizens.yml'), 'utf8');
    expect(appendExamples(source, new Map())).toBe(source);
  });
});

/** Runs the command on `lines` (a batch file of its own) against a copy of the bot's training files. */
function adopt(lines: readonly object[]): { bot: string; batch: string; stdout: string; stderr: string } {
  const bot = tempDir();
  for (const f of ['nlu.yml', 'nlu-citizens.yml']) copyFileSync(join(BOT_DIR, f), join(bot, f));
  const batch = join(tempDir(), 'batch-x.jsonl');
  writeFileSync(batch, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/nlu-adopt-batch.ts', batch], {
    cwd: ROOT,
    env: { ...process.env, BOT_DIR: bot },
    encoding: 'utf8',
  });
  return { bot, batch, stdout: r.stdout, stderr: r.stderr };
}

const exampleCount = (data: ReturnType<typeof loadTrainingData>): number => data.intents.reduce((n, i) => n + i.examples.length, 0);

test('the command adds new lines under their intents, leaves out known ones, and removes the batch', () => {
  const known = loadTrainingData(BOT_DIR).intents.find((i) => i.name === 'tt_tam_tru')!.examples[0];
  const lines = [
    { text: `${known.toUpperCase()}!!`, intent: 'tt_tam_tru', style: 'plain' },
    { text: 'mướn phòng trọ ở Sa Đéc thì đăng ký tạm trú online được hông mấy anh', intent: 'tt_tam_tru', style: 'southern' },
    { text: 'tối nay đá banh mấy giờ dzậy', intent: 'nlu_fallback', style: 'southern' },
  ];
  const r = adopt(lines);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^2 of 3 messages added .* \(1 equal to training, dev or earlier lines left out\)/);
  expect(existsSync(r.batch)).toBe(false);
  const before = loadTrainingData(BOT_DIR);
  const after = loadTrainingData(r.bot);
  const examples = (data: typeof before, intent: string) => data.intents.find((i) => i.name === intent)?.examples ?? [];
  expect(examples(after, 'tt_tam_tru')).toEqual([...examples(before, 'tt_tam_tru'), lines[1].text]);
  expect(examples(after, 'out_of_scope')).toEqual([...examples(before, 'out_of_scope'), lines[2].text]);
  expect(exampleCount(after)).toBe(exampleCount(before) + 2);
});

test('the command leaves out a line equal to a message of an untouched batch (the measures share nothing with the training data)', () => {
  // Read to be fed back, never shown: the line equal to a measure must not reach the training data.
  const measured = readEvalSet(untouchedFiles()[0])[0];
  const r = adopt([
    { text: measured.text, intent: measured.intent, style: measured.style },
    { text: 'cho hỏi làm lại thẻ bảo hiểm y tế bị mất ở xã được hông', intent: 'tt_the_bhyt', style: 'southern' },
  ]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(
    /^1 of 2 messages added .* \(0 equal to training, dev or earlier lines left out\); 1 equal to an untouched or frozen message left out;/,
  );
  expect(exampleCount(loadTrainingData(r.bot))).toBe(exampleCount(loadTrainingData(BOT_DIR)) + 1);
});
