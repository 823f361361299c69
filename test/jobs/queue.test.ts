/** The durable job queue on both databases: order per key, leases, retries. */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { attachedTo, backoffMs, claimJobs, completeJob, completeJobSql, enqueueJob, failJob } from '../../src/jobs/queue';
import { RetryLaterError, Worker } from '../../src/jobs/worker';
import { INBOUND_JOB, storeInbound } from '../../src/pipeline/intake';
import { claimDeliveries } from '../../src/store/deliveries';
import { claimInboundJobs } from '../../src/store/inbound-events';
import { createLogger } from '../../src/logger';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { waitFor } from '../support/wait';

describe.each(databaseKinds())('job queue on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase(kind);
  });
  afterEach(() => db.close());

  test('jobs with the same key run one at a time, oldest first; other keys run alongside', async () => {
    const a1 = await enqueueJob(db, 'k', 'A', { n: 1 });
    const a2 = await enqueueJob(db, 'k', 'A', { n: 2 });
    const b1 = await enqueueJob(db, 'k', 'B', { n: 1 });
    const first = await claimJobs(db, 'w1', 10, 60_000);
    expect(first.map((j) => j.id).sort()).toEqual([a1, b1].sort());
    expect(await claimJobs(db, 'w2', 10, 60_000)).toEqual([]);
    await completeJob(db, a1);
    const second = await claimJobs(db, 'w2', 10, 60_000);
    expect(second.map((j) => j.id)).toEqual([a2]);
  });

  test('completing a job tells whether a later job of its key is waiting', async () => {
    const a1 = await enqueueJob(db, 'k', 'A', {});
    const a2 = await enqueueJob(db, 'k', 'A', {});
    const b1 = await enqueueJob(db, 'k', 'B', {});
    await claimJobs(db, 'w', 10, 60_000);
    expect(await completeJob(db, a1)).toBe(true);
    expect(await completeJob(db, b1)).toBe(false);
    await claimJobs(db, 'w', 10, 60_000);
    expect(await completeJob(db, a2)).toBe(false);
  });

  test('a handler that removes its job in its own write runs the next job of the key at once, without polling', async () => {
    const ran: string[] = [];
    const worker = new Worker(
      db,
      {
        k: async (job) => {
          ran.push(String(job.payload.n));
          const r = await db.query<{ successor: boolean }>(`WITH done AS (${completeJobSql('$1')}) SELECT successor FROM done`, [job.id]);
          return { completedInline: true, successor: r.rows[0].successor };
        },
      },
      createLogger('silent'),
      { concurrency: 2, pollMs: 600_000 },
    );
    await enqueueJob(db, 'k', 'A', { n: 1 });
    await enqueueJob(db, 'k', 'A', { n: 2 });
    await worker.start();
    await waitFor(() => ran.length >= 2);
    await worker.stop();
    expect(ran).toEqual(['1', '2']);
    expect((await db.query('SELECT 1 FROM jobs')).rowCount).toBe(0);
  });

  /**
   * Runs one job of kind `k` already past its give-up time with `handler` (told each run's attempt
   * number), one at a time, polling every 50 ms, until `runs` runs were made and `settleMs` more
   * passed; returns the attempts run.
   */
  async function runPastGiveUp(handler: (attempt: number) => void, runs: number, settleMs = 0): Promise<number[]> {
    const attempts: number[] = [];
    const worker = new Worker(
      db,
      {
        k: async (job) => {
          attempts.push(job.attempts);
          handler(job.attempts);
        },
      },
      createLogger('silent'),
      { concurrency: 1, pollMs: 50 },
    );
    await enqueueJob(db, 'k', 'A', {}, { giveUpAfterMs: 0 });
    await worker.start();
    await waitFor(() => attempts.length >= runs);
    await new Promise((r) => setTimeout(r, settleMs));
    await worker.stop();
    return attempts;
  }

  test('a job whose handler asks to retry later is retried even past its give-up time: the handler gives up itself', async () => {
    // The dispatcher checks the give-up time, finds it not yet reached, records the attempt and asks
    // for a retry; the give-up time passes meanwhile. The job must still run again, so that the
    // handler gives up with its messages (failed, shown to operators), not the worker without them.
    const attempts = await runPastGiveUp((attempt) => {
      if (attempt === 1) throw new RetryLaterError('provider down', 10);
    }, 2);
    expect(attempts).toEqual([1, 2]);
    expect((await db.query('SELECT 1 FROM jobs')).rowCount).toBe(0);
  });

  test('a job whose handler fails otherwise is given up at its give-up time', async () => {
    const attempts = await runPastGiveUp(
      () => {
        throw new Error('boom');
      },
      1,
      300,
    );
    expect(attempts).toEqual([1]);
    expect((await db.query<{ state: string }>('SELECT state FROM jobs')).rows).toEqual([{ state: 'failed' }]);
  });

  test('a retry waits for its time and keeps later jobs of its key waiting', async () => {
    await enqueueJob(db, 'k', 'A', {});
    const later = await enqueueJob(db, 'k', 'A', {});
    const [job] = await claimJobs(db, 'w', 1, 60_000);
    // Delays of seconds, not milliseconds: on a loaded machine one PGlite claim has taken over 200 ms.
    expect(await failJob(db, job, 'boom', 1_500, 'final')).toBe('retry');
    expect(await claimJobs(db, 'w', 10, 60_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_600));
    const [again] = await claimJobs(db, 'w', 10, 60_000);
    expect(again.id).toBe(job.id);
    expect(again.attempts).toBe(2);
    expect(await failJob(db, again, 'bad', 0, 'now')).toBe('failed');
    const [next] = await claimJobs(db, 'w', 10, 60_000);
    expect(next.id).toBe(later); // a failed job no longer blocks its key
  });

  test('an expired lease makes a job claimable again (a worker died)', async () => {
    const id = await enqueueJob(db, 'k', 'A', {});
    await claimJobs(db, 'dead', 1, 1_500);
    expect(await claimJobs(db, 'w', 1, 60_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_600));
    const [job] = await claimJobs(db, 'w', 1, 60_000);
    expect(job.id).toBe(id);
  });

  test("a job behind more waiting jobs than a claim's window is still claimed, by every lane's claim, oldest first", async () => {
    // One citizen's 300 jobs wait behind their first one, which runs; another citizen's job comes after them.
    // A claim first looks at the oldest claimable jobs only (its window: 4 × the claim + 32); here every
    // one of them waits, so the claim must look further, or that citizen would wait for the first one's 300.
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload)
       SELECT CASE WHEN n % 2 = 1 THEN 'deliver' ELSE $1 END, 'A', jsonb_build_object('n', n) FROM generate_series(0, 300) AS n ORDER BY n`,
      [INBOUND_JOB],
    );
    const [head] = await claimJobs(db, 'w', 1, 60_000);
    expect(head.payload.n).toBe(0);
    const inbound = await enqueueJob(db, INBOUND_JOB, 'B', { eventId: '1' });
    const delivery = await enqueueJob(db, 'deliver', 'C', { messageIds: [], channel: 'zalo' });
    const plain = await enqueueJob(db, 'k', 'D', {});
    expect((await claimInboundJobs(db.relaxed, 'w-in', 2, 60_000, [INBOUND_JOB])).map((j) => j.id)).toEqual([inbound]);
    expect((await claimDeliveries('deliver', [])(db.relaxed, 'w-out', 2, 60_000, ['deliver'])).map((j) => j.id)).toEqual([delivery]);
    expect((await claimJobs(db, 'w', 5, 60_000)).map((j) => j.id)).toEqual([plain]);
    // The window alone, when it holds what the claim asks for: the oldest first.
    await db.query(`DELETE FROM jobs WHERE ordering_key = 'A'`);
    const more = [];
    for (let n = 0; n < 5; n++) more.push(await enqueueJob(db, 'k', `E${n}`, {}));
    expect((await claimJobs(db, 'w', 3, 60_000)).map((j) => j.id).sort()).toEqual(more.slice(0, 3).sort());
  });

  test("the lanes' claims read what their jobs need in the same statement; a malformed payload never breaks a claim", async () => {
    expect(
      await storeInbound(db, {
        channel: 'zalo',
        dedupeKey: 'd1',
        orderingKey: 'u1',
        contentType: 'application/json',
        body: Buffer.from('{"a":1}'),
      }),
    ).toBe(true);
    await enqueueJob(db, INBOUND_JOB, 'in:zalo:u2', { eventId: '999999' }); // its raw item is gone
    await enqueueJob(db, INBOUND_JOB, 'in:zalo:u3', { eventId: 'not-a-number' });
    const inbound = await claimInboundJobs(db.relaxed, 'w-in', 10, 60_000, [INBOUND_JOB]);
    expect(inbound).toHaveLength(3);
    expect(inbound[2].attached).toBeNull();
    const withItem = inbound[0].attached as { channel: string; body: Uint8Array; processedAt: Date | null };
    expect([withItem.channel, Buffer.from(withItem.body).toString(), withItem.processedAt]).toEqual(['zalo', '{"a":1}', null]);
    expect(inbound[1].attached).toBeNull();

    await enqueueJob(db, 'deliver', 'out:c1', { messageIds: ['not-a-uuid', 42], channel: 'zalo' });
    await enqueueJob(db, 'deliver', 'out:c2', { messageId: randomUUID(), channel: 'zalo' }); // already gone
    await enqueueJob(db, 'agency_mail', 'mail:1', { n: 1 });
    const claimed = await claimDeliveries('deliver', [])(db.relaxed, 'w-out', 10, 60_000, ['deliver', 'agency_mail']);
    expect(claimed.map((j) => [j.kind, j.attached])).toEqual([
      ['deliver', []],
      ['deliver', []],
      ['agency_mail', undefined],
    ]);
    expect(claimed.every((j) => j.attempts === 1)).toBe(true);

    // A handler takes what its lane's claim read, and refuses a job claimed without it (a plain claim).
    expect(attachedTo(inbound[1])).toBeNull();
    await enqueueJob(db, INBOUND_JOB, 'in:zalo:u4', { eventId: '1' });
    const [plain] = await claimJobs(db, 'w-plain', 1, 60_000, [INBOUND_JOB]);
    expect(() => attachedTo(plain)).toThrow(/claimed without/);
  });

  test('backoff grows exponentially with jitter and is capped', () => {
    expect(backoffMs(1, 1000, 600_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 600_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 600_000, () => 1)).toBe(8000);
    expect(backoffMs(30, 1000, 600_000, () => 1)).toBe(600_000);
  });

  test('the processing log refuses updates and deletes', async () => {
    await db.query(`INSERT INTO events (type, actor_kind) VALUES ('x', 'system')`);
    await expect(db.query(`UPDATE events SET type = 'y'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM events`)).rejects.toThrow(/append-only/);
  });
});
