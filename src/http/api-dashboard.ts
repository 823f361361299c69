/** `GET /api/stats/dashboard` and `GET /api/export/stats.xlsx`: the supervisors' dashboard and its export. */
import ExcelJS from 'exceljs';
import { Router, type Request } from 'express';
import { requireRole } from '../auth/middleware';
import type { AppContext } from '../context';
import { ValidationError } from '../errors';
import { CHANNEL_LABELS, vnDateTime } from '../operations/processing-log';
import { dashboard, periodOf, type Dashboard } from '../store/dashboard';

function period(req: Request): { from: Date; to: Date } {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const p = periodOf(str(req.query.from), str(req.query.to));
  if (typeof p === 'string') throw new ValidationError(`Khoảng thời gian không hợp lệ: ${p}`);
  return p;
}

/** Dashboard routes (admins and supervisors). */
export function dashboardRouter(ctx: AppContext): Router {
  const r = Router();
  const supervisors = requireRole('admin', 'supervisor');

  r.get('/stats/dashboard', supervisors, async (req, res) => {
    const p = period(req);
    res.json(await dashboard(ctx.db, p.from, p.to));
  });

  r.get('/export/stats.xlsx', supervisors, async (req, res) => {
    const p = period(req);
    const d = await dashboard(ctx.db, p.from, p.to);
    const wb = statsWorkbook(d);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', 'attachment; filename="thong-ke-1022.xlsx"');
    res.send(Buffer.from(await wb.xlsx.writeBuffer()));
  });

  return r;
}

const seconds = (s: number | null) => (s === null ? '' : Math.round((s / 3600) * 100) / 100);

/** The dashboard as a workbook: one sheet per figure, headers in bold and frozen. */
export function statsWorkbook(d: Dashboard): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cổng 1022';
  wb.created = new Date();
  const sheet = (name: string, headers: string[], rows: (string | number | null)[][]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h) => ({ header: h, width: Math.max(14, h.length + 4) }));
    ws.getRow(1).font = { bold: true };
    for (const row of rows) ws.addRow(row.map((v) => v ?? ''));
    return ws;
  };
  const t = d.totals;
  sheet('Tổng quan', ['Chỉ tiêu', 'Giá trị'], [
    ['Từ', vnDateTime(d.period.from)],
    ['Đến', vnDateTime(d.period.to)],
    ['Cuộc hội thoại', t.conversations],
    ['Tin nhắn của công dân', t.messagesIn],
    ['Phiếu', t.tickets],
    ['Trợ lý ảo tự giải quyết', t.botResolved],
    ['Chuyển tổng đài viên', t.escalated],
    ['Tỷ lệ trợ lý ảo tự giải quyết (%)', Math.round(t.botResolvedRate * 1000) / 10],
    ['Phiếu chưa đóng', t.open],
    ['Phiếu quá hạn', t.overdue],
    ['Phản hồi đầu tiên, trung vị (giờ)', seconds(d.firstResponse.p50_s)],
    ['Phản hồi đầu tiên, P90 (giờ)', seconds(d.firstResponse.p90_s)],
    ['Thời gian giải quyết, trung vị (giờ)', seconds(d.resolution.p50_s)],
    ['Thời gian giải quyết, P90 (giờ)', seconds(d.resolution.p90_s)],
    ['Điểm hài lòng trung bình (1-5)', d.csat.average],
    ['Số lượt đánh giá', d.csat.count],
  ]);
  sheet('Theo ngày', ['Ngày', 'Cuộc hội thoại', 'Phiếu'], d.byDay.map((x) => [x.day, x.conversations, x.tickets]));
  sheet('Theo giờ', ['Giờ', 'Tin nhắn của công dân'], d.byHour.map((x) => [`${String(x.hour).padStart(2, '0')}h`, x.messages]));
  sheet('Theo kênh', ['Kênh', 'Mã kênh', 'Cuộc hội thoại', 'Phiếu'], d.byChannel.map((x) => [CHANNEL_LABELS[x.channel] ?? x.channel, x.channel, x.conversations, x.tickets]));
  sheet('Theo lĩnh vực', ['Lĩnh vực', 'Mã', 'Phiếu'], d.byField.map((x) => [x.label, x.field, x.tickets]));
  sheet('Theo cơ quan', ['Cơ quan', 'Mã', 'Phiếu', 'Chưa đóng', 'Quá hạn'], d.byAgency.map((x) => [x.name, x.code, x.tickets, x.open, x.overdue]));
  sheet(
    'Tổng đài viên',
    ['Tổng đài viên', 'Tiếp nhận hội thoại', 'Tin trả lời', 'Đóng phiếu', 'Phản hồi đầu, trung vị (giờ)', 'Hoạt động gần nhất'],
    d.operators.map((o) => [o.name, o.takenOver, o.replies, o.closed, seconds(o.firstResponseP50_s), o.lastActivityAt ? vnDateTime(o.lastActivityAt) : '']),
  );
  sheet('Đánh giá', ['Điểm', 'Số lượt'], (['1', '2', '3', '4', '5'] as const).map((k) => [Number(k), d.csat.distribution[k]]));
  return wb;
}
