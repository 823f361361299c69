/**
 * The supervisors' dashboard as an XLSX workbook (`/api/export/stats.xlsx`): one sheet per figure,
 * built with exceljs (https://github.com/exceljs/exceljs).
 */
import ExcelJS from 'exceljs';
import type { Dashboard } from '../store/dashboard';
import { CHANNEL_LABELS, label } from '../wire/labels';
import { vnDateTime } from './processing-log';

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
  sheet(
    'Tổng quan',
    ['Chỉ tiêu', 'Giá trị'],
    [
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
    ],
  );
  sheet(
    'Theo ngày',
    ['Ngày', 'Cuộc hội thoại', 'Phiếu'],
    d.byDay.map((x) => [x.day, x.conversations, x.tickets]),
  );
  sheet(
    'Theo giờ',
    ['Giờ', 'Tin nhắn của công dân'],
    d.byHour.map((x) => [`${String(x.hour).padStart(2, '0')}h`, x.messages]),
  );
  sheet(
    'Theo kênh',
    ['Kênh', 'Mã kênh', 'Cuộc hội thoại', 'Phiếu'],
    d.byChannel.map((x) => [label(CHANNEL_LABELS, x.channel), x.channel, x.conversations, x.tickets]),
  );
  sheet(
    'Theo lĩnh vực',
    ['Lĩnh vực', 'Mã', 'Phiếu'],
    d.byField.map((x) => [x.label, x.field, x.tickets]),
  );
  sheet(
    'Theo cơ quan',
    ['Cơ quan', 'Mã', 'Phiếu', 'Chưa đóng', 'Quá hạn'],
    d.byAgency.map((x) => [x.name, x.code, x.tickets, x.open, x.overdue]),
  );
  sheet(
    'Tổng đài viên',
    ['Tổng đài viên', 'Tiếp nhận hội thoại', 'Tin trả lời', 'Đóng phiếu', 'Phản hồi đầu, trung vị (giờ)', 'Hoạt động gần nhất'],
    d.operators.map((o) => [
      o.name,
      o.takenOver,
      o.replies,
      o.closed,
      seconds(o.firstResponseP50_s),
      o.lastActivityAt ? vnDateTime(o.lastActivityAt) : '',
    ]),
  );
  sheet(
    'Đánh giá',
    ['Điểm', 'Số lượt'],
    (['1', '2', '3', '4', '5'] as const).map((k) => [Number(k), d.csat.distribution[k]]),
  );
  return wb;
}
