/**
 * The tickets export (`/api/export/tickets.csv|xlsx`): one row per ticket with all fields and
 * timings, streamed in batches so an export of any size runs in constant memory and stops when the
 * client goes away. CSV is RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180) with a BOM for Excel.
 */
import type { Writable } from 'node:stream';
import type { Database } from '../db/database';
import { excel } from './excel';
import { withoutJit } from '../store/no-jit';
import { eachTicketBatch, type TicketFilter } from '../store/tickets';
import {
  ACTOR_LABELS,
  AGENCY_LEVEL_LABELS,
  CHANNEL_LABELS,
  CONTENT_TYPE_LABELS,
  PRIORITY_LABELS,
  TICKET_FIELD_LABELS as F,
  TICKET_STATUS_LABELS,
  hoursMinutes,
} from '../wire/labels';

/** Streams the tickets matching `filter` to `out` as CSV (UTF-8 with a BOM); the caller ends `out`. */
export async function writeTicketsCsv(db: Database, filter: TicketFilter, out: Writable): Promise<void> {
  // A BOM so that Excel reads the Vietnamese text as UTF-8.
  out.write('\uFEFF' + EXPORT_COLUMNS.map((c) => csvCell(c.header)).join(',') + '\r\n');
  await withoutJit(db, (q) =>
    eachTicketBatch(q, filter, EXPORT_SELECT, async (rows) => {
      // One write per batch: one per row costs more than building the text.
      const text = rows.map((r) => EXPORT_COLUMNS.map((c, i) => csvCell(csvText(c.kind, String(r[`x${i}`])))).join(',') + '\r\n').join('');
      return sent(out, text);
    }),
  );
}

/** Streams the tickets matching `filter` to `out` as an XLSX workbook (dates as date cells); ends `out`. */
export async function writeTicketsXlsx(db: Database, filter: TicketFilter, out: Writable): Promise<void> {
  const wb = new (await excel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const ws = wb.addWorksheet('Phiếu 1022', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EXPORT_COLUMNS.map((c) => ({
    header: c.header,
    width: c.kind === 'time' ? 18 : Math.max(12, c.header.length + 2),
    ...(c.kind === 'time' ? { style: { numFmt: 'dd/mm/yyyy hh:mm' } } : {}),
    // A duration cell holds days (Excel's unit), shown as hours:minutes past 24 hours too.
    ...(c.kind === 'duration' ? { style: { numFmt: '[h]:mm' } } : {}),
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  await withoutJit(db, (q) =>
    eachTicketBatch(q, filter, EXPORT_SELECT, async (rows) => {
      for (const r of rows) ws.addRow(EXPORT_COLUMNS.map((c, i) => cellValue(c.kind, String(r[`x${i}`])))).commit();
      return !out.destroyed;
    }),
  );
  await wb.commit();
}

/** Writes `text`, waiting while the client is slower than the export; false once the client has gone. */
async function sent(out: Writable, text: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.write(text))
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  return !out.destroyed;
}

// Times in Vietnam (UTC+7, whatever the session's time zone), as a spreadsheet user reads them.
const vnTime = (col: string) => `COALESCE(to_char((${col} AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD HH24:MI:SS'), '')`;
// Whole seconds between two times: the CSV writes them as h:mm, the workbook as a duration cell.
const secondsBetween = (a: string, b: string) => `COALESCE(round(date_part('epoch', ${b} - ${a}))::bigint::text, '')`;

/** SQL: the Vietnamese label of a code column (from src/wire/labels.ts), the code itself when unknown, '' for none. */
export function labelSql(column: string, labels: Readonly<Record<string, string>>): string {
  const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const cases = Object.entries(labels).map(([code, text]) => `WHEN ${quote(code)} THEN ${quote(text)}`);
  return `COALESCE(CASE ${column} ${cases.join(' ')} ELSE ${column} END, '')`;
}

/**
 * Export columns: one row per ticket with all fields and timings, each computed by PostgreSQL as text
 * (over eachTicketBatch's aliases), so an export parses no dates or objects row by row.
 */
export const EXPORT_COLUMNS: { header: string; sql: string; kind?: CellKind }[] = [
  { header: F.code, sql: 't.code' },
  { header: F.status, sql: labelSql('t.status', TICKET_STATUS_LABELS) },
  { header: F.channel, sql: labelSql('t.channel', CHANNEL_LABELS) },
  { header: F.field, sql: `COALESCE((SELECT fd.name FROM fields fd WHERE fd.code = t.field), t.field, '')` },
  { header: F.agency, sql: `COALESCE(a.name, '')` },
  { header: F.assignee, sql: `COALESCE(u.display_name, '')` },
  { header: F.priority, sql: labelSql('t.priority', PRIORITY_LABELS) },
  { header: F.contentType, sql: labelSql('t.content_type', CONTENT_TYPE_LABELS) },
  { header: F.level, sql: labelSql('t.level', AGENCY_LEVEL_LABELS) },
  { header: F.title, sql: 't.title' },
  { header: F.content, sql: 't.content' },
  {
    header: F.citizen,
    // The channel identity's name only when the contact has none (a subquery run for those rows alone).
    sql: `COALESCE(c.display_name, CASE WHEN t.contact_id IS NOT NULL THEN (SELECT ci.display_name FROM conversations cv JOIN contact_identities ci ON ci.id = cv.identity_id WHERE cv.id = t.conversation_id) END, t.caller_name, '')`,
  },
  { header: F.phone, sql: `COALESCE(c.phone, t.caller_phone, '')` },
  { header: F.createdBy, sql: labelSql('t.created_by', ACTOR_LABELS) },
  { header: F.createdAt, sql: vnTime('t.created_at'), kind: 'time' },
  { header: F.dueAt, sql: vnTime('t.due_at'), kind: 'time' },
  { header: F.firstResponseAt, sql: vnTime('t.first_response_at'), kind: 'time' },
  { header: F.answeredAt, sql: vnTime('t.answered_at'), kind: 'time' },
  { header: F.closedAt, sql: vnTime('t.closed_at'), kind: 'time' },
  { header: F.toFirstResponse, sql: secondsBetween('t.created_at', 't.first_response_at'), kind: 'duration' },
  { header: F.toClose, sql: secondsBetween('t.created_at', 't.closed_at'), kind: 'duration' },
  { header: F.resolution, sql: `COALESCE(t.resolution, '')` },
  { header: F.csat, sql: `COALESCE(t.csat::text, '')`, kind: 'number' },
];
const EXPORT_SELECT = EXPORT_COLUMNS.map((c, i) => `${c.sql} AS x${i}`).join(', ');

/** How a column's text is written: as is, a number, a Vietnam time, or a duration in seconds. */
type CellKind = 'number' | 'time' | 'duration';

/** A CSV cell's text: durations as h:mm, everything else as PostgreSQL wrote it. */
function csvText(kind: CellKind | undefined, v: string): string {
  return kind === 'duration' && v !== '' ? hoursMinutes(Number(v)) : v;
}

/** A spreadsheet cell: numbers as numbers, Vietnam times as date cells (shown as written), durations in days, text as is. */
function cellValue(kind: CellKind | undefined, v: string): string | number | Date | null {
  if (v === '') return null;
  if (kind === 'number') return Number(v);
  if (kind === 'duration') return Number(v) / 86_400;
  if (kind === 'time') return new Date(`${v.replace(' ', 'T')}Z`);
  return v;
}

/** One RFC 4180 cell; formula-looking text is prefixed so spreadsheets do not execute it. */
export function csvCell(v: string): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
