/** `/api/stats/tickets` and `/api/export/tickets.(csv|xlsx)`: counts, timings and exports for supervisors. */
import ExcelJS from 'exceljs';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { withoutJit } from '../store/no-jit';
import { eachTicketBatch, ticketsFrom, ticketWhere } from '../store/tickets';
import { ticketFilterOf } from './api-tickets';

/**
 * Groupings of `/api/stats/tickets`: tickets are grouped on their own columns first (`group`), and only
 * the groups are then joined to their names (`join`, `key`, `label` over `g.k`).
 */
const GROUPS = {
  field: { group: `COALESCE(t.field, '')`, join: 'LEFT JOIN fields f ON f.code = g.k', key: 'g.k', label: `COALESCE(f.name, NULLIF(g.k, ''), 'Chưa phân loại')` },
  channel: { group: 't.channel', join: '', key: 'g.k', label: 'g.k' },
  agency: { group: 't.agency_id', join: 'LEFT JOIN agencies a ON a.id = g.k', key: `COALESCE(a.code, '')`, label: `COALESCE(a.name, 'Chưa chuyển')` },
  operator: { group: 't.assignee_id', join: 'LEFT JOIN users u ON u.id = g.k', key: `COALESCE(u.username, '')`, label: `COALESCE(u.display_name, 'Chưa phân công')` },
  // Vietnam days and hours (SQL functions of migration 004, from the epoch): cheaper per row than AT TIME ZONE.
  day: { group: 'vn_day(t.created_at)', join: '', key: `to_char(date '1970-01-01' + g.k, 'YYYY-MM-DD')`, label: `to_char(date '1970-01-01' + g.k, 'DD/MM/YYYY')` },
  hour: { group: 'vn_hour(t.created_at)', join: '', key: `lpad(g.k::text, 2, '0')`, label: `lpad(g.k::text, 2, '0') || 'h'` },
} as const;

