/**
 * Fixed-window rate limits shared by every node: counters in the database (table `rate_counters`,
 * one upsert per hit; webhooks). A key may take `limit` hits per window of `windowMs`. Per-node
 * limits (the NLU parse route, live chat) count in memory: `MemoryRateLimiter` in the adapter kit.
 */
import type { Response } from 'express';
import type { RateVerdict } from '../channels/kit/rate-window';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';

/** Counters in the database, shared by every node (one upsert per hit). */
export class DbRateLimiter {
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

/** Answers 429 with Retry-After (whole seconds, rounded up) and `message`. */
export function refuseTooMany(res: Response, retryAfterMs: number, message: string): never {
  res.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
  throw new HttpError(429, message);
}
