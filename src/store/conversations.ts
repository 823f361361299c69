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

/** The select list of a `Conversation`. */
export const CONVERSATION_COLUMNS = `id, contact_id, identity_id, channel, external_user_id, state, assignee_id, subject, bot_context, last_inbound_at, created_at`;

const COLUMNS = CONVERSATION_COLUMNS;

/** A conversation row (selected with `CONVERSATION_COLUMNS`) as a `Conversation`. */
export const toConversation = (r: Record<string, unknown>) => camelRow<Conversation>(r, COLUMNS);

/** The open conversation of a citizen on a channel, locked for the transaction. */
export async function findOpenConversation(q: Queryable, channel: string, externalUserId: string): Promise<Conversation | null> {
  const r = await q.query(
    `SELECT ${COLUMNS} FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed' FOR UPDATE`,
    [channel, externalUserId],
  );
  return r.rows[0] ? toConversation(r.rows[0]) : null;
}

/** The id of a citizen's open conversation on a channel, if any (no lock). */
export async function openConversationId(q: Queryable, channel: string, externalUserId: string): Promise<string | null> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed' LIMIT 1`,
    [channel, externalUserId],
  );
  return r.rows[0]?.id ?? null;
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

/**
 * The conversation a reply belongs to by its threading hints (the provider ids of our messages it
 * answers, a ticket code it mentions), if it is the same citizen's.
 */
export async function conversationOfThread(
  q: Queryable,
  channel: string,
  externalUserId: string,
  hints: { providerMessageIds?: string[]; ticketCode?: string },
): Promise<Conversation | null> {
  const r = await q.query(
    `SELECT ${COLUMNS} FROM conversations WHERE channel = $1 AND external_user_id = $2 AND id = COALESCE(
       (SELECT conversation_id FROM messages WHERE channel = $1 AND external_id = ANY($3::text[]) ORDER BY created_at DESC LIMIT 1),
       (SELECT conversation_id FROM tickets WHERE code = $4))`,
    [channel, externalUserId, hints.providerMessageIds ?? [], hints.ticketCode ?? null],
  );
  return r.rows[0] ? toConversation(r.rows[0]) : null;
}

/** The conversation an operator closed in the last day with a satisfaction question pending (a rating answers it). */
export async function findRatedConversation(q: Queryable, channel: string, externalUserId: string): Promise<Conversation | null> {
  const r = await q.query(
    `SELECT ${COLUMNS} FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state = 'closed'
       AND closed_at > now() - interval '1 day' AND bot_context ? 'csatTicketId'
     ORDER BY closed_at DESC LIMIT 1`,
    [channel, externalUserId],
  );
  return r.rows[0] ? toConversation(r.rows[0]) : null;
}

/** Reopens a closed conversation for operators (a citizen answered its thread). */
export async function reopenConversation(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE conversations SET state = 'waiting', closed_at = NULL WHERE id = $1`, [id]);
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

/**
 * Puts an open conversation at the top of the operators' queue (an emergency); the flag drops when the
 * conversation leaves the waiting state (taken over, back to the bot, closed: migration 008's trigger).
 */
export async function markUrgent(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE conversations SET urgent = true WHERE id = $1 AND state <> 'closed'`, [id]);
}

/** Replaces the bot's dialogue memory of the conversation. */
export async function setBotContext(q: Queryable, id: string, ctx: Record<string, unknown>): Promise<void> {
  await q.query(`UPDATE conversations SET bot_context = $2::jsonb WHERE id = $1`, [id, JSON.stringify(ctx)]);
}
