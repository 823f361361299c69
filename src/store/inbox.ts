/**
 * The operators' inbox: conversation summaries (one query per page, no N+1), counters, search,
 * and contact cards. Filters are written so that each one can use an index of 002/003:
 * the state filters the partial activity indexes, ticket filters a semi-join on `tickets`,
 * the search a union of index-friendly lookups (ticket code, contact fields, message text).
 */
import type { Queryable } from '../db/database';
import type { ConversationState } from './conversations';
import { TICKET_CODE_RE } from '../channels/kit/ticket-code';
import type { Priority, TicketStatus } from './tickets';

/** Inbox states: `mine` is `operator` held by the caller; `open` is anything but `closed`. */
export const INBOX_STATES = ['bot', 'waiting', 'operator', 'mine', 'open', 'closed'] as const;
/** An inbox state filter. */
export type InboxState = (typeof INBOX_STATES)[number];

/** Filters of the inbox list. */
export interface InboxFilter {
  state: InboxState;
  channel?: string;
  /** Ticket field code. */
  field?: string;
  /** Agency of a ticket of the conversation (id; see `agencyIdByCode`). */
  agencyId?: string;
  /** Only conversations with an open urgent ticket. */
  urgent?: boolean;
  q?: string;
  /** The caller (for `mine`). */
  userId: string;
}

/** Counters shown on the inbox tabs. */
export interface InboxCounts {
  bot: number;
  waiting: number;
  mine: number;
  open: number;
  closed: number;
  urgent: number;
}

/** One row of the inbox. */
export interface ConversationSummary {
  id: string;
  channel: string;
  state: ConversationState;
  contact: { id: string; displayName: string | null; phone: string | null; email: string | null };
  externalUserId: string;
  assignee: { id: string; name: string } | null;
  lastMessage: { text: string; direction: 'in' | 'out'; author: string; at: Date } | null;
  lastInboundAt: Date | null;
  ticket: {
    code: string;
    status: TicketStatus;
    priority: Priority;
    field: string | null;
    agency: { code: string; name: string } | null;
    dueAt: Date | null;
  } | null;
  replyWindow: { closesAt: Date | null; closed: boolean };
}

/** The reply window of a channel for operators (ms), or null when it has none. */
export type ReplyWindowOf = (channel: string) => number | null;

/** The summary columns; `FROM` is a page of conversations (`c`), so the lateral look-ups run only for that page. */
const summarySelect = (from: string) => `
  SELECT c.id, c.channel, c.state, c.external_user_id, c.last_inbound_at, c.contact_id, c.assignee_id,
         ct.display_name AS contact_name, ct.phone AS contact_phone, ct.email AS contact_email,
         ci.display_name AS identity_name, ci.last_interaction_at,
         u.display_name AS assignee_name,
         lm.text AS lm_text, lm.direction AS lm_direction, lm.author_kind AS lm_author, lm.created_at AS lm_at,
         t.code AS t_code, t.status AS t_status, t.priority AS t_priority, t.field AS t_field, t.due_at AS t_due_at,
         a.code AS agency_code, a.name AS agency_name
  FROM ${from} c
  JOIN contacts ct ON ct.id = c.contact_id
  JOIN contact_identities ci ON ci.id = c.identity_id
  LEFT JOIN users u ON u.id = c.assignee_id
  LEFT JOIN LATERAL (SELECT m.text, m.direction, m.author_kind, m.created_at FROM messages m
                     WHERE m.conversation_id = c.id ORDER BY m.created_at DESC LIMIT 1) lm ON true
  LEFT JOIN LATERAL (SELECT tk.code, tk.status, tk.priority, tk.field, tk.due_at, tk.agency_id FROM tickets tk
                     WHERE tk.conversation_id = c.id ORDER BY tk.created_at DESC LIMIT 1) t ON true
  LEFT JOIN agencies a ON a.id = t.agency_id`;

