/**
 * A chain of statements gives the event loop its turns on both databases. PGlite runs statements
 * on this thread and resolves them as microtasks: without a hop between statements, a job's chain
 * kept sockets (webhooks, the console) waiting until the job was done.
 */
import { hot, openDatabase, type Database } from '../../src/db/database';
import { databaseKinds, freshDatabaseUrl } from '../support/databases';

describe.each(databaseKinds())('event loop during a chain of statements on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(await freshDatabaseUrl(kind), '/tmp/unused');
  });
  afterAll(async () => {
    await db?.close();
  });

  /** Runs `n` statements one after the other, counting the event loop's turns meanwhile. */
  async function turnsDuring(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
    let turns = 0;
    let running = true;
    const beat = () => {
      if (!running) return;
      turns++;
      setImmediate(beat);
    };
    setImmediate(beat);
    for (let i = 0; i < n; i++) await run(i);
    running = false;
    return turns;
  }

  it('lets the event loop run between statements outside a transaction', async () => {
    // Roughly one turn per statement; a chain that starves the loop gets none until its end.
    expect(await turnsDuring(200, (i) => db.query('SELECT $1::int AS i', [i]))).toBeGreaterThanOrEqual(100);
  });

  it('lets the event loop run between hot (prepared) statements outside a transaction', async () => {
    const sql = hot(`SELECT $1::int AS i /* hot, ${kind} */`);
    expect(await turnsDuring(200, (i) => db.query(sql, [i]))).toBeGreaterThanOrEqual(100);
  });

  it('lets the event loop run between transactions', async () => {
    const turns = await turnsDuring(100, (i) => db.transaction((tx) => tx.query('SELECT $1::int AS i', [i])));
    expect(turns).toBeGreaterThanOrEqual(50);
  });
});
