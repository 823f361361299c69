/**
 * A ticket's processing log (nhật ký xử lý): the ticket's fields and timings, then every message and
 * every event in time order, each with its actor and time — as a printable HTML page and as a PDF.
 *
 * The PDF is drawn with pdfkit (https://pdfkit.org/docs/getting_started.html) and an embedded
 * TrueType font with Vietnamese glyphs (DejaVu Sans, shipped by the dejavu-fonts-ttf package).
 */
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { AppContext } from '../context';
import { listEvents, type EventRow } from '../store/events';
import { toApiMessage, type ApiMessage } from '../store/message-view';
import { listMessages } from '../store/messages';
import type { Ticket } from '../store/tickets';
import type { MessageRow } from '../store/messages';
import {
  ACTOR_LABELS,
  AGENCY_LEVEL_LABELS,
  BOT_ACTION_LABELS,
  CHANNEL_LABELS,
  CONTENT_TYPE_LABELS,
  EVENT_LABELS,
  HANDOVER_REASON_LABELS,
  intentLabel,
  label,
  MESSAGE_STATUS_LABELS,
  PRIORITY_LABELS,
  PURPOSE_LABELS,
  TICKET_FIELD_LABELS as F,
  TICKET_STATUS_LABELS,
  durationAfter,
} from '../wire/labels';

/** Everything the log shows. */
export interface ProcessingLog {
  ticket: Ticket;
  fieldName: string | null;
  recording: { id: string; name: string } | null;
  /** Messages and events merged in time order. */
  entries: LogEntry[];
  generatedAt: Date;
}

/** One line of the log. */
export interface LogEntry {
  at: Date;
  kind: 'message' | 'event';
  id: string;
  actor: string;
  action: string;
  detail: string;
  /** Ids of the events folded into this message's line (received, sent, replied…). */
  events?: string[];
}

