/**
 * Durable jobs in the database. Claimed with `FOR UPDATE SKIP LOCKED` (PGlite and PostgreSQL);
 * jobs sharing an ordering key run one at a time, oldest first — a later job waits while an
 * earlier one is pending, running or backing off, so one conversation is always handled in order.
 */
import type { Queryable } from '../db/database';

/** A claimed job. */
export interface Job {
  id: string;
  kind: string;
  orderingKey: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

/** Enqueues a job in the caller's transaction. */
export async function enqueueJob(
  q: Queryable,
  kind: string,
  orderingKey: string,
  payload: Record<string, unknown>,
  opts: { runAt?: Date; maxAttempts?: number } = {},
): Promise<string> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO jobs (kind, ordering_key, payload, run_at, max_attempts)
     VALUES ($1, $2, $3::jsonb, COALESCE($4::timestamptz, now()), COALESCE($5::int, 12)) RETURNING id::text`,
    [kind, orderingKey, JSON.stringify(payload), opts.runAt?.toISOString() ?? null, opts.maxAttempts ?? null],
  );
  return r.rows[0].id;
}

/** Claims up to `limit` runnable jobs for `workerId`, leased for `leaseMs`. */
export async function claimJobs(q: Queryable, workerId: string, limit: number, leaseMs: number): Promise<Job[]> {
  const r = await q.query<{
    id: string;
    kind: string;
    ordering_key: string;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
  }>(
    `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1,
            locked_until = now() + ($3::int * interval '1 millisecond')
     WHERE id IN (
       SELECT j.id FROM jobs j
       WHERE ((j.state = 'pending' AND j.run_at <= now()) OR (j.state = 'running' AND j.locked_until < now()))
         AND NOT EXISTS (
           SELECT 1 FROM jobs o WHERE o.ordering_key = j.ordering_key AND o.id < j.id AND o.state <> 'failed')
       ORDER BY j.id
       LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING id::text, kind, ordering_key, payload, attempts, max_attempts`,
    [workerId, limit, leaseMs],
  );
  return r.rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    orderingKey: row.ordering_key,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
  }));
}

/** Removes a finished job (the event log keeps the history). */
export async function completeJob(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM jobs WHERE id = $1::bigint', [id]);
}

/** Schedules a retry after `delayMs`, or marks the job failed when out of attempts or `permanent`. */
export async function failJob(q: Queryable, job: Job, error: string, delayMs: number, permanent: boolean): Promise<'retry' | 'failed'> {
  const giveUp = permanent || job.attempts >= job.maxAttempts;
  await q.query(
    `UPDATE jobs SET state = $2, last_error = $3, locked_by = NULL, locked_until = NULL,
            run_at = now() + ($4::int * interval '1 millisecond')
     WHERE id = $1::bigint`,
    [job.id, giveUp ? 'failed' : 'pending', error.slice(0, 2000), Math.round(delayMs)],
  );
  return giveUp ? 'failed' : 'retry';
}

/** Returns every running job to pending (single-process embedded database after a crash). */
export async function releaseAllRunning(q: Queryable): Promise<number> {
  const r = await q.query(`UPDATE jobs SET state = 'pending', locked_by = NULL, locked_until = NULL WHERE state = 'running'`);
  return r.rowCount;
}

/** Pending + running jobs by kind (for metrics). */
export async function queueDepth(q: Queryable): Promise<{ kind: string; state: string; count: number }[]> {
  const r = await q.query<{ kind: string; state: string; count: number }>(
    `SELECT kind, state, count(*)::int AS count FROM jobs GROUP BY kind, state`,
  );
  return r.rows;
}

/** Exponential backoff with full jitter: attempt 1 → up to 1 s, doubling, capped (default: 10 min). */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 600_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
