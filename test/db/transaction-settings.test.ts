/**
 * Settings for one transaction (`TransactionOptions.settings`): in force for its statements only,
 * sent with its BEGIN; the console's aggregates use them to turn JIT off (`withoutJit`).
 */
import type { Database, Queryable } from '../../src/db/database';
import { withoutJit } from '../../src/store/no-jit';
import { databaseKinds, migratedDatabase } from '../support/databases';

const show = async (q: Queryable, name: string) => Object.values((await q.query(`SHOW ${name}`)).rows[0])[0];

describe.each(databaseKinds())('transaction settings on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await migratedDatabase(kind);
  });
  afterAll(() => db.close());

  test('set for the transaction only, then back to the server’s own', async () => {
    const before = await show(db, 'work_mem');
    const inside = await db.transaction(async (tx) => [await show(tx, 'enable_seqscan'), await show(tx, 'work_mem')], {
      settings: { enable_seqscan: 'off', work_mem: '64MB' },
    });
    expect(inside).toEqual(['off', '64MB']);
    expect([await show(db, 'enable_seqscan'), await show(db, 'work_mem')]).toEqual(['on', before]);
    expect(await db.transaction((tx) => show(tx, 'enable_seqscan'))).toBe('on');
  });

  test('a name that is not a setting’s is refused before anything is sent', async () => {
    await expect(db.transaction(async () => 1, { settings: { 'jit = off; DROP TABLE jobs; --': 'x' } })).rejects.toThrow(
      'not a setting name',
    );
    expect((await db.query('SELECT count(*) FROM jobs')).rows).toHaveLength(1);
  });

  test('withoutJit: the console’s aggregates run with JIT off on PostgreSQL (PGlite has none)', async () => {
    const jit = await withoutJit(db, (q) => show(q, 'jit'));
    if (kind === 'postgres') expect(jit).toBe('off');
    expect(await withoutJit(db, (q) => show(q, 'work_mem'))).toBe(kind === 'postgres' ? '64MB' : await show(db, 'work_mem'));
  });
});
