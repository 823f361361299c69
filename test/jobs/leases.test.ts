/** Job leases follow the work on both databases: renewed while a job runs, released by the same process at restart. */
import type { Database } from '../../src/db/database';
import { claimJobs, enqueueJob } from '../../src/jobs/queue';
import { Worker } from '../../src/jobs/worker';
import { createLogger } from '../../src/logger';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { waitFor } from '../support/wait';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(databaseKinds())('job leases on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase(kind);
  });
  afterEach(() => db.close());

  test('a job that runs longer than its lease is renewed, not taken over by another worker', async () => {
    const runs: string[] = [];
    const slow = (name: string) => async () => {
      runs.push(name);
      await sleep(1_200);
    };
    const a = new Worker(db, { k: slow('a') }, log, { id: 'node-a/k', concurrency: 1, leaseMs: 300, pollMs: 20 });
    const b = new Worker(db, { k: slow('b') }, log, { id: 'node-b/k', concurrency: 1, leaseMs: 300, pollMs: 20 });
    await enqueueJob(db, 'k', 'A', {});
    await a.start();
    await waitFor(() => runs.length === 1);
    await b.start();
    await sleep(1_500);
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toEqual(['a']);
    expect((await db.query('SELECT 1 FROM jobs')).rowCount).toBe(0);
  });

  test('a restarted process releases the jobs its previous life left running, without waiting for the lease', async () => {
    const id = await enqueueJob(db, 'k', 'A', {});
    const [claimed] = await claimJobs(db, 'node-a/k', 1, 600_000); // then killed -9: the lease would hold 10 minutes
    expect(claimed.id).toBe(id);
    const ran: string[] = [];
    const other = new Worker(db, { k: async (job) => void ran.push(`other:${job.id}`) }, log, {
      id: 'node-b/k',
      concurrency: 1,
      pollMs: 20,
    });
    await other.start();
    await sleep(200);
    expect(ran).toEqual([]); // another process must not take a job under a live lease
    const again = new Worker(db, { k: async (job) => void ran.push(`again:${job.id}`) }, log, {
      id: 'node-a/k',
      concurrency: 1,
      pollMs: 20,
    });
    const started = Date.now();
    await again.start();
    await waitFor(() => ran.length === 1, 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    await Promise.all([other.stop(), again.stop()]);
    expect(ran[0]).toMatch(/^(again|other):/);
  });

  test('a worker claims only the kinds of its lane', async () => {
    await enqueueJob(db, 'deliver', 'out:1', {});
    await enqueueJob(db, 'inbound', 'in:1', {});
    const inbound = await claimJobs(db, 'n/inbound', 10, 15_000, ['inbound']);
    expect(inbound.map((j) => j.kind)).toEqual(['inbound']);
    const deliveries = await claimJobs(db, 'n/deliver', 10, 15_000, ['deliver']);
    expect(deliveries.map((j) => j.kind)).toEqual(['deliver']);
  });
});
