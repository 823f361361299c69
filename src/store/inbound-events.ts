/** Raw inbound deliveries (webhook bodies, mails, live-chat frames), stored before they are acknowledged. */
import { hot, type Queryable } from '../db/database';
import {
  claimedFrom,
  claimedRows,
  claimOldestFirst,
  claimParams,
  claimSql,
  completeJobSql,
  toJob,
  type ClaimJobs,
  type JobRow,
  windowFullOf,
} from '../jobs/queue';

/** A stored raw delivery, as processing reads it back. */
export interface InboundEventRow {
  channel: string;
  contentType: string;
  body: Uint8Array;
  processedAt: Date | null;
}

const INSERT_INBOUND_EVENTS_SQL = hot(`WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[])
         WITH ORDINALITY AS i(channel, dedupe_key, content_type, body, kind, ordering_key, n)),
     -- The same delivery twice in one group (a provider's retry racing the original): the first is stored.
     first AS (SELECT DISTINCT ON (channel, dedupe_key) * FROM input ORDER BY channel, dedupe_key, n),
     e AS (
       INSERT INTO inbound_events (channel, dedupe_key, content_type, body)
       SELECT channel, dedupe_key, content_type, body FROM first ORDER BY n
       ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id, channel, dedupe_key),
     stored AS (SELECT e.id, f.kind, f.ordering_key, f.n FROM e JOIN first f USING (channel, dedupe_key)),
     -- Jobs numbered in arrival order: a citizen's messages are processed in that order.
     j AS (INSERT INTO jobs (kind, ordering_key, payload)
       SELECT kind, ordering_key, jsonb_build_object('eventId', id::text) FROM stored ORDER BY n)
     SELECT n::int FROM stored`);

/** A raw delivery to store, with the kind and ordering key of its processing job. */
export interface NewInboundEvent {
  channel: string;
  dedupeKey: string;
  contentType: string;
  body: Buffer;
  jobKind: string;
  orderingKey: string;
}

/**
 * Stores raw deliveries and their processing jobs in ONE statement (jobs in the given order);
 * for each, false when its (channel, dedupe key) was already stored (a replay) or came earlier in `items`.
 */
export async function insertInboundEvents(q: Queryable, items: readonly NewInboundEvent[]): Promise<boolean[]> {
  const column = <K extends keyof NewInboundEvent>(k: K) => items.map((e) => e[k]);
  const r = await q.query<{ n: number }>(INSERT_INBOUND_EVENTS_SQL, [
    column('channel'),
    column('dedupeKey'),
    column('contentType'),
    column('body'),
    column('jobKind'),
    column('orderingKey'),
  ]);
  const stored = new Set(r.rows.map((row) => row.n));
  return items.map((_, i) => stored.has(i + 1));
}

/** `insertInboundEvents` for one delivery: false when it was already stored (a replay). */
export async function insertInboundEvent(q: Queryable, e: NewInboundEvent): Promise<boolean> {
  return (await insertInboundEvents(q, [e]))[0];
}

const CLAIM_INBOUND_SQL = claimSql(
  (claim) => `WITH ${claim.ctes}
     SELECT claimed.*, claim_window.window_full, e.channel AS e_channel, e.content_type, e.body, e.processed_at
     FROM ${claimedFrom(
       claim,
       `LEFT JOIN LATERAL (
       -- LIMIT keeps this a lookup by primary key per job (PGlite keeps no statistics to choose one);
       -- an id that is no number finds nothing rather than failing the lane's every claim.
       SELECT * FROM inbound_events
       WHERE id = CASE WHEN claimed.payload->>'eventId' ~ '^[0-9]{1,18}$' THEN (claimed.payload->>'eventId')::bigint END LIMIT 1) e ON true`,
     )}
     ORDER BY claimed.id::bigint`,
);

/**
 * The inbound lane's claim: its jobs with their raw deliveries (`Job.attached`: an `InboundEventRow`,
 * null when gone) read in the same statement, so processing an item costs no read of its own.
 */
export const claimInboundJobs: ClaimJobs = (q, workerId, limit, leaseMs, kinds) =>
  claimOldestFirst(limit, async (form, n) => {
    const r = await q.query<JobRow & { e_channel: string | null; content_type: string; body: Uint8Array; processed_at: Date | null }>(
      CLAIM_INBOUND_SQL[form],
      claimParams(workerId, n, leaseMs, kinds),
    );
    const jobs = claimedRows(r.rows).map((row) => ({
      ...toJob(row),
      attached:
        row.e_channel === null
          ? null
          : { channel: row.e_channel, contentType: row.content_type, body: row.body, processedAt: row.processed_at },
    }));
    return { jobs, windowFull: windowFullOf(r.rows) };
  });

/** The SQL that stamps a raw delivery processed (`idParam`: its id's placeholder), usable as a CTE. */
export function markProcessedSql(idParam: string): string {
  return `UPDATE inbound_events SET processed_at = now() WHERE id = ${idParam}::bigint`;
}

/** `markProcessedSql` for the raw deliveries whose ids are in column `idColumn` of the relation `from` (a CTE). */
export function markProcessedFromSql(from: string, idColumn: string): string {
  return `UPDATE inbound_events SET processed_at = now() FROM ${from}
    WHERE inbound_events.id = ${from}.${idColumn} AND inbound_events.id = ANY(ARRAY(SELECT ${idColumn} FROM ${from}))`;
}

const FINISH_INBOUND_SQL = hot(
  `WITH processed AS (${markProcessedSql('$1')}), done AS (${completeJobSql('$2')}) SELECT (SELECT successor FROM done) AS successor`,
);

/** Stamps a raw delivery processed and removes its job in one statement; true when the citizen's next job waits. */
export async function finishInboundEvent(q: Queryable, eventId: string, jobId: string): Promise<boolean> {
  const r = await q.query<{ successor: boolean | null }>(FINISH_INBOUND_SQL, [eventId, jobId]);
  return r.rows[0]?.successor ?? false;
}