/** Maps a summary row; the reply window comes from the channel's capabilities. */
function toSummary(r: Record<string, unknown>, windowOf: ReplyWindowOf, now = Date.now()): ConversationSummary {
  const lastInbound = latest(r.last_inbound_at as Date | null, r.last_interaction_at as Date | null);
  const windowMs = windowOf(r.channel as string);
  const closesAt = windowMs !== null && lastInbound ? new Date(lastInbound.getTime() + windowMs) : null;
  return {
    id: r.id as string,
    channel: r.channel as string,
    state: r.state as ConversationState,
    contact: {
      id: r.contact_id as string,
      displayName: ((r.contact_name ?? r.identity_name) as string) ?? null,
      phone: (r.contact_phone as string) ?? null,
      email: (r.contact_email as string) ?? null,
    },
    externalUserId: r.external_user_id as string,
    assignee: r.assignee_id ? { id: r.assignee_id as string, name: r.assignee_name as string } : null,
    lastMessage: r.lm_at
      ? { text: r.lm_text as string, direction: r.lm_direction as 'in' | 'out', author: r.lm_author as string, at: r.lm_at as Date }
      : null,
    lastInboundAt: (r.last_inbound_at as Date) ?? null,
    ticket: r.t_code
      ? {
          code: r.t_code as string,
          status: r.t_status as TicketStatus,
          priority: r.t_priority as Priority,
          field: (r.t_field as string) ?? null,
          agency: r.agency_code ? { code: r.agency_code as string, name: r.agency_name as string } : null,
          dueAt: (r.t_due_at as Date) ?? null,
        }
      : null,
    replyWindow: { closesAt, closed: closesAt !== null && closesAt.getTime() < now },
  };
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Escapes LIKE wildcards. */
export const likeEscape = (s: string) => s.replace(/[%_\\]/g, (m) => `\\${m}`);

/** WHERE parts of the filters other than the state (shared by the list and the counters). */
function filterParts(f: InboxFilter, params: unknown[]): string[] {
  const parts: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.channel) parts.push(`c.channel = ${p(f.channel)}`);
  if (f.field) parts.push(`EXISTS (SELECT 1 FROM tickets tf WHERE tf.conversation_id = c.id AND tf.field = ${p(f.field)})`);
  if (f.agencyId) parts.push(`EXISTS (SELECT 1 FROM tickets ta WHERE ta.conversation_id = c.id AND ta.agency_id = ${p(f.agencyId)})`);
  if (f.urgent)
    parts.push(`EXISTS (SELECT 1 FROM tickets tu WHERE tu.conversation_id = c.id AND tu.priority = 'urgent' AND tu.status <> 'closed')`);
  if (f.q) parts.push(`c.id IN (${searchSql(f.q, p)})`);
  return parts;
}

/**
 * A prefix full-text query from what an operator typed: every word must start a word of the text
 * ("nguyen van" does not match "Nguyễn Văn": diacritics count; "Ngu" matches "Nguyễn"). Null when no word.
 */
export function prefixQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return words
    ? words
        .slice(0, 8)
        .map((w) => `${w}:*`)
        .join(' & ')
    : null;
}

/**
 * Conversation ids matching a search, by the kind of text typed — each branch an index lookup or a
 * scan of one narrow column: a whole ticket code (unique index); digits (part of a code, a phone:
 * `LIKE` on short columns); an e-mail address; otherwise words of the contact's name and of messages
 * (GIN full-text indexes of 003), and a channel id.
 */
