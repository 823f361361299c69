/** `/api/stats/tickets` and `/api/export/tickets.(csv|xlsx)`: counts, timings and exports for supervisors. */
import type { Response } from 'express';
import { z } from 'zod';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../context';
import { labelSql, writeTicketsCsv, writeTicketsXlsx } from '../reports/ticket-export';
import { AGENCY_LEVEL_LABELS, CONTENT_TYPE_LABELS } from '../wire/labels';
import type { Database } from '../db/database';
import { withoutJit } from '../store/no-jit';
import { ticketsFrom, ticketWhere, type TicketFilter } from '../store/tickets';
import { auditAccess } from './access-audit';
import { ticketFilterOf, ticketFilterQuery } from './api-tickets';
import { fileHeaders, XLSX_TYPE } from './downloads';
import { SUPERVISORS, type RouteTable } from './route';

/** SQL: the Vietnamese label of a code ('Chưa phân loại' for none). */
const labelOr = (k: string, labels: Readonly<Record<string, string>>) => `COALESCE(NULLIF(${labelSql(k, labels)}, ''), 'Chưa phân loại')`;

/**
 * Groupings of `/api/stats/tickets`: tickets are grouped on their own columns first (`group`), and only
 * the groups are then joined to their names (`join`, `key`, `label` over `g.k`).
 */
const GROUPS = {
  field: {
    group: `COALESCE(t.field, '')`,
    join: 'LEFT JOIN fields f ON f.code = g.k',
    key: 'g.k',
    label: `COALESCE(f.name, NULLIF(g.k, ''), 'Chưa phân loại')`,
  },
  channel: { group: 't.channel', join: '', key: 'g.k', label: 'g.k' },
  agency: {
    group: 't.agency_id',
    join: 'LEFT JOIN agencies a ON a.id = g.k',
    key: `COALESCE(a.code, '')`,
    label: `COALESCE(a.name, 'Chưa chuyển')`,
  },
  operator: {
    group: 't.assignee_id',
    join: 'LEFT JOIN users u ON u.id = g.k',
    key: `COALESCE(u.username, '')`,
    label: `COALESCE(u.display_name, 'Chưa phân công')`,
  },
  // Vietnam days and hours (SQL functions of migration 004, from the epoch): cheaper per row than AT TIME ZONE.
  day: {
    group: 'vn_day(t.created_at)',
    join: '',
    key: `to_char(date '1970-01-01' + g.k, 'YYYY-MM-DD')`,
    label: `to_char(date '1970-01-01' + g.k, 'DD/MM/YYYY')`,
  },
  hour: { group: 'vn_hour(t.created_at)', join: '', key: `lpad(g.k::text, 2, '0')`, label: `lpad(g.k::text, 2, '0') || 'h'` },
  // What the request is and the level of the agency responsible (codes; Vietnamese labels).
  contentType: { group: `COALESCE(t.content_type, '')`, join: '', key: 'g.k', label: labelOr('g.k', CONTENT_TYPE_LABELS) },
  level: { group: `COALESCE(t.level, '')`, join: '', key: 'g.k', label: labelOr('g.k', AGENCY_LEVEL_LABELS) },
} as const;

/** The ticket exports: the same filters and file name, one format each. */
const EXPORTS: {
  ext: string;
  /** What the summary calls the file, and how the document describes it. */
  what: string;
  file: string;
  /** The OpenAPI content type, and the Content-Type header sent. */
  type: string;
  header: string;
  description: string;
  write(db: Database, filter: TicketFilter, res: Response): Promise<void>;
}[] = [
  {
    ext: 'csv',
    what: 'CSV',
    file: 'the CSV file',
    type: 'text/csv',
    header: 'text/csv; charset=utf-8',
    description:
      'One row per ticket, newest first, with every field and timing; times in Vietnam time (YYYY-MM-DD HH:MM:SS), durations in hours. UTF-8 with a BOM, so that Excel reads the Vietnamese text.',
    write: async (db, filter, res) => {
      await writeTicketsCsv(db, filter, res);
      res.end();
    },
  },
  {
    ext: 'xlsx',
    what: 'a workbook',
    file: 'the workbook',
    type: XLSX_TYPE,
    header: XLSX_TYPE,
    description: 'The columns of the CSV export; times as date cells, durations as numbers.',
    write: writeTicketsXlsx,
  },
];

/** Statistics and export routes. */
export function statsRoutes(ctx: AppContext, routes: RouteTable): void {
  routes.add({
    method: 'get',
    path: '/stats/tickets',
    roles: SUPERVISORS,
    summary: 'Ticket counts and timings grouped by field, channel, agency, operator, content type, level, day or hour',
    description:
      'Items: `{key, label, total, closed, open, overdue, from_bot, urgent, csat_avg, first_response_p50_s, first_response_p90_s, resolution_p50_s, resolution_p90_s}`. Days and hours are in Vietnam time (`key` YYYY-MM-DD / HH, `label` DD/MM/YYYY / HHh) and in order; other groupings largest first.',
    query: ticketFilterQuery.extend({ by: z.enum(Object.keys(GROUPS) as [keyof typeof GROUPS]).default('field') }),
    responses: { 200: '`{by, items}`' },
    handler: async ({ query }, req, res) => {
      const { by } = query;
      const g = GROUPS[by];
      const where = ticketWhere(ticketFilterOf(query, currentUser(req)));
      const rows = await withoutJit(ctx.db, (q) =>
        q.query(
          `SELECT ${g.key} AS key, ${g.label} AS label, g.total, g.closed, g.open, g.overdue, g.from_bot, g.urgent, g.csat_avg,
                g.fr[1] AS first_response_p50_s, g.fr[2] AS first_response_p90_s, g.res[1] AS resolution_p50_s, g.res[2] AS resolution_p90_s
         FROM (
           SELECT ${g.group} AS k, count(*)::int AS total,
                  count(*) FILTER (WHERE t.status = 'closed')::int AS closed,
                  count(*) FILTER (WHERE t.status <> 'closed')::int AS open,
                  count(*) FILTER (WHERE t.status <> 'closed' AND t.due_at < now())::int AS overdue,
                  count(*) FILTER (WHERE t.created_by = 'bot')::int AS from_bot,
                  count(*) FILTER (WHERE t.priority = 'urgent')::int AS urgent,
                  round(avg(t.csat)::numeric, 2)::float8 AS csat_avg,
                  -- date_part: float8 (extract() returns numeric, several times slower to sort); one sort per timing.
                  percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.first_response_at - t.created_at)) AS fr,
                  percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.closed_at - t.created_at)) AS res
           ${ticketsFrom(where)} ${where.sql}
           GROUP BY 1) g
         ${g.join}
         ORDER BY ${by === 'day' || by === 'hour' ? 'g.k' : 'g.total DESC, 1'}`,
          where.params,
        ),
      );
      res.json({ by, items: rows.rows });
    },
  });

  for (const f of EXPORTS) {
    routes.add({
      method: 'get',
      path: `/export/tickets.${f.ext}`,
      roles: SUPERVISORS,
      use: [auditAccess(ctx, 'export', 'tickets', { detail: { format: f.ext } })],
      summary: `Tickets as ${f.what}, with the filters of the list (streamed, any size)`,
      description: f.description,
      query: ticketFilterQuery,
      responses: { 200: { description: f.file, contentType: f.type } },
      handler: async ({ query }, req, res) => {
        const filter = ticketFilterOf(query, currentUser(req));
        fileHeaders(res, f.header, `phieu-1022.${f.ext}`);
        await f.write(ctx.db, filter, res);
      },
    });
  }
}
