/** `GET /api/stats/dashboard` and `GET /api/export/stats.xlsx`: the supervisors' dashboard and its export. */
import { z } from 'zod';
import type { AppContext } from '../context';
import { ValidationError } from '../errors';
import { statsWorkbook } from '../reports/stats-workbook';
import { dashboard, periodOf } from '../store/dashboard';
import { fileHeaders, XLSX_TYPE } from './downloads';
import { SUPERVISORS, type RouteTable } from './route';

/** A dashboard period: `from`/`to` as days in Vietnam time or ISO times (default: the last 30 days). */
const periodQuery = z.object({
  from: z.string().optional().describe('YYYY-MM-DD (a whole day, Vietnam time) or an ISO time; default: 30 days before `to`'),
  to: z.string().optional().describe('YYYY-MM-DD (inclusive) or an ISO time; default: now'),
});

function period(q: z.output<typeof periodQuery>): { from: Date; to: Date } {
  const p = periodOf(q.from?.trim() || undefined, q.to?.trim() || undefined);
  if (typeof p === 'string') throw new ValidationError(`Khoảng thời gian không hợp lệ: ${p}`);
  return p;
}

/** Dashboard routes (admins and supervisors). */
export function dashboardRoutes(ctx: AppContext, routes: RouteTable): void {
  /** The figures of the period a query names. */
  const figures = (q: z.output<typeof periodQuery>) => {
    const p = period(q);
    return dashboard(ctx.db, p.from, p.to);
  };

  routes.add({
    method: 'get',
    path: '/stats/dashboard',
    roles: SUPERVISORS,
    summary: 'Every dashboard figure of a period',
    description:
      '`{period, totals: {conversations, messagesIn, tickets, botResolved, escalated, botResolvedRate, open, overdue}, byDay, byHour, byChannel, byField, byAgency, byContentType: [{contentType, label, tickets}], byLevel: [{level, label, tickets}], firstResponse: {p50_s, p90_s}, resolution: {p50_s, p90_s}, operators, csat: {average, count, distribution}}`. Conversations count by creation in the period (bot-resolved: no ticket; escalated: a ticket); ticket figures are about tickets created in the period, open and overdue as of now. A period is at most 3 years.',
    query: periodQuery,
    responses: { 200: 'the figures', 400: 'bad period' },
    handler: ({ query }) => figures(query),
  });

  routes.add({
    method: 'get',
    path: '/export/stats.xlsx',
    roles: SUPERVISORS,
    summary: 'The dashboard figures of a period as a workbook, one sheet per figure',
    query: periodQuery,
    responses: {
      200: { description: 'the workbook', contentType: XLSX_TYPE },
      400: 'bad period',
    },
    handler: async ({ query }, _req, res) => {
      const wb = await statsWorkbook(await figures(query));
      fileHeaders(res, XLSX_TYPE, 'thong-ke-1022.xlsx');
      res.send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  });
}
