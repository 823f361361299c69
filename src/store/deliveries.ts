/**
 * The delivery of queued outbound messages, in as few statements as a guarantee allows: the lane's
 * claim reads what the sends need (or, for a delivery written as started, the statement that queued
 * it: `deliveryDetails`), then one statement per sent part before the last, and one to
 * record the last part sent with its processing-log event and the removal of the job (grouped with
 * the records of other deliveries finishing at the same time). A message is written twice on its
 * way out (queued, then sent or failed, each attempt counted there): every update of a message
 * re-inserts it into each of its indexes (`status` and `sent_at` are indexed, so none is HOT).
 */
import { hot, type Database, type Queryable } from '../db/database';
import { GroupWrite } from '../db/group-write';
import { jsonParam } from '../db/json-param';
import {
  claimedFrom,
  claimOldestFirst,
  claimParams,
  claimSql,
  completeJobsSql,
  toJob,
  type ClaimJobs,
  type Job,
  type JobRow,
  windowFullOf,
} from '../jobs/queue';
import { eventsParam, insertEventsSql, type NewEvent } from './events';
import { MESSAGE_COLUMNS, partsSentSql, toMessage, type MessageRow } from './messages';
import { qualified } from './rows';

/** A message being delivered, with what its send needs from its conversation. */
export interface DeliveryItem extends MessageRow {
  externalUserId: string | null;
  lastInboundAt: Date | null;
  /** The ticket's code (the message's ticket, else the conversation's latest). */
  ticketCode: string | null;
  /** Mail threading: the conversation's subject, its last inbound provider id, and up to 20 provider ids, oldest first. */
  subject: string | null;
  inReplyTo: string | null;
  references: string[];
}

/**
 * What a send needs besides the message `m`: its conversation's details (`c`), ticket code and, on
 * the threaded channels (`threaded`, a `text[]` placeholder: `ChannelCapabilities.threaded`), mail
 * threading (two reads of the conversation's messages that the other channels would not use).
 */
export const deliveryDetails = (threaded: string) => `c.external_user_id AS conv_external_user_id, c.subject AS conv_subject,
       c.last_inbound_at AS conv_last_inbound_at,
       (SELECT code FROM tickets WHERE id = COALESCE(m.ticket_id,
          (SELECT id FROM tickets WHERE conversation_id = m.conversation_id ORDER BY created_at DESC LIMIT 1))) AS ticket_code,
       CASE WHEN m.channel = ANY(${threaded}::text[]) THEN
         (SELECT array_agg(external_id ORDER BY created_at) FROM (SELECT external_id, created_at FROM messages x
            WHERE x.conversation_id = m.conversation_id AND x.external_id IS NOT NULL ORDER BY created_at DESC LIMIT 20) y) END AS refs,
       CASE WHEN m.channel = ANY(${threaded}::text[]) THEN
         (SELECT external_id FROM messages x WHERE x.conversation_id = m.conversation_id AND x.direction = 'in' AND x.external_id IS NOT NULL
            ORDER BY created_at DESC LIMIT 1) END AS last_in`;

/** A message with its `deliveryDetails` (a row of the claim, or of a delivery started by its writer) as a `DeliveryItem`. */
function toDeliveryItem(row: Record<string, unknown>): DeliveryItem {
  return {
    ...toMessage(row),
    externalUserId: (row.conv_external_user_id as string | null) ?? null,
    lastInboundAt: row.conv_last_inbound_at ? new Date(row.conv_last_inbound_at as string) : null,
    ticketCode: (row.ticket_code as string | null) ?? null,
    subject: (row.conv_subject as string | null) ?? null,
    inReplyTo: (row.last_in as string | null) ?? null,
    references: (row.refs as string[] | null) ?? [],
  };
}

/**
 * Reads a row of a job (`job`) and one of its messages with its `deliveryDetails` (none: the job has
 * no message to send) into `jobs`, by job id: the job on its first row, with `attached` items when
 * `items`, then the message added to them, in row order. The rows of the lane's claim and of the
 * deliveries started by their writer (`recordInbounds`) are read alike. Returns the job.
 */
export function readDeliveryRow(jobs: Map<string, Job>, row: Record<string, unknown>, items: boolean): Job {
  const jobRow = row.job as JobRow;
  let job = jobs.get(jobRow.id);
  if (!job) jobs.set(jobRow.id, (job = { ...toJob(jobRow), attached: items ? [] : undefined }));
  if (row.id) (job.attached as DeliveryItem[]).push(toDeliveryItem(row));
  return job;
}

/**
 * The ids of the messages the delivery job `job` names, in sending order (payload `messageIds`, or
 * one `messageId`), as text: a set-returning SQL expression (`… WITH ORDINALITY AS x(message_id, n)`).
 */
export const deliveryMessageIds = (job: string) => `jsonb_array_elements_text(
           CASE WHEN jsonb_typeof(${job}.payload->'messageIds') = 'array' THEN ${job}.payload->'messageIds' ELSE jsonb_build_array(${job}.payload->'messageId') END)`;

/** The text `id` as a uuid, null when it is not one (SQL): a payload's id never fails a statement. */
export const uuidOrNull = (id: string) =>
  `CASE WHEN ${id} ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN ${id}::uuid END`;

