/**
 * Storing citizens' messages in groups: `openThreads` (who wrote, in which conversation, already
 * stored?) before the bot decides, and `recordInbounds` (the messages, their conversations'
 * times and memory, the processing log, the replies and their delivery jobs, the raw deliveries
 * stamped processed) for a group of them after it. Both run in the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Attachment, ContactHints } from '../channels/kit/contract';
import { hot, type Queryable } from '../db/database';
import { jsonParam } from '../db/json-param';
import { completeJobsSql, insertJobsSql, jobsParam, type Job, type NewJob } from '../jobs/queue';
import { deliveryDetails, readDeliveryRow } from './deliveries';
import { CONVERSATION_COLUMNS, toConversation, type Conversation } from './conversations';
import { eventsParam, insertEventsSql, type NewEvent } from './events';
import { markProcessedFromSql } from './inbound-events';
import { insertOutboundSql, MESSAGE_COLUMNS, outboundParam, stripData, type NewOutbound } from './messages';
import { qualified } from './rows';

/** What `openThreads` found for one message. */
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

const OPEN_THREADS_SQL = hot(`WITH input AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (channel text, external_id text, interacted_at timestamptz,
         display_name text, phone text, email text, new_email text, message_id text, open_id uuid, subject text, contact_id uuid))
         WITH ORDINALITY AS i),
     -- Every lookup here is one per message by a unique index (a subquery per row, LIMIT 1): joined
     -- with the input, the planner read whole tables for a group, so a thread cost more as the
     -- hotline's history grew (docs/performance.md, "Plans that do not grow with the backlog").
     known AS (
       SELECT input.ordinality,
         (SELECT x.id FROM contact_identities x WHERE x.channel = input.channel AND x.external_id = input.external_id) AS id
       FROM input),
     found AS (
       UPDATE contact_identities ci SET
         last_interaction_at = GREATEST(ci.last_interaction_at, input.interacted_at),
         display_name = COALESCE(input.display_name, ci.display_name)
       FROM input JOIN known ON known.ordinality = input.ordinality
       WHERE ci.id = known.id AND ci.id = ANY(ARRAY(SELECT id FROM known))
       RETURNING input.ordinality, ci.id, ci.contact_id, ci.display_name),
     refreshed AS (
       UPDATE contacts c SET phone = COALESCE(c.phone, input.phone), email = COALESCE(c.email, input.email), updated_at = now()
       FROM found JOIN input ON input.ordinality = found.ordinality
       WHERE c.id = found.contact_id AND (input.phone IS NOT NULL OR input.email IS NOT NULL)),
     new_contact AS (
       INSERT INTO contacts (id, display_name, phone, email)
       SELECT input.contact_id, input.display_name, input.phone, input.new_email FROM input
       WHERE NOT EXISTS (SELECT 1 FROM found WHERE found.ordinality = input.ordinality)
       RETURNING id),
     new_identity AS (
       INSERT INTO contact_identities (contact_id, channel, external_id, display_name, last_interaction_at)
       SELECT input.contact_id, input.channel, input.external_id, input.display_name, input.interacted_at
       FROM input JOIN new_contact ON new_contact.id = input.contact_id
       RETURNING id, contact_id, display_name),
     identity AS (
       SELECT ordinality, id, contact_id, display_name FROM found
       UNION ALL
       SELECT input.ordinality, n.id, n.contact_id, n.display_name FROM new_identity n JOIN input ON input.contact_id = n.contact_id),
     duplicate AS (
       SELECT input.ordinality FROM input
       WHERE (SELECT true FROM messages m WHERE m.channel = input.channel AND m.direction = 'in' AND m.external_id = input.message_id LIMIT 1)),
     open AS (
       SELECT input.ordinality, c.* FROM input CROSS JOIN LATERAL (
         SELECT ${CONVERSATION_COLUMNS} FROM conversations c
         WHERE c.channel = input.channel AND c.external_user_id = input.external_id AND c.state <> 'closed' LIMIT 1 FOR UPDATE) c),
     opened AS (
       INSERT INTO conversations (id, contact_id, identity_id, channel, external_user_id, subject)
       SELECT input.open_id, identity.contact_id, identity.id, input.channel, input.external_id, input.subject
       FROM input JOIN identity ON identity.ordinality = input.ordinality
       WHERE input.open_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM open WHERE open.ordinality = input.ordinality)
         AND NOT EXISTS (SELECT 1 FROM duplicate WHERE duplicate.ordinality = input.ordinality)
       RETURNING ${CONVERSATION_COLUMNS}),
     conversation AS (
       SELECT * FROM open
       UNION ALL
       SELECT input.ordinality, ${qualified(CONVERSATION_COLUMNS, 'o')} FROM opened o JOIN input ON input.open_id = o.id)
     SELECT i.id AS ident_id, i.contact_id AS ident_contact_id, i.display_name AS ident_display_name,
            EXISTS (SELECT 1 FROM duplicate d WHERE d.ordinality = i.ordinality) AS duplicate,
            EXISTS (SELECT 1 FROM opened o WHERE o.id = c.id) AS opened,
            (SELECT t.id FROM tickets t WHERE t.conversation_id = c.id AND t.status <> 'closed' ORDER BY t.created_at DESC LIMIT 1) AS open_ticket_id,
            ${qualified(CONVERSATION_COLUMNS, 'c')}
     FROM identity i LEFT JOIN conversation c ON c.ordinality = i.ordinality
     ORDER BY i.ordinality`);

