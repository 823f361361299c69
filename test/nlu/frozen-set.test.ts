/**
 * The frozen held-out set (test/nlu/frozen/heldout.jsonl) is the honest measure of the intent
 * engine: it must not change silently (its SHA-256 is committed beside it) and must stay apart from
 * the training data. Failures report counts only: the set's messages are not to be read while
 * tuning (see docs/nlu-eval.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrainingData } from '../../src/nlu';
import { ALL_DEV_FILES, FROZEN_FILE, readEvalSet, setKeys, trainingKeys, untouchedFiles } from './eval-sets';

const dir = join(__dirname, 'frozen');
const STYLES = new Set(['plain', 'no_diacritics', 'typos', 'teencode', 'mixed', 'southern', 'long']);

describe('frozen held-out set', () => {
  test('every file matches its SHA-256 in SHA256SUMS, and heldout.jsonl is listed', () => {
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^([0-9a-f]{64}) [ *]?(.+)$/.exec(l.trim()));
    expect(sums.every((m) => m !== null)).toBe(true);
    const files = sums.map((m) => m![2]);
    expect(files).toContain('heldout.jsonl');
    for (const m of sums) {
      const actual = createHash('sha256')
        .update(readFileSync(join(dir, m![2])))
        .digest('hex');
      expect({ file: m![2], sha256: actual }).toEqual({ file: m![2], sha256: m![1] });
    }
  });

  test('is large and varied enough to be the measure (≥ 700 lines, ≥ 25 % long, ≥ 20 % Southern), styles known', () => {
    const items = readEvalSet(FROZEN_FILE);
    expect(items.length).toBeGreaterThanOrEqual(700);
    expect(items.filter((i) => !STYLES.has(i.style)).length).toBe(0);
    expect(items.filter((i) => i.style === 'long').length / items.length).toBeGreaterThanOrEqual(0.25);
    expect(items.filter((i) => i.style === 'southern' || i.southern).length / items.length).toBeGreaterThanOrEqual(0.2);
  });

  // Until stop 29 this compared case and spaces only; with accents and punctuation aside it found six
  // short training lines (four in nlu.yml, two in nlu-citizens.yml) equal to frozen messages (counted,
  // never read): a script removed them from the training data, unseen.
  test('shares no message with the training data or the engine’s out-of-scope list, accents and punctuation aside (count only)', () => {
    const data = loadTrainingData(join(__dirname, '../../bots/dongthap-1022'));
    const training = new Set(trainingKeys(data));
    expect(setKeys(FROZEN_FILE).filter((t) => training.has(t)).length).toBe(0);
  });

  // The dev set was written apart from the frozen set; the batches from dev-fresh-e on (training data
  // since the fourteenth round, in nlu-citizens.yml) were first
  // compared with it in the seventh round, which found seven short messages in both (counted, never
  // read): they were removed from the dev files by a script, unseen. No dev file may hold one again.
  test('shares no message with a dev file (count only, never printed)', () => {
    const frozen = new Set(setKeys(FROZEN_FILE));
    const counts = Object.fromEntries(ALL_DEV_FILES.map((f) => [f, setKeys(f).filter((t) => frozen.has(t)).length]));
    expect(counts).toEqual(Object.fromEntries(ALL_DEV_FILES.map((f) => [f, 0])));
  });

  // Compared with accents and punctuation dropped (as a dev file is with the training data): "xin chao"
  // in a batch is "Xin chào!" in nlu.yml. Two batches once held such lines, found when they became dev files.
  test('the untouched batches share no message with the training data, a dev file, the frozen set or each other (count only)', () => {
    const data = loadTrainingData(join(__dirname, '../../bots/dongthap-1022'));
    const seen = new Set([...trainingKeys(data), ...[...ALL_DEV_FILES, FROZEN_FILE].flatMap(setKeys)]);
    const batches = untouchedFiles();
    expect(batches).toContain('untouched/batch-i.jsonl');
    const shared = Object.fromEntries(
      batches.map((f) => {
        const texts = setKeys(f);
        const n = texts.filter((t) => seen.has(t)).length;
        texts.forEach((t) => seen.add(t));
        return [f, n];
      }),
    );
    expect(shared).toEqual(Object.fromEntries(batches.map((f) => [f, 0])));
  });
});
