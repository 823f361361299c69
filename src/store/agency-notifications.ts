/**
 * What agencies are told about their tickets (migration 010): forwarded, deadline near, deadline passed.
 * Each row is the console bell's item and, when the agency has an address, one mail to send.
 */
import type { Queryable } from '../db/database';
import { TICKET_AWAITING_ANSWER, TICKET_OVERDUE } from './floor';

/** Why an agency is told. */
export type AgencyNotificationKind = 'forwarded' | 'due_soon' | 'overdue';

/** A notification as the console's bell shows it. */
export interface AgencyNotification {
  id: string;
  kind: AgencyNotificationKind;
  ticketCode: string;
  ticketTitle: string;
  dueAt: Date | null;
  createdAt: Date;
  read: boolean;
}

/** A notification with what its mail needs. */
export interface NotificationMail {
  id: string;
  kind: AgencyNotificationKind;
  /** The agency's address(es) in the directory now. */
  agencyEmail: string | null;
  mailStatus: 'none' | 'pending' | 'sent' | 'failed';
  ticketId: string;
  agencyName: string;
  dueAt: Date | null;
  note: string | null;
}

/** SQL: the mail status of a new notification to agency `a` (`$mail`: mail is configured). */
const mailStatusOf = (mail: string) => `CASE WHEN ${mail}::boolean AND a.email IS NOT NULL THEN 'pending' ELSE 'none' END`;

/** Records that a ticket was forwarded to an agency, with the forward's note (mail pending when `mail` and the agency has an address). */
export async function insertForwardNotification(
  q: Queryable,
  n: { agencyId: string; ticketId: string; dueAt: Date | null; note: string | null; mail: boolean },
): Promise<{ id: string; mailStatus: string }> {
  const r = await q.query<{ id: string; mail_status: string }>(
    `INSERT INTO agency_notifications (agency_id, ticket_id, kind, due_at, note, mail_status)
     SELECT a.id, $2, 'forwarded', $3, $4, ${mailStatusOf('$5')} FROM agencies a WHERE a.id = $1 RETURNING id, mail_status`,
    [n.agencyId, n.ticketId, n.dueAt?.toISOString() ?? null, n.note, n.mail],
  );
  return { id: r.rows[0].id, mailStatus: r.rows[0].mail_status };
}

/** A reminder that became due and was not recorded yet (now recorded: no other node sends it). */
export interface NewReminder {
  id: string;
  agencyId: string;
  ticketId: string;
  mailStatus: string;
}

/**
 * Records the reminders that became due, each once (the unique index decides between nodes):
 * `due_soon` when a quarter of the time the agency was given, at most `soonHours`, is left (only for
 * tickets forwarded before that point, so a late forward is not followed at once by a reminder);
 * `overdue` for tickets overdue (the floor's one definition) at an agency, deadlines passed within the
 * last day only, so a first start on an old database does not mail the whole backlog. `mail`: mail is configured.
 */
export async function claimDueReminders(q: Queryable, soonHours: number, mail: boolean): Promise<NewReminder[]> {
  const r = await q.query<{ id: string; agency_id: string; ticket_id: string; mail_status: string }>(
    `WITH due AS (
       SELECT t.id AS ticket_id, t.agency_id, t.due_at, 'due_soon' AS kind FROM tickets t
       WHERE t.agency_id IS NOT NULL AND ${TICKET_AWAITING_ANSWER} AND t.due_at > now()
         AND EXISTS (SELECT 1 FROM agency_notifications f
                     WHERE f.ticket_id = t.id AND f.agency_id = t.agency_id AND f.kind = 'forwarded'
                       AND now() >= t.due_at - LEAST(make_interval(hours => $1), (t.due_at - f.created_at) / 4))
       UNION ALL
       SELECT t.id, t.agency_id, t.due_at, 'overdue' FROM tickets t
       WHERE t.agency_id IS NOT NULL AND ${TICKET_OVERDUE} AND t.due_at > now() - interval '1 day'
     )
     INSERT INTO agency_notifications (agency_id, ticket_id, kind, due_at, mail_status)
     SELECT d.agency_id, d.ticket_id, d.kind, d.due_at, ${mailStatusOf('$2')}
     FROM due d JOIN agencies a ON a.id = d.agency_id
     ON CONFLICT DO NOTHING
     RETURNING id, agency_id, ticket_id, mail_status`,
    [soonHours, mail],
  );
  return r.rows.map((row) => ({ id: row.id, agencyId: row.agency_id, ticketId: row.ticket_id, mailStatus: row.mail_status }));
}

