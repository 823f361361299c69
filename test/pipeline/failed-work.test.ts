/**
 * What the pipeline cannot finish is visible and recoverable, on both databases: an inbound payload
 * that can never be processed becomes a dead letter at once (no hour of retries) without holding up
 * the citizen's next message; a reply that failed for good can be re-sent by an operator, also when
 * its delivery was given up by the job queue rather than by the dispatcher.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeEdongthap } from '../fakes/fake-edongthap';
import { databaseKinds, freshDatabaseUrl } from '../support/databases';
import { citizenMessage, EDT_SECRET, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';
import type { Queryable } from '../../src/db/database';
import { enqueueJob } from '../../src/jobs/queue';
import { storeInbound } from '../../src/pipeline/intake';
import { deliveryJob } from '../../src/pipeline/outbound';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;

/** The outbound messages to one citizen of the citizen app, oldest first. */
async function repliesTo(db: Queryable, user: string) {
  const r = await db.query<{ id: string; conversationId: string; channel: string; status: string; error: string | null }>(
    `SELECT m.id, m.conversation_id AS "conversationId", m.channel, m.status, m.error
     FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE c.external_user_id = $1 AND m.direction = 'out' ORDER BY m.created_at, m.id`,
    [user],
  );
  return r.rows;
}

/** The reasons logged for the failed deliveries of these messages. */
async function loggedFailures(db: Queryable, messageIds: string[]): Promise<string[]> {
  const r = await db.query<{ reason: string }>(
    `SELECT data->>'reason' AS reason FROM events WHERE type = 'delivery_failed' AND data->>'messageId' = ANY($1::text[]) ORDER BY id`,
    [messageIds],
  );
  return r.rows.map((row) => row.reason);
}

