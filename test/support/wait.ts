/** Polling helpers for asynchronous outcomes (jobs, deliveries) in tests. */

/** Polls `get` until `ok` accepts its value or `ms` pass; returns the last value either way. */
export async function waitForValue<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `cond()` holds; throws after `ms` (so a missing event fails the test with a clear message). */
export async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms: ${cond.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