const CLAIM_DELIVERIES_SQL = claimSql(
  (claim) => `WITH ${claim.ctes},
       wanted AS (
         SELECT c.id AS job_id, x.n,
           ${uuidOrNull('x.message_id')} AS message_id
         FROM claimed c, ${deliveryMessageIds('c')}
           WITH ORDINALITY AS x(message_id, n)
         WHERE c.kind = $5),
       m AS (
         SELECT w.job_id, w.n, ${qualified(MESSAGE_COLUMNS, 'messages')}
         FROM messages JOIN wanted w ON messages.id = w.message_id
         -- The array makes it a lookup by primary key whatever the planner guesses of the claimed rows.
         WHERE messages.id = ANY(ARRAY(SELECT message_id FROM wanted))
           AND messages.status IN ('queued', 'sending'))
       SELECT to_jsonb(claimed) AS job, claim_window.window_full, m.*, ${deliveryDetails('$7')}
       FROM ${claimedFrom(claim, 'LEFT JOIN m ON m.job_id = claimed.id LEFT JOIN conversations c ON c.id = m.conversation_id')}
       ORDER BY claimed.id::bigint, m.n`,
  true,
);

/**
 * The delivery lane's claim, the one start of a delivery: its jobs, and for those of `deliverKind`
 * (payload `messageIds`, or one `messageId`) their messages still to send, read with what the send
 * needs (`Job.attached`: the `DeliveryItem`s in sending order; messages already sent, delivered, read
 * or failed are left out), all in one statement. The messages are not written: they stay `queued`
 * until the attempt's outcome is recorded (`recordSent`, `requeueDeliveries`, `markFailed`).
 * None of the jobs of the channels in `skipChannels` (those with no room left in the lane:
 * `WorkerOptions.slots`). `threaded`: the channels whose sends name earlier messages
 * (`ChannelCapabilities.threaded`).
 */
export function claimDeliveries(deliverKind: string, threaded: readonly string[]): ClaimJobs {
  const threadedParam = [...threaded];
  return (q, workerId, limit, leaseMs, kinds, skipChannels) =>
    claimOldestFirst(limit, async (form, n) => {
      const r = await q.query(CLAIM_DELIVERIES_SQL[form], [
        ...claimParams(workerId, n, leaseMs, kinds),
        deliverKind,
        [...(skipChannels ?? [])],
        threadedParam,
      ]);
      const jobs = new Map<string, Job>();
      for (const row of r.rows) {
        const jobRow = row.job as JobRow | null;
        if (jobRow) readDeliveryRow(jobs, row, jobRow.kind === deliverKind);
      }
      return { jobs: [...jobs.values()], windowFull: windowFullOf(r.rows) };
    });
}

const RECORD_SENT_SQL = hot(`WITH input AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, parts int, provider_id text, job_id bigint))
         WITH ORDINALITY AS i(id, parts, provider_id, job_id, n)),
     sent AS (
       UPDATE messages SET ${partsSentSql('input.parts', 'input.provider_id')},
         attempts = CASE WHEN status IN ('queued', 'sending') THEN attempts + 1 ELSE attempts END,
         status = CASE WHEN status IN ('queued', 'sending') THEN 'sent' ELSE status END,
         error = CASE WHEN status IN ('queued', 'sending') THEN NULL ELSE error END,
         sent_at = CASE WHEN status IN ('queued', 'sending') THEN now() ELSE sent_at END
       FROM input WHERE messages.id = input.id AND messages.id = ANY(ARRAY(SELECT id FROM input))),
     logged AS (${insertEventsSql('$2')}),
     done AS (${completeJobsSql('input', 'job_id')})
     SELECT COALESCE(done.successor, false) AS successor FROM input LEFT JOIN done ON done.id = input.job_id ORDER BY input.n`);

/** The last part of a message sent: what `recordSent` writes. */
export interface SentRecord {
  id: string;
  parts: number;
  providerId: string | null;
  event: NewEvent;
  /** The delivery job to remove with this record (the job's last message), or null. */
  completeJobId?: string | null;
}

/**
 * Records the last parts of messages sent, in one statement: each one's provider id, the `sent`
 * status and its attempt, its event, and (with `completeJobId`) the removal of its delivery job; returns, in
 * order, whether a later job of each removed job's conversation waits.
 */
export async function recordSent(q: Queryable, records: readonly SentRecord[]): Promise<{ successor: boolean }[]> {
  const input = records.map((s) => ({ id: s.id, parts: s.parts, provider_id: s.providerId, job_id: s.completeJobId ?? null }));
  const r = await q.query<{ successor: boolean }>(RECORD_SENT_SQL, [jsonParam(input), eventsParam(records.map((s) => s.event))]);
  return r.rows.map((row) => ({ successor: row.successor }));
}

/**
 * `recordSent` for the deliveries running in this process, grouped: a record made while others
 * are being written goes with the next group (group commit), so a burst of deliveries costs a few
 * statements and commits, not one each; alone, a record is written at once. A record the database
 * refuses fails alone.
 */
export function sentRecorder(db: Database): (s: SentRecord) => Promise<{ successor: boolean }> {
  const group = new GroupWrite((records: readonly SentRecord[]) => recordSent(db, records), {
    maxItems: 64,
  });
  return (s) => group.submit(s);
}

/** Counts an attempt of messages whose delivery will be retried, with the last error (they stay `queued`). */
export async function requeueDeliveries(q: Queryable, ids: readonly string[], error: string): Promise<void> {
  await q.query(
    `UPDATE messages SET status = 'queued', error = $2, attempts = attempts + 1 WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')`,
    [[...ids], error],
  );
}
