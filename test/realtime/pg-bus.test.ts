/**
 * The cross-node bus on a real PostgreSQL server: two buses (two "nodes") on one database each
 * deliver every event exactly once, in each publisher's order, the publisher's own at once; payloads
 * over the NOTIFY limit travel through `bus_payloads`; a killed listening connection comes back and
 * tells subscribers to resync.
 */
import { Pool } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import type { BusOrigin } from '../../src/realtime/bus';
import { PgBus } from '../../src/realtime/pg-bus';
import type { FloorAlert } from '../../src/wire/events';
import { freshDatabaseUrl } from '../support/databases';
import { waitFor } from '../support/wait';

const log = createLogger('silent');
const alert = (message: string): FloorAlert => ({ kind: 'long_wait', message, at: new Date().toISOString() });

describe('bus across nodes on postgres', () => {
  let url = '';
  let db: Database;
  const pools: Pool[] = [];
  const buses: PgBus[] = [];

  const node = async (): Promise<{ bus: PgBus; got: Array<{ message: string; origin: BusOrigin }>; resyncs: () => number }> => {
    const pool = new Pool({ connectionString: url, max: 2 });
    pools.push(pool);
    const bus = new PgBus({ url, pool, log });
    buses.push(bus);
    const got: Array<{ message: string; origin: BusOrigin }> = [];
    let resyncs = 0;
    bus.on('alert', (e, origin) => got.push({ message: e.message, origin }));
    bus.onResync(() => resyncs++);
    await bus.start();
    return { bus, got, resyncs: () => resyncs };
  };

  beforeAll(async () => {
    url = await freshDatabaseUrl('postgres');
    db = await openDatabase(url, '/tmp/unused');
    await migrate(db);
  });

  afterAll(async () => {
    for (const b of buses) await b.close();
    for (const p of pools) await p.end();
    await db.close();
  });

  test('every node delivers each event once, in the publisher’s order; the publisher’s own synchronously', async () => {
    const a = await node();
    const b = await node();
    const big = 'Ồ'.repeat(6_000); // 18,000 bytes in UTF-8: over the NOTIFY limit
    for (let i = 0; i < 20; i++) {
      a.bus.emit('alert', alert(i === 7 ? big : `a${i}`));
      expect(a.got[a.got.length - 1]).toEqual({ message: i === 7 ? big : `a${i}`, origin: 'local' });
    }
    for (let i = 0; i < 5; i++) b.bus.emit('alert', alert(`b${i}`));

    await waitFor(() => a.got.length >= 25 && b.got.length >= 25);
    await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
    const fromA = Array.from({ length: 20 }, (_, i) => (i === 7 ? big : `a${i}`));
    const fromB = Array.from({ length: 5 }, (_, i) => `b${i}`);
    for (const n of [a, b]) {
      expect(n.got).toHaveLength(25);
      expect(n.got.filter((e) => e.message === big || e.message.startsWith('a')).map((e) => e.message)).toEqual(fromA);
      expect(n.got.filter((e) => /^b\d$/.test(e.message)).map((e) => e.message)).toEqual(fromB);
    }
    expect(a.got.filter((e) => e.origin === 'remote').map((e) => e.message)).toEqual(fromB);
    expect(b.got.filter((e) => e.origin === 'remote')).toHaveLength(20);
    // The big one went through the table.
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bus_payloads')).rows[0].n).toBe(1);
  });

  test('two equal events published together are two events everywhere', async () => {
    const a = await node();
    const b = await node();
    const same = alert('hai lần');
    a.bus.emit('alert', same);
    a.bus.emit('alert', same);
    await waitFor(() => b.got.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.got).toEqual([
      { message: 'hai lần', origin: 'remote' },
      { message: 'hai lần', origin: 'remote' },
    ]);
  });

  test('a killed listening connection is re-opened; subscribers are told to resync and events flow again', async () => {
    const a = await node();
    const b = await node();
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cong1022-bus'`,
    );
    await waitFor(() => a.resyncs() === 1 && b.resyncs() === 1);
    expect(a.bus.listening && b.bus.listening).toBe(true);
    a.bus.emit('alert', alert('after reconnect'));
    await waitFor(() => b.got.some((e) => e.message === 'after reconnect' && e.origin === 'remote'));
    expect(a.got.filter((e) => e.message === 'after reconnect')).toEqual([{ message: 'after reconnect', origin: 'local' }]);
  });
});
