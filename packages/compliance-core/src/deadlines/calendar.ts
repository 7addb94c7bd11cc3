/**
 * Local dates ('YYYY-MM-DD') in an IANA time zone, and the UTC instants where they begin
 * and end. Date arithmetic runs on the local date alone (as if in UTC, where no day is
 * 23 or 25 hours long); only the final conversion back to an instant looks at the zone.
 */

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall clock in `timeZone` at `instant`, as if it were a UTC time (milliseconds kept). */
function wallClockMs(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ((instant % 1000) + 1000) % 1000);
  return utc.getTime();
}

function parseLocalDate(localDate: string): { year: number; month: number; day: number } {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) throw new Error(`"${localDate}" is not a local date (YYYY-MM-DD)`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** Midnight UTC of a local date: the unit of all date arithmetic here. */
function dateMs(localDate: string): number {
  const { year, month, day } = parseLocalDate(localDate);
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (utc.getUTCMonth() !== month - 1) throw new Error(`"${localDate}" is not a valid date`);
  return utc.getTime();
}

function formatDateMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date an instant falls on in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return formatDateMs(wallClockMs(instant.getTime(), timeZone));
}

/**
 * The instant when the wall clock in `timeZone` shows `msOfDay` on `localDate`. A time skipped
 * by a DST change resolves to the same distance after the gap; a repeated one to its first pass.
 */
function localTimeToInstant(date: string, msOfDay: number, timeZone: string): Date {
  const wall = dateMs(date) + msOfDay;
  const first = wall - (wallClockMs(wall, timeZone) - wall);
  const second = wall - (wallClockMs(first, timeZone) - wall);
  const candidates = [first, second].filter((t) => wallClockMs(t, timeZone) === wall).sort((a, b) => a - b);
  return new Date(candidates[0] ?? Math.max(first, second));
}

/** 00:00:00.000 local time on `localDate`. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return localTimeToInstant(date, 0, timeZone);
}

/** 23:59:59.999 local time on `localDate`: where a statutory period counted in days ends. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return localTimeToInstant(date, DAY_MS - 1, timeZone);
}

export function addDays(date: string, days: number): string {
  return formatDateMs(dateMs(date) + days * DAY_MS);
}

/** Same day of month `months` later (or earlier); the last day of the month when it is shorter. */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parseLocalDate(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  const last = daysInMonth(targetYear, targetMonth);
  return formatDateMs(dateMs(`${pad(targetYear, 4)}-${pad(targetMonth, 2)}-01`) + (Math.min(day, last) - 1) * DAY_MS);
}

export function daysInMonth(year: number, month: number): number {
  const utc = new Date(0);
  utc.setUTCFullYear(year, month, 0);
  return utc.getUTCDate();
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(dateMs(date)).getUTCDay();
}

/** The local date of the `nth` (1-based) given weekday of a month, or the last one when `nth` is -1. */
export function nthWeekday(year: number, month: number, weekday: number, nth: number): string {
  if (nth === -1) {
    const last = `${pad(year, 4)}-${pad(month, 2)}-${pad(daysInMonth(year, month), 2)}`;
    return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7));
  }
  const first = `${pad(year, 4)}-${pad(month, 2)}-01`;
  return addDays(first, ((weekday - dayOfWeek(first) + 7) % 7) + (nth - 1) * 7);
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