/** Statistics and export routes. */
export function statsRouter(ctx: AppContext): Router {
  const r = Router();
  const supervisors = requireRole('admin', 'supervisor');

  r.get('/stats/tickets', supervisors, async (req, res) => {
    const { by } = z.object({ by: z.enum(Object.keys(GROUPS) as [keyof typeof GROUPS]).default('field') }).parse(req.query);
    const g = GROUPS[by];
    const where = ticketWhere(ticketFilterOf(req, currentUser(req)));
    const rows = await withoutJit(ctx.db, (q) => q.query(
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
    ));
    res.json({ by, items: rows.rows });
  });

  r.get('/export/tickets.csv', supervisors, async (req, res) => {
    const filter = ticketFilterOf(req, currentUser(req));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="phieu-1022.csv"');
    // A BOM so that Excel reads the Vietnamese text as UTF-8.
    res.write('\uFEFF' + EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(',') + '\r\n');
    await withoutJit(ctx.db, (q) =>
      eachTicketBatch(q, filter, EXPORT_SELECT, async (rows) => {
        // One write per batch: one per row costs more than building the text.
        const text = rows.map((r) => EXPORT_COLUMNS.map((_, i) => csvCell(String(r[`x${i}`]))).join(',') + '\r\n').join('');
        return sent(res, text);
      }),
    );
    res.end();
  });

  r.get('/export/tickets.xlsx', supervisors, async (req, res) => {
    const filter = ticketFilterOf(req, currentUser(req));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', 'attachment; filename="phieu-1022.xlsx"');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
    const ws = wb.addWorksheet('Phiếu 1022', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = EXPORT_COLUMNS.map((c) => ({
      header: c.header,
      width: c.kind === 'time' ? 18 : Math.max(12, c.header.length + 2),
      ...(c.kind === 'time' ? { style: { numFmt: 'dd/mm/yyyy hh:mm' } } : {}),
    }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    await withoutJit(ctx.db, (q) =>
      eachTicketBatch(q, filter, EXPORT_SELECT, async (rows) => {
        for (const r of rows) ws.addRow(EXPORT_COLUMNS.map((c, i) => cellValue(c.kind, String(r[`x${i}`])))).commit();
        return !res.destroyed;
      }),
    );
    await wb.commit();
  });
  return r;
}

/** Writes `text`, waiting while the client is slower than the export; false once the client has gone. */
async function sent(res: Response, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

// Times in Vietnam (UTC+7, whatever the session's time zone), as a spreadsheet user reads them.
const vnTime = (col: string) => `COALESCE(to_char((${col} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD HH24:MI:SS'), '')`;
const hoursBetween = (a: string, b: string) => `COALESCE(round((date_part('epoch', ${b} - ${a}) / 3600)::numeric, 1)::text, '')`;

/**
 * Export columns: one row per ticket with all fields and timings, each computed by PostgreSQL as text
 * (over eachTicketBatch's aliases), so an export parses no dates or objects row by row.
 */
export const EXPORT_COLUMNS: { header: string; sql: string; kind?: 'number' | 'time' }[] = [
  { header: 'Mã phiếu', sql: 't.code' },
  { header: 'Trạng thái', sql: 't.status' },
  { header: 'Kênh', sql: 't.channel' },
  { header: 'Lĩnh vực', sql: `COALESCE(t.field, '')` },
  { header: 'Cơ quan xử lý', sql: `COALESCE(a.name, '')` },
  { header: 'Tổng đài viên', sql: `COALESCE(u.display_name, '')` },
  { header: 'Mức độ', sql: 't.priority' },
  { header: 'Tiêu đề', sql: 't.title' },
  { header: 'Nội dung', sql: 't.content' },
  {
    header: 'Công dân',
    // The channel identity's name only when the contact has none (a subquery run for those rows alone).
    sql: `COALESCE(c.display_name, CASE WHEN t.contact_id IS NOT NULL THEN (SELECT ci.display_name FROM conversations cv JOIN contact_identities ci ON ci.id = cv.identity_id WHERE cv.id = t.conversation_id) END, t.caller_name, '')`,
  },
  { header: 'Điện thoại', sql: `COALESCE(c.phone, t.caller_phone, '')` },
  { header: 'Tạo bởi', sql: 't.created_by' },
  { header: 'Thời điểm tạo', sql: vnTime('t.created_at'), kind: 'time' },
  { header: 'Hạn xử lý', sql: vnTime('t.due_at'), kind: 'time' },
  { header: 'Phản hồi đầu tiên', sql: vnTime('t.first_response_at'), kind: 'time' },
  { header: 'Đã trả lời', sql: vnTime('t.answered_at'), kind: 'time' },
  { header: 'Đã đóng', sql: vnTime('t.closed_at'), kind: 'time' },
  { header: 'Giờ đến phản hồi đầu', sql: hoursBetween('t.created_at', 't.first_response_at'), kind: 'number' },
  { header: 'Giờ đến khi đóng', sql: hoursBetween('t.created_at', 't.closed_at'), kind: 'number' },
  { header: 'Kết quả', sql: `COALESCE(t.resolution, '')` },
  { header: 'Đánh giá (1-5)', sql: `COALESCE(t.csat::text, '')`, kind: 'number' },
];
const EXPORT_SELECT = EXPORT_COLUMNS.map((c, i) => `${c.sql} AS x${i}`).join(', ');

/** A spreadsheet cell: numbers as numbers, Vietnam times as date cells (shown as written), text as is. */
function cellValue(kind: 'number' | 'time' | undefined, v: string): string | number | Date | null {
  if (v === '') return null;
  if (kind === 'number') return Number(v);
  if (kind === 'time') return new Date(`${v.replace(' ', 'T')}Z`);
  return v;
}

/** One RFC 4180 cell; formula-looking text is prefixed so spreadsheets do not execute it. */
export function csvCell(v: string): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
