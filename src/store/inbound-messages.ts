/**
 * Storing a citizen's message in two statements: `openThread` (who wrote, in which conversation,
 * already stored?) before the bot decides, and `recordInbound` (the message, the conversation's
 * times and memory, the processing log, the replies and their delivery job, the raw delivery
 * stamped processed) after it. Both run in the caller's transaction.
 */
import type { Attachment, ContactHints } from '../channels/kit/contract';
import { hot, type Queryable } from '../db/database';
import { completeJobSql, insertJobsSql, jobsParam, type NewJob } from '../jobs/queue';
import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations';
import { eventsParam, insertEventsSql, type NewEvent } from './events';
import { markProcessedSql } from './inbound-events';
import { insertOutboundSql, outboundParam, stripData, type NewOutbound } from './messages';

/** What `openThread` found. */
export interface Thread {
  identity: { contactId: string; identityId: string; displayName: string | null };
  /** The citizen's open conversation (locked for the transaction), or the one just opened; null when none and not asked to open one. */
  conversation: Conversation | null;
  /** True when the conversation was opened by this call. */
  opened: boolean;
  /** The conversation's open ticket, if any. */
  openTicketId: string | null;
  /** True when a message with this provider id is already stored: nothing else was changed. */
  duplicate: boolean;
}

const OPEN_THREAD_SQL = hot(`WITH found AS (
       UPDATE contact_identities SET
         last_interaction_at = GREATEST(last_interaction_at, $3::timestamptz),
         display_name = COALESCE($4, display_name)
       WHERE channel = $1 AND external_id = $2
       RETURNING id, contact_id, display_name),
     refreshed AS (
       UPDATE contacts c SET phone = COALESCE(c.phone, $5), email = COALESCE(c.email, $6), updated_at = now()
       FROM found WHERE c.id = found.contact_id AND ($5::text IS NOT NULL OR $6::text IS NOT NULL)),
     new_contact AS (
       INSERT INTO contacts (display_name, phone, email)
       SELECT $4, $5, $7 WHERE NOT EXISTS (SELECT 1 FROM found)
       RETURNING id),
     new_identity AS (
       INSERT INTO contact_identities (contact_id, channel, external_id, display_name, last_interaction_at)
       SELECT id, $1, $2, $4, $3::timestamptz FROM new_contact
       RETURNING id, contact_id, display_name),
     identity AS (SELECT * FROM found UNION ALL SELECT * FROM new_identity),
     duplicate AS (SELECT 1 FROM messages WHERE channel = $1 AND direction = 'in' AND external_id = $8),
     open AS (
       SELECT ${CONVERSATION_COLUMNS} FROM conversations
       WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed' FOR UPDATE),
     opened AS (
       INSERT INTO conversations (id, contact_id, identity_id, channel, external_user_id, subject)
       SELECT $9::uuid, identity.contact_id, identity.id, $1, $2, $10 FROM identity
       WHERE $9::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM open) AND NOT EXISTS (SELECT 1 FROM duplicate)
       RETURNING ${CONVERSATION_COLUMNS})
     SELECT i.id AS ident_id, i.contact_id AS ident_contact_id, i.display_name AS ident_display_name,
            EXISTS (SELECT 1 FROM duplicate) AS duplicate, EXISTS (SELECT 1 FROM opened) AS opened,
            (SELECT t.id FROM tickets t WHERE t.conversation_id = c.id AND t.status <> 'closed' ORDER BY t.created_at DESC LIMIT 1) AS open_ticket_id,
            c.*
     FROM identity i LEFT JOIN (SELECT * FROM open UNION ALL SELECT * FROM opened) c ON true`);

/**
 * In one statement: finds or creates the citizen's identity (and contact), refreshing the hints and
 * the last interaction; checks the message id against stored messages; locks the open
 * conversation or, when `open` is given and there is none, opens one with that id.
 */
