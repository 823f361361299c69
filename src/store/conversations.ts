/** Conversations: one thread with one citizen on one channel. */
import type { Queryable } from '../db/database';
import { camelRow } from './rows';

/** Conversation states: the bot answers, waiting for an operator, taken over, closed. */
export type ConversationState = 'bot' | 'waiting' | 'operator' | 'closed';

/** A conversation row. */
export interface Conversation {
  id: string;
  contactId: string;
  identityId: string;
  channel: string;
  externalUserId: string;
  state: ConversationState;
  assigneeId: string | null;
  subject: string | null;
  botContext: Record<string, unknown>;
  lastInboundAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, contact_id, identity_id, channel, external_user_id, state, assignee_id, subject, bot_context, last_inbound_at, created_at`;

const toConversation = (r: Record<string, unknown>) => camelRow<Conversation>(r, COLUMNS);

/** The open conversation of a citizen on a channel, locked for the transaction. */
export async function findOpenConversation(q: Queryable, channel: string, externalUserId: string): Promise<Conversation | null> {
  const r = await q.query(
    `SELECT ${COLUMNS} FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed' FOR UPDATE`,
    [channel, externalUserId],
  );
  return r.rows[0] ? toConversation(r.rows[0]) : null;
}

/** A conversation by id. */
export async function getConversation(q: Queryable, id: string): Promise<Conversation | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM conversations WHERE id = $1`, [id]);
  return r.rows[0] ? toConversation(r.rows[0]) : null;
}

/** Creates an open conversation in the `bot` state. */
export async function createConversation(
  q: Queryable,
  c: { contactId: string; identityId: string; channel: string; externalUserId: string; subject?: string | null },
): Promise<Conversation> {
  const r = await q.query(
    `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id, subject)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [c.contactId, c.identityId, c.channel, c.externalUserId, c.subject ?? null],
  );
  return toConversation(r.rows[0]);
}

/** Records an inbound message's time. */
export async function touchInbound(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE conversations SET last_inbound_at = GREATEST(last_inbound_at, $2::timestamptz), last_message_at = now() WHERE id = $1`,
    [id, at.toISOString()],
  );
}

/** Changes the state (and assignee); closing stamps `closed_at`. */
export async function setConversationState(q: Queryable, id: string, state: ConversationState, assigneeId?: string | null): Promise<void> {
  await q.query(
    `UPDATE conversations SET state = $2,
       assignee_id = CASE WHEN $3::boolean THEN $4::uuid ELSE assignee_id END,
       closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END
     WHERE id = $1`,
    [id, state, assigneeId !== undefined, assigneeId ?? null],
  );
}

/** Replaces the bot's dialogue memory of the conversation. */
export async function setBotContext(q: Queryable, id: string, ctx: Record<string, unknown>): Promise<void> {
  await q.query(`UPDATE conversations SET bot_context = $2::jsonb WHERE id = $1`, [id, JSON.stringify(ctx)]);
}
