/**
 * Cluster-wide locks: one leader per role among nodes sharing a PostgreSQL server, failover when the
 * leader's session dies, and a start-up lock that lets nodes started together create one first admin.
 */
import { ensureFirstAdmin } from '../../src/auth/passwords';
import { openDatabase, type Database } from '../../src/db/database';
import { createLeadership, roleLeader, withStartLock, type Leadership } from '../../src/db/locks';
import { migrate } from '../../src/db/migrate';
import { freshDatabaseUrl, migratedDatabase } from '../support/databases';
import { waitFor } from '../support/wait';

const quiet = { info: () => undefined, warn: () => undefined };

/** A role that records whether it runs, and never overlaps with another node's run of it. */
class Probe {
  running = false;
  starts = 0;
  constructor(private readonly shared: { holders: number; maxHolders: number }) {}
  role = {
    start: async () => {
      this.running = true;
      this.starts++;
      this.shared.holders++;
      this.shared.maxHolders = Math.max(this.shared.maxHolders, this.shared.holders);
    },
    stop: async () => {
      if (!this.running) return;
      this.running = false;
      this.shared.holders--;
    },
  };
}

describe('leader locks on PostgreSQL', () => {
  let url: string;
  let db: Database;
  const nodes: Leadership[] = [];
  beforeAll(async () => {
    url = await freshDatabaseUrl('postgres');
    db = await openDatabase(url, '/tmp/unused');
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await db.close();
  });

  test('one of three nodes leads; when its session is killed another takes over; release hands over at once', async () => {
    const shared = { holders: 0, maxHolders: 0 };
    const probes = [0, 1, 2].map(() => new Probe(shared));
    const handles = probes.map((p, i) => {
      const node = createLeadership(db, { nodeId: `n${i}`, checkMs: 100, log: quiet });
      nodes.push(node);
      return node.lead('imap:test', p.role);
    });
    await Promise.all(handles.map((h) => h.ready));
    await waitFor(() => probes.filter((p) => p.running).length === 1);
    const first = probes.findIndex((p) => p.running);
    expect(handles[first].leading).toBe(true);
    expect(await roleLeader(db, 'imap:test')).toBe(`n${first}`);
    expect(await roleLeader(db, 'imap:other')).toBeNull();

    // The leader's connection dies (as with kill -9): its lock is freed, it stops, another leads.
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await waitFor(() => !probes[first].running && probes.some((p, i) => i !== first && p.running), 5_000);
    const second = probes.findIndex((p) => p.running);
    expect(await roleLeader(db, 'imap:test')).toBe(`n${second}`);

    // A graceful release: the next node leads within a check.
    await handles[second].release();
    await waitFor(() => probes.some((p, i) => i !== second && p.running), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(probes.filter((p) => p.running)).toHaveLength(1);
    expect(shared.maxHolders).toBe(1);
  });

  test('roles are independent: different names may be led by different nodes', async () => {
    const shared = { holders: 0, maxHolders: 0 };
    const a = createLeadership(db, { checkMs: 100, log: quiet });
    nodes.push(a);
    const x = new Probe(shared);
    const y = new Probe({ holders: 0, maxHolders: 0 });
    await a.lead('role-x', x.role).ready;
    await a.lead('role-y', y.role).ready;
    expect(x.running && y.running).toBe(true);
    await a.close();
    expect(x.running || y.running).toBe(false);
  });
});

test('on PGlite every role is led at once', async () => {
  const db = await migratedDatabase('pglite');
  const probe = new Probe({ holders: 0, maxHolders: 0 });
  const node = createLeadership(db, { log: quiet });
  const handle = node.lead('stats-rollup', probe.role);
  await handle.ready;
  expect(probe.running && handle.leading).toBe(true);
  await node.close();
  expect(probe.running).toBe(false);
  await db.close();
});

test('three nodes migrating and creating the first admin at once on an empty server: one admin, no error', async () => {
  const url = await freshDatabaseUrl('postgres');
  const dbs = await Promise.all([0, 1, 2].map(() => openDatabase(url, '/tmp/unused')));
  try {
    const created = await Promise.all(
      dbs.map(async (db) => {
        await migrate(db);
        return withStartLock(db, (tx) => ensureFirstAdmin(tx, 'admin', 'admin-password-1'));
      }),
    );
    expect(created.filter(Boolean)).toHaveLength(1);
    const users = await dbs[0].query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    expect(users.rows[0].n).toBe(1);
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
  }
});
