/** Dates, durations and numbers in Vietnamese. */

const tz = 'Asia/Ho_Chi_Minh';
const timeFmt = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: tz });
const dateFmt = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: tz });
const shortDateFmt = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', timeZone: tz });
const numFmt = new Intl.NumberFormat('vi-VN');

export function fmtTime(iso: string | null | undefined): string {
  return iso ? timeFmt.format(new Date(iso)) : '—';
}
export function fmtDate(iso: string | null | undefined): string {
  return iso ? dateFmt.format(new Date(iso)) : '—';
}
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${timeFmt.format(d)} ${dateFmt.format(d)}`;
}
/** "14:05" today, "14:05 hôm qua", "03/05" this year, "03/05/2024" otherwise. */
export function fmtWhen(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const now = new Date();
  const day = (x: Date) => dateFmt.format(x);
  if (day(d) === day(now)) return timeFmt.format(d);
  const y = new Date(now.getTime() - 86_400_000);
  if (day(d) === day(y)) return `Hôm qua`;
  if (d.getFullYear() === now.getFullYear()) return shortDateFmt.format(d);
  return dateFmt.format(d);
}
export function fmtNumber(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : numFmt.format(n);
}
export function fmtPercent(r: number | null | undefined): string {
  if (r === null || r === undefined || Number.isNaN(r)) return '—';
  const v = r <= 1 ? r * 100 : r;
  return `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%`;
}
/** 45 giây, 12 phút, 3 giờ 20 phút, 2 ngày 4 giờ. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} giây`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} phút`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} giờ ${m % 60} phút` : `${h} giờ`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} ngày ${h % 24} giờ` : `${d} ngày`;
}
/** "còn 3 giờ" / "quá 2 ngày" relative to now. */
export function fmtRemaining(iso: string | null | undefined): { text: string; overdue: boolean; soon: boolean } {
  if (!iso) return { text: '—', overdue: false, soon: false };
  const diff = (new Date(iso).getTime() - Date.now()) / 1000;
  if (diff < 0) return { text: `quá ${fmtDuration(-diff)}`, overdue: true, soon: false };
  return { text: `còn ${fmtDuration(diff)}`, overdue: false, soon: diff < 4 * 3600 };
}
export function fmtBytes(n: number | null | undefined): string {
  if (!n && n !== 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}
/** Vietnam's offset from UTC (no daylight saving time). */
const VN_OFFSET_MS = 7 * 3600_000;
/** `datetime-local` value for an ISO time, on Vietnam's clock whatever the browser's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(new Date(iso).getTime() + VN_OFFSET_MS).toISOString().slice(0, 16);
}
/** The ISO time of a `datetime-local` value read on Vietnam's clock; null when empty or invalid. */
export function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(`${v.length === 16 ? `${v}:00` : v}+07:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
export function isOverdue(t: { dueAt: string | null; status: string }): boolean {
  return !!t.dueAt && t.status !== 'closed' && t.status !== 'answered' && new Date(t.dueAt).getTime() < Date.now();
}
export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return '?';
  const last = parts[parts.length - 1][0];
  return (parts.length > 1 ? parts[0][0] + last : last).toUpperCase();
}
/** `YYYY-MM-DD` of a date in local time. */
export function ymd(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** ISO time of local midnight at the start of a `YYYY-MM-DD` day. */
export function dayStartIso(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
}
/** ISO time of local midnight at the end of a `YYYY-MM-DD` day (exclusive bound). */
export function dayEndIso(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + 1).toISOString();
}
