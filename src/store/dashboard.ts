/**
 * The supervisors' dashboard: every figure of a period from ONE batch of six aggregate queries sent
 * together (no per-row or per-user round trips). Each query reads one table once, through the
 * indexes of 002/003, and is simple enough for PostgreSQL to run with parallel workers; on a server
 * they also run side by side on separate connections (on PGlite one after the other):
 * conversations by `created_at`; tickets by `created_at` (totals and percentiles, then grouping sets
 * by day/channel, field and agency); citizen messages by the partial `(created_at) WHERE direction = 'in'`
 * index; operators' activity by `events_type_actor` and `messages_author_user`.
 *
 * Conventions: a conversation is "bot-resolved" when it has no ticket, "escalated" when it has one;
 * ticket figures (open, overdue, timings, CSAT, by field/agency) are about tickets CREATED in the
 * period, with open/overdue as of now. Days and hours are in Vietnam time.
 */
import type { Database } from '../db/database';
import { withoutJit } from './no-jit';

/** The dashboard figures (see docs/console-api.md). */
export interface Dashboard {
  period: { from: Date; to: Date };
  totals: { conversations: number; messagesIn: number; tickets: number; botResolved: number; escalated: number; botResolvedRate: number; open: number; overdue: number };
  byDay: { day: string; conversations: number; tickets: number }[];
  byHour: { hour: number; messages: number }[];
  byChannel: { channel: string; conversations: number; tickets: number }[];
  byField: { field: string; label: string; tickets: number }[];
  byAgency: { code: string; name: string; tickets: number; open: number; overdue: number }[];
  firstResponse: { p50_s: number | null; p90_s: number | null };
  resolution: { p50_s: number | null; p90_s: number | null };
  operators: { userId: string; name: string; takenOver: number; replies: number; closed: number; firstResponseP50_s: number | null; lastActivityAt: Date | null }[];
  csat: { average: number | null; count: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
}


// Vietnam has kept UTC+7 without daylight saving since 1975: days and hours are computed from the epoch
// with a fixed offset (date_part gives a float8; extract() gives a numeric, several times slower per row).
const VN_OFFSET_S = 7 * 3600;
const dayOf = (col: string) => `floor((date_part('epoch', ${col}) + ${VN_OFFSET_S}) / 86400)::int`;

const CONVERSATIONS = `
  SELECT channel, ${dayOf('created_at')} AS dn, count(*)::int AS n
  FROM conversations WHERE created_at >= $1 AND created_at < $2 GROUP BY 1, 2`;

const ESCALATED = `
  SELECT count(*)::int AS n FROM conversations c
  WHERE c.created_at >= $1 AND c.created_at < $2 AND EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)`;

const TICKET_TOTALS = `
  SELECT count(*)::int AS tickets,
         count(*) FILTER (WHERE status <> 'closed')::int AS open,
         count(*) FILTER (WHERE status <> 'closed' AND due_at < now())::int AS overdue,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', first_response_at - created_at)) AS fr,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', closed_at - created_at)) AS res,
         avg(csat)::float8 AS csat_avg, count(csat)::int AS csat_count,
         count(*) FILTER (WHERE csat = 1)::int AS c1, count(*) FILTER (WHERE csat = 2)::int AS c2, count(*) FILTER (WHERE csat = 3)::int AS c3,
         count(*) FILTER (WHERE csat = 4)::int AS c4, count(*) FILTER (WHERE csat = 5)::int AS c5
  FROM tickets WHERE created_at >= $1 AND created_at < $2`;

const TICKET_GROUPS = `
  SELECT g.kind, g.dn, g.channel, g.field, f.name AS field_name, a.code AS agency_code, a.name AS agency_name, g.n, g.open, g.overdue
  FROM (
    SELECT CASE WHEN GROUPING(dn) = 0 THEN 'day' WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(field) = 0 THEN 'field' ELSE 'agency' END AS kind,
           dn, channel, field, agency_id, count(*)::int AS n,
           count(*) FILTER (WHERE status <> 'closed')::int AS open,
           count(*) FILTER (WHERE status <> 'closed' AND due_at < now())::int AS overdue
    FROM (SELECT ${dayOf('created_at')} AS dn, channel, COALESCE(field, '') AS field, agency_id, status, due_at
          FROM tickets WHERE created_at >= $1 AND created_at < $2) t
    GROUP BY GROUPING SETS ((dn), (channel), (field), (agency_id))) g
  LEFT JOIN fields f ON f.code = g.field
  LEFT JOIN agencies a ON a.id = g.agency_id
  WHERE g.kind <> 'agency' OR g.agency_id IS NOT NULL`;

const HOURS = `
  SELECT (floor((date_part('epoch', created_at) + ${VN_OFFSET_S}) / 3600)::bigint % 24)::int AS h, count(*)::int AS n
  FROM messages WHERE direction = 'in' AND created_at >= $1 AND created_at < $2 GROUP BY 1`;

const OPERATORS = `
  WITH ev AS (
    SELECT actor_user_id AS uid, count(*) FILTER (WHERE type = 'taken_over')::int AS taken_over, count(*) FILTER (WHERE type = 'closed')::int AS closed
    FROM events WHERE type IN ('taken_over', 'closed') AND actor_user_id IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY 1),
  rep AS (
    SELECT author_user_id AS uid, count(*)::int AS replies
    FROM messages WHERE author_user_id IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY 1),
  fr AS (
    SELECT assignee_id AS uid, percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', first_response_at - created_at)) AS p50
    FROM tickets WHERE assignee_id IS NOT NULL AND first_response_at IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY 1)
  SELECT * FROM (
    SELECT u.id, u.display_name, u.active, COALESCE(ev.taken_over, 0) AS taken_over, COALESCE(rep.replies, 0) AS replies,
           COALESCE(ev.closed, 0) AS closed, fr.p50,
           (SELECT max(e.created_at) FROM events e WHERE e.actor_user_id = u.id) AS last_at
    FROM users u LEFT JOIN ev ON ev.uid = u.id LEFT JOIN rep ON rep.uid = u.id LEFT JOIN fr ON fr.uid = u.id
    WHERE u.role <> 'agency') o
  WHERE o.active OR o.taken_over + o.replies + o.closed > 0`;

const secs = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
/** Code-point order, as the C collation sorts. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isoDay = (dn: number) => new Date(dn * 86_400_000).toISOString().slice(0, 10);
const vnDay = (d: Date) => Math.floor((d.getTime() / 1000 + VN_OFFSET_S) / 86400);

type Row = Record<string, unknown>;

/** Computes the dashboard of [from, to). */
export async function dashboard(db: Database, from: Date, to: Date): Promise<Dashboard> {
  const params = [from.toISOString(), to.toISOString()];
  const run = (sql: string) => withoutJit(db, (q) => q.query<Row>(sql, params)).then((r) => r.rows);
  const [convRows, [esc], [tk], groups, hourRows, opRows] = await Promise.all(
    [CONVERSATIONS, ESCALATED, TICKET_TOTALS, TICKET_GROUPS, HOURS, OPERATORS].map(run),
  );

  let conversations = 0;
  const escalated = Number(esc.n);
  const convByDay = new Map<number, number>();
  const convByChannel = new Map<string, number>();
  for (const r of convRows) {
    const k = Number(r.n);
    conversations += k;
    convByDay.set(Number(r.dn), (convByDay.get(Number(r.dn)) ?? 0) + k);
    convByChannel.set(String(r.channel), (convByChannel.get(String(r.channel)) ?? 0) + k);
  }
  const ticketsByDay = new Map<number, number>();
  const ticketsByChannel = new Map<string, number>();
  const byField: Dashboard['byField'] = [];
  const byAgency: Dashboard['byAgency'] = [];
  for (const g of groups) {
    const k = Number(g.n);
    if (g.kind === 'day') ticketsByDay.set(Number(g.dn), k);
    else if (g.kind === 'channel') ticketsByChannel.set(String(g.channel), k);
    else if (g.kind === 'field') byField.push({ field: String(g.field), label: (g.field_name as string) ?? ((g.field as string) || 'Chưa phân loại'), tickets: k });
    else byAgency.push({ code: String(g.agency_code), name: String(g.agency_name), tickets: k, open: Number(g.open), overdue: Number(g.overdue) });
  }
  byField.sort((a, b) => b.tickets - a.tickets || cmp(a.field, b.field));
  byAgency.sort((a, b) => b.overdue - a.overdue || b.tickets - a.tickets || cmp(a.code, b.code));

  const byDay: Dashboard['byDay'] = [];
  for (let dn = vnDay(from), last = vnDay(new Date(to.getTime() - 1)); dn <= last; dn++) {
    byDay.push({ day: isoDay(dn), conversations: convByDay.get(dn) ?? 0, tickets: ticketsByDay.get(dn) ?? 0 });
  }
  const byChannel = [...new Set([...convByChannel.keys(), ...ticketsByChannel.keys()])]
    .map((channel) => ({ channel, conversations: convByChannel.get(channel) ?? 0, tickets: ticketsByChannel.get(channel) ?? 0 }))
    .sort((a, b) => b.conversations - a.conversations || b.tickets - a.tickets || cmp(a.channel, b.channel));
  const hours = new Map(hourRows.map((h) => [Number(h.h), Number(h.n)]));
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, messages: hours.get(hour) ?? 0 }));
  const operators = opRows
    .map((o) => ({
      userId: String(o.id),
      name: String(o.display_name),
      takenOver: Number(o.taken_over),
      replies: Number(o.replies),
      closed: Number(o.closed),
      firstResponseP50_s: secs(o.p50),
      lastActivityAt: (o.last_at as Date | null) ?? null,
    }))
    .sort((a, b) => b.replies - a.replies || b.takenOver - a.takenOver || cmp(a.name, b.name));
  const pair = (v: unknown) => (Array.isArray(v) ? v : []) as (number | null)[];
  const n = (v: unknown) => Number(v ?? 0);
  return {
    period: { from, to },
    totals: {
      conversations,
      messagesIn: byHour.reduce((s, h) => s + h.messages, 0),
      tickets: n(tk.tickets),
      botResolved: conversations - escalated,
      escalated,
      botResolvedRate: conversations ? Math.round(((conversations - escalated) / conversations) * 1000) / 1000 : 0,
      open: n(tk.open),
      overdue: n(tk.overdue),
    },
    byDay,
    byHour,
    byChannel,
    byField,
    byAgency,
    firstResponse: { p50_s: secs(pair(tk.fr)[0]), p90_s: secs(pair(tk.fr)[1]) },
    resolution: { p50_s: secs(pair(tk.res)[0]), p90_s: secs(pair(tk.res)[1]) },
    operators,
    csat: {
      average: tk.csat_avg === null || tk.csat_avg === undefined ? null : Math.round(Number(tk.csat_avg) * 100) / 100,
      count: n(tk.csat_count),
      distribution: { '1': n(tk.c1), '2': n(tk.c2), '3': n(tk.c3), '4': n(tk.c4), '5': n(tk.c5) },
    },
  };
}

/**
 * A period from query strings: a date alone (YYYY-MM-DD) is a whole day in Vietnam time (`to`
 * inclusive); a full time is used as given. Default: the last 30 days up to now. At most 3 years.
 */
export function periodOf(fromRaw: string | undefined, toRaw: string | undefined, now = new Date()): { from: Date; to: Date } | string {
  const parse = (s: string, end: boolean): Date | null => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const d = new Date(`${s}T00:00:00+07:00`);
      return Number.isNaN(d.getTime()) ? null : end ? new Date(d.getTime() + 86_400_000) : d;
    }
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const to = toRaw ? parse(toRaw, true) : now;
  if (!to) return 'to: ngày giờ không hợp lệ';
  const from = fromRaw ? parse(fromRaw, false) : new Date(to.getTime() - 30 * 86_400_000);
  if (!from) return 'from: ngày giờ không hợp lệ';
  if (from >= to) return 'from phải trước to';
  if (to.getTime() - from.getTime() > 3 * 366 * 86_400_000) return 'Khoảng thời gian tối đa 3 năm';
  return { from, to };
}