describe.each(databaseKinds())('failed work on %s', (kind) => {
  let t: TestGateway;
  let auth: string;
  beforeAll(async () => {
    t = await startTestGateway({ kind, delivery: { backoffBaseMs: 20, giveUpAfterMs: 1_000 } });
    auth = await t.login();
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });

  const deadLetters = async () =>
    (await request(t.app).get('/api/dead-letters').set('authorization', auth).expect(200)).body as {
      reason: string;
      attempts: number;
      channel: string;
    }[];

  const storedEvents = async () => (await t.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_events')).rows[0].n;

  test.each([
    ['a NUL character in the text', { text: 'xin chào\u0000 cán bộ' }],
    ['text that is not a string', { text: { nested: ['not', 'text'] } }],
    ['a timestamp out of any date range', { text: 'xin chào', timestamp: 1e20 }],
    ['deep nesting', { text: 'xin chào', extra: JSON.parse('['.repeat(500) + ']'.repeat(500)) }],
  ])('signed but %s: refused with 400 and not stored; the next message is answered', async (_what, poison) => {
    const user = `poison-${Math.random().toString(36).slice(2, 8)}`;
    const before = await storedEvents();
    const res = await t.postCitizen(citizenMessage(user, 'x', poison)).expect(400);
    expect(res.body.error).toEqual(expect.any(String));
    expect(await storedEvents()).toBe(before);
    await t.postCitizen(citizenMessage(user, 'cho hỏi làm căn cước ở đâu')).expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to(user).some((m) => RECEIPT.test(m.text)), 15_000, `the receipt for ${user}`);
  });

  test('a stored event that fails in processing is a dead letter after one attempt, and the next message is still answered', async () => {
    // Stored before today's intake checks existed (or by a channel without them): the NUL fails at the database.
    const user = 'dead-letter-1';
    const body = Buffer.from(JSON.stringify({ ...citizenMessage(user, 'xin chào\u0000 cán bộ') }));
    expect(
      await storeInbound(t.gw.ctx.db, {
        channel: 'edongthap',
        dedupeKey: 'dl-1',
        orderingKey: user,
        contentType: 'application/json',
        body,
      }),
    ).toBe(true);
    t.gw.ctx.wake();
    await t.postCitizen(citizenMessage(user, 'cho hỏi làm căn cước ở đâu')).expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to(user).some((m) => RECEIPT.test(m.text)), 15_000, `the receipt for ${user}`);
    const letters = await waitForValue(deadLetters, (l) => l.length > 0);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ channel: 'edongthap', attempts: 1 });
    expect(letters[0].reason).toMatch(/^dead letter: /);
  });

  test('a reply that failed for good is listed, re-sent by an operator, delivered and logged; a second re-send is refused', async () => {
    t.citizenApp.alwaysFail = 503;
    await t.postCitizen(citizenMessage('resend-1', 'xin chào')).expect(200);
    const failed = await waitForValue(
      async () =>
        (await request(t.app).get('/api/deliveries/failed?channel=edongthap').set('authorization', auth).expect(200)).body as {
          messageId: string;
          purpose: string;
          error: string;
        }[],
      (rows) => rows.some((r) => r.purpose === 'receipt'),
    );
    const receipt = failed.find((r) => r.purpose === 'receipt');
    if (!receipt) throw new Error(`no failed receipt listed within 15 s; the gateway's last warnings:\n${t.recentLogs()}`);
    expect(receipt.error).toMatch(/HTTP 503/);
    t.citizenApp.alwaysFail = null;
    await request(t.app).post(`/api/messages/${receipt.messageId}/resend`).set('authorization', auth).expect(202);
    await t.citizenApp.waitFor(() => t.citizenApp.to('resend-1').some((m) => RECEIPT.test(m.text)), 15_000, 'the re-sent receipt');
    const status = await waitForValue(
      async () =>
        (await t.gw.ctx.db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [receipt.messageId])).rows[0].status,
      (s) => s === 'sent',
    );
    expect(status).toBe('sent');
    const logged = await t.gw.ctx.db.query<{ actor_kind: string }>(
      `SELECT actor_kind FROM events WHERE type = 'delivery_resent' AND data->>'messageId' = $1`,
      [receipt.messageId],
    );
    expect(logged.rows).toEqual([{ actor_kind: 'admin' }]);
    await request(t.app).post(`/api/messages/${receipt.messageId}/resend`).set('authorization', auth).expect(409);
    await request(t.app).post('/api/messages/not-a-uuid/resend').set('authorization', auth).expect(400);
  });
  test('a delivery given up by the job queue, not by its dispatcher (its send could not be recorded), fails its messages: listed and logged', async () => {
    const record = t.gw.ctx.recordSent;
    t.gw.ctx.recordSent = () => Promise.reject(new Error('the record of the send was refused'));
    let replies: Awaited<ReturnType<typeof repliesTo>>;
    try {
      await t.postCitizen(citizenMessage('abandoned-1', 'xin chào')).expect(200);
      replies = await waitForValue(
        () => repliesTo(t.gw.ctx.db, 'abandoned-1'),
        (rows) => rows.length > 0 && rows.every((r) => r.status === 'failed'),
      );
    } finally {
      t.gw.ctx.recordSent = record;
    }
    if (!replies.length || replies.some((r) => r.status !== 'failed'))
      throw new Error(`replies not failed within 15 s: ${JSON.stringify(replies)}; the gateway's last warnings:\n${t.recentLogs()}`);
    for (const r of replies) expect(r.error).toBe('job_failed: hết thời hạn gửi lại, lỗi cuối: the record of the send was refused');
    const ids = replies.map((r) => r.id);
    expect(await loggedFailures(t.gw.ctx.db, ids)).toEqual(
      replies.map(() => 'job_failed: hết thời hạn gửi lại, lỗi cuối: the record of the send was refused'),
    );
    const listed = (await request(t.app).get('/api/deliveries/failed?channel=edongthap').set('authorization', auth).expect(200)).body as {
      messageId: string;
    }[];
    expect(listed.map((l) => l.messageId)).toEqual(expect.arrayContaining(ids));
    // Re-sent by an operator, the receipt goes out now that the send is recorded.
    const receipt = ids[0];
    await request(t.app).post(`/api/messages/${receipt}/resend`).set('authorization', auth).expect(202);
    const status = await waitForValue(
      async () => (await t.gw.ctx.db.query<{ status: string }>('SELECT status FROM messages WHERE id = $1', [receipt])).rows[0].status,
      (s) => s === 'sent',
    );
    expect(status).toBe('sent');
  });
});