const TZ = 'Asia/Ho_Chi_Minh';
const dateTime = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** "dd/MM/yyyy HH:mm:ss" in Vietnam time. */
export function vnDateTime(d: Date | null): string {
  if (!d) return '—';
  const p = Object.fromEntries(dateTime.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** "14:30 ngày 07/12/2026" in Vietnam time: a deadline in a sentence (mails, notices, alerts). */
export function vnDeadline(d: Date): string {
  const s = vnDateTime(d);
  return `${s.slice(11, 16)} ngày ${s.slice(0, 10)}`;
}

/** A label inside a sentence ("Trả lời (đã gửi)"). */
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** How the log names what it shows by code: intents, fields, agencies, and the roles of message authors. */
interface LogNames {
  intent(code: string): string;
  field(code: string): string;
  agency(code: string): string;
  /** The role of a console user who wrote a message (an agency's focal point answers as `operator` too). */
  roleOf(userId: string | null): string | null;
}

function actorOfMessage(m: ApiMessage, role: string | null): string {
  const kind = label(ACTOR_LABELS, m.author === 'operator' && role ? role : m.author);
  return m.authorName ? `${kind}: ${m.authorName}` : kind;
}

function messageEntry(row: MessageRow, names: LogNames): LogEntry {
  const m = toApiMessage(row);
  const status = lowerFirst(label(MESSAGE_STATUS_LABELS, m.status));
  const what =
    m.direction === 'in'
      ? 'Tin nhắn đến'
      : `${label(PURPOSE_LABELS, m.purpose, 'Tin nhắn đi')} (${status}${m.error ? `: ${m.error}` : ''})`;
  const files = m.attachments.length ? `\n[Tệp đính kèm: ${m.attachments.map((a) => a.name ?? a.kind).join(', ')}]` : '';
  const intent = m.direction === 'in' && m.intent ? `\n[Ý định nhận diện: ${names.intent(m.intent.name)}]` : '';
  return {
    at: m.createdAt,
    kind: 'message',
    id: m.id,
    actor: actorOfMessage(m, names.roleOf(row.authorUserId)),
    action: what,
    detail: `${m.text}${files}${intent}`,
  };
}

/** A changed ticket field's value, in words. */
function changedValue(key: string, value: unknown, names: LogNames): string {
  if (value === null || value === undefined || value === '') return '—';
  const v = typeof value === 'object' ? JSON.stringify(value) : String(value);
  switch (key) {
    case 'status':
      return label(TICKET_STATUS_LABELS, v);
    case 'priority':
      return label(PRIORITY_LABELS, v);
    case 'contentType':
      return label(CONTENT_TYPE_LABELS, v);
    case 'level':
      return label(AGENCY_LEVEL_LABELS, v);
    case 'channel':
      return label(CHANNEL_LABELS, v);
    case 'field':
      return names.field(v);
    case 'agency':
      return names.agency(v);
    case 'dueAt':
      return vnDateTime(new Date(v));
    case 'final':
      return value === true ? 'có' : 'không';
    default:
      return v;
  }
}

/** A bot decision's action in words (`reply:<answer id>` is a reply). */
const botAction = (a: unknown) => label(BOT_ACTION_LABELS, String(a).split(':')[0]);

function eventDetail(e: EventRow, names: LogNames): string {
  const d = e.data as Record<string, unknown>;
  const parts: string[] = [];
  const str = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  switch (e.type) {
    case 'bot_decision':
    case 'bot_silent':
      if (d.intent) parts.push(`Ý định: ${names.intent(str(d.intent))}`);
      if (Array.isArray(d.actions) && d.actions.length) parts.push(`xử lý: ${[...new Set(d.actions.map(botAction))].join(', ')}`);
      break;
    case 'ticket_created':
      parts.push(`Mã phiếu ${str(d.code)}`);
      if (d.reason) parts.push(`lý do: ${label(HANDOVER_REASON_LABELS, str(d.reason))}`);
      if (d.priority) parts.push(`mức độ: ${label(PRIORITY_LABELS, str(d.priority))}`);
      break;
    case 'forwarded': {
      const agency = d.agency as { name?: string; code?: string } | undefined;
      if (agency?.name) parts.push(`Đến: ${agency.name}`);
      else if ((d.changes as Record<string, unknown> | undefined)?.agency)
        parts.push(`Đến: ${names.agency(str((d.changes as Record<string, unknown>).agency))}`);
      if (d.dueAt) parts.push(`hạn xử lý ${vnDateTime(new Date(String(d.dueAt)))}`);
      if (d.note) parts.push(`ghi chú: ${str(d.note)}`);
      break;
    }
    case 'conversation_opened':
      if (d.channel) parts.push(`Kênh: ${label(CHANNEL_LABELS, str(d.channel))}`);
      break;
    case 'note':
      parts.push(str(d.text));
      break;
    case 'closed':
      if (d.resolution) parts.push(`Kết quả: ${str(d.resolution)}`);
      break;
    case 'csat_recorded':
      parts.push(`${str(d.score)}/5`);
      break;
    case 'escalated':
      if (d.reason) parts.push(`Lý do: ${label(HANDOVER_REASON_LABELS, str(d.reason))}`);
      break;
    case 'delivery_failed':
      parts.push(str(d.reason));
      break;
    case 'media_saved':
      parts.push(`SHA-256 ${str(d.sha256)}`);
      break;
    case 'media_refused':
      parts.push(`Lý do: ${str(d.reason)}`);
      break;
    case 'attachments_purged':
      parts.push(`${Array.isArray(d.attachmentIds) ? d.attachmentIds.length : 0} tệp, lưu quá ${str(d.days)} ngày`);
      break;
    case 'agency_answer_proposed':
    case 'agency_answer_approved':
      parts.push(str(d.text));
      break;
    case 'agency_answer_rejected':
      parts.push(`Lý do: ${str(d.reason)}`);
      break;
    case 'updated':
    case 'assigned': {
      const changes = d.changes as Record<string, unknown> | undefined;
      if (changes)
        parts.push(
          Object.entries(changes)
            .map(([k, v]) => `${label(TICKET_FIELD_LABELS_BY_KEY, k)}: ${changedValue(k, v, names)}`)
            .join('; '),
        );
      if (d.note) parts.push(`ghi chú: ${str(d.note)}`);
      break;
    }
    default:
      break;
  }
  return parts.filter(Boolean).join(', ');
}

/** Column names of the changes an update carries (`assigneeId` is the assignee). */
const TICKET_FIELD_LABELS_BY_KEY: Readonly<Record<string, string>> = { ...F, assigneeId: F.assignee, final: 'Câu trả lời cuối cùng' };

function eventEntry(e: EventRow, names: LogNames): LogEntry {
  const kind = label(ACTOR_LABELS, e.actorKind);
  return {
    at: e.createdAt,
    kind: 'event',
    id: String(e.id),
    actor: e.actorName && e.actorName !== kind ? `${kind}: ${e.actorName}` : kind,
    action: label(EVENT_LABELS, e.type),
    detail: eventDetail(e, names),
  };
}

/**
 * Events that only restate a message the log shows (received, sent, a reply, a failed delivery: the
 * message line carries its author and status), so each step appears once.
 */
const MESSAGE_ECHO_EVENTS = new Set([
  'message_received',
  'message_sent',
  'receipt_sent',
  'ticket_receipt_sent',
  'replied',
  'delivery_failed',
]);

/** Loads the log of a ticket (the caller has checked access). */
export async function loadProcessingLog(ctx: AppContext, ticket: Ticket): Promise<ProcessingLog> {
  const [messages, events, extra, fields, agencies] = await Promise.all([
    ticket.conversationId ? listMessages(ctx.db, ticket.conversationId, 10_000) : Promise.resolve([]),
    listEvents(ctx.db, ticket.id, ticket.conversationId),
    ctx.db.query<{ field_name: string | null; rec_id: string | null; rec_name: string | null }>(
      `SELECT f.name AS field_name, at.id AS rec_id, at.name AS rec_name FROM tickets t
       LEFT JOIN fields f ON f.code = t.field LEFT JOIN attachments at ON at.id = t.recording_attachment_id WHERE t.id = $1`,
      [ticket.id],
    ),
    ctx.db.query<{ code: string; name: string }>(`SELECT code, name FROM fields`),
    ctx.db.query<{ code: string; name: string }>(`SELECT code, name FROM agencies`),
  ]);
  const authors = [...new Set(messages.map((m) => m.authorUserId).filter((id): id is string => !!id))];
  const roles = authors.length
    ? (await ctx.db.query<{ id: string; role: string }>(`SELECT id, role FROM users WHERE id = ANY($1::uuid[])`, [authors])).rows
    : [];
  const fieldNames = new Map(fields.rows.map((r) => [r.code, r.name]));
  const agencyNames = new Map(agencies.rows.map((r) => [r.code, r.name]));
  const roleOf = new Map(roles.map((r) => [r.id, r.role]));
  const names: LogNames = {
    intent: (code) => intentLabel(code, (i) => ctx.knowledge.title(i)),
    field: (code) => fieldNames.get(code) ?? code,
    agency: (code) => agencyNames.get(code) ?? code,
    roleOf: (id) => (id ? (roleOf.get(id) ?? null) : null),
  };
  const lines = new Map(messages.map((m) => [m.id, messageEntry(m, names)]));
  const steps = events.filter((e) => {
    const line = MESSAGE_ECHO_EVENTS.has(e.type) ? lines.get(String((e.data as { messageId?: unknown }).messageId)) : undefined;
    if (line) (line.events ??= []).push(String(e.id));
    return !line;
  });
  const entries = [...lines.values(), ...steps.map((e) => eventEntry(e, names))].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.kind === b.kind ? 0 : a.kind === 'message' ? -1 : 1),
  );
  const x = extra.rows[0];
  return {
    ticket,
    fieldName: x?.field_name ?? null,
    recording: x?.rec_id ? { id: x.rec_id, name: x.rec_name ?? 'ghi-am' } : null,
    entries,
    generatedAt: new Date(),
  };
}

