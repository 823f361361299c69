/**
 * Jobs started by their writer (`NewJob.startBy`): the statement that writes a job can write it as
 * claimed by a lane that kept room for it (`Worker.reserve`), and the lane runs it without a claim
 * (`Worker.adopt`) — only when no other job of its ordering key waits, so order is kept. The room
 * kept counts against the lane's width and its channel's cap, and goes back when unused.
 */
import type { Database } from '../../src/db/database';
import { ChannelSlots } from '../../src/jobs/channel-slots';
import {
  claimJobs,
  enqueueJob,
  insertJobsSql,
  jobsParam,
  renewLeases,
  toJob,
  type Job,
  type JobRow,
  type NewJob,
} from '../../src/jobs/queue';
import { Worker } from '../../src/jobs/worker';
import { createLogger } from '../../src/logger';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { explainJson, planNodes } from '../support/plans';
import { waitFor, waitForValue } from '../support/wait';

const log = createLogger('silent');

describe.each(databaseKinds())('jobs started by their writer on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase(kind);
  });
  afterEach(() => db.close());

  const write = async (jobs: NewJob[]): Promise<(Job & { state: string })[]> => {
    const r = await db.query<JobRow>(`WITH queued AS (${insertJobsSql('$1')}) SELECT * FROM queued ORDER BY id::bigint`, [jobsParam(jobs)]);
    return r.rows.map((row) => ({ ...toJob(row), state: row.state! }));
  };
  const startBy = { workerId: 'node-a/deliver', leaseMs: 15_000 };

  test('the first job of its ordering key is written running, leased to the lane, its attempt counted; a later one of the key waits', async () => {
    const [first, plain] = await write([
      { kind: 'deliver', orderingKey: 'out:1', payload: { channel: 'zalo' }, startBy },
      { kind: 'deliver', orderingKey: 'out:2', payload: { channel: 'zalo' } },
    ]);
    expect(first).toMatchObject({ state: 'running', attempts: 1 });
    expect(plain).toMatchObject({ state: 'pending', attempts: 0 });
    const lease = await db.query<{ locked_by: string; secs: number }>(
      `SELECT locked_by, extract(epoch FROM locked_until - now())::float AS secs FROM jobs WHERE id = $1`,
      [first.id],
    );
    expect(lease.rows[0].locked_by).toBe('node-a/deliver');
    expect(lease.rows[0].secs).toBeGreaterThan(13);
    expect(lease.rows[0].secs).toBeLessThanOrEqual(15);
    // The lease is the lane's: renewed like a claimed job's, and no other worker claims the job meanwhile.
    expect(await renewLeases(db, 'node-a/deliver', [first.id], 15_000)).toEqual([first.id]);
    expect((await claimJobs(db, 'node-b/deliver', 10, 15_000, ['deliver'])).map((j) => j.orderingKey)).toEqual(['out:2']);

    // Another job of out:1 (its first one still running) and one of out:3 behind a job backing off: both wait.
    await enqueueJob(db, 'deliver', 'out:3', { channel: 'zalo' }, { runAt: new Date(Date.now() + 60_000) });
    const [second, behind] = await write([
      { kind: 'deliver', orderingKey: 'out:1', payload: { channel: 'zalo' }, startBy },
      { kind: 'deliver', orderingKey: 'out:3', payload: { channel: 'zalo' }, startBy },
    ]);
    expect(second.state).toBe('pending');
    expect(behind.state).toBe('pending');
  });

  test('room kept by reserve counts against the width and the channel cap; unreserve gives it back; adopt runs the job and removes it', async () => {
    const ran: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const worker = new Worker(
      db,
      {
        deliver: async (job) => {
          ran.push(job.orderingKey);
          await held;
        },
      },
      log,
      { concurrency: 3, pollMs: 60_000, slots: new ChannelSlots(2), id: 'node-a/deliver' },
    );
    expect(worker.reserve('zalo')).toBeNull(); // not started: it runs nothing
    await worker.start();
    try {
      // Once its first claim (nothing to take) is back.
      expect(
        await waitForValue(
          async () => worker.reserve('zalo'),
          (r) => r !== null,
        ),
      ).toEqual({ workerId: 'node-a/deliver', leaseMs: 15_000 });
      expect(worker.reserve('zalo')).not.toBeNull();
      expect(worker.reserve('zalo')).toBeNull(); // the channel's cap
      expect(worker.reserve('facebook')).not.toBeNull();
      expect(worker.reserve('email')).toBeNull(); // the lane's width
      // Zalo was full: giving its room back wakes the lane, whose claim (nothing to take) comes back first.
      worker.unreserve('zalo');
      expect(
        await waitForValue(
          async () => worker.reserve('email'),
          (r) => r !== null,
        ),
      ).not.toBeNull();
      for (const channel of ['zalo', 'facebook', 'email']) worker.unreserve(channel);

      // Two reservations end in jobs written as started, and run here without a claim.
      const started = await write([
        { kind: 'deliver', orderingKey: 'out:z', payload: { channel: 'zalo' }, startBy: worker.reserve('zalo')! },
        { kind: 'deliver', orderingKey: 'out:f', payload: { channel: 'facebook' }, startBy: worker.reserve('facebook')! },
      ]);
      expect(started.map((j) => j.state)).toEqual(['running', 'running']);
      for (const job of started) worker.adopt(job);
      await waitFor(() => ran.length === 2);
      expect(ran.sort()).toEqual(['out:f', 'out:z']);
      // Running: a claim by anyone else finds nothing.
      expect(await claimJobs(db, 'node-b/deliver', 10, 15_000, ['deliver'])).toEqual([]);
      release();
      expect(
        await waitForValue(
          async () => (await db.query('SELECT 1 FROM jobs')).rows.length,
          (n) => n === 0,
        ),
      ).toBe(0);
    } finally {
      release();
      await worker.stop();
    }
  });
  test('room kept while a claim is on its way: the claim’s jobs all count, so the channel passes its cap by that room at most, and gets none until its jobs end', async () => {
    let answer!: (jobs: Job[]) => void;
    let claims = 0;
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const slots = new ChannelSlots(2);
    const worker = new Worker(db, { deliver: () => held }, log, {
      concurrency: 4,
      pollMs: 60_000,
      slots,
      claim: () => {
        claims++;
        return claims === 1 ? new Promise<Job[]>((resolve) => (answer = resolve)) : Promise.resolve([]);
      },
    });
    await worker.start(); // its first claim, of up to 2 jobs (zalo's room), is on its way
    try {
      await waitFor(() => claims === 1);
      const kept = worker.reserve('zalo');
      expect(kept).not.toBeNull();
      const zalo = (id: string): Job => ({
        id,
        kind: 'deliver',
        orderingKey: `out:${id}`,
        payload: { channel: 'zalo' },
        attempts: 1,
        maxAttempts: 12,
        giveUpAt: null,
      });
      answer([zalo('1'), zalo('2')]);
      // 3 zalo jobs for a cap of 2: over by the one room kept; no more room until two end.
      await waitFor(() => slots.full().includes('zalo'));
      expect(worker.reserve('zalo')).toBeNull();
      worker.unreserve('zalo');
      expect(worker.reserve('zalo')).toBeNull();
      finish();
      expect(
        await waitForValue(
          async () => worker.reserve('zalo'),
          (r) => r !== null,
        ),
      ).not.toBeNull();
    } finally {
      finish();
      await worker.stop();
    }
  });

  test('the check for a waiting job of the ordering key stays one index probe per job, however long the queue', async () => {
    // Statistics taken on a short queue, then a backlog: what a burst or an outage leaves.
    await db.query(`INSERT INTO jobs (kind, ordering_key, payload) SELECT 'inbound', 'zalo:' || g, '{}' FROM generate_series(1, 1000) g`);
    await db.query('ANALYZE jobs');
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'inbound', 'zalo:late-' || g, '{}' FROM generate_series(1, 8000) g`,
    );
    const group = Array.from({ length: 64 }, (_, i): NewJob => ({ kind: 'deliver', orderingKey: `out:${i}`, payload: {}, startBy }));
    const plan = await explainJson(db, 'FORMAT JSON', `WITH queued AS (${insertJobsSql('$1')}) SELECT count(*) FROM queued`, [
      jobsParam(group),
    ]);
    const scans = planNodes(plan)
      .filter((node) => node['Relation Name'] === 'jobs')
      .map((node) => String(node['Node Type']));
    // The INSERT itself is a node on jobs; every read of the queue is a probe of the ordering key's index.
    expect(scans.filter((t) => t !== 'ModifyTable')).toEqual(expect.arrayContaining([expect.stringMatching(/Index/)]));
    expect(scans.filter((t) => t !== 'ModifyTable' && !/Index/.test(t))).toEqual([]);
    // And the jobs are still written as started, the key being free.
    const written = await write(group.slice(0, 2));
    expect(written.map((j) => j.state)).toEqual(['running', 'running']);
  });
});
