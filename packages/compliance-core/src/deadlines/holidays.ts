/** Public holidays, computed per year, and the three calendars the regimes count in. */
import { addDays, dayOfWeek, nthWeekday, pad } from './calendar.ts';
import type { Calendar } from './period.ts';

const MONDAY = 1;
const THURSDAY = 4;

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function fixed(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** 5 U.S.C. §6103(b): a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after. */
function observed(date: string): string {
  const weekday = dayOfWeek(date);
  if (weekday === 6) return addDays(date, -1);
  if (weekday === 0) return addDays(date, 1);
  return date;
}

/** U.S. federal holidays (5 U.S.C. §6103(a)) as observed, falling in `year`. */
export function usFederalHolidays(year: number): string[] {
  const fixedDates = (y: number) => [
    fixed(y, 1, 1),
    ...(y >= 2021 ? [fixed(y, 6, 19)] : []),
    fixed(y, 7, 4),
    fixed(y, 11, 11),
    fixed(y, 12, 25),
  ];
  const days = [
    ...fixedDates(year).map(observed),
    // New Year's Day of the next year on a Saturday is observed on December 31 of this one.
    observed(fixed(year + 1, 1, 1)),
    nthWeekday(year, 1, MONDAY, 3), // Martin Luther King Jr.
    nthWeekday(year, 2, MONDAY, 3), // Washington's Birthday (Presidents' Day)
    nthWeekday(year, 5, MONDAY, -1), // Memorial Day
    nthWeekday(year, 9, MONDAY, 1), // Labor Day
    nthWeekday(year, 10, MONDAY, 2), // Columbus Day
    nthWeekday(year, 11, THURSDAY, 4), // Thanksgiving
  ];
  return [...new Set(days.filter((day) => day.startsWith(`${pad(year, 4)}-`)))].sort();
}

/**
 * Brazilian national holidays by federal law (Lei 662/1949, Lei 6.802/1980, Lei 14.759/2023).
 * Carnival is not one: no federal law makes it a holiday (it is an optional day off for federal
 * servants and a holiday only where a state or municipality says so), so it is left out.
 * Good Friday is counted as the nationwide religious holiday it is in practice (Lei 9.093/1995).
 */
export function brazilNationalHolidays(year: number): string[] {
  const days = [
    fixed(year, 1, 1), // Confraternização Universal
    addDays(easterSunday(year), -2), // Sexta-feira Santa
    fixed(year, 4, 21), // Tiradentes
    fixed(year, 5, 1), // Dia do Trabalho
    fixed(year, 9, 7), // Independência
    fixed(year, 10, 12), // Nossa Senhora Aparecida
    fixed(year, 11, 2), // Finados
    fixed(year, 11, 15), // Proclamação da República
    ...(year >= 2024 ? [fixed(year, 11, 20)] : []), // Consciência Negra, national since Lei 14.759/2023
    fixed(year, 12, 25), // Natal
  ];
  return days.sort();
}

export const US_FEDERAL_CALENDAR: Calendar = {
  timeZone: 'America/Los_Angeles',
  holidays: usFederalHolidays,
  description: 'California time (America/Los_Angeles); business days exclude weekends and U.S. federal holidays',
};

export const BRAZIL_CALENDAR: Calendar = {
  timeZone: 'America/Sao_Paulo',
  holidays: brazilNationalHolidays,
  description: 'Brasília time (America/Sao_Paulo); business days exclude weekends and national holidays',
};

/** GDPR periods run in calendar months and hours, so no holidays are needed. */
export const EU_CALENDAR: Calendar = {
  timeZone: 'Europe/Brussels',
  holidays: () => [],
  description: 'Brussels time (Europe/Brussels); periods in calendar months, no holidays',
};
