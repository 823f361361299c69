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
import { BACKGROUND_EXAMPLES } from '../../src/nlu/builtin/background-examples';
import { readEvalSet } from './eval-sets';

const dir = join(__dirname, 'frozen');
const STYLES = new Set(['plain', 'no_diacritics', 'typos', 'teencode', 'mixed', 'southern', 'long']);
const key = (t: string): string => t.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

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
    const items = readEvalSet('frozen/heldout.jsonl');
    expect(items.length).toBeGreaterThanOrEqual(700);
    expect(items.filter((i) => !STYLES.has(i.style)).length).toBe(0);
    expect(items.filter((i) => i.style === 'long').length / items.length).toBeGreaterThanOrEqual(0.25);
    expect(items.filter((i) => i.style === 'southern' || i.southern).length / items.length).toBeGreaterThanOrEqual(0.2);
  });

  test('shares no message with the training data or the engine’s out-of-scope list (count only)', () => {
    const data = loadTrainingData(join(__dirname, '../../bots/dongthap-1022'));
    const training = new Set([...data.intents.flatMap((i) => i.examples.map(key)), ...BACKGROUND_EXAMPLES.map(key)]);
    const dev = ['dev.jsonl', 'dev-fresh-a.jsonl', 'dev-fresh-b.jsonl', 'dev-fresh-c.jsonl', 'dev-fresh-d.jsonl'].flatMap((f) =>
      readEvalSet(f).map((i) => key(i.text)),
    );
    const frozen = readEvalSet('frozen/heldout.jsonl').map((i) => key(i.text));
    expect({ inTraining: frozen.filter((t) => training.has(t)).length, inDevSet: frozen.filter((t) => dev.includes(t)).length }).toEqual({
      inTraining: 0,
      inDevSet: 0,
    });
  });
});
