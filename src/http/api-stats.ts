/** `/api/stats/tickets` and `/api/export/tickets.(csv|xlsx)`: counts, timings and exports for supervisors. */
import ExcelJS from 'exceljs';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { withoutJit } from '../store/no-jit';
import { TICKET_SELECT, ticketWhere, toTicket, type Ticket } from '../store/tickets';
import { ticketFilterOf } from './api-tickets';

const GROUPS = {
  field: { key: `COALESCE(t.field, '')`, label: `COALESCE(f.name, t.field, 'Chưa phân loại')` },
  channel: { key: 't.channel', label: 't.channel' },
  agency: { key: `COALESCE(a.code, '')`, label: `COALESCE(a.name, 'Chưa chuyển')` },
  operator: { key: `COALESCE(u.username, '')`, label: `COALESCE(u.display_name, 'Chưa phân công')` },
  day: { key: `to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`, label: `to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'DD/MM/YYYY')` },
  hour: { key: `to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24')`, label: `to_char(t.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24') || 'h'` },
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
      `SELECT ${g.key} AS key, ${g.label} AS label, count(*)::int AS total,
              count(*) FILTER (WHERE t.status = 'closed')::int AS closed,
              count(*) FILTER (WHERE t.status <> 'closed')::int AS open,
              count(*) FILTER (WHERE t.status <> 'closed' AND t.due_at < now())::int AS overdue,
              count(*) FILTER (WHERE t.created_by = 'bot')::int AS from_bot,
              count(*) FILTER (WHERE t.priority = 'urgent')::int AS urgent,
              round(avg(t.csat)::numeric, 2)::float8 AS csat_avg,
              -- date_part: float8 (extract() returns numeric, several times slower to sort); one sort per timing.
              (percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.first_response_at - t.created_at)))[1] AS first_response_p50_s,
              (percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.first_response_at - t.created_at)))[2] AS first_response_p90_s,
              (percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.closed_at - t.created_at)))[1] AS resolution_p50_s,
              (percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY date_part('epoch', t.closed_at - t.created_at)))[2] AS resolution_p90_s
       FROM tickets t
       LEFT JOIN agencies a ON a.id = t.agency_id
       LEFT JOIN users u ON u.id = t.assignee_id
       LEFT JOIN fields f ON f.code = t.field
       LEFT JOIN contacts c ON c.id = t.contact_id
       ${where.sql}
       GROUP BY 1, 2 ORDER BY ${by === 'day' || by === 'hour' ? '1' : 'total DESC'}`,
      where.params,
    ));
    res.json({ by, items: rows.rows });
  });

  r.get('/export/tickets.csv', supervisors, async (req, res) => {
    const tickets = await exportRows(ctx, req);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="phieu-1022.csv"');
    // A BOM so that Excel reads the Vietnamese text as UTF-8.
    res.write('\uFEFF' + EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(',') + '\r\n');
    // Rows in chunks: one write per row costs more than building the text.
    for (let i = 0; i < tickets.length; i += 1000) {
      res.write(tickets.slice(i, i + 1000).map((t) => EXPORT_COLUMNS.map((c) => csvCell(c.value(t))).join(',') + '\r\n').join(''));
    }
    res.end();
  });

  r.get('/export/tickets.xlsx', supervisors, async (req, res) => {
    const tickets = await exportRows(ctx, req);
    await writeXlsx(res, tickets);
  });
  return r;
}

async function exportRows(ctx: AppContext, req: import('express').Request): Promise<Ticket[]> {
  const where = ticketWhere(ticketFilterOf(req, currentUser(req)));
  const r = await withoutJit(ctx.db, (q) => q.query(`${TICKET_SELECT} ${where.sql} ORDER BY t.created_at DESC LIMIT 200000`, where.params));
  return r.rows.map(toTicket);
}

const fmt = (d: Date | null) => (d ? d.toISOString() : '');
const hours = (a: Date | null, b: Date | null) => (a && b ? Math.round(((b.getTime() - a.getTime()) / 3_600_000) * 10) / 10 : '');

/** Export columns: one row per ticket with all fields and timings. */
export const EXPORT_COLUMNS: { header: string; value: (t: Ticket) => string | number }[] = [
  { header: 'Mã phiếu', value: (t) => t.code },
  { header: 'Trạng thái', value: (t) => t.status },
  { header: 'Kênh', value: (t) => t.channel },
  { header: 'Lĩnh vực', value: (t) => t.field ?? '' },
  { header: 'Cơ quan xử lý', value: (t) => t.agency?.name ?? '' },
  { header: 'Tổng đài viên', value: (t) => t.assignee?.name ?? '' },
  { header: 'Mức độ', value: (t) => t.priority },
  { header: 'Tiêu đề', value: (t) => t.title },
  { header: 'Nội dung', value: (t) => t.content },
  { header: 'Công dân', value: (t) => t.contact?.displayName ?? t.callerName ?? '' },
  { header: 'Điện thoại', value: (t) => t.contact?.phone ?? t.callerPhone ?? '' },
  { header: 'Tạo bởi', value: (t) => t.createdBy },
  { header: 'Thời điểm tạo', value: (t) => fmt(t.createdAt) },
  { header: 'Hạn xử lý', value: (t) => fmt(t.dueAt) },
  { header: 'Phản hồi đầu tiên', value: (t) => fmt(t.firstResponseAt) },
  { header: 'Đã trả lời', value: (t) => fmt(t.answeredAt) },
  { header: 'Đã đóng', value: (t) => fmt(t.closedAt) },
  { header: 'Giờ đến phản hồi đầu', value: (t) => hours(t.createdAt, t.firstResponseAt) },
  { header: 'Giờ đến khi đóng', value: (t) => hours(t.createdAt, t.closedAt) },
  { header: 'Kết quả', value: (t) => t.resolution ?? '' },
  { header: 'Đánh giá (1-5)', value: (t) => t.csat ?? '' },
];

/** One RFC 4180 cell; formula-looking text is prefixed so spreadsheets do not execute it. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function writeXlsx(res: Response, tickets: Ticket[]): Promise<void> {
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', 'attachment; filename="phieu-1022.xlsx"');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
  const ws = wb.addWorksheet('Phiếu 1022', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2) }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for (const t of tickets) ws.addRow(EXPORT_COLUMNS.map((c) => c.value(t))).commit();
  await wb.commit();
}
