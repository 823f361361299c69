/** Messages of conversations, inbound and outbound, with delivery status. */
import type { Attachment, QuickReply } from '../channels/kit/contract';
import { hot, type Queryable } from '../db/database';
import { jsonParam } from '../db/json-param';
import { insertJobsSql, jobsParam, type NewJob } from '../jobs/queue';
import { qualified } from './rows';

/** Delivery status of a message (`sending`: written by versions before 2026-12-05; read as `queued`). */
export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A message row. */
export interface MessageRow {
  id: string;
  conversationId: string;
  channel: string;
  direction: 'in' | 'out';
  authorKind: 'citizen' | 'bot' | 'operator' | 'system';
  authorUserId: string | null;
  authorName: string | null;
  purpose: string | null;
  text: string;
  attachments: Attachment[];
  quickReplies: QuickReply[];
  externalId: string | null;
  ticketId: string | null;
  status: MessageStatus;
  error: string | null;
  attempts: number;
  partsSent: number;
  meta: Record<string, unknown>;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

/** The select list of a `MessageRow`. */
export const MESSAGE_COLUMNS = `id, conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text, attachments,
  quick_replies, external_id, ticket_id, status, error, attempts, parts_sent, meta, created_at, sent_at, delivered_at, read_at`;

const COLUMNS = MESSAGE_COLUMNS;

/** A message row (selected with `MESSAGE_COLUMNS`) as a `MessageRow`. */
export function toMessage(r: Record<string, unknown>): MessageRow {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    channel: r.channel as string,
    direction: r.direction as 'in' | 'out',
    authorKind: r.author_kind as MessageRow['authorKind'],
    authorUserId: (r.author_user_id as string) ?? null,
    authorName: (r.author_name as string) ?? null,
    purpose: (r.purpose as string) ?? null,
    text: r.text as string,
    attachments: (r.attachments as Attachment[]) ?? [],
    quickReplies: (r.quick_replies as QuickReply[]) ?? [],
    externalId: (r.external_id as string) ?? null,
    ticketId: (r.ticket_id as string) ?? null,
    status: r.status as MessageStatus,
    error: (r.error as string) ?? null,
    attempts: r.attempts as number,
    partsSent: r.parts_sent as number,
    meta: (r.meta as Record<string, unknown>) ?? {},
    createdAt: r.created_at as Date,
    sentAt: (r.sent_at as Date) ?? null,
    deliveredAt: (r.delivered_at as Date) ?? null,
    readAt: (r.read_at as Date) ?? null,
  };
}

/**
 * Stores an outbound message as `queued` (the one multi-row INSERT, `insertOutboundSql`) with its
 * jobs, in one statement; it is the conversation's newest activity (the inbox lists by it).
 */
export async function insertOutbound(q: Queryable, m: NewOutbound, jobs: readonly NewJob[]): Promise<MessageRow> {
  const r = await q.query(
    `WITH message AS (${insertOutboundSql('$1')} RETURNING ${COLUMNS}),
     touched AS (UPDATE conversations SET last_message_at = now() WHERE id = $2),
     queued AS (${insertJobsSql('$3')})
     SELECT * FROM message`,
    [outboundParam([m]), m.conversationId, jobsParam(jobs)],
  );
  return toMessage(r.rows[0]);
}

/** Records a message a human sent from the provider's own inbox (an echo) as sent by an operator; false when already recorded. */
export async function insertEcho(
  q: Queryable,
  m: { conversationId: string; channel: string; authorName: string; text: string; attachments: Attachment[]; externalId: string },
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_name, text, attachments, external_id, status, sent_at)
     VALUES ($1, $2, 'out', 'operator', $3, $4, $5::jsonb, $6, 'sent', now())
     ON CONFLICT (channel, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
    [m.conversationId, m.channel, m.authorName, m.text, JSON.stringify(stripData(m.attachments)), m.externalId],
  );
  return r.rowCount > 0;
}

/** A citizen's messages on a channel across conversations, oldest first (the last `limit`; failed ones left out). */
export async function citizenHistory(q: Queryable, channel: string, externalUserId: string, limit: number): Promise<MessageRow[]> {
  const r = await q.query(
    `SELECT * FROM (
       SELECT ${qualified(COLUMNS, 'm')} FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.channel = $1 AND c.external_user_id = $2 AND m.status <> 'failed'
       ORDER BY m.created_at DESC LIMIT $3) x ORDER BY created_at`,
    [channel, externalUserId, limit],
  );
  return r.rows.map(toMessage);
}

/** An outbound message to store (`insertOutbound`, or with other writes: `insertOutboundSql`); its id is chosen by the caller. */
export interface NewOutbound {
  id: string;
  conversationId: string;
  channel: string;
  authorKind: 'bot' | 'operator' | 'system';
  authorUserId?: string | null;
  authorName?: string | null;
  purpose: string;
  text: string;
  quickReplies?: QuickReply[];
  attachments?: Attachment[];
  ticketId?: string | null;
  meta?: Record<string, unknown>;
}

