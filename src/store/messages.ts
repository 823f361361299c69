/** Messages of conversations, inbound and outbound, with delivery status. */
import type { Attachment, QuickReply } from '../channels/kit/contract';
import type { Queryable } from '../db/database';

/** Delivery status of a message. */
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

const COLUMNS = `id, conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text, attachments,
  quick_replies, external_id, ticket_id, status, error, attempts, parts_sent, meta, created_at, sent_at, delivered_at, read_at`;

function toMessage(r: Record<string, unknown>): MessageRow {
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

/** True when an inbound message with this provider id was already stored. */
export async function inboundExists(q: Queryable, channel: string, externalId: string): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM messages WHERE channel = $1 AND direction = 'in' AND external_id = $2`, [channel, externalId]);
  return r.rowCount > 0;
}

/** Stores an inbound message (citizen, or a human echo from the provider's inbox); null if it was a duplicate. */
export async function insertInbound(
  q: Queryable,
  m: {
    conversationId: string;
    channel: string;
    externalId: string;
    authorKind: 'citizen' | 'operator';
    authorName?: string | null;
    text: string;
    html?: string | null;
    attachments: Attachment[];
    meta?: Record<string, unknown>;
    createdAt?: Date;
  },
): Promise<MessageRow | null> {
  const r = await q.query(
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_name, text, html, attachments, external_id, status, meta, created_at)
     VALUES ($1, $2, 'in', $3, $4, $5, $6, $7::jsonb, $8, 'received', $9::jsonb, COALESCE($10::timestamptz, clock_timestamp()))
     ON CONFLICT (channel, direction, external_id) WHERE external_id IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      m.conversationId,
      m.channel,
      m.authorKind,
      m.authorName ?? null,
      m.text,
      m.html ?? null,
      JSON.stringify(stripData(m.attachments)),
      m.externalId,
      JSON.stringify(m.meta ?? {}),
      m.createdAt?.toISOString() ?? null,
    ],
  );
  return r.rows[0] ? toMessage(r.rows[0]) : null;
}

/** Stores an outbound message as `queued`. */
export async function insertOutbound(
  q: Queryable,
  m: {
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
  },
): Promise<MessageRow> {
  const r = await q.query(
    `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, author_name, purpose, text, quick_replies, attachments, ticket_id, status, meta)
     VALUES ($1, $2, 'out', $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, 'queued', $11::jsonb) RETURNING ${COLUMNS}`,
    [
      m.conversationId,
      m.channel,
      m.authorKind,
      m.authorUserId ?? null,
      m.authorName ?? null,
      m.purpose,
      m.text,
      JSON.stringify(m.quickReplies ?? []),
      JSON.stringify(stripData(m.attachments ?? [])),
      m.ticketId ?? null,
      JSON.stringify(m.meta ?? {}),
    ],
  );
  return toMessage(r.rows[0]);
}

/** A message by id (locked for update when `lock`). */
export async function getMessage(q: Queryable, id: string, lock = false): Promise<MessageRow | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM messages WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return r.rows[0] ? toMessage(r.rows[0]) : null;
}

/** Messages of a conversation, oldest first. */
export async function listMessages(q: Queryable, conversationId: string, limit = 500): Promise<MessageRow[]> {
  const r = await q.query(
    `SELECT * FROM (SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2) m ORDER BY created_at`,
    [conversationId, limit],
  );
  return r.rows.map(toMessage);
}

/** Records delivery progress of an outbound message. */
export async function markSending(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE messages SET status = 'sending', attempts = attempts + 1 WHERE id = $1`, [id]);
}

/** Records one sent part (so a retry never sends it again). */
export async function markPartSent(q: Queryable, id: string, part: number, providerId: string | null): Promise<void> {
  await q.query(
    `UPDATE messages SET parts_sent = $2, external_id = COALESCE($3, external_id),
       meta = jsonb_set(meta, '{providerIds}', COALESCE(meta->'providerIds', '[]'::jsonb) || to_jsonb(COALESCE($3, '')::text))
     WHERE id = $1`,
    [id, part + 1, providerId],
  );
}

/** Marks the message sent. */
export async function markSent(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE messages SET status = 'sent', error = NULL, sent_at = now() WHERE id = $1 AND status IN ('queued', 'sending')`, [
    id,
  ]);
}

/** Marks the message queued again (retry scheduled) with the last error. */
export async function markRetrying(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(`UPDATE messages SET status = 'queued', error = $2 WHERE id = $1`, [id, error]);
}

/** Marks the message permanently failed with the reason. */
export async function markFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.query(`UPDATE messages SET status = 'failed', error = $2 WHERE id = $1`, [id, error]);
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

/** Finds the conversation that one of our outbound messages (by provider id) belongs to (email threading). */
export async function conversationOfProviderIds(q: Queryable, channel: string, ids: string[]): Promise<string | null> {
  if (ids.length === 0) return null;
  const r = await q.query<{ conversation_id: string }>(
    `SELECT conversation_id FROM messages WHERE channel = $1 AND external_id = ANY($2::text[]) ORDER BY created_at DESC LIMIT 1`,
    [channel, ids],
  );
  return r.rows[0]?.conversation_id ?? null;
}

/** Attachment bytes never go into the message row: the store keeps them. */
function stripData(attachments: Attachment[]): Attachment[] {
  return attachments.map(({ data: _data, ...rest }) => rest);
}
