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

/** `url` with the user and password replaced. */
function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = 'leader-test';
  return u.toString();
}

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

  test('one of three nodes leads; when its process dies another takes over; release hands over at once', async () => {
    // Each node logs in as a role of its own, so that "the leader's process died" can be played
    // faithfully: its sessions are ended and it can no longer log in. (Only ending its session would
    // leave a live node, free to take the lock again at its next check before the others.)
    const tag = `lk${process.pid}_${Date.now() % 1e6}`;
    const roles = [0, 1, 2].map((i) => `${tag}_${i}`);
    for (const r of roles) await db.query(`CREATE ROLE ${r} LOGIN PASSWORD 'leader-test'`);
    const nodeDbs = await Promise.all(roles.map((r) => openDatabase(withUser(url, r), '/tmp/unused')));
    try {
      const shared = { holders: 0, maxHolders: 0 };
      const probes = [0, 1, 2].map(() => new Probe(shared));
      const handles = probes.map((p, i) => {
        const node = createLeadership(nodeDbs[i], { nodeId: `n${i}`, checkMs: 100, log: quiet });
        nodes.push(node);
        return node.lead('imap:test', p.role);
      });
      await Promise.all(handles.map((h) => h.ready));
      await waitFor(() => probes.filter((p) => p.running).length === 1);
      const first = probes.findIndex((p) => p.running);
      expect(handles[first].leading).toBe(true);
      expect(await roleLeader(db, 'imap:test')).toBe(`n${first}`);
      expect(await roleLeader(db, 'imap:other')).toBeNull();

      // The leader's process dies (as with kill -9): the server ends its session, which frees the lock;
      // the node, cut off, notices and stops its role; another node leads.
      await db.query(`ALTER ROLE ${roles[first]} NOLOGIN`);
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [roles[first]]);
      await waitFor(() => !probes[first].running && probes.some((p, i) => i !== first && p.running), 5_000);
      const second = probes.findIndex((p) => p.running);
      expect(await roleLeader(db, 'imap:test')).toBe(`n${second}`);

      // A graceful release: the next node leads within a check.
      await handles[second].release();
      await waitFor(() => probes.some((p, i) => i !== second && p.running), 5_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(probes.filter((p) => p.running)).toHaveLength(1);
      expect(probes[first].running).toBe(false);
      expect(shared.maxHolders).toBe(1);
    } finally {
      for (const n of nodes.splice(0)) await n.close();
      await Promise.all(nodeDbs.map((d) => d.close()));
      for (const r of roles) await db.query(`DROP ROLE IF EXISTS ${r}`);
    }
  });

  test('a node whose lock connection is cut stops its role, and leads again once it reconnects', async () => {
    const shared = { holders: 0, maxHolders: 0 };
    const probe = new Probe(shared);
    const node = createLeadership(db, { nodeId: 'solo', checkMs: 100, log: quiet });
    nodes.push(node);
    await node.lead('imap:solo', probe.role).ready;
    expect(probe.running).toBe(true);
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cong1022-leader:solo'`);
    await waitFor(() => probe.starts === 2 && probe.running, 5_000);
    expect(await roleLeader(db, 'imap:solo')).toBe('solo');
    expect(shared.maxHolders).toBe(1); // stopped before it started again
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
