/**
 * Fixed-window rate limits shared by every node: counters in the database (table `rate_counters`,
 * one upsert per counter for the hits arriving together; webhooks). A key may take `limit` hits per window of `windowMs`. Per-node
 * limits (the NLU parse route, live chat) count in memory: `MemoryRateLimiter` in the adapter kit.
 */
import type { Response } from 'express';
import type { RateVerdict } from '../channels/kit/rate-window';
import { hot, type Queryable } from '../db/database';
import { GroupWrite } from '../db/group-write';
import { HttpError } from '../errors';

/** One hit to count: its key and when it came. */
interface Hit {
  key: string;
  at: number;
}

const COUNT_HITS_SQL = hot(`INSERT INTO rate_counters AS c (key, window_start, hits)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
     ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + EXCLUDED.hits RETURNING key, window_start, hits`);

/**
 * Counters in the database, shared by every node. The hits of one process are counted in groups
 * (one upsert per key and window for all the hits arriving while the previous group is written), so
 * a flood on one channel does not queue every webhook on the same counter row; each hit still gets
 * its own place in the count, as if counted one by one.
 */
export class DbRateLimiter {
  private readonly group: GroupWrite<Hit, number>;

  constructor(
    db: Queryable,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.group = new GroupWrite((hits: readonly Hit[]) => this.count(db, hits), {
      maxItems: 256,
      // A refused upsert is no one hit's fault: the group fails as it is.
      isolate: () => false,
    });
  }

  /** Counts one hit of `key`. */
  async hit(key: string): Promise<RateVerdict> {
    const at = Date.now();
    const place = await this.group.submit({ key, at });
    const windowEnd = this.windowOf(at) + this.windowMs;
    return place <= this.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: windowEnd - at };
  }

  private windowOf(at: number): number {
    return at - (at % this.windowMs);
  }

  /** Adds the hits to their counters in one statement; returns each hit's place in its window's count. */
  private async count(db: Queryable, hits: readonly Hit[]): Promise<number[]> {
    const counters = new Map<string, { key: string; start: number; n: number; total: number; given: number }>();
    const counterOf = hits.map((h) => {
      const start = this.windowOf(h.at);
      const id = `${h.key}\u0000${start}`;
      let c = counters.get(id);
      if (!c) counters.set(id, (c = { key: h.key, start, n: 0, total: 0, given: 0 }));
      c.n++;
      return c;
    });
    const rows = [...counters.values()];
    const r = await db.query<{ key: string; window_start: Date | string; hits: number }>(COUNT_HITS_SQL, [
      rows.map((c) => c.key),
      rows.map((c) => new Date(c.start).toISOString()),
      rows.map((c) => c.n),
    ]);
    for (const row of r.rows) counters.get(`${row.key}\u0000${new Date(row.window_start).getTime()}`)!.total = row.hits;
    // The group's hits take the last places of each counter's total, in arrival order.
    return counterOf.map((c) => c.total - c.n + ++c.given);
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
