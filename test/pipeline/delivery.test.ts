/**
 * Delivery guarantees on both databases: retries with backoff on 5xx and 429 (Retry-After),
 * permanent failure once the give-up time has passed, crash-resume with exactly one receipt, and
 * the records of deliveries finishing together written in shared statements (group commit).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countStatements, databaseKinds, freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { citizenMessage, EDT_SECRET, startTestGateway } from '../support/gateway';
import { FakeEdongthap } from '../fakes/fake-edongthap';
import { openDatabase } from '../../src/db/database';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;

describe.each(databaseKinds())('delivery on %s', (kind) => {
  test('retryable failures are retried until the callback accepts; one copy arrives', async () => {
    // Three failures, each retried at the delivery lane's next poll (≤ 0.5 s): the test gateways'
    // 2 s give-up could run out first on a loaded machine, and this test is not about giving up.
    const t = await startTestGateway({ kind, delivery: { giveUpAfterMs: 60_000 } });
    try {
      t.citizenApp.failures = [{ status: 503 }, { status: 429, retryAfter: '0' }, { status: 500 }];
      await t.postCitizen(citizenMessage('u-retry', 'xin chào')).expect(200);
      await t.citizenApp.waitFor(() => t.citizenApp.to('u-retry').some((m) => RECEIPT.test(m.text)));
      await new Promise((r) => setTimeout(r, 300));
      expect(t.citizenApp.to('u-retry').filter((m) => RECEIPT.test(m.text))).toHaveLength(1);
      const row = await t.gw.ctx.db.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM messages WHERE purpose = 'receipt'`,
      );
      expect(row.rows[0].status).toBe('sent');
      expect(row.rows[0].attempts).toBe(4);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });

  test('a message is written twice on its way out: queued until its attempt ends, then sent with the attempt counted', async () => {
    const t = await startTestGateway({ kind, delivery: { giveUpAfterMs: 60_000 } });
    try {
      let release = () => {};
      t.citizenApp.hold = new Promise<void>((r) => (release = r));
      await t.postCitizen(citizenMessage('u-twice', 'xin chào')).expect(200);
      const until = Date.now() + 30_000;
      while (t.citizenApp.attempts < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const receipt = `SELECT status, attempts FROM messages WHERE purpose = 'receipt'`;
      // The provider holds the call: the claim that started it did not write the message.
      expect((await t.gw.ctx.db.query(receipt)).rows).toEqual([{ status: 'queued', attempts: 0 }]);
      release();
      await t.citizenApp.waitFor(() => t.citizenApp.to('u-twice').some((m) => RECEIPT.test(m.text)));
      const deadline = Date.now() + 10_000;
      let rows: unknown[] = [];
      while (Date.now() < deadline) {
        rows = (await t.gw.ctx.db.query(receipt)).rows;
        if ((rows[0] as { status: string }).status === 'sent') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(rows).toEqual([{ status: 'sent', attempts: 1 }]);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });

  test('a callback that keeps failing marks the message failed with the reason', async () => {
    const t = await startTestGateway({ kind, delivery: { giveUpAfterMs: 2_000, backoffBaseMs: 10 } });
    try {
      t.citizenApp.alwaysFail = 500;
      await t.postCitizen(citizenMessage('u-fail', 'xin chào')).expect(200);
      // About 2.6 s on a quiet machine (seven attempts, then given up after 2 s); a loaded CI
      // machine running PGlite beside other suites once needed more than 10.
      const until = Date.now() + 30_000;
      let rows: { status: string; error: string | null }[] = [];
      while (Date.now() < until) {
        rows = (
          await t.gw.ctx.db.query<{ status: string; error: string | null }>(
            `SELECT status, error FROM messages WHERE direction = 'out' AND purpose = 'receipt'`,
          )
        ).rows;
        if (rows[0]?.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (rows[0]?.status !== 'failed')
        throw new Error(`the receipt is ${rows[0]?.status} after 30 s; the gateway's last warnings:\n${t.recentLogs()}`);
      expect(rows[0].error).toMatch(/HTTP 500/);
      expect(t.citizenApp.attempts).toBeGreaterThanOrEqual(3);
      const ev = await t.gw.ctx.db.query(`SELECT 1 FROM events WHERE type = 'delivery_failed'`);
      expect(ev.rowCount).toBeGreaterThan(0);
      const metrics = await t.gw.ctx.metrics.registry.getSingleMetricAsString('cong1022_messages_out_total');
      expect(metrics).toMatch(/outcome="failed"/);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });

  test('deliveries finishing together are recorded in shared statements: each message sent once, logged, its job removed', async () => {
    const t = await startTestGateway({ kind, delivery: { giveUpAfterMs: 60_000 } });
    try {
      // The receipts of a burst are held at the provider, then answered at once: their deliveries finish together.
      let release = () => {};
      t.citizenApp.hold = new Promise<void>((r) => (release = r));
      const db = t.gw.ctx.db;
      const records = countStatements(db, 'AS (id uuid, parts int, provider_id text, job_id bigint)');
      // 9: as many deliveries of one channel as run at once on PGlite (three quarters of its lane of 12).
      const users = Array.from({ length: 9 }, (_, i) => `u-group-${i}`);
      await Promise.all(users.map((u) => t.postCitizen(citizenMessage(u, 'xin chào')).expect(200)));
      const until = Date.now() + 30_000;
      while (t.citizenApp.attempts < users.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      release();
      await t.citizenApp.waitFor(() => users.every((u) => t.citizenApp.to(u).length >= 2), 30_000);
      await new Promise((r) => setTimeout(r, 500));
      const out = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM messages WHERE direction = 'out' GROUP BY status`,
      );
      const sent = out.rows.find((r) => r.status === 'sent')?.n ?? 0;
      expect(out.rows).toEqual([{ status: 'sent', n: sent }]);
      expect(sent).toBe(t.citizenApp.received.length);
      for (const u of users) expect(t.citizenApp.to(u).filter((m) => RECEIPT.test(m.text))).toHaveLength(1);
      const logged = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE type IN ('receipt_sent', 'message_sent', 'ticket_receipt_sent')`,
      );
      expect(logged.rows[0].n).toBe(sent);
      expect((await db.query(`SELECT kind FROM jobs`)).rows).toEqual([]);
      console.log(`${kind}: ${sent} messages sent, recorded in ${records.count} statements`);
      expect(records.count).toBeLessThan(sent);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });

  test('work cut off by a crash resumes on restart; exactly one receipt arrives', async () => {
    // PGlite runs from disk here, as `npm start` does, so each "life" reopens the same files.
    const databaseUrl = kind === 'pglite' ? '' : await freshDatabaseUrl(kind);
    const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-crash-'));
    const citizenApp = new FakeEdongthap(EDT_SECRET);
    (citizenApp as FakeEdongthap & { url?: string }).url = await citizenApp.start();
    const life = (env: Record<string, string> = {}) =>
      startTestGateway({ kind, citizenApp, databaseUrl, dataDir, env, listen: false, delivery: { backoffBaseMs: 100 } });
    try {
      // 1st life: stored and acknowledged, then the process dies before processing.
      const first = await life({ WORKER_CONCURRENCY: '0' });
      await first.postCitizen(citizenMessage('u-crash', 'xin chào')).expect(200);
      await first.stop({ keepData: true });
      expect(citizenApp.received).toHaveLength(0);

      // 2nd life: processed, but the callback is down; it dies with the receipt still undelivered.
      citizenApp.alwaysFail = 503;
      const second = await life();
      const until = Date.now() + 10_000;
      while (citizenApp.attempts === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await second.stop({ keepData: true });
      expect(citizenApp.attempts).toBeGreaterThan(0);
      expect(citizenApp.received).toHaveLength(0);

      // 3rd life: the callback is back; the pending delivery completes, once.
      citizenApp.alwaysFail = null;
      const third = await life();
      try {
        await citizenApp.waitFor(() => citizenApp.to('u-crash').some((m) => RECEIPT.test(m.text)), 15_000);
        await new Promise((r) => setTimeout(r, 500));
        expect(citizenApp.to('u-crash').filter((m) => RECEIPT.test(m.text))).toHaveLength(1);
        const inbound = await third.gw.ctx.db.query(`SELECT 1 FROM messages WHERE direction = 'in'`);
        expect(inbound.rowCount).toBe(1);
      } finally {
        await third.stop();
      }
    } finally {
      await citizenApp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

test('the embedded database (PGlite) survives a restart from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgl-'));
  // Created from the suites' migrated image: an empty cluster costs an initdb (test/knowledge/export-db.test.ts makes one).
  const a = await openTestDatabase('', dir);
  await a.query('CREATE TABLE t (x int)');
  await a.query('INSERT INTO t VALUES (42)');
  await a.close();
  const b = await openDatabase(undefined, dir);
  expect((await b.query<{ x: number }>('SELECT x FROM t')).rows).toEqual([{ x: 42 }]);
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});
