/**
 * Fixed-window rate limits behind one interface: in memory, per node (the NLU parse route; the
 * class lives in the adapter kit, which live chat uses too), or in the database (table
 * `rate_counters`, shared by every node on one PostgreSQL: webhooks). A key may take `limit` hits
 * per window of `windowMs`.
 */
import type { RateVerdict } from '../channels/kit/rate-window';
import type { Queryable } from '../db/database';

export { MemoryRateLimiter, type RateVerdict } from '../channels/kit/rate-window';

/** Counts hits per key. */
export interface RateLimiter {
  hit(key: string): Promise<RateVerdict>;
}

/** Counters in the database, shared by every node (one upsert per hit). */
export class DbRateLimiter implements RateLimiter {
  constructor(
    private readonly db: Queryable,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit of `key`. */
  async hit(key: string): Promise<RateVerdict> {
    const now = Date.now();
    const start = new Date(now - (now % this.windowMs));
    const r = await this.db.query<{ hits: number }>(
      `INSERT INTO rate_counters AS c (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1 RETURNING hits`,
      [key, start.toISOString()],
    );
    const hits = r.rows[0].hits;
    return hits <= this.limit
      ? { allowed: true, retryAfterMs: 0 }
      : { allowed: false, retryAfterMs: start.getTime() + this.windowMs - now };
  }
}

/** Deletes database windows that ended more than an hour ago (the retention job). */
export async function purgeRateCounters(q: Queryable): Promise<number> {
  const r = await q.query(`DELETE FROM rate_counters WHERE window_start < now() - interval '1 hour'`);
  return r.rowCount;
}