describe.each(databaseKinds())('deliveries given up before this check existed, on %s', (kind) => {
  test('their unsent messages are failed at the next start, listed and logged; a message re-sent meanwhile is left to its own job', async () => {
    // PGlite runs from disk here, as `npm start` does, so both lives open the same files.
    const databaseUrl = kind === 'pglite' ? '' : await freshDatabaseUrl(kind);
    const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-abandoned-'));
    const citizenApp = new FakeEdongthap(EDT_SECRET);
    (citizenApp as FakeEdongthap & { url?: string }).url = await citizenApp.start();
    // Slow backoff: after its first attempt each delivery waits, pending.
    const life = () =>
      startTestGateway({
        kind,
        citizenApp,
        databaseUrl,
        dataDir,
        listen: false,
        delivery: { giveUpAfterMs: 60_000, backoffBaseMs: 60_000 },
      });
    try {
      citizenApp.alwaysFail = 503;
      const first = await life();
      const db = first.gw.ctx.db;
      await first.postCitizen(citizenMessage('left-1', 'xin chào')).expect(200);
      await first.postCitizen(citizenMessage('left-2', 'xin chào')).expect(200);
      const tried = await waitForValue(
        async () =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM jobs WHERE kind = 'deliver' AND state = 'pending' AND attempts > 0`,
            )
          ).rows[0].n,
        (n) => n === 2,
      );
      expect(tried).toBe(2);
      for (const lane of first.gw.lanes) await lane.stop();
      // What the old give-up race left: the jobs failed, their messages still queued.
      await db.query(`UPDATE jobs SET state = 'failed', locked_by = NULL, locked_until = NULL WHERE kind = 'deliver'`);
      const left1 = await repliesTo(db, 'left-1');
      const left2 = await repliesTo(db, 'left-2');
      expect([...left1, ...left2].map((m) => m.status)).toEqual([...left1, ...left2].map(() => 'queued'));
      // left-2's replies were re-sent meanwhile: a live job of their own.
      const resend = deliveryJob(
        left2[0].conversationId,
        left2[0].channel,
        left2.map((m) => m.id),
        { giveUpAfterMs: 60_000 },
      );
      await enqueueJob(db, resend.kind, resend.orderingKey, resend.payload, { giveUpAfterMs: resend.giveUpAfterMs });
      await first.stop({ keepData: true });

      citizenApp.alwaysFail = null;
      const second = await life();
      try {
        const after1 = await repliesTo(second.gw.ctx.db, 'left-1');
        expect(after1.map((m) => m.status)).toEqual(left1.map(() => 'failed'));
        for (const m of after1) expect(m.error).toMatch(/^job_failed: hết thời hạn gửi lại, lỗi cuối: HTTP 503/);
        expect(
          await loggedFailures(
            second.gw.ctx.db,
            after1.map((m) => m.id),
          ),
        ).toHaveLength(after1.length);
        const auth = await second.login();
        const listed = (await request(second.app).get('/api/deliveries/failed').set('authorization', auth).expect(200)).body as {
          messageId: string;
        }[];
        expect(listed.map((l) => l.messageId).sort()).toEqual(after1.map((m) => m.id).sort());
        // left-2's live job sends them, once.
        await citizenApp.waitFor(() => citizenApp.to('left-2').some((m) => RECEIPT.test(m.text)), 15_000, 'the re-sent receipt');
        const after2 = await waitForValue(
          () => repliesTo(second.gw.ctx.db, 'left-2'),
          (rows) => rows.every((m) => m.status === 'sent'),
        );
        expect(after2.map((m) => m.status)).toEqual(left2.map(() => 'sent'));
        expect(
          await loggedFailures(
            second.gw.ctx.db,
            left2.map((m) => m.id),
          ),
        ).toEqual([]);
        expect(citizenApp.to('left-2').filter((m) => RECEIPT.test(m.text))).toHaveLength(1);
      } finally {
        await second.stop();
      }
    } finally {
      await citizenApp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
