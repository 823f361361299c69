/**
 * Durable jobs in the database. Claimed with `FOR UPDATE SKIP LOCKED` (PGlite and PostgreSQL);
 * jobs sharing an ordering key run one at a time, oldest first — a later job waits while an
 * earlier one is pending, running or backing off, so one conversation is always handled in order.
 */
import { hot, type Queryable } from '../db/database';
import { jsonParam } from '../db/json-param';

/** A claimed job. */
export interface Job {
  id: string;
  kind: string;
  orderingKey: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  /** When set, the job is retried until this time instead of `maxAttempts` times. */
  giveUpAt: Date | null;
  /** What the lane's claim read with the job in the same statement (inbound: its raw item; deliveries: the started messages), if anything. */
  attached?: unknown;
}

/** What the lane's own claim read with `job` (`Job.attached`); throws when the job was claimed by a lane without that claim. */
export function attachedTo<T>(job: Job): T {
  if (job.attached === undefined) throw new Error(`job ${job.id} (${job.kind}) claimed without what its lane's own claim reads with it`);
  return job.attached as T;
}

/** Enqueues a job in the caller's transaction. */
export async function enqueueJob(
  q: Queryable,
  kind: string,
  orderingKey: string,
  payload: Record<string, unknown>,
  opts: { runAt?: Date; maxAttempts?: number; giveUpAfterMs?: number } = {},
): Promise<string> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO jobs (kind, ordering_key, payload, run_at, max_attempts, give_up_at)
     VALUES ($1, $2, $3::jsonb, COALESCE($4::timestamptz, now()), COALESCE($5::int, 12),
             now() + ($6::bigint * interval '1 millisecond')) RETURNING id::text`,
    [kind, orderingKey, JSON.stringify(payload), opts.runAt?.toISOString() ?? null, opts.maxAttempts ?? null, opts.giveUpAfterMs ?? null],
  );
  return r.rows[0].id;
}

/** A job to enqueue together with other writes (see `insertJobsSql`). */
export interface NewJob {
  kind: string;
  orderingKey: string;
  payload: Record<string, unknown>;
  /** Retried until this long from now instead of a number of attempts. */
  giveUpAfterMs?: number;
  /**
   * Written as claimed by this lane (`Worker.reserve`) when it is the first job of its ordering key,
   * so the lane runs it without a claim (`Worker.adopt`); else written pending, as without it.
   */
  startBy?: { workerId: string; leaseMs: number };
}

/** Jobs as the JSON parameter of `insertJobsSql`. */
export function jobsParam(jobs: readonly NewJob[]): string {
  return jsonParam(
    jobs.map((j) => ({
      kind: j.kind,
      ordering_key: j.orderingKey,
      payload: j.payload,
      give_up_after_ms: j.giveUpAfterMs ?? null,
      start_by: j.startBy?.workerId ?? null,
      lease_ms: j.startBy?.leaseMs ?? null,
    })),
  );
}

/**
 * One multi-row INSERT of the jobs in the JSON array `param` (from `jobsParam`), in order; usable as
 * a CTE, which returns the rows as a claim does (`JobRow`, with `state`). A job with `startBy` is
 * written running and leased, its first attempt counted, when no other job of its ordering key is
 * waiting, running or backing off; else pending.
 *
 * That check is one probe of the ordering key's index per job started (a subquery with LIMIT 1).
 * Written as NOT EXISTS, the planner, taking the queue for as small as at its last statistics,
 * read the whole table once for each of the four places `go` is used (hashed subplans): 7.7 ms for
 * a group of 64 behind 9,000 queued jobs, and more as the backlog grew (0.13 ms with the probe).
 */
export function insertJobsSql(param: string): string {
  return `INSERT INTO jobs (kind, ordering_key, payload, give_up_at, state, attempts, locked_by, locked_until)
    SELECT j.kind, j.ordering_key, j.payload, now() + (j.give_up_after_ms * interval '1 millisecond'),
           CASE WHEN s.go THEN 'running' ELSE 'pending' END, CASE WHEN s.go THEN 1 ELSE 0 END,
           CASE WHEN s.go THEN j.start_by END, CASE WHEN s.go THEN now() + (j.lease_ms * interval '1 millisecond') END
    FROM ROWS FROM (jsonb_to_recordset(${param}::jsonb) AS (kind text, ordering_key text, payload jsonb, give_up_after_ms bigint,
           start_by text, lease_ms int))
      WITH ORDINALITY AS j
      LEFT JOIN LATERAL (SELECT true AS waits FROM jobs o
        WHERE j.start_by IS NOT NULL AND o.ordering_key = j.ordering_key AND o.state <> 'failed' LIMIT 1) w ON true
      CROSS JOIN LATERAL (SELECT j.start_by IS NOT NULL AND w.waits IS NULL AS go) s
    ORDER BY j.ordinality
    RETURNING id::text, kind, ordering_key, payload, attempts, max_attempts, give_up_at, state`;
}

/** The job `a` waits and its time has come (SQL). */
const due = (a: string) => `${a}.state = 'pending' AND ${a}.run_at <= now()`;

/** The job `a` is leased to a worker whose lease ran out (SQL). */
const leaseRanOut = (a: string) => `${a}.state = 'running' AND ${a}.locked_until < now()`;

/** What makes the job `a` claimable: due, or leased to a worker whose lease ran out (SQL). */
const claimable = (a: string) => `((${due(a)}) OR (${leaseRanOut(a)}))`;

/** The job `a` is of one of the kinds `$4` (null: any kind) (SQL). */
const ofKinds = (a: string) => `($4::text[] IS NULL OR ${a}.kind = ANY($4::text[]))`;

/**
 * `claimable`, for a job found by primary key: written so that no partial index of pending or
 * running jobs matches it. In the `OR` form, with statistics of a short queue, the planner once read
 * a window's ids from the whole of `jobs_ready_by_kind` (130 ms a claim behind a burst).
 */
const claimableRow = (a: string) =>
  `CASE ${a}.state WHEN 'pending' THEN ${a}.run_at <= now() WHEN 'running' THEN ${a}.locked_until < now() ELSE false END`;

/** How many claimable jobs the quick claim looks at, for a claim of up to `$2` (SQL). */
const WINDOW = '4 * $2 + 32';

/** The channel a job's payload names, '' for none: the key of `jobs_ready_by_channel` (SQL). */
const channelOf = (a: string) => `COALESCE(${a}.payload->>'channel', '')`;

/** With `capped`, the condition that leaves out the job `a` of a channel in `$6` (SQL, to add to a WHERE); else none. */
const leftOut = (capped: boolean) => (a: string) => (capped ? `\n         AND NOT (${channelOf(a)} = ANY($6::text[]))` : '');

/**
 * The due jobs of the kind `k.kind` that became due first, `WINDOW` at most per channel, for the
 * channels not in `$6` (SQL, lateral to the kinds `k`). The channels of the kind's pending jobs are
 * found by a skip scan of `jobs_ready_by_channel` (one probe a channel), and each channel's due jobs
 * are read from it in the order they became due: the jobs of a channel left out (one at its cap,
 * with an outage's or a slow provider's backlog) are never read, where a window filtering them
 * passed over each of them at every claim (10,000 such jobs: 5.2-6.3 ms a claim, 0.7-1.1 ms now).
 */
const channelsWindow = `
         CROSS JOIN LATERAL (
            WITH RECURSIVE channels(channel) AS (
              (SELECT ${channelOf('c')} FROM jobs c WHERE c.kind = k.kind AND c.state = 'pending' ORDER BY ${channelOf('c')} LIMIT 1)
              UNION ALL
              SELECT (SELECT ${channelOf('c')} FROM jobs c
                      WHERE c.kind = k.kind AND c.state = 'pending' AND ${channelOf('c')} > channels.channel
                      ORDER BY ${channelOf('c')} LIMIT 1)
              FROM channels WHERE channels.channel IS NOT NULL)
            SELECT channel FROM channels WHERE channel IS NOT NULL AND NOT (channel = ANY($6::text[]))) h
         CROSS JOIN LATERAL (
            SELECT c.id, c.run_at FROM jobs c
            WHERE c.kind = k.kind AND ${channelOf('c')} = h.channel AND ${due('c')}
            ORDER BY c.run_at, c.id LIMIT ${WINDOW}) d`;

/**
 * The ids of the `WINDOW` claimable jobs of the kinds `$4` (null: any) that became due first (SQL),
 * `filter` added. Each kind's pending jobs are read in the order they became due from
 * `jobs_ready_by_kind`, `WINDOW` at most, and the running jobs whose lease ran out from `jobs_leased`,
 * so the window costs its own size however long the queue is (behind a burst's or an outage's
 * backlog, a window read in id order scanned and sorted every claimable job at each claim). Jobs
 * that became due at the same time come in id order. The claim of any kind (no lane makes one)
 * sorts all due jobs. `capped`: the jobs of the channels in `$6` are left out, each kind's due jobs
 * read channel by channel (`channelsWindow`), and out of the expired leases by `leftOut`.
 */
const claimWindow = (capped: boolean) => `
       SELECT w.id FROM (
         (SELECT d.id, d.run_at AS due FROM unnest($4::text[]) AS k(kind)${
           capped
             ? channelsWindow
             : ` CROSS JOIN LATERAL (
            SELECT c.id, c.run_at FROM jobs c
            WHERE c.kind = k.kind AND ${due('c')}
            ORDER BY c.run_at, c.id LIMIT ${WINDOW}) d`
         })
         UNION ALL
         (SELECT c.id, c.run_at FROM jobs c
          WHERE $4::text[] IS NULL AND ${due('c')}${leftOut(capped)('c')}
          ORDER BY c.run_at, c.id LIMIT ${WINDOW})
         UNION ALL
         (SELECT c.id, c.locked_until FROM jobs c
          WHERE ${leaseRanOut('c')} AND ${ofKinds('c')}${leftOut(capped)('c')}
          ORDER BY c.locked_until LIMIT ${WINDOW})
       ) w
       ORDER BY w.due, w.id LIMIT ${WINDOW}`;

/**
 * A claim (`claimJobsSql`): `ctes`, the common table expressions that define `claimed`, the claimed
 * rows (`JobRow`, without `window_full`); `windowFull`, the SQL of whether a windowed claim looked at
 * a full window, that is whether runnable jobs may lie beyond it (false for the full claim).
 */
export interface Claim {
  ctes: string;
  windowFull: string;
}

/**
 * The claim over all runnable jobs (`full`), or over the `WINDOW` claimable ones that became due
 * first only (`windowed`: `claimWindow`), with `filter` (SQL on a candidate job, given its alias)
 * added to what makes a job claimable (`capped`: the jobs of the channels in `$6` left out). A job
 * is runnable when no earlier job of its ordering key is still pending, running or backing off;
 * checking that costs an index probe a job, so over all runnable jobs a claim costs as much as the
 * backlog is long (a burst of 3,000 made each claim of 64 check 2,700).
 */
const claimJobsSql = (form: 'windowed' | 'full', capped: boolean): Claim => {
  const filter = leftOut(capped);
  const lease = `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1,
       locked_until = now() + ($3::int * interval '1 millisecond')`;
  const first = `NOT EXISTS (
           SELECT 1 FROM jobs o WHERE o.ordering_key = j.ordering_key AND o.id < j.id AND o.state <> 'failed')`;
  const returning = 'RETURNING id::text, kind, ordering_key, payload, attempts, max_attempts, give_up_at';
  if (form === 'full')
    return {
      ctes: `claimed AS (${lease}
     WHERE id IN (
       SELECT j.id FROM jobs j
       WHERE ${claimable('j')} AND ${ofKinds('j')}${filter('j')}
         AND ${first}
       ORDER BY j.id
       LIMIT $2
       FOR UPDATE SKIP LOCKED)
     ${returning})`,
      windowFull: 'false',
    };
  // The window is a list of ids, so the checks are lookups by primary key whatever the planner
  // guesses of a queue table's size; claimability is checked again on the row locked.
  return {
    ctes: `win AS MATERIALIZED (SELECT ARRAY(${claimWindow(capped)}) AS ids),
     claimed AS (${lease}
     WHERE id IN (
       SELECT j.id FROM jobs j
       WHERE j.id = ANY((SELECT ids FROM win)::bigint[])
         AND ${claimableRow('j')}
         AND ${first}
       ORDER BY j.id
       LIMIT $2
       FOR UPDATE SKIP LOCKED)
     ${returning})`,
    windowFull: `(SELECT cardinality(ids) = ${WINDOW} FROM win)`,
  };
};

/** A lane's claim statement in both forms (`claimJobsSql`). */
export interface ClaimSql {
  windowed: string;
  full: string;
}

/**
 * A lane's claim statements: `around` makes the whole statement of a claim from its `Claim` (so a
 * lane can read what its jobs need in the same statement): \`WITH ${ctes}, …\`, returning the
 * claimed rows (`toJob` reads one) each with `window_full` (the claim's `windowFull`), and, when
 * nothing was claimed, one row with `window_full` alone (`claimedFrom` builds that FROM clause).
 * `capped`: the jobs of the channels in `$6` (the `channel` of a job's payload; `ChannelSlots`:
 * those with no room left in the lane) are left out. Parameters `$1`-`$4`: `claimParams`; the later
 * ones (but `$6` when capped) are the caller's.
 */
export function claimSql(around: (claim: Claim) => string, capped = false): ClaimSql {
  return { windowed: hot(around(claimJobsSql('windowed', capped))), full: hot(around(claimJobsSql('full', capped))) };
}

/**
 * The FROM clause of a claim's statement: the claimed rows (`claimed`, with `joins` to what they
 * need) left-joined to one row of `window_full` (`claim_window`), so that a claim of nothing still
 * tells whether its window was full (`claimOldestFirst` then needs no claim over all).
 */
export function claimedFrom(claim: Claim, joins = ''): string {
  return `(SELECT ${claim.windowFull} AS window_full) claim_window LEFT JOIN ${joins ? `(claimed ${joins})` : 'claimed'} ON true`;
}

/**
 * Claims the oldest runnable jobs, up to `limit`: first among the oldest claimable ones (the
 * window), then, only when that may have missed some (fewer than `limit` claimed and the window
 * full), over all. `run` runs the given form of the lane's claim for up to the given number of
 * jobs; it returns the jobs and whether the window was full.
 */
export async function claimOldestFirst(
  limit: number,
  run: (form: keyof ClaimSql, limit: number) => Promise<{ jobs: Job[]; windowFull: boolean }>,
): Promise<Job[]> {
  const quick = await run('windowed', limit);
  if (quick.jobs.length >= limit || !quick.windowFull) return quick.jobs;
  const rest = await run('full', limit - quick.jobs.length);
  return [...quick.jobs, ...rest.jobs];
}

const CLAIM_JOBS_SQL = claimSql(
  (claim) => `WITH ${claim.ctes} SELECT claimed.*, claim_window.window_full FROM ${claimedFrom(claim)} ORDER BY claimed.id::bigint`,
);

/** The parameters `$1`-`$4` of a lane's claim (`claimSql`). */
export function claimParams(workerId: string, limit: number, leaseMs: number, kinds?: readonly string[]): unknown[] {
  return [workerId, limit, leaseMs, kinds ? [...kinds] : null];
}

/**
 * Claims up to `limit` runnable jobs of the given kinds (default: any) for `workerId`, leased for
 * `leaseMs`. Jobs name no channel here: `skipChannels` is not read.
 */
export const claimJobs: ClaimJobs = (q, workerId, limit, leaseMs, kinds) =>
  claimOldestFirst(limit, async (form, n) => {
    const r = await q.query<JobRow>(CLAIM_JOBS_SQL[form], claimParams(workerId, n, leaseMs, kinds));
    return { jobs: claimedRows(r.rows).map(toJob), windowFull: windowFullOf(r.rows) };
  });

/**
 * How a lane claims its jobs: `claimJobs`, or a claim that also reads what the jobs need in the same
 * statement. `skipChannels`: the channels whose jobs to leave out (the lane's `ChannelSlots` with no
 * room left); a lane capped per channel needs a claim that honours it (`claimDeliveries` does).
 */
export type ClaimJobs = (
  q: Queryable,
  workerId: string,
  limit: number,
  leaseMs: number,
  kinds?: readonly string[],
  skipChannels?: readonly string[],
) => Promise<Job[]>;

/** Whether a claim's window was full, from its rows (`claimedFrom`: every row, the one of a claim of nothing included, tells). */
export function windowFullOf(rows: readonly { window_full?: boolean | null }[]): boolean {
  return rows[0]?.window_full === true;
}

/** The rows of claimed jobs among a claim's rows (`claimedFrom`: without the one row of a claim of nothing). */
export function claimedRows<R extends { id: string | null }>(rows: readonly R[]): R[] {
  return rows.filter((row) => row.id !== null);
}

/** A claimed job from a claimed row (`claimSql`). */
export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    orderingKey: row.ordering_key,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    giveUpAt: row.give_up_at ? new Date(row.give_up_at) : null,
  };
}

/** A claimed row (`claimSql`). */
export interface JobRow {
  id: string;
  kind: string;
  ordering_key: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  give_up_at: Date | string | null;
  /** The windowed claim looked at a full window: runnable jobs may lie beyond it (`claimedFrom`). */
  window_full?: boolean;
  /** Written by `insertJobsSql`: `running` when the job was started by its writer's lane. */
  state?: string;
}

const RENEW_LEASES_SQL = hot(`UPDATE jobs SET locked_until = now() + ($3::int * interval '1 millisecond')
     WHERE id = ANY($2::bigint[]) AND state = 'running' AND locked_by = $1 RETURNING id::text`);

/** Extends the lease of jobs `workerId` is still running; returns the ids it still holds. */
export async function renewLeases(q: Queryable, workerId: string, ids: readonly string[], leaseMs: number): Promise<string[]> {
  if (!ids.length) return [];
  const r = await q.query<{ id: string }>(RENEW_LEASES_SQL, [workerId, [...ids], leaseMs]);
  return r.rows.map((row) => row.id);
}

/** Returns to pending the jobs a previous life of this process left running (a crash or kill -9). */
export async function releaseOwnJobs(q: Queryable, workerId: string): Promise<number> {
  const r = await q.query(
    `UPDATE jobs SET state = 'pending', locked_by = NULL, locked_until = NULL WHERE state = 'running' AND locked_by = $1`,
    [workerId],
  );
  return r.rowCount;
}

/** Makes the backing-off jobs of `kind` whose payload contains `match` runnable now (a provider is back). */
export async function resumeBackedOff(q: Queryable, kind: string, match: Record<string, unknown>): Promise<number> {
  const r = await q.query(
    `UPDATE jobs SET run_at = now() WHERE kind = $1 AND state = 'pending' AND attempts > 0 AND run_at > now() AND payload @> $2::jsonb`,
    [kind, JSON.stringify(match)],
  );
  return r.rowCount;
}

/**
 * Brings forward, for each value of the payload key `by`, the oldest backing-off job of `kind`: a
 * probe, so that a provider that is back is noticed within one probe interval, not one backoff.
 */
export async function probeBackedOff(q: Queryable, kind: string, by: string): Promise<number> {
  const r = await q.query(
    `UPDATE jobs SET run_at = now() WHERE id IN (
       SELECT DISTINCT ON (payload->>$2) id FROM jobs
       WHERE kind = $1 AND state = 'pending' AND attempts > 0 AND run_at > now()
       ORDER BY payload->>$2, id)`,
    [kind, by],
  );
  return r.rowCount;
}

/** Whether a later job of the removed job's ordering key is waiting (the `RETURNING` of a job removal). */
const SUCCESSOR_SQL = `EXISTS (SELECT 1 FROM jobs o WHERE o.ordering_key = jobs.ordering_key AND o.id > jobs.id AND o.state = 'pending') AS successor`;

/**
 * The statement that removes a finished job (the event log keeps the history), for use as a CTE
 * so a handler can finish its job in its own last write; `successor` tells whether a later job
 * of the same ordering key is waiting (it may run now). `idParam` is the job id's placeholder.
 */
export function completeJobSql(idParam: string): string {
  return `DELETE FROM jobs WHERE id = ${idParam}::bigint RETURNING ${SUCCESSOR_SQL}`;
}

/**
 * `completeJobSql` for several jobs: removes the jobs whose ids are in column `idColumn` of the
 * relation `from` (a CTE), returning each removed job's `id` and `successor`.
 */
export function completeJobsSql(from: string, idColumn: string): string {
  return `DELETE FROM jobs USING ${from}
    WHERE jobs.id = ${from}.${idColumn} AND jobs.id = ANY(ARRAY(SELECT ${idColumn} FROM ${from}))
    RETURNING jobs.id, ${SUCCESSOR_SQL}`;
}

const COMPLETE_JOB_SQL = hot(completeJobSql('$1'));

/** Removes a finished job; true when a later job of the same ordering key is waiting. */
export async function completeJob(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query<{ successor: boolean }>(COMPLETE_JOB_SQL, [id]);
  return r.rows[0]?.successor ?? false;
}

/** True when a failure of this run is final: past the job's give-up time, or (without one) its last attempt. */
export function isFinalAttempt(job: Job, now = Date.now()): boolean {
  return job.giveUpAt ? now >= job.giveUpAt.getTime() : job.attempts >= job.maxAttempts;
}

const FAIL_JOB_SQL = hot(`UPDATE jobs SET state = $2, last_error = $3, locked_by = NULL, locked_until = NULL,
            run_at = now() + ($4::int * interval '1 millisecond')
     WHERE id = $1::bigint`);

/**
 * How a failed run ends: `now`, the job fails (a permanent error); `final`, it fails when past its
 * give-up time or (without one) out of attempts, else it is retried; `retry`, it is retried whatever
 * its give-up time (its handler gives up itself, on a later run: `RetryLaterError`).
 */
export type FailureEnd = 'now' | 'final' | 'retry';

/** Schedules a retry after `delayMs`, or marks the job failed, as `end` says. */
export async function failJob(q: Queryable, job: Job, error: string, delayMs: number, end: FailureEnd): Promise<'retry' | 'failed'> {
  const giveUp = end === 'now' || (end === 'final' && isFinalAttempt(job));
  await q.query(FAIL_JOB_SQL, [job.id, giveUp ? 'failed' : 'pending', error.slice(0, 2000), Math.round(delayMs)]);
  return giveUp ? 'failed' : 'retry';
}

/** Returns every running job to pending (the embedded database has one process: after a crash nothing runs). */
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
