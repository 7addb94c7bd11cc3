export { addDays, addMonths, endOfLocalDay, localDate, startOfLocalDay } from './calendar.ts';
export {
  BRAZIL_CALENDAR,
  brazilNationalHolidays,
  EU_CALENDAR,
  easterSunday,
  US_FEDERAL_CALENDAR,
  usFederalHolidays,
} from './holidays.ts';
export { addPeriod, type Calendar, isBusinessDay, type Period, type PeriodUnit } from './period.ts';
