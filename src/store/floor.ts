/**
 * The hotline floor's queries: the waiting queue, operators' load, the choice of an operator for a
 * conversation (under a row lock, so two nodes never overfill one operator), the conditional
 * assignment and take-over, the floor snapshot supervisors watch, and alerts remembered so each is raised once.
 */
import type { Queryable } from '../db/database';
import { LIVE_CONNECTION, type PresenceStatus } from './presence';

/** SQL: the field of conversation `c`'s latest open ticket (null when unknown). */
const CONVERSATION_FIELD = `(SELECT t.field FROM tickets t WHERE t.conversation_id = c.id AND t.status <> 'closed' ORDER BY t.created_at DESC LIMIT 1)`;
/** SQL: conversation `c` is an emergency waiting for a person, or has an open urgent ticket. */
const URGENT = `(c.urgent OR EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id AND t.priority = 'urgent' AND t.status <> 'closed'))`;
/** SQL: the number of conversations user `u` holds now. */
const LOAD = `(SELECT count(*)::int FROM conversations lc WHERE lc.assignee_id = u.id AND lc.state = 'operator')`;

/** A conversation waiting for an operator, oldest (and urgent) first. */
export interface WaitingConversation {
  id: string;
  channel: string;
  field: string | null;
  urgent: boolean;
  waitingSince: Date;
  contactName: string | null;
}

/** Waiting conversations without an assignee: urgent ones first, then by how long they have waited. */
export async function listWaiting(q: Queryable, limit = 200): Promise<WaitingConversation[]> {
  const r = await q.query<{
    id: string;
    channel: string;
    field: string | null;
    urgent: boolean;
    waiting_since: Date;
    contact_name: string | null;
  }>(
    `SELECT c.id, c.channel, ${CONVERSATION_FIELD} AS field, ${URGENT} AS urgent,
            COALESCE(c.waiting_since, c.last_message_at) AS waiting_since, k.display_name AS contact_name
     FROM conversations c JOIN contacts k ON k.id = c.contact_id
     WHERE c.state = 'waiting'
     ORDER BY urgent DESC, waiting_since, c.id
     LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    field: row.field,
    urgent: row.urgent,
    waitingSince: row.waiting_since,
    contactName: row.contact_name,
  }));
}

/** Locks a conversation that is still waiting (skipped when another node holds it): its field, or undefined. */
export async function lockWaiting(q: Queryable, id: string): Promise<{ field: string | null } | undefined> {
  const r = await q.query<{ id: string }>(
    `SELECT c.id FROM conversations c WHERE c.id = $1 AND c.state = 'waiting' FOR UPDATE SKIP LOCKED`,
    [id],
  );
  if (!r.rows[0]) return undefined;
  const f = await q.query<{ field: string | null }>(`SELECT ${CONVERSATION_FIELD} AS field FROM conversations c WHERE c.id = $1`, [id]);
  return { field: f.rows[0]?.field ?? null };
}

/** Number of online operators with a free slot (none: no point in trying to assign). */
export async function countFreeOperators(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM operator_presence p JOIN users u ON u.id = p.user_id
     WHERE p.status = 'online' AND u.active AND u.role = 'operator' AND ${LIVE_CONNECTION('p')} AND ${LOAD} < u.max_chats`,
  );
  return r.rows[0].n;
}

/** Online with a live connection, a free slot, and the field `$1` among their skills (or no skills: a generalist). */
const CANDIDATE_SQL = (lock: string) => `SELECT u.id, u.display_name FROM operator_presence p JOIN users u ON u.id = p.user_id
     WHERE p.status = 'online' AND u.active AND u.role = 'operator' AND ${LIVE_CONNECTION('p')} AND ${LOAD} < u.max_chats
       AND ($1::text IS NULL OR cardinality(u.skills) = 0 OR $1::text = ANY(u.skills))
     ORDER BY ($1::text IS NOT NULL AND $1::text = ANY(u.skills)) DESC, p.last_assigned_at ASC NULLS FIRST, u.id
     LIMIT 1 ${lock}`;

/**
 * Picks and locks the operator for a conversation of `field` (`CANDIDATE_SQL`): skilled operators
 * before generalists, then the least recently assigned (round-robin). The operator's presence row
 * stays locked until the transaction ends, so concurrent assignments to the same operator wait and
 * recount. `'busy'` when an operator could take it but another assignment holds them right now (try
 * again once it is done); null when nobody can.
 */
