/**
 * Claims behind a backlog on PostgreSQL. The job queue is nearly empty most of the time and its
 * statistics say so; a claim's prepared (generic) plan made then must still read the queue by its
 * indexes when a burst or an outage leaves thousands of jobs in it. The claim connections plan
 * without table scans (`Database.relaxed`, `enable_seqscan` off) for that.
 */
import type { Client } from 'pg';
import type { Database } from '../../src/db/database';
import { claimParams, claimSql } from '../../src/jobs/queue';
import { migratedDatabase, migratedDatabaseUrl, withClient } from '../support/databases';

/** The kinds of node of a plan (`EXPLAIN (FORMAT JSON)`) that read a table of `relation`. */
function readsOf(plan: unknown, relation: string): string[] {
  const raw = (plan as { 'QUERY PLAN': unknown }[])[0]['QUERY PLAN'];
  const [top] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: Record<string, unknown> }[];
  const reads: string[] = [];
  const walk = (node: Record<string, unknown>): void => {
    if (node['Relation Name'] === relation && node['Node Type'] !== 'ModifyTable') reads.push(String(node['Node Type']));
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  walk(top.Plan);
  return reads;
}

/** The plan a claim prepared while the queue held 10 jobs uses once 8,000 more are queued. */
async function claimPlanBehindBacklog(client: Client): Promise<string[]> {
  await client.query(`INSERT INTO jobs (kind, ordering_key, payload) SELECT 'inbound', 'zalo:' || g, '{}' FROM generate_series(1, 10) g`);
  await client.query('ANALYZE jobs');
  await client.query('SET plan_cache_mode = force_generic_plan');
  const params = claimParams('node-a/inbound', 64, 15_000, ['deliver']);
  await client.query(`PREPARE claim(text, int, int, text[]) AS ${claimSql((claim) => claim).windowed}`);
  const explain = `EXPLAIN (FORMAT JSON) EXECUTE claim('${params[0]}', ${params[1]}, ${params[2]}, ARRAY['deliver'])`;
  await client.query(explain); // planned now, on the short queue
  await client.query(
    `INSERT INTO jobs (kind, ordering_key, payload)
     SELECT CASE WHEN g % 3 = 0 THEN 'deliver' ELSE 'inbound' END, 'zalo:late-' || g, '{}' FROM generate_series(1, 8000) g`,
  );
  return readsOf((await client.query(explain)).rows, 'jobs');
}

describe('claims behind a backlog on postgres', () => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase('postgres');
  });
  afterEach(() => db.close());

  test('the claim connections plan without table scans; the others keep them (reports, exports)', async () => {
    expect((await db.relaxed.query<{ enable_seqscan: string }>('SHOW enable_seqscan')).rows[0].enable_seqscan).toBe('off');
    expect((await db.query<{ enable_seqscan: string }>('SHOW enable_seqscan')).rows[0].enable_seqscan).toBe('on');
  });

  test('a claim planned on a nearly empty queue reads a backlog of 8,000 jobs by index only on those connections (by whole-table scans otherwise)', async () => {
    const asClaims = await withClient(await migratedDatabaseUrl('postgres'), async (client) => {
      await client.query('SET enable_seqscan = off');
      return claimPlanBehindBacklog(client);
    });
    expect(asClaims.length).toBeGreaterThan(0);
    expect(asClaims).not.toContain('Seq Scan');
    // What the setting prevents: the same plan, made with table scans allowed.
    const withScans = await withClient(await migratedDatabaseUrl('postgres'), claimPlanBehindBacklog);
    expect(withScans).toContain('Seq Scan');
  });
});