/** Who wrote a message, which message, and whether to open a conversation: what `openThreads` is asked for one message. */
export interface ThreadRequest {
  channel: string;
  externalUserId: string;
  externalMessageId: string;
  hints: ContactHints;
  interactedAt: Date;
  /** Opens a conversation with this id when the citizen has none open (and the message is new). */
  open: { id: string; subject: string | null } | null;
}

/**
 * In one statement, for each message (of different citizens): finds or creates the citizen's
 * identity (and contact), refreshing the hints and the last interaction; checks the message id
 * against stored messages; locks the open conversation or, when `open` is given and there is none,
 * opens one with that id. Returns one thread per request, in order.
 */
export async function openThreads(q: Queryable, requests: readonly ThreadRequest[]): Promise<Thread[]> {
  const keys = new Set(requests.map((t) => `${t.channel}\u0000${t.externalUserId}`));
  if (keys.size < requests.length) throw new Error('openThreads: two requests of one citizen in one call');
  const input = requests.map((t) => ({
    channel: t.channel,
    external_id: t.externalUserId,
    interacted_at: t.interactedAt.toISOString(),
    display_name: t.hints.displayName ?? null,
    phone: t.hints.phone ?? null,
    email: t.hints.email ?? null,
    new_email: t.hints.email ?? (t.channel === 'email' ? t.externalUserId : null),
    message_id: t.externalMessageId,
    open_id: t.open?.id ?? null,
    subject: t.open?.subject ?? null,
    contact_id: randomUUID(),
  }));
  const r = await q.query(OPEN_THREADS_SQL, [jsonParam(input)]);
  if (r.rows.length !== requests.length) throw new Error(`openThreads: ${r.rows.length} threads for ${requests.length} requests`);
  return r.rows.map((row) => ({
    identity: {
      contactId: row.ident_contact_id as string,
      identityId: row.ident_id as string,
      displayName: (row.ident_display_name as string | null) ?? null,
    },
    conversation: row.id ? toConversation(row) : null,
    opened: row.opened === true,
    openTicketId: (row.open_ticket_id as string | null) ?? null,
    duplicate: row.duplicate === true,
  }));
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

/** Everything processing a citizen's message writes (with the other messages of its group, `recordInbounds`). */
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

const RECORD_INBOUNDS_SQL = hot(`WITH input AS (
       SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, conversation_id uuid, channel text, author_name text,
         text text, html text, attachments jsonb, external_id text, ticket_id uuid, meta jsonb, created_at timestamptz,
         bot_context jsonb, event_id bigint, job_id bigint)) WITH ORDINALITY AS i),
     message AS (
       INSERT INTO messages (id, conversation_id, channel, direction, author_kind, author_name, text, html, attachments, external_id,
                             ticket_id, status, meta, created_at)
       SELECT id, conversation_id, channel, 'in', 'citizen', author_name, text, html, attachments, external_id, ticket_id,
              'received', meta, created_at
       FROM input ORDER BY ordinality),
     conversation AS (
       UPDATE conversations c SET last_inbound_at = GREATEST(c.last_inbound_at, input.created_at), last_message_at = now(),
         bot_context = COALESCE(input.bot_context, c.bot_context)
       FROM input WHERE c.id = input.conversation_id AND c.id = ANY(ARRAY(SELECT conversation_id FROM input))
       RETURNING c.id, c.external_user_id, c.subject, c.last_inbound_at),
     replies AS (${insertOutboundSql('$2')} RETURNING ${MESSAGE_COLUMNS}),
     logged AS (${insertEventsSql('$3')}),
     queued AS (${insertJobsSql('$4')}),
     processed AS (${markProcessedFromSql('input', 'event_id')}),
     done AS (${completeJobsSql('input', 'job_id')}),
     -- Deliveries written as started (\`NewJob.startBy\`: not on the threaded channels), with what their
     -- sends need, as the delivery lane's claim reads them: the lane runs them without a claim.
     started AS MATERIALIZED (
       SELECT to_jsonb(sq) AS job, x.n, m.*, ${deliveryDetails(`'{}'`)}
       FROM queued sq
         CROSS JOIN LATERAL jsonb_array_elements_text(sq.payload->'messageIds') WITH ORDINALITY AS x(message_id, n)
         JOIN replies m ON m.id = x.message_id::uuid
         JOIN conversation c ON c.id = m.conversation_id
       WHERE sq.state = 'running')
     SELECT input.ordinality AS input_n, COALESCE(done.successor, false) AS successor, started.*
     FROM input LEFT JOIN done ON done.id = input.job_id LEFT JOIN started ON started.conversation_id = input.conversation_id
     ORDER BY input.ordinality, started.n`);

/** What `recordInbounds` gives back for one record. */
export interface RecordedInbound {
  /** Whether a later job of the finished message's citizen waits. */
  successor: boolean;
  /** The record's delivery job written as started (`NewJob.startBy`), with its messages (`Job.attached`: `DeliveryItem`s); null when none. */
  started: Job | null;
}

/**
 * Writes, in one statement, each message of a group (of different conversations), its
 * conversation's last-inbound time and bot memory, every event, reply and job (one multi-row
 * INSERT each), and, with `finish`, stamps each raw delivery processed and removes its job.
 * Returns, in order, whether a later job of each finished message's citizen waits, and its delivery
 * if it was written as started. A message id stored meanwhile raises the unique violation
 * (`isDuplicateMessage`): nothing is written.
 */
export async function recordInbounds(q: Queryable, records: readonly InboundRecord[]): Promise<RecordedInbound[]> {
  const input = records.map(({ message: m, botContext, finish }) => ({
    id: m.id,
    conversation_id: m.conversationId,
    channel: m.channel,
    author_name: m.authorName,
    text: m.text,
    html: m.html,
    attachments: stripData(m.attachments),
    external_id: m.externalId,
    ticket_id: m.ticketId,
    meta: m.meta,
    created_at: m.createdAt.toISOString(),
    bot_context: botContext ?? null,
    event_id: finish?.eventId ?? null,
    job_id: finish?.jobId ?? null,
  }));
  const r = await q.query(RECORD_INBOUNDS_SQL, [
    jsonParam(input),
    outboundParam(records.flatMap((w) => w.outbound)),
    eventsParam(records.flatMap((w) => w.events)),
    jobsParam(records.flatMap((w) => w.jobs)),
  ]);
  const recorded: RecordedInbound[] = [];
  const started = new Map<string, Job>();
  for (const row of r.rows) {
    const one = (recorded[Number(row.input_n) - 1] ??= { successor: row.successor === true, started: null });
    if (row.job) one.started = readDeliveryRow(started, row, true);
  }
  return recorded;
}

/** True when `err` is the unique violation of an inbound message stored twice (same channel and provider id). */
export function isDuplicateMessage(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return e?.code === '23505' && (e.constraint === 'messages_external' || String(e.message).includes('messages_external'));
}
