/**
 * What the pipeline could not finish, for operators and admins: outbound messages that failed for
 * good (the provider refused, the window closed, or retries ran out of time) and inbound events
 * that can never be processed (dead letters), each with its reason.
 */
import type { Queryable } from '../db/database';

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
