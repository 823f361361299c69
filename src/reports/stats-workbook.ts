/**
 * The supervisors' dashboard as an XLSX workbook (`/api/export/stats.xlsx`): one sheet per figure,
 * built with exceljs (https://github.com/exceljs/exceljs).
 */
import type ExcelJS from 'exceljs';
import type { Dashboard } from '../store/dashboard';
import { CHANNEL_LABELS, hoursMinutes, label } from '../wire/labels';
import { excel } from './excel';
import { vnDateTime } from './processing-log';

/** A cell value (null: empty). */
type Cell = string | number | null;

/** The dashboard as a workbook: one sheet per figure, headers in bold and frozen. */
export async function statsWorkbook(d: Dashboard): Promise<ExcelJS.Workbook> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Cổng 1022';
  wb.created = new Date();
  for (const [name, { headers, rows }] of Object.entries(sheetsOf(d))) {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h) => ({ header: h, width: Math.max(14, h.length + 4) }));
    ws.getRow(1).font = { bold: true };
    for (const row of rows) ws.addRow(row.map((v) => v ?? ''));
  }
  return wb;
}

/** The sheets of the workbook, in order: name → column headers and rows. */
function sheetsOf(d: Dashboard): Record<string, { headers: string[]; rows: Cell[][] }> {
  const t = d.totals;
  return {
    'Tổng quan': {
      headers: ['Chỉ tiêu', 'Giá trị'],
      rows: [
        ['Từ', vnDateTime(d.period.from)],
        // The period's end is exclusive (the next day at 00:00): shown as its last second.
        ['Đến', vnDateTime(new Date(d.period.to.getTime() - 1000))],
        ['Cuộc hội thoại', t.conversations],
        ['Tin nhắn của công dân', t.messagesIn],
        ['Phiếu', t.tickets],
        ['Trợ lý ảo tự giải quyết', t.botResolved],
        ['Chuyển tổng đài viên', t.escalated],
        ['Tỷ lệ trợ lý ảo tự giải quyết (%)', Math.round(t.botResolvedRate * 1000) / 10],
        ['Phiếu chưa đóng', t.open],
        ['Phiếu quá hạn', t.overdue],
        ['Phản hồi đầu tiên, trung vị (giờ:phút)', hoursMinutes(d.firstResponse.p50_s)],
        ['Phản hồi đầu tiên, P90 (giờ:phút)', hoursMinutes(d.firstResponse.p90_s)],
        ['Thời gian giải quyết, trung vị (giờ:phút)', hoursMinutes(d.resolution.p50_s)],
        ['Thời gian giải quyết, P90 (giờ:phút)', hoursMinutes(d.resolution.p90_s)],
        ['Điểm hài lòng trung bình (1-5)', d.csat.average],
        ['Số lượt đánh giá', d.csat.count],
      ],
    },
    'Theo ngày': { headers: ['Ngày', 'Cuộc hội thoại', 'Phiếu'], rows: d.byDay.map((x) => [x.day, x.conversations, x.tickets]) },
    'Theo giờ': {
      headers: ['Giờ', 'Tin nhắn của công dân'],
      rows: d.byHour.map((x) => [`${String(x.hour).padStart(2, '0')}h`, x.messages]),
    },
    'Theo kênh': {
      headers: ['Kênh', 'Mã kênh', 'Cuộc hội thoại', 'Phiếu'],
      rows: d.byChannel.map((x) => [label(CHANNEL_LABELS, x.channel), x.channel, x.conversations, x.tickets]),
    },
    'Theo lĩnh vực': { headers: ['Lĩnh vực', 'Mã', 'Phiếu'], rows: d.byField.map((x) => [x.label, x.field, x.tickets]) },
    'Theo loại nội dung': {
      headers: ['Loại nội dung', 'Mã', 'Phiếu'],
      rows: d.byContentType.map((x) => [x.label, x.contentType, x.tickets]),
    },
    'Theo cấp thẩm quyền': { headers: ['Cấp thẩm quyền', 'Mã', 'Phiếu'], rows: d.byLevel.map((x) => [x.label, x.level, x.tickets]) },
    'Theo cơ quan': {
      headers: ['Cơ quan', 'Mã', 'Phiếu', 'Chưa đóng', 'Quá hạn'],
      rows: d.byAgency.map((x) => [x.name, x.code, x.tickets, x.open, x.overdue]),
    },
    'Tổng đài viên': {
      headers: [
        'Tổng đài viên',
        'Tiếp nhận hội thoại',
        'Tin trả lời',
        'Đóng phiếu',
        'Phản hồi đầu, trung vị (giờ:phút)',
        'Hoạt động gần nhất',
      ],
      rows: d.operators.map((o) => [
        o.name,
        o.takenOver,
        o.replies,
        o.closed,
        hoursMinutes(o.firstResponseP50_s),
        o.lastActivityAt ? vnDateTime(o.lastActivityAt) : '',
      ]),
    },
    'Đánh giá': {
      headers: ['Điểm', 'Số lượt'],
      rows: (['1', '2', '3', '4', '5'] as const).map((k) => [Number(k), d.csat.distribution[k]]),
    },
  };
}
