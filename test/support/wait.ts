/** Polling helpers for asynchronous outcomes (jobs, deliveries) in tests. */

/** Polls `get` until `ok` accepts its value or `ms` pass; returns the last value either way. */
export async function waitForValue<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
