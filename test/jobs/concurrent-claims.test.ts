/**
 * Two worker pools (two processes' connection pools) on one PostgreSQL database, claiming at the same
 * time: every job runs exactly once, and the jobs of one conversation still run one at a time, in order.
 * PGlite has one connection in one process, so this runs on the server only.
 */
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { claimJobs, enqueueJob } from '../../src/jobs/queue';
import { Worker } from '../../src/jobs/worker';
import { createLogger } from '../../src/logger';
import { freshDatabaseUrl } from '../support/databases';
import { waitFor } from '../support/wait';

const KEYS = 6;
const PER_KEY = 8;

describe('two worker pools on one PostgreSQL database', () => {
  let a: Database;
  let b: Database;
  beforeEach(async () => {
    const url = await freshDatabaseUrl('postgres');
    a = await openDatabase(url, '');
    await migrate(a);
    b = await openDatabase(url, '');
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  /** Enqueues PER_KEY jobs for each of KEYS conversations, interleaved; returns their ids. */
  async function enqueueAll(db: Database): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 0; n < PER_KEY; n++) {
      for (let k = 0; k < KEYS; k++) ids.push(await enqueueJob(db, 'step', `conv:${k}`, { key: `conv:${k}`, n }));
    }
    return ids;
  }

  test('claims racing from both pools never hand one job to two workers', async () => {
    const ids = await enqueueAll(a);
    const claimed: string[] = [];
    // One claim per conversation at a time; keep claiming from both pools until every job was handed out.
    for (let round = 0; round < PER_KEY; round++) {
      const batches = await Promise.all([
        claimJobs(a, 'pool-a-1', KEYS, 60_000),
        claimJobs(b, 'pool-b-1', KEYS, 60_000),
        claimJobs(a, 'pool-a-2', KEYS, 60_000),
        claimJobs(b, 'pool-b-2', KEYS, 60_000),
      ]);
      const got = batches.flat();
      expect(got.length).toBe(KEYS); // one runnable job per conversation, each given once
      claimed.push(...got.map((j) => j.id));
      await a.query('DELETE FROM jobs WHERE id = ANY($1::bigint[])', [got.map((j) => j.id)]);
    }
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...claimed].sort()).toEqual([...ids].sort());
  });

  test('every job runs exactly once, one at a time and in order per conversation', async () => {
    const ids = await enqueueAll(a);
    const runs: { id: string; key: string; n: number; pool: string; start: number; end: number }[] = [];
    const running = new Set<string>();
    const overlaps: string[] = [];
    const handler = (pool: string) => async (job: { id: string; payload: Record<string, unknown> }) => {
      const key = String(job.payload.key);
      if (running.has(key)) overlaps.push(`${key} #${job.payload.n}`);
      running.add(key);
      const start = performance.now();
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8));
      running.delete(key);
      runs.push({ id: job.id, key, n: Number(job.payload.n), pool, start, end: performance.now() });
    };
    const log = createLogger('silent');
    const workers = [
      new Worker(a, { step: handler('a') }, log, { concurrency: 4, pollMs: 20 }),
      new Worker(b, { step: handler('b') }, log, { concurrency: 4, pollMs: 20 }),
    ];
    for (const w of workers) w.start();
    try {
      await waitFor(() => runs.length >= ids.length, 30_000);
    } finally {
      // Waits for jobs in flight, so every completion is recorded below.
      for (const w of workers) await w.stop();
    }
    expect(runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(overlaps).toEqual([]);
    for (let k = 0; k < KEYS; k++) {
      const ofKey = runs.filter((r) => r.key === `conv:${k}`);
      expect(ofKey.map((r) => r.n)).toEqual(Array.from({ length: PER_KEY }, (_, n) => n));
    }
    expect(new Set(runs.map((r) => r.pool))).toEqual(new Set(['a', 'b']));
    expect((await a.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs')).rows[0].n).toBe(0);
  });
});
