/**
 * A claim's window of the oldest due jobs costs its own size, however long the queue: behind a
 * backlog (a burst, an outage's backing-off deliveries), with statistics taken on a short queue,
 * and as the generic plan a prepared claim is run with, the claim reads each of its kinds' jobs from
 * `jobs_ready_by_kind` and the expired leases from `jobs_leased`.
 */
import type { Database, Queryable } from '../../src/db/database';
import { claimedFrom, claimJobs, claimSql } from '../../src/jobs/queue';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { explainJson, planNodes, type PlanNode } from '../support/plans';

/** Rolls the explained claim back. */
class Explained extends Error {
  constructor(readonly plan: PlanNode) {
    super('explained');
  }
}

/** Rows the plan read from `jobs`: returned by its scans, and passed over by their filters. */
const jobRowsRead = (plan: PlanNode): number =>
  planNodes(plan)
    .filter((node) => node['Relation Name'] === 'jobs' && node['Node Type'] !== 'ModifyTable')
    .reduce(
      (rows, node) =>
        rows + (Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0)) * Number(node['Actual Loops'] ?? 1),
      0,
    );

describe.each(databaseKinds())('the claim window on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase(kind);
  });
  afterEach(() => db.close());

  /**
   * The windowed claim of `kinds` (leaving out the jobs of the channels `capped`, when given, as the
   * delivery lane's claim does), prepared and run with a generic plan, explained with what it read,
   * then rolled back.
   */
  async function explainClaim(kinds: string[], limit: number, capped?: string[]): Promise<{ read: number; claimed: number; plan: string }> {
    const sql = claimSql((claim) => `WITH ${claim.ctes} SELECT claimed.id FROM ${claimedFrom(claim)}`, capped !== undefined).windowed;
    const list = (items: string[]) => `ARRAY[${items.map((k) => `'${k}'`).join(', ')}]::text[]`;
    try {
      await db.transaction(async (tx: Queryable) => {
        await tx.query('SET LOCAL plan_cache_mode = force_generic_plan');
        // $5 is the delivery claim's own parameter, unused here; $6 the channels left out.
        await tx.query(`PREPARE claim_window_test (text, int, int, text[]${capped ? ', text, text[]' : ''}) AS ${sql}`);
        const plan = await explainJson(
          tx,
          'ANALYZE, FORMAT JSON',
          `EXECUTE claim_window_test ('test-worker', ${limit}, 15000, ${list(kinds)}${capped ? `, NULL, ${list(capped)}` : ''})`,
        );
        await tx.query('DEALLOCATE claim_window_test');
        throw new Explained(plan);
      });
    } catch (err) {
      if (!(err instanceof Explained)) throw err;
      return { read: jobRowsRead(err.plan), claimed: Number(err.plan['Actual Rows'] ?? 0), plan: JSON.stringify(err.plan) };
    }
    throw new Error('the claim was not explained');
  }

  test('behind a backlog of other kinds and of backing-off jobs, with stale statistics, a claim reads about its window', async () => {
    // Statistics taken on a short queue of one kind, as on a new database or a quiet night.
    await db.query(`INSERT INTO jobs (kind, ordering_key, payload) SELECT 'inbound', 'zalo:' || g, '{}' FROM generate_series(1, 10) g`);
    await db.query('ANALYZE jobs');
    // Then a burst of another lane's kind, an outage's deliveries backing off, due deliveries, and two crashed leases.
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'inbound', 'zalo:late-' || g, '{}' FROM generate_series(1, 8000) g`,
    );
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload, run_at, attempts)
       SELECT 'deliver', 'out:' || g, '{"channel":"zalo"}', now() + interval '1 minute', 3 FROM generate_series(1, 8000) g`,
    );
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'deliver', 'due:' || g, '{"channel":"zalo"}' FROM generate_series(1, 3000) g`,
    );
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload, state, attempts, locked_by, locked_until)
       SELECT 'deliver', 'crashed:' || g, '{"channel":"zalo"}', 'running', 1, 'dead-node/deliver', now() - interval '1 second'
       FROM generate_series(1, 2) g`,
    );

    const deliveries = await explainClaim(['deliver'], 64);
    expect(deliveries.claimed).toBe(64);
    // The window is 4 × 64 + 32 = 288 due deliveries and the expired leases; the claim then locks up
    // to 64 of them and checks each one's ordering key: well under 2,000 rows, against the 19,000
    // jobs in the queue (a window read in id order read every one of them).
    expect(deliveries.read).toBeGreaterThan(288);
    expect(deliveries.read).toBeLessThan(2_000);
    expect(deliveries.plan).toMatch(/jobs_ready_by_kind/);
    expect(deliveries.plan).toMatch(/jobs_leased/);

    const both = await explainClaim(['inbound', 'deliver'], 64);
    expect(both.claimed).toBe(64);
    expect(both.read).toBeLessThan(2_000);
  });

  test('the oldest due jobs first, a crashed lease among them, a backing-off one not before it is due', async () => {
    const add = async (key: string, sql: string) =>
      (
        await db.query<{ id: string }>(`INSERT INTO jobs (kind, ordering_key, payload, run_at, state, locked_by, locked_until)
         VALUES ('deliver', '${key}', '{}', ${sql}) RETURNING id::text`)
      ).rows[0].id;
    const later = await add('later', `now() + interval '1 minute', 'pending', NULL, NULL`);
    const retried = await add('retried', `now() - interval '10 seconds', 'pending', NULL, NULL`);
    const fresh = await add('fresh', `now(), 'pending', NULL, NULL`);
    const crashed = await add('crashed', `now() - interval '1 minute', 'running', 'dead/deliver', now() - interval '5 seconds'`);
    const claimed = await claimJobs(db, 'w/deliver', 10, 15_000, ['deliver']);
    expect(claimed.map((j) => j.id).sort()).toEqual([retried, fresh, crashed].sort());
    expect(claimed.map((j) => j.id)).not.toContain(later);
  });

  test("a capped channel's backlog is not read: the other channels' due jobs are, in the order they became due", async () => {
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'deliver', 'few:' || g, '{"channel":"zalo"}' FROM generate_series(1, 10) g`,
    );
    await db.query('ANALYZE jobs');
    // An e-DongThap backlog at its cap (a slow callback), then other channels' deliveries, and agency mails (no channel).
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'deliver', 'edt:' || g, '{"channel":"edongthap"}' FROM generate_series(1, 10000) g`,
    );
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload) SELECT 'deliver', 'fb:' || g, '{"channel":"facebook"}' FROM generate_series(1, 40) g`,
    );
    await db.query(`INSERT INTO jobs (kind, ordering_key, payload) SELECT 'agency_mail', 'mail:' || g, '{}' FROM generate_series(1, 5) g`);

    const capped = await explainClaim(['deliver', 'agency_mail'], 64, ['edongthap']);
    // 10 Zalo + 40 Facebook + 5 mails, all of them; none of the 10,000 e-DongThap jobs (a window
    // filtering them read 10,000 rows, and the claim over all that followed it as many again).
    expect(capped.claimed).toBe(55);
    expect(capped.read).toBeLessThan(500);
    expect(capped.plan).toMatch(/jobs_ready_by_channel/);

    // Not capped: the oldest due deliveries, e-DongThap's among them.
    const claimed = await claimJobs(db, 'w/deliver', 64, 15_000, ['deliver']);
    expect(claimed).toHaveLength(64);
  });

  test('a claim of nothing from a window that was not full makes no claim over all; from a full one it does', async () => {
    const statements: string[] = [];
    const counted: Queryable = {
      query: (sql, params) => {
        statements.push(sql);
        return db.query(sql, params);
      },
    };
    // One citizen's first job runs; its 39 next ones wait for it: claimable, none runnable.
    await db.query(
      `INSERT INTO jobs (kind, ordering_key, payload, state, locked_by, locked_until)
       VALUES ('deliver', 'citizen', '{}', 'running', 'alive/deliver', now() + interval '1 minute')`,
    );
    await db.query(`INSERT INTO jobs (kind, ordering_key, payload) SELECT 'deliver', 'citizen', '{}' FROM generate_series(1, 39)`);
    // A window for a claim of 2 is 4 × 2 + 32 = 40 jobs: the 39 waiting ones are not a full window.
    expect(await claimJobs(counted, 'w/deliver', 2, 15_000, ['deliver'])).toEqual([]);
    expect(statements).toHaveLength(1);

    // One more waiting job fills the window; a runnable job lies beyond it, which only the claim over all finds.
    await db.query(`INSERT INTO jobs (kind, ordering_key, payload) VALUES ('deliver', 'citizen', '{}')`);
    const beyond = (
      await db.query<{ id: string }>(`INSERT INTO jobs (kind, ordering_key, payload) VALUES ('deliver', 'other', '{}') RETURNING id::text`)
    ).rows[0].id;
    statements.length = 0;
    expect((await claimJobs(counted, 'w/deliver', 2, 15_000, ['deliver'])).map((j) => j.id)).toEqual([beyond]);
    expect(statements).toHaveLength(2);
  });
});
