/**
 * Operators' presence, kept in the database so that every node sees it: the status an operator chose
 * (`operator_presence`) and their open console connections on any node (`presence_connections`). An
 * operator counts as online only with a connection renewed within the connection lifetime, so a node
 * that dies without closing its sockets cannot leave its operators online.
 */
import type { Queryable } from '../db/database';

/** The presence statuses, for validation. */
export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;

/** What an operator chose in the console (away: also set automatically after inactivity). */
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** How long a connection counts without renewal (default: 90 s; nodes renew theirs every 30 s). */
export const CONNECTION_TTL_SECONDS = 90;

/** SQL condition: user `$alias.user_id` has a live console connection. */
export const LIVE_CONNECTION = (alias: string) =>
  `EXISTS (SELECT 1 FROM presence_connections pc WHERE pc.user_id = ${alias}.user_id AND pc.seen_at > now() - interval '${CONNECTION_TTL_SECONDS} seconds')`;

/** An operator's effective presence. */
export interface Presence {
  status: PresenceStatus;
  autoAway: boolean;
  connected: boolean;
}

/** The effective presence of a user (offline without a live connection). */
export async function getPresence(q: Queryable, userId: string): Promise<Presence> {
  const r = await q.query<{ status: PresenceStatus; auto_away: boolean; connected: boolean }>(
    `SELECT p.status, p.auto_away, ${LIVE_CONNECTION('p')} AS connected FROM operator_presence p WHERE p.user_id = $1`,
    [userId],
  );
  const row = r.rows[0];
  if (!row) return { status: 'offline', autoAway: false, connected: false };
  return { status: row.connected ? row.status : 'offline', autoAway: row.auto_away, connected: row.connected };
}

/** Sets the status a user chose; returns the previous one. */
export async function setPresenceStatus(q: Queryable, userId: string, status: PresenceStatus): Promise<PresenceStatus | null> {
  const r = await q.query<{ previous: PresenceStatus | null }>(
    `WITH old AS (SELECT status FROM operator_presence WHERE user_id = $1)
     INSERT INTO operator_presence (user_id, status) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, auto_away = false, last_active_at = now(), changed_at = now()
     RETURNING (SELECT status FROM old) AS previous`,
    [userId, status],
  );
  return r.rows[0]?.previous ?? null;
}

/** Records activity in a console; an operator made away automatically is online again. True when that happened. */
export async function touchActivity(q: Queryable, userId: string): Promise<boolean> {
  const r = await q.query<{ back: boolean }>(
    `UPDATE operator_presence SET last_active_at = now(),
       status = CASE WHEN auto_away AND status = 'away' THEN 'online' ELSE status END,
       changed_at = CASE WHEN auto_away AND status = 'away' THEN now() ELSE changed_at END,
       auto_away = false
     WHERE user_id = $1
     RETURNING (status = 'online' AND changed_at = now()) AS back`,
    [userId],
  );
  return r.rows[0]?.back ?? false;
}

/** Online operators inactive for `seconds` become away (automatically); returns their ids. */
export async function markIdleAway(q: Queryable, seconds: number): Promise<string[]> {
  const r = await q.query<{ user_id: string }>(
    `UPDATE operator_presence SET status = 'away', auto_away = true, changed_at = now()
     WHERE status = 'online' AND last_active_at < now() - make_interval(secs => $1)
     RETURNING user_id`,
    [seconds],
  );
  return r.rows.map((row) => row.user_id);
}

/** Records an open console connection. */
export async function addConnection(q: Queryable, socketId: string, userId: string): Promise<void> {
  await q.query(
    `INSERT INTO presence_connections (socket_id, user_id) VALUES ($1, $2) ON CONFLICT (socket_id) DO UPDATE SET seen_at = now()`,
    [socketId, userId],
  );
}

/** Forgets a closed connection; a user left without any live connection goes offline. True when they did. */
export async function removeConnection(q: Queryable, socketId: string, userId: string): Promise<boolean> {
  await q.query(`DELETE FROM presence_connections WHERE socket_id = $1`, [socketId]);
  const r = await q.query(
    `UPDATE operator_presence p SET status = 'offline', auto_away = false, changed_at = now()
     WHERE p.user_id = $1 AND p.status <> 'offline' AND NOT ${LIVE_CONNECTION('p')}`,
    [userId],
  );
  return r.rowCount > 0;
}

/** Renews this node's connections (heartbeat). */
export async function renewConnections(q: Queryable, socketIds: string[]): Promise<void> {
  if (socketIds.length) await q.query(`UPDATE presence_connections SET seen_at = now() WHERE socket_id = ANY($1::text[])`, [socketIds]);
}

/** Drops connections no node renewed (a node died) and sets their users offline; returns those users. */
export async function expireConnections(q: Queryable): Promise<string[]> {
  await q.query(`DELETE FROM presence_connections WHERE seen_at < now() - interval '${CONNECTION_TTL_SECONDS} seconds'`);
  const r = await q.query<{ user_id: string }>(
    `UPDATE operator_presence p SET status = 'offline', auto_away = false, changed_at = now()
     WHERE p.status <> 'offline' AND NOT ${LIVE_CONNECTION('p')} RETURNING p.user_id`,
  );
  return r.rows.map((row) => row.user_id);
}
