/**
 * Login throttling: after too many failures for a username, or many more from one address (a
 * whole office may share one address behind NAT), wait until the window has passed.
 */

/** A throttled key and the failures it may have in the window. */
export interface ThrottleKey {
  key: string;
  maxFailures: number;
}

/** Counts failures in a sliding window per key. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly windowMs = 15 * 60_000) {}

  /** The keys of a login attempt: 5 failures per username, 50 per address. */
  static keysFor(username: string, ip: string | undefined): ThrottleKey[] {
    return [
      { key: `u:${username.toLowerCase()}`, maxFailures: 5 },
      { key: `ip:${ip ?? 'unknown'}`, maxFailures: 50 },
    ];
  }

  /** Milliseconds to wait before another attempt for any of `keys` (0 = go ahead). */
  retryAfterMs(keys: ThrottleKey[], now = Date.now()): number {
    let wait = 0;
    for (const { key, maxFailures } of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= maxFailures) wait = Math.max(wait, recent[recent.length - maxFailures] + this.windowMs - now);
    }
    return wait;
  }

  /** Records a failed attempt. */
  fail(keys: ThrottleKey[], now = Date.now()): void {
    for (const { key } of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** Clears the failures of the username (not of the address) after a success. */
  succeed(keys: ThrottleKey[]): void {
    this.failures.delete(keys[0].key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
