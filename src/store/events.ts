/** The processing log (nhật ký xử lý): append-only events of tickets and conversations. */
import type { Queryable } from '../db/database';
import { jsonParam } from '../db/json-param';

/** Who did something. */
export interface Actor {
  kind: 'citizen' | 'bot' | 'operator' | 'system' | 'agency' | 'supervisor' | 'admin';
  userId?: string | null;
  name?: string | null;
}

/** The actor for automatic steps. */
export const SYSTEM: Actor = { kind: 'system', name: 'Hệ thống' };
/** The actor for bot decisions. */
export const BOT: Actor = { kind: 'bot', name: 'Trợ lý ảo 1022' };

/** A logged event as read back. */
export interface EventRow {
  id: number;
  type: string;
  actorKind: string;
  actorName: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  ticketId: string | null;
  conversationId: string | null;
}

/** An event to append. */
export interface NewEvent {
  type: string;
  actor: Actor;
  ticketId?: string | null;
  conversationId?: string | null;
  data?: Record<string, unknown>;
}

/** Events as the JSON parameter of `insertEventsSql`. */
export function eventsParam(events: readonly NewEvent[]): string {
  return jsonParam(
    events.map((e) => ({
      ticket_id: e.ticketId ?? null,
      conversation_id: e.conversationId ?? null,
      type: e.type,
      actor_kind: e.actor.kind,
      actor_user_id: e.actor.userId ?? null,
      actor_name: e.actor.name ?? null,
      data: e.data ?? {},
    })),
  );
}

/**
 * One multi-row INSERT of the events in the JSON array `param` (from `eventsParam`), in array
 * order; usable as a CTE, so the log is written in the same statement as the change it records.
 */
export function insertEventsSql(param: string): string {
  return `INSERT INTO events (ticket_id, conversation_id, type, actor_kind, actor_user_id, actor_name, data)
    SELECT e.ticket_id, e.conversation_id, e.type, e.actor_kind, e.actor_user_id, e.actor_name, e.data
    FROM ROWS FROM (jsonb_to_recordset(${param}::jsonb) AS (ticket_id uuid, conversation_id uuid, type text, actor_kind text,
      actor_user_id uuid, actor_name text, data jsonb)) WITH ORDINALITY AS e
    ORDER BY e.ordinality`;
}

/** Appends one event. */
export async function logEvent(q: Queryable, e: NewEvent): Promise<void> {
  await q.query(insertEventsSql('$1'), [eventsParam([e])]);
}

/** Events of a ticket and of its conversation, oldest first. */
export async function listEvents(q: Queryable, ticketId: string | null, conversationId: string | null): Promise<EventRow[]> {
  const r = await q.query<{
    id: number;
    type: string;
    actor_kind: string;
    actor_name: string | null;
    data: Record<string, unknown>;
    created_at: Date;
    ticket_id: string | null;
    conversation_id: string | null;
  }>(
    `SELECT id, type, actor_kind, actor_name, data, created_at, ticket_id, conversation_id FROM events
     WHERE ($1::uuid IS NOT NULL AND ticket_id = $1::uuid) OR ($2::uuid IS NOT NULL AND conversation_id = $2::uuid)
     ORDER BY id`,
    [ticketId, conversationId],
  );
  return r.rows.map((row) => ({
    id: row.id,
    type: row.type,
    actorKind: row.actor_kind,
    actorName: row.actor_name,
    data: row.data,
    createdAt: row.created_at,
    ticketId: row.ticket_id,
    conversationId: row.conversation_id,
  }));
}
