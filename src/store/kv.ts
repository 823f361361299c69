/** A small persistent key-value store (adapter state, settings). */
import type { Database, Queryable } from '../db/database';

/** Reads a value. */
export async function kvGet<T>(q: Queryable, key: string): Promise<T | null> {
  const r = await q.query<{ value: T }>('SELECT value FROM kv_state WHERE key = $1', [key]);
  return r.rows[0]?.value ?? null;
}

/** Writes a value. */
export async function kvSet<T>(q: Queryable, key: string, value: T): Promise<void> {
  await q.query(
    `INSERT INTO kv_state (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** Runs `fn` on the value under a row lock and stores its result atomically. */
export async function kvUpdate<T>(db: Database, key: string, fn: (current: T | null) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`INSERT INTO kv_state (key, value) VALUES ($1, 'null'::jsonb) ON CONFLICT (key) DO NOTHING`, [key]);
    const r = await tx.query<{ value: T | null }>('SELECT value FROM kv_state WHERE key = $1 FOR UPDATE', [key]);
    const next = await fn(r.rows[0]?.value ?? null);
    await kvSet(tx, key, next);
    return next;
  });
}