function searchSql(q: string, p: (v: unknown) => string): string {
  const text = q.trim();
  if (TICKET_CODE_RE.test(text)) {
    // A whole code; one without its random part (older codes, or typed short) also finds the code it starts.
    const code = text.toUpperCase();
    return `SELECT conversation_id FROM tickets WHERE code = ${p(code)} OR code LIKE ${p(`${code}-%`)}`;
  }
  if (/^\d[\d-]*-[a-z2-9]{4}$/i.test(text)) {
    // The end of a code, with its random part.
    return `SELECT conversation_id FROM tickets WHERE code LIKE ${p(`%${text.toUpperCase()}`)}`;
  }
  const parts: string[] = [];
  const exact = p(text);
  parts.push(`SELECT cv.id FROM conversations cv WHERE cv.external_user_id = ${exact}`);
  if (/^[\d\s.+-]{4,}$/.test(text)) {
    const digits = text.replace(/[^\d-]/g, '');
    const like = p(`%${likeEscape(digits)}%`);
    parts.push(`SELECT conversation_id FROM tickets WHERE code LIKE ${like} OR caller_phone LIKE ${like}`);
    parts.push(`SELECT cv.id FROM conversations cv JOIN contacts x ON x.id = cv.contact_id WHERE x.phone LIKE ${like}`);
    return parts.join(' UNION ');
  }
  if (text.includes('@')) {
    parts.push(
      `SELECT cv.id FROM conversations cv JOIN contacts x ON x.id = cv.contact_id WHERE x.email ILIKE ${p(`%${likeEscape(text)}%`)}`,
    );
    return parts.join(' UNION ');
  }
  const tsq = prefixQuery(text);
  if (tsq) {
    const t = p(tsq);
    parts.push(
      `SELECT cv.id FROM conversations cv JOIN contacts x ON x.id = cv.contact_id WHERE to_tsvector('simple', COALESCE(x.display_name, '')) @@ to_tsquery('simple', ${t})`,
    );
    // What citizens and operators wrote; the bot's and the system's templated texts would match every conversation (migration 016).
    parts.push(
      `SELECT conversation_id FROM messages WHERE author_kind IN ('citizen', 'operator') AND to_tsvector('simple', text) @@ to_tsquery('simple', ${t})`,
    );
  }
  return parts.join(' UNION ');
}

function statePart(f: InboxFilter, params: unknown[]): string {
  switch (f.state) {
    case 'open':
      return `c.state <> 'closed'`;
    case 'mine':
      params.push(f.userId);
      return `c.state = 'operator' AND c.assignee_id = $${params.length}`;
    default:
      params.push(f.state);
      return `c.state = $${params.length}`;
  }
}

/** Page order: the waiting queue (and the open list) put emergencies first (009), then newest activity. */
const orderOf = (state: InboxState) =>
  state === 'waiting' || state === 'open' ? 'c.urgent DESC, c.last_message_at DESC, c.id DESC' : 'c.last_message_at DESC, c.id DESC';

/** One page of the inbox (emergencies first in the queue, then newest activity), the total for the filter and the tab counters. */
export async function listConversations(
  q: Queryable,
  f: InboxFilter,
  page: number,
  pageSize: number,
  windowOf: ReplyWindowOf,
): Promise<{ items: ConversationSummary[]; total: number; counts: InboxCounts }> {
  const listParams: unknown[] = [];
  const where = [statePart(f, listParams), ...filterParts(f, listParams)].join(' AND ');
  const countParams: unknown[] = [f.userId];
  const countWhere = filterParts(f, countParams);
  const [items, counts] = await Promise.all([
    q.query(
      `${summarySelect(`(SELECT * FROM conversations c WHERE ${where} ORDER BY ${orderOf(f.state)} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize})`)}
       ORDER BY ${orderOf(f.state)}`,
      listParams,
    ),
    q.query<InboxCounts & { operator: number }>(
      `SELECT count(*) FILTER (WHERE c.state = 'bot')::int AS bot,
              count(*) FILTER (WHERE c.state = 'waiting')::int AS waiting,
              count(*) FILTER (WHERE c.state = 'operator')::int AS operator,
              count(*) FILTER (WHERE c.state = 'operator' AND c.assignee_id = $1)::int AS mine,
              count(*) FILTER (WHERE c.state <> 'closed')::int AS open,
              count(*) FILTER (WHERE c.state = 'closed')::int AS closed,
              (SELECT count(DISTINCT tu.conversation_id)::int FROM tickets tu JOIN conversations c ON c.id = tu.conversation_id
                WHERE tu.priority = 'urgent' AND tu.status <> 'closed' AND c.state <> 'closed'
                ${countWhere.length ? `AND ${countWhere.join(' AND ')}` : ''}) AS urgent
       FROM conversations c ${countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : ''}`,
      countParams,
    ),
  ]);
  const { operator, ...c } = counts.rows[0];
  const total = f.state === 'operator' ? operator : c[f.state];
  return { items: items.rows.map((r) => toSummary(r, windowOf)), total, counts: c };
}

/** The summary of one conversation, or null. */
export async function getConversationSummary(q: Queryable, id: string, windowOf: ReplyWindowOf): Promise<ConversationSummary | null> {
  if (!isUuid(id)) return null;
  const r = await q.query(`${summarySelect('conversations')} WHERE c.id = $1`, [id]);
  return r.rows[0] ? toSummary(r.rows[0], windowOf) : null;
}

