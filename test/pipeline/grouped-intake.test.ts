/**
 * Grouped intake (group commit of raw inbound items): several items in one statement keep every
 * guarantee of one — each stored once with one processing job, jobs numbered in arrival order,
 * replays (stored before, or twice in one group) refused, bytes kept exactly — and a flood of
 * webhooks is stored in fewer statements than webhooks, each acknowledged only once stored.
 */
import type { Database } from '../../src/db/database';
import { INBOUND_JOB } from '../../src/pipeline/intake';
import { insertInboundEvents, type NewInboundEvent } from '../../src/store/inbound-events';
import { countStatements, databaseKinds, migratedDatabase } from '../support/databases';
import { citizenMessage, startTestGateway } from '../support/gateway';

const item = (dedupeKey: string, user: string, body: Buffer = Buffer.from(`{"k":"${dedupeKey}"}`)): NewInboundEvent => ({
  channel: 'zalo',
  dedupeKey,
  contentType: 'application/json',
  body,
  jobKind: INBOUND_JOB,
  orderingKey: `in:zalo:${user}`,
});

describe.each(databaseKinds())('grouped intake on %s', (kind) => {
  describe('several items in one statement', () => {
    let db: Database;
    beforeAll(async () => {
      db = await migratedDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('stores each new item once with one job, in arrival order; replays and repeats in the group are refused', async () => {
      expect(await insertInboundEvents(db, [item('a', 'u1')])).toEqual([true]);
      const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x00, 0x7b]);
      const result = await insertInboundEvents(db, [
        item('b', 'u2'),
        item('a', 'u1'), // stored before: a replay
        item('c', 'u1'),
        item('b', 'u2'), // twice in this group
        item('d', 'u3', binary),
      ]);
      expect(result).toEqual([true, false, true, false, true]);
      const events = await db.query<{ dedupe_key: string; body: Uint8Array }>(
        `SELECT dedupe_key, body FROM inbound_events ORDER BY dedupe_key`,
      );
      expect(events.rows.map((r) => r.dedupe_key)).toEqual(['a', 'b', 'c', 'd']);
      expect(Buffer.from(events.rows[3].body).equals(binary)).toBe(true);
      const jobs = await db.query<{ ordering_key: string; key: string }>(
        `SELECT j.ordering_key, e.dedupe_key AS key FROM jobs j JOIN inbound_events e ON e.id = (j.payload->>'eventId')::bigint ORDER BY j.id`,
      );
      expect(jobs.rows).toEqual([
        { ordering_key: 'in:zalo:u1', key: 'a' },
        { ordering_key: 'in:zalo:u2', key: 'b' },
        { ordering_key: 'in:zalo:u1', key: 'c' },
        { ordering_key: 'in:zalo:u3', key: 'd' },
      ]);
    });

    it('a group of only replays stores nothing and enqueues nothing', async () => {
      const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs`)).rows[0].n;
      expect(await insertInboundEvents(db, [item('a', 'u1'), item('c', 'u1')])).toEqual([false, false]);
      expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs`)).rows[0].n).toBe(before);
    });
  });

  test('a flood of webhooks is stored in fewer statements than webhooks; every one acknowledged, replays once, all answered', async () => {
    const t = await startTestGateway({ kind, env: { WEBHOOK_PER_MINUTE: '0' } });
    try {
      const db = t.gw.ctx.db;
      const intake = countStatements(db, 'INSERT INTO inbound_events');
      const users = Array.from({ length: 30 }, (_, i) => `u-flood-${i}`);
      const messages = users.map((u) => citizenMessage(u, 'xin chào'));
      // Each message posted twice at once: the provider's retry racing the original.
      const answers = await Promise.all([...messages, ...messages].map((m) => t.postCitizen(m).expect(200)));
      const duplicates = answers.filter((r) => (r.body as { duplicate: boolean }).duplicate).length;
      expect(duplicates).toBe(messages.length);
      await t.citizenApp.waitFor(() => users.every((u) => t.citizenApp.to(u).length >= 2), 60_000);
      const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_events`);
      expect(stored.rows[0].n).toBe(messages.length);
      const inbound = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`);
      expect(inbound.rows[0].n).toBe(messages.length);
      console.log(`${kind}: ${messages.length * 2} webhooks stored in ${intake.count} statements`);
      expect(intake.count).toBeLessThan(messages.length * 2);
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });
});
