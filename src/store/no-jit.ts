/**
 * PostgreSQL's JIT compiler costs seconds on the console's aggregate queries (measured with
 * `npm run bench:dashboard`: the 30-day dashboard took 3.2 s with JIT, 0.8 s without) because their
 * cost estimates cross `jit_above_cost` although they run in milliseconds. PGlite has no JIT.
 */
import type { Database, Queryable } from '../db/database';

/** Runs `fn` in a read transaction with JIT off on PostgreSQL; as is on PGlite. */
export async function withoutJit<T>(db: Database, fn: (q: Queryable) => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres') return fn(db);
  return db.transaction(fn, { settings: { jit: 'off', work_mem: '64MB' } });
}