/** Outbound messages as the JSON parameter of `insertOutboundSql`. */
export function outboundParam(messages: readonly NewOutbound[]): string {
  return jsonParam(
    messages.map((m) => ({
      id: m.id,
      conversation_id: m.conversationId,
      channel: m.channel,
      author_kind: m.authorKind,
      author_user_id: m.authorUserId ?? null,
      author_name: m.authorName ?? null,
      purpose: m.purpose,
      text: m.text,
      quick_replies: m.quickReplies ?? [],
      attachments: stripData(m.attachments ?? []),
      ticket_id: m.ticketId ?? null,
      meta: m.meta ?? {},
    })),
  );
}

/**
 * One multi-row INSERT of `queued` outbound messages from the JSON array `param` (from
 * `outboundParam`), stamped in array order; usable as a CTE.
 */
export function insertOutboundSql(param: string): string {
  return `INSERT INTO messages (id, conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text,
                                quick_replies, attachments, ticket_id, status, meta, created_at)
    SELECT o.id, o.conversation_id, o.channel, 'out', o.author_kind, o.author_user_id, o.author_name, o.purpose, o.text,
           o.quick_replies, o.attachments, o.ticket_id, 'queued', o.meta, clock_timestamp() + o.ordinality * interval '1 microsecond'
    FROM ROWS FROM (jsonb_to_recordset(${param}::jsonb) AS (id uuid, conversation_id uuid, channel text, author_kind text,
      author_user_id uuid, author_name text, purpose text, text text, quick_replies jsonb, attachments jsonb, ticket_id uuid, meta jsonb))
      WITH ORDINALITY AS o
    ORDER BY o.ordinality`;
}

/** Messages of a conversation, oldest first. */
export async function listMessages(q: Queryable, conversationId: string, limit = 500): Promise<MessageRow[]> {
  const r = await q.query(
    `SELECT * FROM (SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2) m ORDER BY created_at`,
    [conversationId, limit],
  );
  return r.rows.map(toMessage);
}

/**
 * The assignments recording sent parts (`parts`: the count's placeholder) and the provider id of the
 * last one (`providerId`'s placeholder), kept in `meta.providerIds` for receipts.
 */
export function partsSentSql(parts: string, providerId: string): string {
  return `parts_sent = ${parts}, external_id = COALESCE(${providerId}, external_id),
    meta = jsonb_set(meta, '{providerIds}', COALESCE(meta->'providerIds', '[]'::jsonb) || to_jsonb(COALESCE(${providerId}, '')::text))`;
}

const MARK_PART_SENT_SQL = hot(`UPDATE messages SET ${partsSentSql('$2', '$3')} WHERE id = $1`);

/** Records one sent part (so a retry never sends it again). */
export async function markPartSent(q: Queryable, id: string, part: number, providerId: string | null): Promise<void> {
  await q.query(MARK_PART_SENT_SQL, [id, part + 1, providerId]);
}

/** Marks the message permanently failed with the reason (an attempt that failed for good, counted). */
export async function markFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(`UPDATE messages SET status = 'failed', error = $2, attempts = attempts + 1 WHERE id = $1`, [id, error]);
}

/** Applies a delivery or read receipt to our messages (by provider id, or everything sent before a watermark). */
export async function applyReceipt(
  q: Queryable,
  channel: string,
  externalUserId: string,
  kind: 'delivered' | 'read',
  ids: string[] | undefined,
  watermark: Date | undefined,
): Promise<string[]> {
  const column = kind === 'delivered' ? 'delivered_at' : 'read_at';
  const allowed = kind === 'delivered' ? `('sent')` : `('sent', 'delivered')`;
  const r = await q.query<{ id: string }>(
    `UPDATE messages m SET status = $3, ${column} = now()
     FROM conversations c
     WHERE m.conversation_id = c.id AND c.channel = $1 AND c.external_user_id = $2 AND m.direction = 'out'
       AND m.status IN ${allowed}
       AND ((cardinality($4::text[]) > 0 AND (m.external_id = ANY($4::text[]) OR m.meta->'providerIds' ?| $4::text[]))
            OR ($5::timestamptz IS NOT NULL AND m.sent_at <= $5::timestamptz))
     RETURNING m.id`,
    [channel, externalUserId, kind, ids ?? [], watermark?.toISOString() ?? null],
  );
  return r.rows.map((x) => x.id);
}

/** Attachment bytes never go into the message row: the store keeps them. */
export function stripData(attachments: Attachment[]): Attachment[] {
  return attachments.map(({ data: _data, ...rest }) => rest);
}
