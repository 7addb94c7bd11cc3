import { addDays, addMonths, dayOfWeek, endOfLocalDay, localDate } from './calendar.ts';

export type PeriodUnit = 'hours' | 'calendar_days' | 'calendar_months' | 'business_days';

export interface Period {
  amount: number;
  unit: PeriodUnit;
}

/** Where and how a regime counts days: its time zone and the public holidays that are not business days. */
export interface Calendar {
  timeZone: string;
  /** The holidays falling in `year`, as local dates 'YYYY-MM-DD'. */
  holidays(year: number): string[];
  description: string;
}

const HOUR_MS = 3_600_000;
const holidaySets = new WeakMap<Calendar, Map<number, ReadonlySet<string>>>();

function holidaysOf(calendar: Calendar, year: number): ReadonlySet<string> {
  let byYear = holidaySets.get(calendar);
  if (!byYear) {
    byYear = new Map();
    holidaySets.set(calendar, byYear);
  }
  let set = byYear.get(year);
  if (!set) {
    set = new Set(calendar.holidays(year));
    byYear.set(year, set);
  }
  return set;
}

/** Neither a Saturday, a Sunday nor a holiday of the calendar. */
export function isBusinessDay(date: string, calendar: Calendar): boolean {
  const weekday = dayOfWeek(date);
  return weekday !== 0 && weekday !== 6 && !holidaysOf(calendar, Number(date.slice(0, 4))).has(date);
}

/**
 * The end of a statutory period begun at `start`. Periods in days and months end at the end
 * of their last local day (23:59:59.999 in the calendar's zone); periods in hours are exact.
 * Business days are counted from the day after the start's local date.
 */
export function addPeriod(start: Date, period: Period, calendar: Calendar): Date {
  const { amount, unit } = period;
  if (!Number.isInteger(amount) || amount < 0)
    throw new Error(`a period needs a whole, non-negative amount (${amount})`);
  if (unit === 'hours') return new Date(start.getTime() + amount * HOUR_MS);
  const first = localDate(start, calendar.timeZone);
  switch (unit) {
    case 'calendar_days':
      return endOfLocalDay(addDays(first, amount), calendar.timeZone);
    case 'calendar_months':
      return endOfLocalDay(addMonths(first, amount), calendar.timeZone);
    case 'business_days': {
      let day = first;
      for (let counted = 0; counted < amount; ) {
        day = addDays(day, 1);
        if (isBusinessDay(day, calendar)) counted++;
      }
      return endOfLocalDay(day, calendar.timeZone);
    }
    default:
      throw new Error(`unknown period unit "${unit satisfies never}"`);
  }
}
