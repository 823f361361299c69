/**
 * Daily roll-ups of the dashboard's additive figures (schema and triggers: migration 004).
 *
 * Each Vietnam day, once it is over (plus a grace period for transactions still in flight), is summed
 * into `stats_daily` by the SAME query that reads a period live, so a rolled-up day and a live day give
 * identical figures. A write that touches a rolled-up day marks it dirty (trigger), and the day is
 * recomputed before the next read (and by the gateway's periodic refresh), so figures are never stale.
 *
 * A period [from, to) is read as: the whole days in it that are rolled up, from `stats_daily`, plus the
 * rest (a partial first or last day, today, days not rolled up yet) live from the tables.
 */
import type { Database, Queryable } from '../db/database';

/** Vietnam is UTC+7 all year. */
const VN_OFFSET_S = 7 * 3600;
const DAY_MS = 86_400_000;
/** A day is rolled up this long after it ended: transactions that began before midnight have committed. */
const GRACE_MS = 5 * 60_000;

/** The Vietnam day number (days since 1970-01-01) of a time. */
export const vnDay = (d: Date) => Math.floor((d.getTime() / 1000 + VN_OFFSET_S) / 86400);
/** The instant a Vietnam day begins. */
export const vnDayStart = (day: number) => new Date(day * DAY_MS - VN_OFFSET_S * 1000);

/**
 * The roll-up rows of [a, b): one row per (day, kind, key) with counts n (and m). `a` and `b` are
 * placeholders ($1, $2…), so the query serves both a refresh and the live part of a read.
 */
function rowsOf(a: string, b: string): string {
  return `
  SELECT vn_day(c.created_at) AS day, 'conv' AS kind, c.channel AS key, count(*)::int AS n,
         count(*) FILTER (WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id))::int AS m
  FROM conversations c WHERE c.created_at >= ${a} AND c.created_at < ${b} GROUP BY 1, 3
  UNION ALL
  SELECT day, kind, key, n, 0 FROM (
    SELECT day,
           CASE WHEN GROUPING(channel) = 0 THEN 't_channel' WHEN GROUPING(field) = 0 THEN 't_field' WHEN GROUPING(agency) = 0 THEN 't_agency'
                WHEN GROUPING(content_type) = 0 THEN 't_type' WHEN GROUPING(level) = 0 THEN 't_level' ELSE 'csat' END AS kind,
           CASE WHEN GROUPING(channel) = 0 THEN channel WHEN GROUPING(field) = 0 THEN field WHEN GROUPING(agency) = 0 THEN agency
                WHEN GROUPING(content_type) = 0 THEN content_type WHEN GROUPING(level) = 0 THEN level ELSE csat::text END AS key,
           count(*)::int AS n
    FROM (SELECT vn_day(created_at) AS day, channel, COALESCE(field, '') AS field, COALESCE(agency_id::text, '') AS agency, csat,
                 COALESCE(content_type, '') AS content_type, COALESCE(level, '') AS level
          FROM tickets WHERE created_at >= ${a} AND created_at < ${b}) t
    GROUP BY GROUPING SETS ((day, channel), (day, field), (day, agency), (day, content_type), (day, level), (day, csat))) g
  WHERE key IS NOT NULL
  UNION ALL
  SELECT vn_day(created_at), 'msg_hour', vn_hour(created_at)::text, count(*)::int, 0
  FROM messages WHERE direction = 'in' AND created_at >= ${a} AND created_at < ${b} GROUP BY 1, 3
  UNION ALL
  SELECT vn_day(created_at), 'op_replies', author_user_id::text, count(*)::int, 0
  FROM messages WHERE author_user_id IS NOT NULL AND created_at >= ${a} AND created_at < ${b} GROUP BY 1, 3
  UNION ALL
  SELECT vn_day(created_at), CASE WHEN type = 'taken_over' THEN 'op_taken_over' ELSE 'op_closed' END, actor_user_id::text, count(*)::int, 0
  FROM events WHERE type IN ('taken_over', 'closed') AND actor_user_id IS NOT NULL AND created_at >= ${a} AND created_at < ${b} GROUP BY 1, 2, 3`;
}

