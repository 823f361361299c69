/**
 * The supervisors' dashboard. The additive figures (conversations, escalations, tickets by channel,
 * field and agency, citizen messages by hour, operators' activity, CSAT) come from the daily roll-ups
 * (`stats-rollup.ts`: whole past days pre-summed, the rest live); the rest is computed live and exact,
 * each from a covering index: first-response and resolution percentiles, open and overdue tickets as of
 * now, each operator's median first response and last activity. The queries run side by side on a
 * server (one after the other on PGlite).
 *
 * Conventions: a conversation is "bot-resolved" when it has no ticket, "escalated" when it has one;
 * ticket figures (open, overdue, timings, CSAT, by field/agency) are about tickets CREATED in the
 * period, with open/overdue as of now. Days and hours are in Vietnam time.
 */
import type { Database } from '../db/database';
import { withoutJit } from './no-jit';
import { periodCounts, vnDay } from './stats-rollup';
import { AGENCY_LEVEL_LABELS, CONTENT_TYPE_LABELS, label } from '../wire/labels';

/** The dashboard figures (see docs/console-api.md). */
export interface Dashboard {
  period: { from: Date; to: Date };
  totals: {
    conversations: number;
    messagesIn: number;
    tickets: number;
    botResolved: number;
    escalated: number;
    botResolvedRate: number;
    open: number;
    overdue: number;
  };
  byDay: { day: string; conversations: number; tickets: number }[];
  byHour: { hour: number; messages: number }[];
  byChannel: { channel: string; conversations: number; tickets: number }[];
  byField: { field: string; label: string; tickets: number }[];
  byAgency: { code: string; name: string; tickets: number; open: number; overdue: number }[];
  /** Tickets by content type and by jurisdiction level (`''`: not classified), largest first, with Vietnamese labels. */
  byContentType: { contentType: string; label: string; tickets: number }[];
  byLevel: { level: string; label: string; tickets: number }[];
  firstResponse: { p50_s: number | null; p90_s: number | null };
  resolution: { p50_s: number | null; p90_s: number | null };
  operators: {
    userId: string;
    name: string;
    takenOver: number;
    replies: number;
    closed: number;
    firstResponseP50_s: number | null;
    lastActivityAt: Date | null;
  }[];
  csat: { average: number | null; count: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
}

// date_part gives a float8; extract() gives a numeric, several times slower per row.
const TIMINGS = `
  SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', first_response_at - created_at)) AS fr,
         percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', closed_at - created_at)) AS res
  FROM tickets WHERE created_at >= $1 AND created_at < $2`;

const OPEN = `
  SELECT agency_id::text AS agency_id, count(*)::int AS open, count(*) FILTER (WHERE due_at < now())::int AS overdue
  FROM tickets WHERE status <> 'closed' AND created_at >= $1 AND created_at < $2 GROUP BY 1`;

const OPERATORS = `
  SELECT u.id::text AS id, u.display_name, u.active, fr.p50,
         (SELECT max(e.created_at) FROM events e WHERE e.actor_user_id = u.id) AS last_at
  FROM users u
  LEFT JOIN (
    SELECT assignee_id AS uid, percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', first_response_at - created_at)) AS p50
    FROM tickets WHERE assignee_id IS NOT NULL AND first_response_at IS NOT NULL AND created_at >= $1 AND created_at < $2 GROUP BY 1) fr ON fr.uid = u.id
  WHERE u.role = 'operator'`;

const NAMES = `SELECT 'agency' AS kind, id::text AS id, code, name FROM agencies UNION ALL SELECT 'field', code, code, name FROM fields`;

const secs = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
/** Code-point order, as the C collation sorts. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const isoDay = (dn: number) => new Date(dn * 86_400_000).toISOString().slice(0, 10);

type Row = Record<string, unknown>;

/** Computes the dashboard of [from, to). */
export async function dashboard(db: Database, from: Date, to: Date): Promise<Dashboard> {
  const params = [from.toISOString(), to.toISOString()];
  const run = (sql: string, p: unknown[] = params) => withoutJit(db, (q) => q.query<Row>(sql, p)).then((r) => r.rows);
  const [counts, [tk], openRows, opRows, names] = await Promise.all([
    withoutJit(db, (q) => periodCounts(db, q, from, to)),
    run(TIMINGS),
    run(OPEN),
    run(OPERATORS),
    run(NAMES, []),
  ]);
  const kind = (k: string) => counts.totals.get(k) ?? new Map<string, { n: number; m: number }>();
  const n = (k: string, key: string) => kind(k).get(key)?.n ?? 0;
  const nameOf = new Map(names.map((r) => [`${r.kind}:${r.id}`, r]));

  let conversations = 0;
  let escalated = 0;
  for (const v of kind('conv').values()) {
    conversations += v.n;
    escalated += v.m;
  }
  const tickets = [...kind('t_channel').values()].reduce((s, v) => s + v.n, 0);

  const open = new Map(openRows.map((r) => [String(r.agency_id), { open: Number(r.open), overdue: Number(r.overdue) }]));
  let openTotal = 0;
  let overdueTotal = 0;
  for (const v of open.values()) {
    openTotal += v.open;
    overdueTotal += v.overdue;
  }

  const byField: Dashboard['byField'] = [...kind('t_field')].map(([field, v]) => ({
    field,
    label: (nameOf.get(`field:${field}`)?.name as string | undefined) ?? (field || 'Chưa phân loại'),
    tickets: v.n,
  }));
  byField.sort((a, b) => b.tickets - a.tickets || cmp(a.field, b.field));
  const byAgency: Dashboard['byAgency'] = [...kind('t_agency')]
    .filter(([id]) => id !== '' && nameOf.has(`agency:${id}`))
    .map(([id, v]) => {
      const a = nameOf.get(`agency:${id}`)!;
      return {
        code: String(a.code),
        name: String(a.name),
        tickets: v.n,
        open: open.get(id)?.open ?? 0,
        overdue: open.get(id)?.overdue ?? 0,
      };
    });
  byAgency.sort((a, b) => b.overdue - a.overdue || b.tickets - a.tickets || cmp(a.code, b.code));

  const classified = (k: string, labels: Readonly<Record<string, string>>) =>
    [...kind(k)]
      .map(([code, v]) => ({ code, label: label(labels, code, 'Chưa phân loại'), tickets: v.n }))
      .sort((a, b) => b.tickets - a.tickets || cmp(a.code, b.code));
  const byContentType = classified('t_type', CONTENT_TYPE_LABELS).map(({ code, ...x }) => ({ contentType: code, ...x }));
  const byLevel = classified('t_level', AGENCY_LEVEL_LABELS).map(({ code, ...x }) => ({ level: code, ...x }));

  const byDay: Dashboard['byDay'] = [];
  for (let dn = vnDay(from), last = vnDay(new Date(to.getTime() - 1)); dn <= last; dn++) {
    const d = counts.days.get(dn);
    byDay.push({ day: isoDay(dn), conversations: d?.conversations ?? 0, tickets: d?.tickets ?? 0 });
  }
  const byChannel = [...new Set([...kind('conv').keys(), ...kind('t_channel').keys()])]
    .map((channel) => ({ channel, conversations: n('conv', channel), tickets: n('t_channel', channel) }))
    .sort((a, b) => b.conversations - a.conversations || b.tickets - a.tickets || cmp(a.channel, b.channel));
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, messages: n('msg_hour', String(hour)) }));
  // Every active operator (not admins, supervisors or focal points), and any other operator who did something in the period.
  const operators = opRows
    .map((o) => ({
      userId: String(o.id),
      name: String(o.display_name),
      takenOver: n('op_taken_over', String(o.id)),
      replies: n('op_replies', String(o.id)),
      closed: n('op_closed', String(o.id)),
      firstResponseP50_s: secs(o.p50),
      lastActivityAt: (o.last_at as Date | null) ?? null,
    }))
    .filter((o, i) => opRows[i].active === true || o.takenOver + o.replies + o.closed > 0)
    .sort((a, b) => b.replies - a.replies || b.takenOver - a.takenOver || cmp(a.name, b.name));
  const pair = (v: unknown) => (Array.isArray(v) ? v : []) as (number | null)[];
  const dist = { '1': n('csat', '1'), '2': n('csat', '2'), '3': n('csat', '3'), '4': n('csat', '4'), '5': n('csat', '5') };
  const rated = dist['1'] + dist['2'] + dist['3'] + dist['4'] + dist['5'];
  const points = dist['1'] + 2 * dist['2'] + 3 * dist['3'] + 4 * dist['4'] + 5 * dist['5'];
  return {
    period: { from, to },
    totals: {
      conversations,
      messagesIn: byHour.reduce((s, h) => s + h.messages, 0),
      tickets,
      botResolved: conversations - escalated,
      escalated,
      botResolvedRate: conversations ? Math.round(((conversations - escalated) / conversations) * 1000) / 1000 : 0,
      open: openTotal,
      overdue: overdueTotal,
    },
    byDay,
    byHour,
    byChannel,
    byField,
    byAgency,
    byContentType,
    byLevel,
    firstResponse: { p50_s: secs(pair(tk.fr)[0]), p90_s: secs(pair(tk.fr)[1]) },
    resolution: { p50_s: secs(pair(tk.res)[0]), p90_s: secs(pair(tk.res)[1]) },
    operators,
    csat: { average: rated ? Math.round((points / rated) * 100) / 100 : null, count: rated, distribution: dist },
  };
}

/** A time from a query string: a date alone (YYYY-MM-DD) is the start of that day in Vietnam (its end when `end`); a full time is used as given. */
export function vnTimeOf(s: string, end: boolean): Date | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const d = new Date(`${s}T00:00:00+07:00`);
    return Number.isNaN(d.getTime()) ? null : end ? new Date(d.getTime() + 86_400_000) : d;
  }
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * A period from query strings: a date alone (YYYY-MM-DD) is a whole day in Vietnam time (`to`
 * inclusive); a full time is used as given. Default: the last 30 days up to now. At most 3 years.
 */
export function periodOf(fromRaw: string | undefined, toRaw: string | undefined, now = new Date()): { from: Date; to: Date } | string {
  const to = toRaw ? vnTimeOf(toRaw, true) : now;
  if (!to) return 'to: ngày giờ không hợp lệ';
  const from = fromRaw ? vnTimeOf(fromRaw, false) : new Date(to.getTime() - 30 * 86_400_000);
  if (!from) return 'from: ngày giờ không hợp lệ';
  if (from >= to) return 'from phải trước to';
  if (to.getTime() - from.getTime() > 3 * 366 * 86_400_000) return 'Khoảng thời gian tối đa 3 năm';
  return { from, to };
}
