/**
 * Deliveries run in their own lane and recover quickly from a provider outage, on both databases:
 * a slow provider does not hold up inbound processing, and after an outage the backlog drains
 * within seconds of the provider coming back, in order for each citizen. Under a webhook flood the
 * acknowledgements come first: new processing waits for it to ebb, deliveries go on. A provider
 * that does not answer holds only its channel's share of the delivery lane.
 */
import { startFakeZalo } from '../fakes/fake-zalo';
import { databaseKinds } from '../support/databases';
import { citizenMessage, withTestGateway } from '../support/gateway';
import { PIPELINE_ZALO, zaloSettings } from '../support/provider-settings';
import { postZalo, zaloTextEvent } from '../support/provider-webhooks';
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

  test("a provider that does not answer holds only its channel's share of the lane: Zalo replies go out meanwhile", async () => {
    const zalo = await startFakeZalo(PIPELINE_ZALO);
    try {
      // A lane of 4: one channel may hold 3 of them (DELIVERY_PER_CHANNEL's default, three quarters).
      await withTestGateway({ kind, env: { DELIVERY_CONCURRENCY: '4', ...zaloSettings(PIPELINE_ZALO, zalo) } }, async (t) => {
        let release = () => {};
        t.citizenApp.hold = new Promise<void>((r) => (release = r));
        try {
          const citizens = Array.from({ length: 6 }, (_, i) => `held-${i}`);
          for (const u of citizens) await t.postCitizen(citizenMessage(u, 'xin chào')).expect(200);
          await waitForValue(
            async () => t.citizenApp.attempts,
            (n) => n >= 3,
          );
          const zaloUser = '8421057733690412';
          await postZalo(
            t.app,
            PIPELINE_ZALO,
            zaloTextEvent(PIPELINE_ZALO.appId, zaloUser, '2974318543902785381', `zmsg-held-${kind}`, 'xin chào'),
          ).expect(200);
          const toZalo = async () => zalo.calls('/v3.0/oa/message/cs').filter((r) => r.json.recipient.user_id === zaloUser).length;
          // Receipt and answer, while e-DongThap still holds its calls.
          expect(await waitForValue(toZalo, (n) => n >= 2, 15_000)).toBeGreaterThanOrEqual(2);
          expect(t.citizenApp.attempts).toBe(3);
          expect(t.citizenApp.received).toHaveLength(0);
        } finally {
          release();
        }
        await waitForValue(
          async () => t.citizenApp.received.length,
          (n) => n >= 12,
          20_000,
        );
        expect(zalo.violations).toEqual([]);
      });
    } finally {
      await zalo.close();
    }
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

  test('a webhook flood holds back new processing, not deliveries, and processing resumes as soon as it ebbs', async () => {
    await withTestGateway({ kind, env: { INTAKE_PRIORITY_MS: '60000' } }, async (t) => {
      const { db, intake, metrics } = t.gw.ctx;
      const inboundJobs = async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'inbound'`)).rows[0].n;
      // A citizen whose answer is decided and on its way (the provider is slow) when the flood starts.
      t.citizenApp.delayMs = 1_500;
      await t.postCitizen(citizenMessage('before-flood', 'cho hỏi lệ phí làm hộ chiếu bao nhiêu')).expect(200);
      await waitForValue(inboundJobs, (n) => n === 0);
      // Eight webhooks in flight: this node cannot keep up with what arrives.
      for (let i = 0; i < 8; i++) intake.enter();
      try {
        await t.postCitizen(citizenMessage('in-flood', 'thủ tục đăng ký khai sinh cần giấy tờ gì')).expect(200);
        // What was decided before goes out during the flood; the new message is stored, not processed.
        const sent = await waitForValue(
          async () => t.citizenApp.to('before-flood').length,
          (n) => n >= 2,
        );
        expect(sent).toBeGreaterThanOrEqual(2);
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await inboundJobs()).toBe(1);
        expect(t.citizenApp.to('in-flood')).toHaveLength(0);
      } finally {
        for (let i = 0; i < 8; i++) intake.leave();
      }
      t.citizenApp.delayMs = 0;
      const answered = await waitForValue(
        async () => t.citizenApp.to('in-flood').length,
        (n) => n >= 2,
      );
      expect(t.citizenApp.to('in-flood')[0].text).toMatch(RECEIPT);
      expect(answered).toBeGreaterThanOrEqual(2);
      const yields = (await metrics.intakeYields.get()).values[0]?.value ?? 0;
      expect(yields).toBeGreaterThan(0);
    });
  });
});
