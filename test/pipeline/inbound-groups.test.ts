/**
 * Inbound messages written in groups (issue 10, `inboundWriter`): messages whose processing starts
 * while a group is in its transaction go together in the next one — each one's `openThread` and
 * decision in turn, then one `recordInbounds` and one commit — and a message that fails rolls its
 * group back and is then tried alone, so the others are written once and it fails alone.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../src/db/database';
import type { Job } from '../../src/jobs/queue';
import { ProcessingBatch } from '../../src/pipeline/batch';
import { deliveryJob } from '../../src/pipeline/outbound';
import type { DeliveryItem } from '../../src/store/deliveries';
import { inboundWriter, type InboundUnit } from '../../src/pipeline/process-inbound';
import { openThreads } from '../../src/store/inbound-messages';
import { databaseKinds, migratedDatabase } from '../support/databases';

/** How the delivery rooms kept by units ended, in order. */
type Ledger = { user: string; end: 'adopt' | 'release'; job?: Job }[];

describe.each(databaseKinds())('inbound groups on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await migratedDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });

  /** A citizen's message as the pipeline prepares it: its thread, one event, one reply; `before` runs first in its preparation. */
  const unit = (user: string, opts: { before?: () => Promise<void>; fail?: boolean; ledger?: Ledger } = {}): InboundUnit => ({
    thread: {
      channel: 'zalo',
      externalUserId: user,
      externalMessageId: `m-${user}`,
      hints: { displayName: `Công dân ${user}` },
      interactedAt: new Date(),
      open: { id: randomUUID(), subject: null },
    },
    prepare: async (_tx: Queryable, thread) => {
      await opts.before?.();
      if (thread.duplicate) return null;
      if (opts.fail) throw new Error(`refused: ${user}`);
      const conv = thread.conversation!;
      const out = new ProcessingBatch(null);
      const messageId = randomUUID();
      out.log({ type: 'message_received', actor: { kind: 'citizen' }, conversationId: conv.id, data: { messageId } });
      out.queue({ conversationId: conv.id, channel: 'zalo', authorKind: 'bot', purpose: 'answer', text: `Chào ${user}` });
      // With a ledger: the reply's delivery is written as started under a room kept in a lane, and the ledger says how that room ended.
      const ledger = opts.ledger;
      const startBy = { workerId: 'test/deliver', leaseMs: 15_000 };
      const job = { ...deliveryJob(conv.id, 'zalo', [out.replies[0].id], { giveUpAfterMs: 60_000 }), startBy };
      return {
        record: {
          message: {
            id: messageId,
            conversationId: conv.id,
            channel: 'zalo',
            externalId: `m-${user}`,
            authorName: null,
            text: `tin của ${user}`,
            html: null,
            attachments: [],
            ticketId: null,
            meta: {},
            createdAt: new Date(),
          },
          botContext: { turns: 1, user },
          events: out.events,
          outbound: out.replies,
          jobs: ledger ? [job] : [],
        },
        conv,
        decision: null,
        out,
        delivery: ledger
          ? {
              startBy,
              adopt: (started) => ledger.push({ user, end: 'adopt', job: started }),
              release: () => ledger.push({ user, end: 'release' }),
            }
          : null,
      };
    },
  });

  test('openThreads: new and returning citizens, a message stored before, one not opening a conversation, in one statement', async () => {
    const tag = `${kind}-t`;
    const ask = (user: string, open: boolean, message = `m-${user}-1`) => ({
      channel: 'zalo',
      externalUserId: user,
      externalMessageId: message,
      hints: { displayName: `Công dân ${user}`, phone: open ? '0912345678' : undefined },
      interactedAt: new Date(),
      open: open ? { id: randomUUID(), subject: null } : null,
    });
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    await write(unit(`${tag}-back`));
    const [back] = await db.transaction((tx) => openThreads(tx, [ask(`${tag}-back`, true, `m-${tag}-back`)]));
    expect(back).toMatchObject({ duplicate: true, opened: false });
    const threads = await db.transaction((tx) =>
      openThreads(tx, [ask(`${tag}-new`, true), ask(`${tag}-back`, true), ask(`${tag}-quiet`, false)]),
    );
    expect(threads.map((t) => [t.conversation?.externalUserId ?? null, t.opened, t.duplicate])).toEqual([
      [`${tag}-new`, true, false],
      [`${tag}-back`, false, false],
      [null, false, false],
    ]);
    expect(threads[1].conversation!.id).toBe(back.conversation!.id);
    expect(new Set(threads.map((t) => t.identity.contactId)).size).toBe(3);
    const contacts = await db.query<{ phone: string | null }>(
      `SELECT c.phone FROM contacts c JOIN contact_identities i ON i.contact_id = c.id WHERE i.external_id = $1`,
      [`${tag}-back`],
    );
    expect(contacts.rows).toEqual([{ phone: '0912345678' }]); // the returning citizen's contact completed
    await expect(db.transaction((tx) => openThreads(tx, [ask(`${tag}-x`, true), ask(`${tag}-x`, true, 'other')]))).rejects.toThrow(
      'two requests of one citizen',
    );
  });

  test('a group plans without table scans (set with its BEGIN, for its transaction only)', async () => {
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    const user = `${kind}-plan`;
    const plain = unit(user);
    let setting: string | undefined;
    await write({
      thread: plain.thread,
      prepare: async (tx, thread) => {
        setting = (await tx.query<{ enable_seqscan: string }>('SHOW enable_seqscan')).rows[0].enable_seqscan;
        return plain.prepare(tx, thread);
      },
    });
    expect(setting).toBe('off');
    expect((await db.query<{ enable_seqscan: string }>('SHOW enable_seqscan')).rows[0].enable_seqscan).toBe('on');
    expect((await db.transaction((tx) => tx.query<{ enable_seqscan: string }>('SHOW enable_seqscan'))).rows[0].enable_seqscan).toBe('on');
    expect(await stored([user])).toEqual([{ user, inbound: 1, outbound: 1, events: 1, memory: user }]);
  });

  test('a lone UTF-16 surrogate from a provider (id, name, text) is stored as U+FFFD, as a text parameter would be', async () => {
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    const user = `${kind}-s\ud800`;
    const written = await write(unit(user));
    expect(written?.prepared.conv.externalUserId).toBe(`${kind}-s\ufffd`);
    const r = await db.query<{ external_id: string; text: string }>(
      `SELECT m.external_id, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.external_user_id = $1 AND m.direction = 'in'`,
      [`${kind}-s\ufffd`],
    );
    expect(r.rows).toEqual([{ external_id: `m-${kind}-s\ufffd`, text: `tin của ${kind}-s\ufffd` }]);
  });

  const stored = async (users: string[]) => {
    const r = await db.query<{ user: string; inbound: number; outbound: number; events: number; memory: string | null }>(
      `SELECT c.external_user_id AS user,
              (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in') AS inbound,
              (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS outbound,
              (SELECT count(*)::int FROM events e WHERE e.conversation_id = c.id) AS events,
              c.bot_context->>'user' AS memory
       FROM conversations c WHERE c.external_user_id = ANY($1::text[]) ORDER BY c.external_user_id`,
      [users],
    );
    return r.rows;
  };

  test('messages arriving while a group is written go together: one transaction, one write, one commit', async () => {
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    const tag = `${kind}-g`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const before = db.statements.count;
    const first = write(unit(`${tag}0`, { before: () => held }));
    // The first group is in its transaction: these three wait, and go as the next group.
    await new Promise((r) => setTimeout(r, 20));
    const others = [1, 2, 3].map((i) => write(unit(`${tag}${i}`)));
    await new Promise((r) => setTimeout(r, 20));
    release();
    await first;
    const written = await Promise.all(others);
    // The first alone, then the three together: each group BEGIN, openThreads, recordInbounds,
    // COMMIT: 8, where four alone take 16.
    expect(db.statements.count - before).toBe(8);
    expect(written.map((w) => w?.prepared.conv.externalUserId)).toEqual([`${tag}1`, `${tag}2`, `${tag}3`]);
    expect(await stored([0, 1, 2, 3].map((i) => `${tag}${i}`))).toEqual(
      [0, 1, 2, 3].map((i) => ({ user: `${tag}${i}`, inbound: 1, outbound: 1, events: 1, memory: `${tag}${i}` })),
    );
  });

  test('a message that fails in a group fails alone; the others are written once; a replay is dropped', async () => {
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    const tag = `${kind}-f`;
    await write(unit(`${tag}-seen`));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = write(unit(`${tag}0`, { before: () => held }));
    await new Promise((r) => setTimeout(r, 20));
    const ok = write(unit(`${tag}1`));
    const bad = write(unit(`${tag}2`, { fail: true }));
    const replay = write(unit(`${tag}-seen`));
    const ok2 = write(unit(`${tag}3`));
    release();
    await first;
    await expect(bad).rejects.toThrow(`refused: ${tag}2`);
    expect((await ok)?.prepared.conv.externalUserId).toBe(`${tag}1`);
    expect((await ok2)?.prepared.conv.externalUserId).toBe(`${tag}3`);
    expect(await replay).toBeNull();
    const rows = await stored([`${tag}-seen`, `${tag}0`, `${tag}1`, `${tag}2`, `${tag}3`]);
    // The failed one left nothing (its conversation rolled back with it); the others one message each.
    expect(rows.map((r) => [r.user, r.inbound, r.outbound, r.events])).toEqual([
      [`${tag}-seen`, 1, 1, 1],
      [`${tag}0`, 1, 1, 1],
      [`${tag}1`, 1, 1, 1],
      [`${tag}3`, 1, 1, 1],
    ]);
  });
  test('a delivery room kept in a group ends once: used when its write commits (the job written as started, with its messages), given back when its group fails', async () => {
    const write = inboundWriter(db, { maxItems: 32, maxInFlight: 1 });
    const tag = `${kind}-d`;
    const ledger: Ledger = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = write(unit(`${tag}0`, { before: () => held, ledger }));
    await new Promise((r) => setTimeout(r, 20));
    // The next group: 1 is prepared (its room kept), then 2 fails the group; each is then tried alone.
    const ok = write(unit(`${tag}1`, { ledger }));
    const bad = write(unit(`${tag}2`, { fail: true, ledger }));
    const ok2 = write(unit(`${tag}3`, { ledger }));
    release();
    await first;
    await expect(bad).rejects.toThrow(`refused: ${tag}2`);
    expect((await ok)?.deliveryStarted).toBe(true);
    expect((await ok2)?.deliveryStarted).toBe(true);
    const ends = (user: string) => ledger.filter((l) => l.user === user).map((l) => l.end);
    expect([0, 1, 2, 3].map((i) => ends(`${tag}${i}`))).toEqual([['adopt'], ['release', 'adopt'], [], ['adopt']]);
    // Each adopted job is the one stored as running, leased to the lane, with its message to send and the conversation's details.
    for (const { user, job } of ledger.filter((l) => l.end === 'adopt')) {
      const items = job!.attached as DeliveryItem[];
      expect(items.map((m) => [m.text, m.externalUserId, m.status, m.partsSent, m.ticketCode])).toEqual([
        [`Chào ${user}`, user, 'queued', 0, null],
      ]);
      expect(items[0].lastInboundAt).toBeInstanceOf(Date);
      const row = await db.query<{ state: string; locked_by: string; attempts: number }>(
        'SELECT state, locked_by, attempts FROM jobs WHERE id = $1',
        [job!.id],
      );
      expect(row.rows).toEqual([{ state: 'running', locked_by: 'test/deliver', attempts: 1 }]);
    }
  });
});
