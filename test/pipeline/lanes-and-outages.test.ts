/**
 * Deliveries run in their own lane and recover quickly from a provider outage, on both databases:
 * a slow provider does not hold up inbound processing, and after an outage the backlog drains
 * within seconds of the provider coming back, in order for each citizen.
 */
import { databaseKinds } from '../support/databases';
import { citizenMessage, withTestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;

describe.each(databaseKinds())('delivery lane on %s', (kind) => {
  test('a provider that takes 4 s per callback does not delay inbound processing', async () => {
    await withTestGateway({ kind, env: { WORKER_CONCURRENCY: '2', DELIVERY_CONCURRENCY: '2' } }, async (t) => {
      t.citizenApp.delayMs = 4_000;
      const citizens = Array.from({ length: 12 }, (_, i) => `slow-${i}`);
      const posted = Date.now();
      for (const u of citizens) await t.postCitizen(citizenMessage(u, 'thủ tục đăng ký khai sinh cần giấy tờ gì')).expect(200);
      // Every message is stored and decided (its receipt and answer queued) while the provider still holds the first deliveries.
      const decided = await waitForValue(
        async () =>
          (await t.gw.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type IN ('bot_decision', 'bot_silent')`))
            .rows[0].n,
        (n) => n >= citizens.length,
        20_000,
      );
      expect(decided).toBeGreaterThanOrEqual(citizens.length);
      expect(Date.now() - posted).toBeLessThan(3 * t.citizenApp.delayMs);
      expect(t.citizenApp.received.length).toBeLessThan(2 * citizens.length);
      t.citizenApp.delayMs = 0;
    });
  });

  test('after an outage the backlog drains within 10 s of recovery, in order per citizen', async () => {
    // Production-like backoff (1 s doubling, 60 s cap): without the probe the next tries would be many seconds away.
    await withTestGateway({ kind, delivery: { backoffBaseMs: 1_000, giveUpAfterMs: 120_000 } }, async (t) => {
      t.citizenApp.alwaysFail = 503;
      const citizens = Array.from({ length: 6 }, (_, i) => `outage-${i}`);
      for (const u of citizens) await t.postCitizen(citizenMessage(u, 'cho hỏi lệ phí làm hộ chiếu bao nhiêu')).expect(200);
      const backingOff = await waitForValue(
        async () =>
          (
            await t.gw.ctx.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM messages WHERE direction = 'out' AND status = 'queued' AND error IS NOT NULL`,
            )
          ).rows[0].n,
        (n) => n >= citizens.length,
      );
      expect(backingOff).toBeGreaterThanOrEqual(citizens.length);
      await new Promise((r) => setTimeout(r, 7_000));
      t.citizenApp.alwaysFail = null;
      const recovered = Date.now();
      const unsent = async () =>
        (
          await t.gw.ctx.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM messages WHERE direction = 'out' AND status NOT IN ('sent', 'delivered', 'read')`,
          )
        ).rows[0].n;
      expect(await waitForValue(unsent, (n) => n === 0, 10_000)).toBe(0);
      expect(Date.now() - recovered).toBeLessThan(10_000);
      for (const u of citizens) {
        const got = t.citizenApp.to(u);
        expect(got.length).toBeGreaterThanOrEqual(2);
        expect(got[0].text).toMatch(RECEIPT);
      }
    });
  });
});