export async function openThread(
  q: Queryable,
  t: {
    channel: string;
    externalUserId: string;
    externalMessageId: string;
    hints: ContactHints;
    interactedAt: Date;
    open: { id: string; subject: string | null } | null;
  },
): Promise<Thread> {
  const newContactEmail = t.hints.email ?? (t.channel === 'email' ? t.externalUserId : null);
  const r = await q.query(OPEN_THREAD_SQL, [
    t.channel,
    t.externalUserId,
    t.interactedAt.toISOString(),
    t.hints.displayName ?? null,
    t.hints.phone ?? null,
    t.hints.email ?? null,
    newContactEmail,
    t.externalMessageId,
    t.open?.id ?? null,
    t.open?.subject ?? null,
  ]);
  const row = r.rows[0];
  return {
    identity: {
      contactId: row.ident_contact_id as string,
      identityId: row.ident_id as string,
      displayName: (row.ident_display_name as string | null) ?? null,
    },
    conversation: row.id ? toConversation(row) : null,
    opened: row.opened === true,
    openTicketId: (row.open_ticket_id as string | null) ?? null,
    duplicate: row.duplicate === true,
  };
}

/** A citizen's message to store. */
export interface NewInbound {
  id: string;
  conversationId: string;
  channel: string;
  externalId: string;
  authorName: string | null;
  text: string;
  html: string | null;
  attachments: Attachment[];
  ticketId: string | null;
  meta: Record<string, unknown>;
  createdAt: Date;
}

/** Everything processing a citizen's message writes, in one statement. */
export interface InboundRecord {
  message: NewInbound;
  /** The bot's new memory of the conversation (unchanged when absent). */
  botContext?: Record<string, unknown>;
  events: NewEvent[];
  outbound: NewOutbound[];
  jobs: NewJob[];
  /** The raw delivery to stamp processed and its job to remove, when this was its last event. */
  finish?: { eventId: string; jobId: string } | null;
}

const RECORD_INBOUND_SQL = hot(`WITH message AS (
       INSERT INTO messages (id, conversation_id, channel, direction, author_kind, author_name, text, html, attachments, external_id,
                             ticket_id, status, meta, created_at)
       VALUES ($1, $2, $3, 'in', 'citizen', $4, $5, $6, $7::jsonb, $8, $9, 'received', $10::jsonb, $11::timestamptz)),
     conversation AS (
       UPDATE conversations SET last_inbound_at = GREATEST(last_inbound_at, $11::timestamptz), last_message_at = now(),
         bot_context = COALESCE($12::jsonb, bot_context)
       WHERE id = $2),
     replies AS (${insertOutboundSql('$13')}),
     logged AS (${insertEventsSql('$14')}),
     queued AS (${insertJobsSql('$15')}),
     processed AS (${markProcessedSql('$16')}),
     done AS (${completeJobSql('$17')})
     SELECT (SELECT successor FROM done) AS successor`);

/**
 * Writes the message, the conversation's last-inbound time and bot memory, the events (one
 * multi-row INSERT), the replies (one multi-row INSERT) and their jobs, and, with `finish`, stamps
 * the raw delivery processed and removes its job. Returns whether a later job of the citizen waits.
 * A message id stored meanwhile raises the unique violation (`isDuplicateMessage`): nothing is written.
 */
export async function recordInbound(q: Queryable, w: InboundRecord): Promise<{ successor: boolean }> {
  const m = w.message;
  const finish = w.finish ?? null;
  const r = await q.query<{ successor: boolean | null }>(RECORD_INBOUND_SQL, [
    m.id,
    m.conversationId,
    m.channel,
    m.authorName,
    m.text,
    m.html,
    JSON.stringify(stripData(m.attachments)),
    m.externalId,
    m.ticketId,
    JSON.stringify(m.meta),
    m.createdAt.toISOString(),
    w.botContext ? JSON.stringify(w.botContext) : null,
    outboundParam(w.outbound),
    eventsParam(w.events),
    jobsParam(w.jobs),
    finish?.eventId ?? null,
    finish?.jobId ?? null,
  ]);
  return { successor: r.rows[0]?.successor ?? false };
}

/** True when `err` is the unique violation of an inbound message stored twice (same channel and provider id). */
export function isDuplicateMessage(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return e?.code === '23505' && (e.constraint === 'messages_external' || String(e.message).includes('messages_external'));
}
