/** Login throttling: after too many failures for a username or an address, wait. */

/** Counts failures in a sliding window per key. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly maxFailures = 5, private readonly windowMs = 15 * 60_000) {}

  /** Milliseconds to wait before another attempt for any of `keys` (0 = go ahead). */
  retryAfterMs(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, recent[0] + this.windowMs - now);
    }
    return wait;
  }

  /** Records a failed attempt. */
  fail(keys: string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** Clears the failures of a username after a success. */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