export async function lockCandidate(q: Queryable, field: string | null): Promise<{ id: string; displayName: string } | 'busy' | null> {
  const r = await q.query<{ id: string; display_name: string }>(CANDIDATE_SQL('FOR UPDATE OF p SKIP LOCKED'), [field]);
  const row = r.rows[0];
  if (!row) {
    const held = await q.query(CANDIDATE_SQL(''), [field]);
    return held.rows.length > 0 ? 'busy' : null;
  }
  // The load was counted before the lock was granted: count again now that nobody else can assign to them.
  const load = await q.query<{ free: boolean }>(`SELECT ${LOAD} < u.max_chats AS free FROM users u WHERE u.id = $1`, [row.id]);
  return load.rows[0]?.free ? { id: row.id, displayName: row.display_name } : 'busy';
}

/**
 * Gives a conversation to an operator in one conditional update: only from the states in `from`
 * (the same operator is never "assigned" twice); their open tickets follow. False when the
 * conversation was no longer in one of those states.
 */
export async function assignConversation(q: Queryable, id: string, userId: string, from: readonly string[]): Promise<boolean> {
  const r = await q.query(
    `UPDATE conversations SET state = 'operator', assignee_id = $2
     WHERE id = $1 AND state = ANY($3::text[]) AND assignee_id IS DISTINCT FROM $2`,
    [id, userId, from],
  );
  if (r.rowCount === 0) return false;
  await q.query(
    `UPDATE tickets SET assignee_id = $2, status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END, updated_at = now()
     WHERE conversation_id = $1 AND status <> 'closed'`,
    [id, userId],
  );
  await q.query(`UPDATE operator_presence SET last_assigned_at = clock_timestamp() WHERE user_id = $1`, [userId]);
  return true;
}

/**
 * An operator takes a conversation over in one conditional update: from the bot, the queue, or no
 * one (taking it again is no change); never from another operator, and not once closed. Unlike
 * `assignConversation`, tickets that already have an assignee keep them, and the round-robin order
 * is untouched (the operator chose the work). False when the conversation could not be taken.
 */
