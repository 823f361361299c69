/**
 * `npm run fuzz`, small: mutated, correctly signed payloads posted to every webhook of a running
 * gateway (e-DongThap, Zalo, Messenger, with fake providers) on PGlite and PostgreSQL. Targets: no
 * 5xx answer, no stored payload that then fails for good (a dead letter).
 */
import { fuzzChannels, mutate, runFuzz } from '../../scripts/fuzz';
import { seededRandom } from '../../src/seeded-random';
import { databaseKinds } from '../support/databases';
import { EDT_SECRET, startTestGateway } from '../support/gateway';
import { facebookSettings, PIPELINE_FACEBOOK, PIPELINE_ZALO, zaloSettings } from '../support/provider-settings';
import { startFakeGraph } from '../fakes/fake-graph';
import { startFakeZalo } from '../fakes/fake-zalo';

test('mutations are deterministic for a seed and change the payload', () => {
  const seed = { a: { b: [1, 2, { c: 'x' }] }, d: 'y' };
  const one = mutate(seed, seededRandom(7));
  expect(mutate(seed, seededRandom(7))).toEqual(one);
  const changed = Array.from({ length: 20 }, (_, i) => JSON.stringify(mutate(seed, seededRandom(i))) !== JSON.stringify(seed));
  expect(changed.filter(Boolean).length).toBeGreaterThan(15);
  expect(seed).toEqual({ a: { b: [1, 2, { c: 'x' }] }, d: 'y' }); // the seed itself is never changed
});

describe.each(databaseKinds())('webhook fuzzing on %s', (kind) => {
  test('no 5xx and no stored payload that cannot be processed', async () => {
    const zalo = await startFakeZalo({ ...PIPELINE_ZALO });
    const graph = await startFakeGraph({ pageAccessToken: PIPELINE_FACEBOOK.pageAccessToken, version: PIPELINE_FACEBOOK.graphVersion });
    const env = { ...zaloSettings(PIPELINE_ZALO, zalo), ...facebookSettings(PIPELINE_FACEBOOK, graph), WEBHOOK_PER_MINUTE: '0' };
    const t = await startTestGateway({ kind, env });
    try {
      const channels = fuzzChannels({ ...env, EDONGTHAP_SECRET: EDT_SECRET });
      expect(channels.map((c) => c.channel)).toEqual(['edongthap', 'zalo', 'facebook']);
      const report = await runFuzz({ baseUrl: t.url, channels, count: 150, seed: kind === 'pglite' ? 1 : 2, db: t.gw.ctx.db });
      expect(report.failures).toEqual([]);
      expect(report.serverErrors).toBe(0);
      expect(report.deadLetters).toBe(0);
      expect(report.sent).toBe(150);
      // Both kinds of answer happen: refusals and stored events.
      expect(report.byStatus['200']).toBeGreaterThan(0);
      expect((report.byStatus['400'] ?? 0) + (report.byStatus['401'] ?? 0)).toBeGreaterThan(0);
      expect(report.stored).toBeGreaterThan(0);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
      await zalo.close();
      await graph.close();
    }
  }, 180_000);
});