/** Days recomputed per transaction (one statement sums them all; days are independent). */
const CHUNK_DAYS = 31;

/**
 * Recomputes days [first, last] in one transaction (one roll-up at a time across processes). A dirty
 * mark is removed only if unchanged meanwhile: a write that lands during the recomputation keeps its day
 * marked. With `advance`, the days become the rolled-up ones.
 */
async function rollDays(db: Database, first: number, last: number, advance: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(1022, 1)');
    const marks = await tx.query<{ day: number; seq: string }>('SELECT day, seq FROM stats_dirty WHERE day BETWEEN $1 AND $2', [
      first,
      last,
    ]);
    await tx.query('DELETE FROM stats_daily WHERE day BETWEEN $1 AND $2', [first, last]);
    await tx.query(
      `INSERT INTO stats_daily (day, kind, key, n, m) SELECT day, kind, key, n, m FROM (${rowsOf('$1::timestamptz', '$2::timestamptz')}) r`,
      [vnDayStart(first).toISOString(), vnDayStart(last + 1).toISOString()],
    );
    for (const m of marks.rows) await tx.query('DELETE FROM stats_dirty WHERE day = $1 AND seq = $2', [m.day, m.seq]);
    if (advance) await tx.query('UPDATE stats_rollup_state SET rolled_until = $1 WHERE rolled_until IS NULL OR rolled_until < $1', [last]);
  });
}

/** The last rolled-up day (null: none). */
export async function rolledUntil(q: Queryable): Promise<number | null> {
  const r = await q.query<{ rolled_until: number | null }>('SELECT rolled_until FROM stats_rollup_state');
  return r.rows[0]?.rolled_until ?? null;
}

/** Recomputes the rolled-up days in [fromDay, toDay] that changed since they were rolled up; returns how many. */
export async function refreshDirtyDays(db: Database, fromDay = -1e9, toDay = 1e9): Promise<number> {
  const r = await db.query<{ day: number }>(
    `SELECT d.day FROM stats_dirty d, stats_rollup_state s WHERE d.day <= s.rolled_until AND d.day BETWEEN $1 AND $2 ORDER BY d.day`,
    [fromDay, toDay],
  );
  for (const { day } of r.rows) await rollDays(db, day, day, false);
  return r.rows.length;
}

/**
 * Rolls up every day that ended more than the grace period ago and is not rolled up yet (oldest first,
 * a month per transaction), then refreshes changed days. Safe to run from several processes at once.
 */
export async function refreshStats(db: Database, now = new Date()): Promise<{ rolled: number; refreshed: number }> {
  const last = vnDay(new Date(now.getTime() - GRACE_MS)) - 1;
  let from = await rolledUntil(db);
  if (from === null) {
    // Nothing rolled up yet: start at the first day with data.
    const first = await db.query<{ t: Date | null }>(
      `SELECT least((SELECT min(created_at) FROM conversations), (SELECT min(created_at) FROM tickets), (SELECT min(created_at) FROM messages WHERE direction = 'in')) AS t`,
    );
    const t = first.rows[0]?.t;
    if (!t) {
      await db.query('UPDATE stats_rollup_state SET rolled_until = $1 WHERE rolled_until IS NULL', [last]);
      return { rolled: 0, refreshed: 0 };
    }
    from = vnDay(new Date(t)) - 1;
  }
  for (let day = from + 1; day <= last; day += CHUNK_DAYS) await rollDays(db, day, Math.min(day + CHUNK_DAYS - 1, last), true);
  return { rolled: Math.max(0, last - from), refreshed: await refreshDirtyDays(db) };
}

