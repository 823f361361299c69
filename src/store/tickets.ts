/** Tickets (phiếu): code, status, field, agency, assignee, priority, due time. */
import { randomBytes } from 'node:crypto';
import { TICKET_CODE_ALPHABET, TICKET_CODE_RE } from '../channels/kit/ticket-code';
import type { Queryable } from '../db/database';
import type { ConsoleEvents } from '../wire/events';
import { updateRow } from './rows';

/** Ticket statuses, in their usual order. */
export const TICKET_STATUSES = ['new', 'assigned', 'in_progress', 'forwarded', 'answered', 'closed'] as const;
/** A ticket status. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Ticket priorities. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** A ticket priority. */
export type Priority = (typeof PRIORITIES)[number];
/** What a citizen's request is: a question, a report, a recommendation, a complaint, a denunciation, a crime report, other. */
export const CONTENT_TYPES = ['hoi_dap', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao', 'to_giac', 'khac'] as const;
/** A ticket's content type. */
export type ContentType = (typeof CONTENT_TYPES)[number];
/** Jurisdiction levels of the responsible agency (the procedures' agency levels). */
export const TICKET_LEVELS = ['xa', 'tinh', 'trung_uong', 'co_quan_doc'] as const;
/** A ticket's jurisdiction level. */
export type TicketLevel = (typeof TICKET_LEVELS)[number];

/** A ticket as the API shows it. */
export interface Ticket {
  id: string;
  code: string;
  status: TicketStatus;
  channel: string;
  field: string | null;
  agency: { id: string; code: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  priority: Priority;
  contentType: ContentType | null;
  level: TicketLevel | null;
  intent: string | null;
  title: string;
  content: string;
  resolution: string | null;
  createdBy: 'bot' | 'operator';
  callerName: string | null;
  callerPhone: string | null;
  contact: {
    id: string;
    displayName: string | null;
    channel: string | null;
    externalId: string | null;
    phone: string | null;
    email: string | null;
  } | null;
  conversationId: string | null;
  dueAt: Date | null;
  firstResponseAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
  csat: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Tickets with what they refer to: agency (a), assignee (u), contact (c), conversation (cv) and its identity (ci). */
const TICKET_JOINS = `
  FROM tickets t
  LEFT JOIN agencies a ON a.id = t.agency_id
  LEFT JOIN users u ON u.id = t.assignee_id
  LEFT JOIN contacts c ON c.id = t.contact_id
  LEFT JOIN conversations cv ON cv.id = t.conversation_id
  LEFT JOIN contact_identities ci ON ci.id = cv.identity_id`;

/** The SELECT that every ticket read uses (one query, no N+1). */
export const TICKET_SELECT = `
  SELECT t.*, a.code AS agency_code, a.name AS agency_name, u.display_name AS assignee_name,
         c.display_name AS contact_name, c.phone AS contact_phone, c.email AS contact_email,
         ci.channel AS identity_channel, ci.external_id AS identity_external_id, ci.display_name AS identity_name
  ${TICKET_JOINS}`;

/** Maps a TICKET_SELECT row. */
export function toTicket(r: Record<string, unknown>): Ticket {
  return {
    id: r.id as string,
    code: r.code as string,
    status: r.status as TicketStatus,
    channel: r.channel as string,
    field: (r.field as string) ?? null,
    agency: r.agency_id ? { id: r.agency_id as string, code: r.agency_code as string, name: r.agency_name as string } : null,
    assignee: r.assignee_id ? { id: r.assignee_id as string, name: r.assignee_name as string } : null,
    priority: r.priority as Priority,
    contentType: (r.content_type as ContentType) ?? null,
    level: (r.level as TicketLevel) ?? null,
    intent: (r.intent as string) ?? null,
    title: r.title as string,
    content: r.content as string,
    resolution: (r.resolution as string) ?? null,
    createdBy: r.created_by as 'bot' | 'operator',
    callerName: (r.caller_name as string) ?? null,
    callerPhone: (r.caller_phone as string) ?? null,
    contact: r.contact_id
      ? {
          id: r.contact_id as string,
          displayName: ((r.contact_name ?? r.identity_name ?? r.caller_name) as string) ?? null,
          channel: (r.identity_channel as string) ?? (r.channel as string),
          externalId: (r.identity_external_id as string) ?? null,
          phone: (r.contact_phone as string) ?? null,
          email: (r.contact_email as string) ?? null,
        }
      : null,
    conversationId: (r.conversation_id as string) ?? null,
    dueAt: (r.due_at as Date) ?? null,
    firstResponseAt: (r.first_response_at as Date) ?? null,
    answeredAt: (r.answered_at as Date) ?? null,
    closedAt: (r.closed_at as Date) ?? null,
    csat: (r.csat as number) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/**
 * The live event of a change to a ticket, for open consoles. `agencyId` says which agency's focal
 * points hear of it (default: the ticket's agency).
 */
export function ticketEvent(t: Ticket, reason: string, agencyId = t.agency?.id ?? null): ConsoleEvents['ticket'] {
  return { ticketId: t.id, code: t.code, status: t.status, priority: t.priority, agencyId, reason };
}

/**
 * Next ticket code for the year of `now` in Vietnam: 1022-YYYY-NNNNNN-XXXX. The counter keeps codes
 * readable and ordered; the random part (31^4 ≈ 923,000 values) makes a code impossible to guess from its
 * neighbours. Codes issued before it (1022-YYYY-NNNNNN) stay valid.
 */
export async function nextTicketCode(q: Queryable, now = new Date()): Promise<string> {
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(now));
  const r = await q.query<{ last: number }>(
    `INSERT INTO ticket_counters (year, last) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last`,
    [year],
  );
  const suffix = Array.from(randomBytes(4), (b) => TICKET_CODE_ALPHABET[b % TICKET_CODE_ALPHABET.length]).join('');
  return `1022-${year}-${String(r.rows[0].last).padStart(6, '0')}-${suffix}`;
}

/** Input of a new ticket. */
export interface NewTicket {
  channel: string;
  field?: string | null;
  agencyId?: string | null;
  priority?: Priority;
  contentType?: ContentType | null;
  level?: TicketLevel | null;
  intent?: string | null;
  title: string;
  content: string;
  contactId?: string | null;
  conversationId?: string | null;
  createdBy: 'bot' | 'operator';
  createdByUserId?: string | null;
  assigneeId?: string | null;
  callerName?: string | null;
  callerPhone?: string | null;
  dueAt?: Date | null;
}

/** Creates a ticket with a fresh code; returns it. */
export async function createTicket(q: Queryable, t: NewTicket): Promise<Ticket> {
  const code = await nextTicketCode(q);
  const r = await q.query<{ id: string }>(
    `INSERT INTO tickets (code, status, channel, field, agency_id, priority, intent, title, content, contact_id, conversation_id,
                          created_by, created_by_user_id, assignee_id, caller_name, caller_phone, due_at, content_type, level)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
    [
      code,
      t.assigneeId ? 'assigned' : 'new',
      t.channel,
      t.field ?? null,
      t.agencyId ?? null,
      t.priority ?? 'normal',
      t.intent ?? null,
      t.title,
      t.content,
      t.contactId ?? null,
      t.conversationId ?? null,
      t.createdBy,
      t.createdByUserId ?? null,
      t.assigneeId ?? null,
      t.callerName ?? null,
      t.callerPhone ?? null,
      t.dueAt?.toISOString() ?? null,
      t.contentType ?? null,
      t.level ?? null,
    ],
  );
  return (await getTicketById(q, r.rows[0].id))!;
}

/** A ticket by id. */
export async function getTicketById(q: Queryable, id: string): Promise<Ticket | null> {
  const r = await q.query(`${TICKET_SELECT} WHERE t.id = $1`, [id]);
  return r.rows[0] ? toTicket(r.rows[0]) : null;
}

/** A ticket by code. */
export async function getTicketByCode(q: Queryable, code: string): Promise<Ticket | null> {
  const r = await q.query(`${TICKET_SELECT} WHERE t.code = upper($1)`, [code.trim()]);
  return r.rows[0] ? toTicket(r.rows[0]) : null;
}

/** The open (not closed) ticket of a conversation, newest first. */
export async function openTicketOfConversation(q: Queryable, conversationId: string): Promise<Ticket | null> {
  const r = await q.query(`${TICKET_SELECT} WHERE t.conversation_id = $1 AND t.status <> 'closed' ORDER BY t.created_at DESC LIMIT 1`, [
    conversationId,
  ]);
  return r.rows[0] ? toTicket(r.rows[0]) : null;
}

/** Filters of the ticket list (also used by exports and statistics). */
export interface TicketFilter {
  status?: string;
  channel?: string;
  field?: string;
  /** Agency code. */
  agency?: string;
  /** Restricts to one agency's tickets (agency role). */
  agencyId?: string;
  assigneeId?: string;
  priority?: string;
  contentType?: string;
  level?: string;
  q?: string;
  from?: Date;
  to?: Date;
  /** Only open tickets past their due time. */
  overdue?: boolean;
  /** Only urgent tickets (same as priority=urgent). */
  urgent?: boolean;
}

/**
 * Builds the WHERE clause of a ticket filter over `tickets t`. It needs `contacts c` joined only when
 * `contacts` is true (a text search); everything else reads the ticket row alone.
 */
export function ticketWhere(f: TicketFilter): { sql: string; params: unknown[]; contacts: boolean } {
  const parts: string[] = [];
  const params: unknown[] = [];
  let contacts = false;
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add("t.status = ANY(string_to_array(?, ','))", f.status);
  if (f.channel) add('t.channel = ?', f.channel);
  if (f.field) add('t.field = ?', f.field);
  if (f.agency) add('t.agency_id = (SELECT id FROM agencies WHERE code = ?)', f.agency);
  if (f.agencyId) add('t.agency_id = ?', f.agencyId);
  if (f.assigneeId) add('t.assignee_id = ?', f.assigneeId);
  if (f.priority) add('t.priority = ?', f.priority);
  if (f.contentType) add('t.content_type = ?', f.contentType);
  if (f.level) add('t.level = ?', f.level);
  if (f.from) add('t.created_at >= ?', f.from.toISOString());
  if (f.to) add('t.created_at < ?', f.to.toISOString());
  if (f.overdue) parts.push(`t.status <> 'closed' AND t.due_at < now()`);
  if (f.urgent) parts.push(`t.priority = 'urgent'`);
  if (f.q && TICKET_CODE_RE.test(f.q.trim())) {
    // A whole ticket code: the unique index, not a scan of every text column.
    add('t.code = ?', f.q.trim().toUpperCase());
  } else if (f.q) {
    contacts = true;
    params.push(`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
    const p = `$${params.length}`;
    parts.push(
      `(t.code ILIKE ${p} OR t.title ILIKE ${p} OR t.content ILIKE ${p} OR c.display_name ILIKE ${p} OR c.phone ILIKE ${p} OR t.caller_phone ILIKE ${p} OR t.caller_name ILIKE ${p})`,
    );
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params, contacts };
}

/** `FROM tickets t`, with the contacts join when the filter needs it. */
export const ticketsFrom = (where: { contacts: boolean }) =>
  `FROM tickets t${where.contacts ? ' LEFT JOIN contacts c ON c.id = t.contact_id' : ''}`;

/** One page of tickets, newest first, with the total. */
export async function listTickets(
  q: Queryable,
  f: TicketFilter,
  page: number,
  pageSize: number,
): Promise<{ items: Ticket[]; total: number }> {
  const where = ticketWhere(f);
  const offset = (page - 1) * pageSize;
  // The page's ids first (an index scan on tickets_created_id), then the joins for those rows only.
  const pageIds = `SELECT t.id ${ticketsFrom(where)} ${where.sql} ORDER BY t.created_at DESC, t.id LIMIT ${pageSize} OFFSET ${offset}`;
  const [items, total] = await Promise.all([
    q.query(`${TICKET_SELECT} JOIN (${pageIds}) pg ON pg.id = t.id ORDER BY t.created_at DESC, t.id`, where.params),
    q.query<{ n: number }>(`SELECT count(*)::int AS n ${ticketsFrom(where)} ${where.sql}`, where.params),
  ]);
  return { items: items.rows.map(toTicket), total: total.rows[0].n };
}

/**
 * Every ticket of a filter, newest first, as rows of `columns` (SQL over `tickets t`, `agencies a`,
 * `users u` and `contacts c`), in batches of `batchSize` (keyset pages on tickets_created_id): an export
 * of any size holds a batch or two in memory, and its first rows are sent while the next are read — the
 * next batch is already asked for while `onBatch` works on this one. Stops when `onBatch` returns false.
 */
export async function eachTicketBatch(
  q: Queryable,
  f: TicketFilter,
  columns: string,
  onBatch: (rows: Record<string, unknown>[]) => Promise<boolean | void>,
  batchSize = 5000,
): Promise<number> {
  const where = ticketWhere(f);
  const a = where.params.length + 1;
  const read = (after: { at: string; id: string } | null) => {
    const keyset = after
      ? `${where.sql ? `${where.sql} AND` : 'WHERE'} t.created_at <= $${a} AND (t.created_at < $${a} OR t.id > $${a + 1})`
      : where.sql;
    // The batch's tickets first (on the index), then the joins for those rows only. The keyset goes
    // back as the row's own timestamp text: a JS Date would round microseconds away.
    const batch = `SELECT t.* ${ticketsFrom(where)} ${keyset} ORDER BY t.created_at DESC, t.id LIMIT ${batchSize}`;
    return q.query<Record<string, unknown>>(
      `SELECT ${columns}, t.created_at::text AS keyset_at, t.id::text AS keyset_id
       FROM (${batch}) t
       LEFT JOIN agencies a ON a.id = t.agency_id LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN contacts c ON c.id = t.contact_id
       ORDER BY t.created_at DESC, t.id`,
      after ? [...where.params, after.at, after.id] : where.params,
    );
  };
  let total = 0;
  let pending = read(null);
  for (;;) {
    const { rows } = await pending;
    total += rows.length;
    const last = rows.length === batchSize ? rows[rows.length - 1] : null;
    if (last) pending = read({ at: String(last.keyset_at), id: String(last.keyset_id) });
    const more = rows.length ? await onBatch(rows) : true;
    if (!last || more === false) {
      if (last) await pending.catch(() => undefined); // let the read in flight finish before the connection is released
      return total;
    }
  }
}

/** Changes to a ticket. */
export interface TicketPatch {
  status?: TicketStatus;
  field?: string | null;
  agencyId?: string | null;
  assigneeId?: string | null;
  priority?: Priority;
  contentType?: ContentType | null;
  level?: TicketLevel | null;
  dueAt?: Date | null;
  resolution?: string | null;
}

/** Applies a patch; stamps answered/closed times. */
export async function updateTicket(q: Queryable, id: string, p: TicketPatch): Promise<void> {
  const stamps =
    p.status === 'answered' ? ['answered_at = COALESCE(answered_at, now())'] : p.status === 'closed' ? ['closed_at = now()'] : [];
  await updateRow(
    q,
    'tickets',
    id,
    {
      status: p.status,
      field: p.field,
      agency_id: p.agencyId,
      assignee_id: p.assigneeId,
      priority: p.priority,
      content_type: p.contentType,
      level: p.level,
      due_at: p.dueAt === undefined ? undefined : (p.dueAt?.toISOString() ?? null),
      resolution: p.resolution,
    },
    stamps,
  );
}

/** Stamps the first operator response time once. */
export async function markFirstResponse(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE tickets SET first_response_at = COALESCE(first_response_at, now()), updated_at = now() WHERE id = $1`, [id]);
}
