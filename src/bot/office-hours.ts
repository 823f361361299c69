/** Whether operators are on duty, and when they are back, in the bot's time zone. */
import type { BotDefinition } from './definition';

interface LocalTime {
  date: string;
  weekday: number;
  minutes: number;
}

/** One formatter per time zone: building an `Intl.DateTimeFormat` costs far more than using one (it was ~3 % of the gateway's CPU per message). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * `compute`, keeping its last result for the same `key` and the same minute of `at`: what each
 * message asks (the local time, the next opening) changes at most once a minute, every time zone
 * being whole minutes off UTC.
 */
function keptForTheMinute<K, V>(compute: (key: K, at: Date) => V): (key: K, at: Date) => V {
  let last: { key: K; minute: number; value: V } | null = null;
  return (key, at) => {
    const minute = Math.floor(at.getTime() / 60_000);
    if (last?.minute === minute && last.key === key) return last.value;
    const value = compute(key, at);
    last = { key, minute, value };
    return value;
  };
}

const localTime = keptForTheMinute(computeLocalTime);

function computeLocalTime(timeZone: string, at: Date): LocalTime {
  const parts = Object.fromEntries(
    formatterOf(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday) + 1;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isWorkingDay(def: BotDefinition, t: LocalTime): boolean {
  return def.office_hours.days.includes(t.weekday) && !def.office_hours.holidays.includes(t.date);
}

/** True when operators are on duty at `at`. */
export function isOfficeHours(def: BotDefinition, at: Date): boolean {
  const t = localTime(def.timezone, at);
  return isWorkingDay(def, t) && t.minutes >= toMinutes(def.office_hours.open) && t.minutes < toMinutes(def.office_hours.close);
}

/** Vietnamese phrase for the next opening, e.g. "07:00 thứ Hai, 24/11/2026" (every answer about a procedure names it). */
export const nextOpening: (def: BotDefinition, at: Date) => string = keptForTheMinute(computeNextOpening);

function computeNextOpening(def: BotDefinition, at: Date): string {
  const open = toMinutes(def.office_hours.open);
  for (let d = 0; d < 30; d++) {
    const day = new Date(at.getTime() + d * 86_400_000);
    // Not `localTime`: a day ahead would take the place of the minute every message asks about.
    const t = computeLocalTime(def.timezone, day);
    if (!isWorkingDay(def, t)) continue;
    if (d === 0 && t.minutes >= open) continue;
    const names = ['', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'];
    const [y, m, dd] = t.date.split('-');
    return `${def.office_hours.open} ${names[t.weekday]}, ${dd}/${m}/${y}`;
  }
  return 'giờ làm việc kế tiếp';
}
