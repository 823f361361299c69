/**
 * Fixed-window counters in memory (per node): a key may take `limit` hits per `windowMs`. Used by
 * the live-chat adapter (per address) and the core's NLU parse route (`src/http/service-routes.ts`).
 */

/** The answer to one hit. */
export interface RateVerdict {
  allowed: boolean;
  /** Until the window ends (0 when allowed). */
  retryAfterMs: number;
}

/** Per-node counters; windows that have ended are dropped once many keys pile up. */
export class MemoryRateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one hit of `key`. */
  hitNow(key: string, now = Date.now()): RateVerdict {
    const start = now - (now % this.windowMs);
    const w = this.windows.get(key);
    if (!w || w.start !== start) {
      if (this.windows.size > 100_000) this.prune(start);
      this.windows.set(key, { start, hits: 1 });
      return { allowed: this.limit >= 1, retryAfterMs: this.limit >= 1 ? 0 : start + this.windowMs - now };
    }
    w.hits++;
    return w.hits <= this.limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: start + this.windowMs - now };
  }

  private prune(current: number): void {
    for (const [k, w] of this.windows) if (w.start !== current) this.windows.delete(k);
  }
}