/** The id of an agency code (a nil id when unknown, so that the filter matches nothing). */
export async function agencyIdByCode(q: Queryable, code: string): Promise<string> {
  const r = await q.query<{ id: string }>('SELECT id FROM agencies WHERE code = $1', [code]);
  return r.rows[0]?.id ?? '00000000-0000-0000-0000-000000000000';
}

/** True for a well-formed UUID (so that bad ids are a 404, not a database error). */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** A contact card: identities on every channel and past tickets. */
export interface ContactCard {
  id: string;
  displayName: string | null;
  phone: string | null;
  email: string | null;
  identities: {
    channel: string;
    externalId: string;
    displayName: string | null;
    lastInteractionAt: Date | null;
    followed: boolean | null;
  }[];
  tickets: { code: string; status: TicketStatus; title: string; createdAt: Date }[];
}

/** A contact with identities and tickets (a merged contact resolves to the one it was merged into). */
export async function getContactCard(q: Queryable, id: string): Promise<ContactCard | null> {
  if (!isUuid(id)) return null;
  const r = await q.query<{
    id: string;
    display_name: string | null;
    phone: string | null;
    email: string | null;
    merged_into: string | null;
  }>('SELECT id, display_name, phone, email, merged_into FROM contacts WHERE id = $1', [id]);
  const c = r.rows[0];
  if (!c) return null;
  if (c.merged_into && c.merged_into !== c.id) return getContactCard(q, c.merged_into);
  const [identities, tickets] = await Promise.all([
    q.query<{
      channel: string;
      external_id: string;
      display_name: string | null;
      last_interaction_at: Date | null;
      followed: boolean | null;
    }>(
      'SELECT channel, external_id, display_name, last_interaction_at, followed FROM contact_identities WHERE contact_id = $1 ORDER BY last_interaction_at DESC NULLS LAST',
      [c.id],
    ),
    q.query<{ code: string; status: TicketStatus; title: string; created_at: Date }>(
      'SELECT code, status, title, created_at FROM tickets WHERE contact_id = $1 ORDER BY created_at DESC LIMIT 100',
      [c.id],
    ),
  ]);
  return {
    id: c.id,
    displayName: c.display_name ?? identities.rows.find((i) => i.display_name)?.display_name ?? null,
    phone: c.phone,
    email: c.email,
    identities: identities.rows.map((i) => ({
      channel: i.channel,
      externalId: i.external_id,
      displayName: i.display_name,
      lastInteractionAt: i.last_interaction_at,
      followed: i.followed,
    })),
    tickets: tickets.rows.map((t) => ({ code: t.code, status: t.status, title: t.title, createdAt: t.created_at })),
  };
}

/**
 * Moves identities, conversations and tickets of `mergeId` to `keepId`, fills the kept contact's
 * empty name/phone/e-mail, and marks the other as merged. Returns the moved conversation ids.
 */
export async function mergeContacts(
  q: Queryable,
  keepId: string,
  mergeId: string,
): Promise<{ conversations: string[]; identities: number; tickets: number }> {
  const ids = await q.query<{ id: string }>('UPDATE conversations SET contact_id = $1 WHERE contact_id = $2 RETURNING id', [
    keepId,
    mergeId,
  ]);
  const identities = await q.query('UPDATE contact_identities SET contact_id = $1 WHERE contact_id = $2', [keepId, mergeId]);
  const tickets = await q.query('UPDATE tickets SET contact_id = $1, updated_at = now() WHERE contact_id = $2', [keepId, mergeId]);
  await q.query(
    `UPDATE contacts k SET display_name = COALESCE(k.display_name, m.display_name), phone = COALESCE(k.phone, m.phone),
       email = COALESCE(k.email, m.email), updated_at = now()
     FROM contacts m WHERE k.id = $1 AND m.id = $2`,
    [keepId, mergeId],
  );
  await q.query('UPDATE contacts SET merged_into = $1, updated_at = now() WHERE id = $2 OR merged_into = $2', [keepId, mergeId]);
  return { conversations: ids.rows.map((r) => r.id), identities: identities.rowCount, tickets: tickets.rowCount };
}
