/**
 * Hot statements (`hot`): prepared once per connection on PostgreSQL and once per instance on PGlite,
 * same results; a prepared form outdated by a schema change fails once as a transient error, then
 * runs unprepared (PGlite's own cases: pglite-prepared.test.ts).
 */
import { hot, isTransientDbError, openDatabase, type Database } from '../../src/db/database';
import { databaseKinds, freshDatabaseUrl } from '../support/databases';

describe.each(databaseKinds())('hot statements on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(await freshDatabaseUrl(kind), '/tmp/unused');
    await db.query('CREATE TABLE hot_probe (id int PRIMARY KEY, a text)');
    await db.query(`INSERT INTO hot_probe VALUES (1, 'một'), (2, 'hai')`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('gives the same rows as the statement run plainly, and is prepared under a name', async () => {
    const sql = hot(`SELECT id, a FROM hot_probe WHERE id = $1 /* ${kind} */`);
    const plain = `SELECT id, a FROM hot_probe WHERE id = $1 /* ${kind}, plain */`;
    for (const id of [1, 2, 3]) expect((await db.query(sql, [id])).rows).toEqual((await db.query(plain, [id])).rows);
    const prepared = await db.transaction(async (tx) => {
      await tx.query(sql, [1]);
      return (await tx.query<{ name: string }>('SELECT name FROM pg_prepared_statements WHERE statement = $1', [sql])).rows;
    });
    expect(prepared).toEqual([{ name: expect.stringMatching(/^hot_\d+$/) }]);
  });

  it('after a schema change alters its result columns: one transient failure, then the new columns', async () => {
    const sql = hot(`SELECT * FROM hot_probe WHERE id = $1 /* ${kind}, star */`);
    // One connection at a time: the pool hands the same idle connection back, which prepared the statement.
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, a: 'một' }]);
    await db.query('ALTER TABLE hot_probe ADD COLUMN b int DEFAULT 7');
    const failure = await db.query(sql, [1]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toMatchObject({ code: '0A000' });
    expect(isTransientDbError(failure)).toBe(true);
    expect((await db.query(sql, [1])).rows).toEqual([{ id: 1, a: 'một', b: 7 }]);
    expect((await db.query(sql, [2])).rows).toEqual([{ id: 2, a: 'hai', b: 7 }]);
  });

  it('reads int8 and numeric as numbers, as on the other database', async () => {
    const r = await db.query(`SELECT 5::int8 AS a, 1.5::numeric AS b, avg(x) AS c, count(*) AS d, sum(x) AS e FROM (VALUES (1), (2)) v(x)`);
    expect(r.rows).toEqual([{ a: 5, b: 1.5, c: 1.5, d: 2, e: 3 }]);
  });
});