/** The ticket's fields as label/value pairs (shared by HTML and PDF). */
export function ticketFields(log: ProcessingLog): [string, string][] {
  const t = log.ticket;
  const citizen = t.contact?.displayName ?? t.callerName ?? '—';
  return [
    [F.code, t.code],
    [F.status, TICKET_STATUS_LABELS[t.status]],
    [F.channel, label(CHANNEL_LABELS, t.channel)],
    [F.field, log.fieldName ?? t.field ?? 'Chưa phân loại'],
    [F.priority, PRIORITY_LABELS[t.priority]],
    [F.agency, t.agency?.name ?? 'Chưa chuyển'],
    [F.assignee, t.assignee?.name ?? 'Chưa phân công'],
    [F.citizen, citizen],
    [F.phone, t.contact?.phone ?? t.callerPhone ?? '—'],
    [F.email, t.contact?.email ?? '—'],
    [F.createdBy, ACTOR_LABELS[t.createdBy]],
    [F.title, t.title],
    [F.content, t.content || '—'],
    [F.resolution, t.resolution ?? '—'],
    [F.csat, t.csat ? `${t.csat}/5` : '—'],
    ...(log.recording ? ([[F.recording, log.recording.name]] as [string, string][]) : []),
  ];
}

/** The timings: when each step happened and how long it took. */
export function ticketTimings(log: ProcessingLog): [string, string, string][] {
  const t = log.ticket;
  const overdue = t.dueAt && (t.closedAt ?? log.generatedAt) > t.dueAt;
  return [
    [F.createdAt, vnDateTime(t.createdAt), ''],
    [F.dueAt, vnDateTime(t.dueAt), overdue ? 'Quá hạn' : t.dueAt ? 'Trong hạn' : ''],
    [F.firstResponseAt, vnDateTime(t.firstResponseAt), durationAfter(t.createdAt, t.firstResponseAt)],
    [F.answeredAt, vnDateTime(t.answeredAt), durationAfter(t.createdAt, t.answeredAt)],
    [F.closedAt, vnDateTime(t.closedAt), durationAfter(t.createdAt, t.closedAt)],
  ];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const escMultiline = (s: string) => esc(s).replace(/\n/g, '<br>');

/** The log as a self-contained printable HTML page (inline CSS; A4 print layout). */
export function renderLogHtml(log: ProcessingLog, orgName: string): string {
  const t = log.ticket;
  const fields = ticketFields(log)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${escMultiline(v)}</td></tr>`)
    .join('\n');
  const timings = ticketTimings(log)
    .map(([k, at, d]) => `<tr><th>${esc(k)}</th><td>${esc(at)}</td><td>${esc(d)}</td></tr>`)
    .join('\n');
  const rows = log.entries
    .map(
      (e, i) =>
        `<tr class="${e.kind}" data-${e.kind}-id="${esc(e.id)}"><td class="n">${i + 1}${(e.events ?? []).map((id) => `<span data-event-id="${esc(id)}"></span>`).join('')}</td><td class="t">${esc(vnDateTime(e.at))}</td><td>${esc(e.actor)}</td><td><strong>${esc(e.action)}</strong>${
          e.detail ? `<div class="d">${escMultiline(e.detail)}</div>` : ''
        }</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nhật ký xử lý phiếu ${esc(t.code)}</title>
<style>
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif; font-size: 13px; color: #1a1a1a; margin: 24px auto; max-width: 1000px; padding: 0 16px; line-height: 1.45; }
  header { display: flex; justify-content: space-between; align-items: flex-start; border-bottom: 2px solid #0b5394; padding-bottom: 8px; margin-bottom: 16px; }
  header .org { font-size: 12px; text-transform: uppercase; color: #0b5394; font-weight: 600; }
  h1 { font-size: 20px; margin: 4px 0 0; }
  h2 { font-size: 15px; margin: 20px 0 8px; color: #0b5394; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #c8d1dc; padding: 5px 8px; vertical-align: top; text-align: left; }
  table.fields th { width: 28%; background: #f2f6fa; font-weight: 600; }
  table.log thead th { background: #0b5394; color: #fff; }
  table.log td.n { width: 36px; text-align: right; color: #666; }
  table.log td.t { width: 150px; white-space: nowrap; font-variant-numeric: tabular-nums; }
  table.log tr.message td { background: #fbfdff; }
  .d { color: #333; margin-top: 2px; white-space: normal; overflow-wrap: anywhere; }
  .meta { color: #555; font-size: 12px; }
  .actions { margin: 0 0 12px; }
  .actions button { font: inherit; padding: 6px 14px; border: 1px solid #0b5394; background: #0b5394; color: #fff; border-radius: 4px; cursor: pointer; }
  footer { margin-top: 24px; font-size: 11px; color: #666; border-top: 1px solid #c8d1dc; padding-top: 6px; }
  @page { size: A4; margin: 15mm 12mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; font-size: 11px; }
    .actions { display: none; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    h2 { break-after: avoid; }
    table.log thead th { background: #e6eef7 !important; color: #000 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
</head>
<body>
<header>
  <div><div class="org">${esc(orgName)}</div><h1>Nhật ký xử lý phiếu ${esc(t.code)}</h1></div>
  <div class="meta">Xuất lúc ${esc(vnDateTime(log.generatedAt))}</div>
</header>
<div class="actions"><button type="button" onclick="window.print()">In nhật ký</button></div>
<h2>Thông tin phiếu</h2>
<table class="fields">
${fields}
</table>
<h2>Thời gian xử lý</h2>
<table class="fields timings">
<tr><th>Mốc</th><th>Thời điểm</th><th>Thời gian kể từ khi tiếp nhận</th></tr>
${timings}
</table>
<h2>Diễn biến xử lý (${log.entries.length} mục)</h2>
<table class="log">
<thead><tr><th>#</th><th>Thời điểm</th><th>Người thực hiện</th><th>Nội dung</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<footer>Giờ Việt Nam (UTC+7). Nhật ký được trích từ hệ thống Cổng 1022; các sự kiện chỉ được ghi thêm, không sửa hoặc xoá.</footer>
</body>
</html>`;
}

/** DejaVu Sans (regular and bold): Vietnamese glyphs on every machine, no system fonts needed. */
function fontFiles(): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
}

/**
 * Text as the PDF's font can draw it: DejaVu Sans has no colour emoji, so a star rating ("5 ⭐")
 * reads "5 sao" and other emoji are left out rather than printed as empty boxes.
 */
export function pdfText(s: string): string {
  return s
    .replace(/\s*⭐/gu, ' sao')
    .replace(/\p{Emoji_Presentation}\uFE0F?|\uFE0F/gu, '')
    .replace(/^ sao/, 'sao');
}

/** Writes the log as a PDF to `out` (resolves when the document is finished). */
export async function renderLogPdf(log: ProcessingLog, orgName: string, out: Writable): Promise<void> {
  const fonts = fontFiles();
  const t = log.ticket;
  // Loaded here, not at start (most starts never render a PDF).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 48, bottom: 56, left: 48, right: 48 },
    bufferPages: true,
    info: { Title: `Nhật ký xử lý phiếu ${t.code}`, Author: orgName, Subject: 'Nhật ký xử lý', Creator: 'Cổng 1022' },
    lang: 'vi-VN',
  });
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('close', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  const rule = () => {
    doc
      .strokeColor('#c8d1dc')
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .stroke();
    doc.moveDown(0.3);
  };

  doc.font('bold').fontSize(9).fillColor('#0b5394').text(orgName.toUpperCase(), left, doc.y, { width });
  doc.font('bold').fontSize(16).fillColor('#111111').text(`Nhật ký xử lý phiếu ${t.code}`, { width });
  doc
    .font('body')
    .fontSize(8.5)
    .fillColor('#555555')
    .text(`Xuất lúc ${vnDateTime(log.generatedAt)} (giờ Việt Nam)`, { width });
  doc.moveDown(0.6);
  rule();

  const section = (title: string) => {
    ensure(40);
    doc.moveDown(0.4);
    doc.font('bold').fontSize(12).fillColor('#0b5394').text(title, left, doc.y, { width });
    doc.moveDown(0.2);
  };
  const labelWidth = 140;
  const pair = (label: string, value: string) => {
    doc.font('body').fontSize(9.5);
    const h = Math.max(doc.heightOfString(value, { width: width - labelWidth }), 12);
    ensure(h + 4);
    const y = doc.y;
    doc
      .font('bold')
      .fillColor('#333333')
      .text(label, left, y, { width: labelWidth - 8 });
    doc
      .font('body')
      .fillColor('#111111')
      .text(value, left + labelWidth, y, { width: width - labelWidth });
    doc.y = Math.max(doc.y, y + h) + 3;
  };

  section('Thông tin phiếu');
  for (const [k, v] of ticketFields(log)) pair(k, pdfText(v));
  section('Thời gian xử lý');
  for (const [k, at, d] of ticketTimings(log)) pair(k, d ? `${at} — ${d}` : at);
  section(`Diễn biến xử lý (${log.entries.length} mục)`);
  const printed = log.entries.map((e, i) => ({
    head: pdfText(`${i + 1}. ${vnDateTime(e.at)} — ${e.actor}`),
    action: pdfText(e.action),
    detail: pdfText(e.detail),
  }));
  const heightOf = (e: (typeof printed)[number]) => {
    doc.font('body').fontSize(8.5);
    let h = doc.heightOfString(e.head, { width });
    doc.font('bold').fontSize(9.5);
    h += doc.heightOfString(e.action, { width });
    doc.font('body').fontSize(9.5);
    return h + (e.detail ? doc.heightOfString(e.detail, { width: width - 12 }) : 0) + 8;
  };
  const heights = printed.map(heightOf);
  const page = bottom() - doc.page.margins.top;
  printed.forEach((e, i) => {
    // Keep the section title with the first entry, and never leave the last entry alone on a page:
    // the last two go over together when both do not fit (unless they could not share a page anyway).
    const lastTwo = i === printed.length - 2 ? heights[i]! + heights[i + 1]! : 0;
    ensure(lastTwo && lastTwo <= page ? lastTwo : Math.min(heights[i]!, 200));
    doc.font('body').fontSize(8.5).fillColor('#555555').text(e.head, left, doc.y, { width });
    doc.font('bold').fontSize(9.5).fillColor('#111111').text(e.action, left, doc.y, { width });
    if (e.detail)
      doc
        .font('body')
        .fontSize(9.5)
        .fillColor('#222222')
        .text(e.detail, left + 12, doc.y, { width: width - 12 });
    doc.moveDown(0.35);
  });

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin: lift the margin while writing, or pdfkit would start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#777777')
      .text(`Phiếu ${t.code} — trang ${i - range.start + 1}/${range.count}`, left, doc.page.height - 40, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  await done;
}
