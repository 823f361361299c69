/**
 * Login throttling, shared by every node through the database (table `login_throttle`). Failures
 * are counted per username and address, per username and per address; past a few free attempts
 * each key waits a delay that doubles with every further failure, up to a cap. No hard lock: the
 * real owner at another address is not held up by an attacker, and even the per-user key waits at
 * most a minute. A key's count starts again an hour after its last failure; a success clears the
 * username's keys (not the address's).
 */
import type { Queryable } from '../db/database';

/** A throttled key: how many failures are free, then the first delay and its cap. */
export interface ThrottleKey {
  key: string;
  free: number;
  baseMs: number;
  capMs: number;
}

const FIFTEEN_MINUTES = 15 * 60_000;

/** The keys of a login attempt. */
export function throttleKeys(username: string, ip: string | undefined): ThrottleKey[] {
  const user = username.trim().toLowerCase();
  const address = ip ?? 'unknown';
  return [
    { key: `ua:${user}|${address}`, free: 5, baseMs: 5_000, capMs: FIFTEEN_MINUTES },
    { key: `u:${user}`, free: 20, baseMs: 1_000, capMs: 60_000 },
    // A whole office may share one address behind NAT: many more failures are free.
    { key: `ip:${address}`, free: 50, baseMs: 5_000, capMs: FIFTEEN_MINUTES },
  ];
}

/** Milliseconds to wait before another attempt for any of `keys` (0 = go ahead). */
export async function loginRetryAfterMs(q: Queryable, keys: ThrottleKey[]): Promise<number> {
  const r = await q.query<{ wait_ms: string | null }>(
    `SELECT ceil(max(extract(epoch FROM blocked_until - now())) * 1000)::text AS wait_ms
       FROM login_throttle WHERE key = ANY($1::text[]) AND blocked_until > now()`,
    [keys.map((k) => k.key)],
  );
  return Math.max(0, Number(r.rows[0]?.wait_ms ?? 0));
}

/** Records a failed attempt on every key; each key past its free attempts waits its doubled delay. */
export async function recordLoginFailure(q: Queryable, keys: ThrottleKey[]): Promise<void> {
  // The delay after the n-th failure: none within the free attempts, then base · 2^(n − free), capped.
  const delay = (n: string) =>
    `CASE WHEN ${n} < $2 THEN NULL ELSE now() + least($4::float8, $3::float8 * power(2, least(${n} - $2, 30))) * interval '1 millisecond' END`;
  const next = `CASE WHEN t.last_failure_at < now() - interval '1 hour' THEN 1 ELSE t.failures + 1 END`;
  for (const k of keys) {
    await q.query(
      `INSERT INTO login_throttle AS t (key, failures, last_failure_at, blocked_until) VALUES ($1, 1, now(), ${delay('1')})
       ON CONFLICT (key) DO UPDATE SET failures = ${next}, last_failure_at = now(), blocked_until = ${delay(next)}`,
      [k.key, k.free, k.baseMs, k.capMs],
    );
  }
}

/** Clears the username's keys after a success (the address keeps its count). */
export async function recordLoginSuccess(q: Queryable, keys: ThrottleKey[]): Promise<void> {
  await q.query(`DELETE FROM login_throttle WHERE key = ANY($1::text[])`, [keys.filter((k) => !k.key.startsWith('ip:')).map((k) => k.key)]);
}

/** Removes keys whose last failure is older than a day (the retention job). */
export async function purgeLoginThrottle(q: Queryable): Promise<number> {
  const r = await q.query(`DELETE FROM login_throttle WHERE last_failure_at < now() - interval '1 day'`);
  return r.rowCount;
}