/** Forgets every roll-up (after loading historical data in bulk); the next refresh rebuilds them. */
export async function resetStats(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM stats_daily');
    await tx.query('DELETE FROM stats_dirty');
    await tx.query('UPDATE stats_rollup_state SET rolled_until = NULL');
  });
}

const STATS_TRIGGERS: [table: string, trigger: string][] = [
  ['conversations', 'conversations_stats'],
  ['messages', 'messages_stats'],
  ['events', 'events_stats'],
  ['tickets', 'tickets_stats_insert'],
  ['tickets', 'tickets_stats_update'],
  ['tickets', 'tickets_stats_delete'],
];

/**
 * Loads history in bulk (seeding, an import) with the roll-up triggers off — a mark per historical row
 * would cost more than the load — then rebuilds every roll-up. The triggers are back on even if `load` fails.
 */
export async function bulkLoadHistory<T>(db: Database, load: () => Promise<T>): Promise<T> {
  const set = async (on: boolean) => {
    for (const [table, trigger] of STATS_TRIGGERS) await db.query(`ALTER TABLE ${table} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${trigger}`);
  };
  await set(false);
  try {
    return await load();
  } finally {
    await set(true);
    await resetStats(db);
    await refreshStats(db);
  }
}

/** Additive figures of a period, summed over days (conversations and tickets per day kept apart for charts). */
export interface PeriodCounts {
  /** kind → key → {n, m}. */
  totals: Map<string, Map<string, { n: number; m: number }>>;
  /** day number → conversations and tickets created that day. */
  days: Map<number, { conversations: number; tickets: number }>;
}

/** Sums the additive figures of [from, to): rolled-up whole days from `stats_daily`, the rest live. */
export async function periodCounts(db: Database, q: Queryable, from: Date, to: Date): Promise<PeriodCounts> {
  const firstWhole = vnDay(new Date(from.getTime() - 1)) + 1; // the first day that starts at or after `from`
  const lastWhole = vnDay(to) - 1; // the last day that ends at or before `to`
  const rolled = await rolledUntil(db);
  const a = firstWhole;
  const b = rolled === null ? a - 1 : Math.min(lastWhole, rolled);
  let head: [Date, Date];
  let tail: [Date, Date];
  if (b < a) {
    head = [from, to];
    tail = [to, to];
  } else {
    await refreshDirtyDays(db, a, b);
    head = [from, vnDayStart(a)];
    tail = [vnDayStart(b + 1), to];
  }
  const r = await q.query<{ kind: string; key: string; day: number | null; n: number; m: number }>(
    `WITH r AS (
       SELECT day, kind, key, n, m FROM stats_daily WHERE day BETWEEN $1 AND $2
       UNION ALL ${rowsOf('$3::timestamptz', '$4::timestamptz')}
       UNION ALL ${rowsOf('$5::timestamptz', '$6::timestamptz')})
     SELECT kind, key, CASE WHEN kind IN ('conv', 't_channel') THEN day END AS day, sum(n)::int AS n, sum(m)::int AS m
     FROM r GROUP BY 1, 2, 3`,
    [a, b, head[0].toISOString(), head[1].toISOString(), tail[0].toISOString(), tail[1].toISOString()],
  );
  const totals = new Map<string, Map<string, { n: number; m: number }>>();
  const days = new Map<number, { conversations: number; tickets: number }>();
  for (const row of r.rows) {
    let byKey = totals.get(row.kind);
    if (!byKey) totals.set(row.kind, (byKey = new Map()));
    const cur = byKey.get(row.key) ?? { n: 0, m: 0 };
    byKey.set(row.key, { n: cur.n + Number(row.n), m: cur.m + Number(row.m) });
    if (row.day !== null) {
      const d = days.get(Number(row.day)) ?? { conversations: 0, tickets: 0 };
      if (row.kind === 'conv') d.conversations += Number(row.n);
      else d.tickets += Number(row.n);
      days.set(Number(row.day), d);
    }
  }
  return { totals, days };
}