/** One notification with what its mail needs, or null. */
export async function getNotificationMail(q: Queryable, id: string): Promise<NotificationMail | null> {
  const r = await q.query<{
    id: string;
    kind: AgencyNotificationKind;
    email: string | null;
    mail_status: NotificationMail['mailStatus'];
    ticket_id: string;
    agency_name: string;
    due_at: Date | null;
    note: string | null;
  }>(
    `SELECT n.id, n.kind, a.email, n.mail_status, n.ticket_id, a.name AS agency_name, n.due_at, n.note
     FROM agency_notifications n JOIN agencies a ON a.id = n.agency_id WHERE n.id = $1`,
    [id],
  );
  const row = r.rows[0];
  return row
    ? {
        id: row.id,
        kind: row.kind,
        agencyEmail: row.email,
        mailStatus: row.mail_status,
        ticketId: row.ticket_id,
        agencyName: row.agency_name,
        dueAt: row.due_at,
        note: row.note,
      }
    : null;
}

/** Records the outcome of a notification's mail: sent (to `to`), or the error of an attempt (`failed`: given up). */
export async function setNotificationMail(
  q: Queryable,
  id: string,
  outcome: { sent: string[] } | { error: string; failed: boolean },
): Promise<void> {
  if ('sent' in outcome) {
    await q.query(
      `UPDATE agency_notifications SET mail_status = 'sent', mail_to = $2::text[], mail_sent_at = now(), mail_error = NULL WHERE id = $1`,
      [id, outcome.sent],
    );
  } else {
    await q.query(
      `UPDATE agency_notifications SET mail_error = $2, mail_status = CASE WHEN $3::boolean THEN 'failed' ELSE mail_status END WHERE id = $1`,
      [id, outcome.error.slice(0, 1000), outcome.failed],
    );
  }
}

/** An agency's notifications for one of its focal points, newest first, with that user's unread count. */
export async function listAgencyNotifications(
  q: Queryable,
  agencyId: string,
  userId: string,
  limit = 30,
): Promise<{ items: AgencyNotification[]; unread: number }> {
  const [items, unread] = await Promise.all([
    q.query<{
      id: string;
      kind: AgencyNotificationKind;
      code: string;
      title: string;
      due_at: Date | null;
      created_at: Date;
      read: boolean;
    }>(
      `SELECT n.id, n.kind, t.code, t.title, n.due_at, n.created_at, (r.user_id IS NOT NULL) AS read
       FROM agency_notifications n JOIN tickets t ON t.id = n.ticket_id
       LEFT JOIN agency_notification_reads r ON r.notification_id = n.id AND r.user_id = $2
       WHERE n.agency_id = $1 ORDER BY n.created_at DESC, n.id LIMIT $3`,
      [agencyId, userId, limit],
    ),
    q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM agency_notifications n
       WHERE n.agency_id = $1 AND NOT EXISTS (SELECT 1 FROM agency_notification_reads r WHERE r.notification_id = n.id AND r.user_id = $2)`,
      [agencyId, userId],
    ),
  ]);
  return {
    items: items.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      ticketCode: row.code,
      ticketTitle: row.title,
      dueAt: row.due_at,
      createdAt: row.created_at,
      read: row.read,
    })),
    unread: unread.rows[0].n,
  };
}

/** Marks an agency's notifications read for a user: the given ones, or all of them. Returns how many became read. */
export async function markNotificationsRead(q: Queryable, agencyId: string, userId: string, ids?: string[]): Promise<number> {
  const r = await q.query(
    `INSERT INTO agency_notification_reads (notification_id, user_id)
     SELECT n.id, $2 FROM agency_notifications n WHERE n.agency_id = $1 AND ($3::uuid[] IS NULL OR n.id = ANY($3::uuid[]))
     ON CONFLICT DO NOTHING`,
    [agencyId, userId, ids ?? null],
  );
  return r.rowCount ?? 0;
}
