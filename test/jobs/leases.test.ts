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
    // The job runs three leases long. A lease of 1 s (renewed every third) leaves room for an event
    // loop stalled a few hundred ms on a loaded machine; 300 ms expired once there in a clean-clone run.
    const slow = (name: string) => async () => {
      runs.push(name);
      await sleep(3_000);
    };
    const a = new Worker(db, { k: slow('a') }, log, { id: 'node-a/k', concurrency: 1, leaseMs: 1_000, pollMs: 20 });
    const b = new Worker(db, { k: slow('b') }, log, { id: 'node-b/k', concurrency: 1, leaseMs: 1_000, pollMs: 20 });
    await enqueueJob(db, 'k', 'A', {});
    await a.start();
    await waitFor(() => runs.length === 1);
    await b.start();
    await sleep(3_500);
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

  test('a worker claims only the kinds it has handlers for (its lane); others wait for their own lane', async () => {
    const deliver = await enqueueJob(db, 'deliver', 'out:1', {});
    await enqueueJob(db, 'inbound', 'in:1', {});
    const ran: string[] = [];
    const inbound = new Worker(db, { inbound: async (job) => void ran.push(job.kind) }, log, {
      id: 'n/inbound',
      concurrency: 2,
      pollMs: 20,
    });
    await inbound.start();
    await waitFor(() => ran.length === 1);
    await sleep(200);
    await inbound.stop();
    expect(ran).toEqual(['inbound']);
    const left = await db.query<{ id: string; state: string }>('SELECT id::text, state FROM jobs');
    expect(left.rows).toEqual([{ id: deliver, state: 'pending' }]);
  });
});