export async function takeConversation(q: Queryable, id: string, userId: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE conversations SET state = 'operator', assignee_id = $2, closed_at = NULL
     WHERE id = $1 AND state <> 'closed' AND (state <> 'operator' OR assignee_id IS NULL OR assignee_id = $2)`,
    [id, userId],
  );
  if (r.rowCount === 0) return false;
  await q.query(
    `UPDATE tickets SET assignee_id = COALESCE(assignee_id, $2), status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END, updated_at = now()
     WHERE conversation_id = $1 AND status <> 'closed'`,
    [id, userId],
  );
  return true;
}

/** An operator (or supervisor) on the floor. */
export interface FloorOperator {
  id: string;
  displayName: string;
  role: 'operator' | 'supervisor';
  status: PresenceStatus;
  autoAway: boolean;
  load: number;
  maxChats: number;
  skills: string[];
  lastAssignedAt: Date | null;
  statusSince: Date | null;
}

/** Active operators and supervisors with their effective presence and load, online first. */
export async function listFloorOperators(q: Queryable): Promise<FloorOperator[]> {
  const r = await q.query<{
    id: string;
    display_name: string;
    role: 'operator' | 'supervisor';
    status: PresenceStatus | null;
    auto_away: boolean | null;
    connected: boolean | null;
    load: number;
    max_chats: number;
    skills: string[];
    last_assigned_at: Date | null;
    changed_at: Date | null;
  }>(
    `SELECT u.id, u.display_name, u.role, p.status, p.auto_away, ${LIVE_CONNECTION('p')} AS connected, ${LOAD} AS load,
            u.max_chats, u.skills, p.last_assigned_at, p.changed_at
     FROM users u LEFT JOIN operator_presence p ON p.user_id = u.id
     WHERE u.active AND u.role IN ('operator', 'supervisor')
     ORDER BY u.role DESC, u.display_name`,
  );
  const rank: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
  return r.rows
    .map((row) => ({
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      status: row.connected && row.status ? row.status : ('offline' as const),
      autoAway: !!row.auto_away && !!row.connected,
      load: row.load,
      maxChats: row.max_chats,
      skills: row.skills,
      lastAssignedAt: row.last_assigned_at,
      statusSince: row.changed_at,
    }))
    .sort((a, b) => rank[a.status] - rank[b.status]);
}

/** An open ticket past its deadline. */
export interface OverdueTicket {
  id: string;
  code: string;
  title: string;
  dueAt: Date;
  agencyName: string | null;
  conversationId: string | null;
}

type OverdueRow = { id: string; code: string; title: string; due_at: Date; agency_name: string | null; conversation_id: string | null };

const OVERDUE_COLUMNS = 't.id, t.code, t.title, t.due_at, a.name AS agency_name, t.conversation_id';

const toOverdue = (row: OverdueRow): OverdueTicket => ({
  id: row.id,
  code: row.code,
  title: row.title,
  dueAt: row.due_at,
  agencyName: row.agency_name,
  conversationId: row.conversation_id,
});

/** SQL: ticket `t` still awaits its answer (open, not answered yet): only such a ticket can be late. */
export const TICKET_AWAITING_ANSWER = `t.status NOT IN ('answered', 'closed')`;

/** SQL: ticket `t` is overdue (the one definition of "overdue": awaiting its answer, deadline passed). */
export const TICKET_OVERDUE = `${TICKET_AWAITING_ANSWER} AND t.due_at < now()`;

/** Overdue tickets, most overdue first. */
export async function listOverdueTickets(q: Queryable, limit = 50): Promise<{ total: number; items: OverdueTicket[] }> {
  const r = await q.query<OverdueRow & { total: number }>(
    `SELECT ${OVERDUE_COLUMNS}, count(*) OVER ()::int AS total
     FROM tickets t LEFT JOIN agencies a ON a.id = t.agency_id
     WHERE ${TICKET_OVERDUE} ORDER BY t.due_at LIMIT $1`,
    [limit],
  );
  return { total: r.rows[0]?.total ?? 0, items: r.rows.map(toOverdue) };
}

/** A long wait that was not alerted yet (now claimed: no other node will raise it). */
export interface NewLongWait {
  conversationId: string;
  waitingSince: Date;
  contactName: string | null;
  channel: string;
}

/** Claims the waits longer than `seconds` that were not alerted yet. */
export async function claimLongWaits(q: Queryable, seconds: number): Promise<NewLongWait[]> {
  const r = await q.query<{ subject_id: string; since: Date }>(
    `INSERT INTO floor_alerts (kind, subject_id, since)
     SELECT 'long_wait', c.id, c.waiting_since FROM conversations c
     WHERE c.state = 'waiting' AND c.waiting_since < now() - make_interval(secs => $1)
     ON CONFLICT DO NOTHING RETURNING subject_id, since`,
    [seconds],
  );
  if (!r.rows.length) return [];
  const d = await q.query<{ id: string; channel: string; display_name: string | null }>(
    `SELECT c.id, c.channel, k.display_name FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ANY($1::uuid[])`,
    [r.rows.map((row) => row.subject_id)],
  );
  const byId = new Map(d.rows.map((row) => [row.id, row]));
  return r.rows.map((row) => ({
    conversationId: row.subject_id,
    waitingSince: row.since,
    contactName: byId.get(row.subject_id)?.display_name ?? null,
    channel: byId.get(row.subject_id)?.channel ?? '',
  }));
}

/**
 * Claims the tickets that became overdue and were not alerted yet. Only deadlines passed within the
 * last day: a first start on an old database does not flood every console with the backlog (the
 * floor page lists every overdue ticket).
 */
export async function claimOverdueTickets(q: Queryable): Promise<OverdueTicket[]> {
  const r = await q.query<{ subject_id: string }>(
    `INSERT INTO floor_alerts (kind, subject_id, since)
     SELECT 'ticket_overdue', t.id, t.due_at FROM tickets t
     WHERE ${TICKET_OVERDUE} AND t.due_at > now() - interval '1 day'
     ON CONFLICT DO NOTHING RETURNING subject_id`,
  );
  if (!r.rows.length) return [];
  const d = await q.query<OverdueRow>(
    `SELECT ${OVERDUE_COLUMNS} FROM tickets t LEFT JOIN agencies a ON a.id = t.agency_id WHERE t.id = ANY($1::uuid[]) ORDER BY t.due_at`,
    [r.rows.map((row) => row.subject_id)],
  );
  return d.rows.map(toOverdue);
}

/** Sets an operator's capacity and skills; the values now, or null when there is no such user. */
export async function setRouting(
  q: Queryable,
  userId: string,
  p: { maxChats?: number; skills?: string[] },
): Promise<{ maxChats: number; skills: string[] } | null> {
  const r = await q.query<{ max_chats: number; skills: string[] }>(
    `UPDATE users SET max_chats = COALESCE($2, max_chats), skills = COALESCE($3::text[], skills), updated_at = now()
     WHERE id = $1 RETURNING max_chats, skills`,
    [userId, p.maxChats ?? null, p.skills ?? null],
  );
  const row = r.rows[0];
  return row ? { maxChats: row.max_chats, skills: row.skills } : null;
}
