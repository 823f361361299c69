/**
 * What the pipeline could not finish, for operators and admins: outbound messages that failed for
 * good (the provider refused, the window closed, or retries ran out of time) and inbound events
 * that can never be processed (dead letters), each with its reason.
 */
import type { Queryable } from '../db/database';
import { deliveryMessageIds, uuidOrNull } from './deliveries';
import { eventsParam, insertEventsSql, type Actor } from './events';

/** A failed outbound message. */
export interface FailedDelivery {
  messageId: string;
  conversationId: string;
  ticketId: string | null;
  ticketCode: string | null;
  channel: string;
  purpose: string | null;
  authorKind: string;
  text: string;
  error: string | null;
  attempts: number;
  createdAt: Date;
  contactName: string | null;
}

/** Failed outbound messages, newest first (default: 100). */
export async function listFailedDeliveries(q: Queryable, opts: { channel?: string; limit?: number } = {}): Promise<FailedDelivery[]> {
  const r = await q.query<FailedDelivery>(
    `SELECT m.id AS "messageId", m.conversation_id AS "conversationId", m.ticket_id AS "ticketId", t.code AS "ticketCode",
            m.channel, m.purpose, m.author_kind AS "authorKind", left(m.text, 500) AS text, m.error, m.attempts,
            m.created_at AS "createdAt", ct.display_name AS "contactName"
     FROM messages m
     JOIN conversations c ON c.id = m.conversation_id
     LEFT JOIN contacts ct ON ct.id = c.contact_id
     LEFT JOIN tickets t ON t.id = m.ticket_id
     WHERE m.direction = 'out' AND m.status = 'failed' AND ($1::text IS NULL OR m.channel = $1)
     ORDER BY m.created_at DESC
     LIMIT $2`,
    [opts.channel ?? null, opts.limit ?? 100],
  );
  return r.rows;
}

/** An outbound message marked failed because its delivery job was given up while it was still unsent. */
export interface AbandonedDelivery {
  id: string;
  conversationId: string;
  ticketId: string | null;
  channel: string;
  error: string;
}

const FAIL_ABANDONED_SQL = `WITH given_up AS (
       SELECT j.kind, j.ordering_key, j.last_error, x.message_id
       FROM jobs j, ${deliveryMessageIds('j')} AS x(message_id)
       WHERE j.kind = $1 AND j.state = 'failed' AND ($2::bigint IS NULL OR j.id = $2::bigint)),
     failed AS (
       UPDATE messages m SET status = 'failed', error = left('job_failed: hết thời hạn gửi lại, lỗi cuối: ' || COALESCE(g.last_error, 'không rõ'), 2000)
       FROM given_up g
       WHERE m.id = ${uuidOrNull('g.message_id')} AND m.direction = 'out' AND m.status IN ('queued', 'sending')
         -- A message re-sent by an operator has a live job of its own: that one decides.
         AND NOT EXISTS (SELECT 1 FROM jobs live, ${deliveryMessageIds('live')} AS lx(message_id)
                          WHERE live.ordering_key = g.ordering_key AND live.state <> 'failed' AND live.kind = g.kind
                            AND lx.message_id = g.message_id)
       RETURNING m.id, m.conversation_id, m.ticket_id, m.channel, m.error, m.created_at),
     logged AS (${insertEventsSql(`(SELECT jsonb_agg($3::jsonb->0 || jsonb_build_object('ticket_id', ticket_id, 'conversation_id', conversation_id,
         'data', jsonb_build_object('messageId', id, 'reason', error)) ORDER BY created_at, id) FROM failed)`)})
     SELECT id, conversation_id AS "conversationId", ticket_id AS "ticketId", channel, error FROM failed`;

/**
 * Marks failed, with their job's last error, the outbound messages still unsent whose delivery job of
 * `kind` was given up by the job queue rather than by the dispatcher (which fails its messages
 * itself): an error outside the send, such as the database failing to record it, until the give-up
 * time. Without this they stayed queued for ever, neither sent nor listed as failed, so nobody could
 * re-send them. `jobId`: that job only (null: every failed job, at start, for what an older version
 * or a crash between the two writes left). A message with a live job of its own (an operator's
 * re-send) is left to that job. Each failure is logged as `delivery_failed` by `actor`, in the same statement.
 */
export async function failAbandonedDeliveries(
  q: Queryable,
  kind: string,
  jobId: string | null,
  actor: Actor,
): Promise<AbandonedDelivery[]> {
  const r = await q.query<AbandonedDelivery>(FAIL_ABANDONED_SQL, [kind, jobId, eventsParam([{ type: 'delivery_failed', actor }])]);
  return r.rows;
}

/** Puts a failed outbound message back in the queue; null when it is not a failed outbound message. */
export async function requeueFailedMessage(
  q: Queryable,
  messageId: string,
): Promise<{ id: string; conversationId: string; channel: string; ticketId: string | null } | null> {
  const r = await q.query<{ id: string; conversationId: string; channel: string; ticketId: string | null }>(
    `UPDATE messages SET status = 'queued', error = NULL
     WHERE id = $1 AND direction = 'out' AND status = 'failed'
     RETURNING id, conversation_id AS "conversationId", channel, ticket_id AS "ticketId"`,
    [messageId],
  );
  return r.rows[0] ?? null;
}

/** An inbound event that could not be processed. */
export interface DeadLetter {
  jobId: string;
  eventId: string | null;
  channel: string | null;
  reason: string | null;
  attempts: number;
  receivedAt: Date | null;
  failedAt: Date;
}

/** Inbound events whose processing failed for good, newest first (default: 100), optionally of one channel. */
export async function listDeadLetters(q: Queryable, opts: { channel?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  const r = await q.query<DeadLetter>(
    `SELECT j.id::text AS "jobId", e.id::text AS "eventId", e.channel, j.last_error AS reason, j.attempts,
            e.received_at AS "receivedAt", j.run_at AS "failedAt"
     FROM jobs j
     LEFT JOIN inbound_events e ON e.id = (j.payload->>'eventId')::bigint
     WHERE j.kind = 'inbound' AND j.state = 'failed' AND ($1::text IS NULL OR e.channel = $1)
     ORDER BY j.id DESC
     LIMIT $2`,
    [opts.channel ?? null, opts.limit ?? 100],
  );
  return r.rows;
}
