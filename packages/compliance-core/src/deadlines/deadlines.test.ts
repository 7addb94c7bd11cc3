import { describe, expect, it } from 'vitest';
import {
  addPeriod,
  BRAZIL_CALENDAR,
  brazilNationalHolidays,
  EU_CALENDAR,
  easterSunday,
  endOfLocalDay,
  isBusinessDay,
  localDate,
  startOfLocalDay,
  US_FEDERAL_CALENDAR,
  usFederalHolidays,
} from './index.ts';

const iso = (date: Date) => date.toISOString();
const months = (start: string, amount: number) =>
  iso(addPeriod(new Date(start), { amount, unit: 'calendar_months' }, EU_CALENDAR));

describe('local days', () => {
  it('finds the local date and the local day boundaries, DST-correct', () => {
    expect(localDate(new Date('2026-01-31T23:30:00Z'), 'Europe/Brussels')).toBe('2026-02-01');
    expect(localDate(new Date('2026-01-31T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-01-31');
    expect(iso(endOfLocalDay('2026-03-28', 'Europe/Brussels'))).toBe('2026-03-28T22:59:59.999Z');
    expect(iso(endOfLocalDay('2026-03-29', 'Europe/Brussels'))).toBe('2026-03-29T21:59:59.999Z');
    expect(iso(endOfLocalDay('2026-10-24', 'Europe/Brussels'))).toBe('2026-10-24T21:59:59.999Z');
    expect(iso(endOfLocalDay('2026-10-25', 'Europe/Brussels'))).toBe('2026-10-25T22:59:59.999Z');
    expect(iso(startOfLocalDay('2026-03-29', 'Europe/Brussels'))).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(startOfLocalDay('2026-11-01', 'America/Los_Angeles'))).toBe('2026-11-01T07:00:00.000Z');
    // 2018-11-04 began at 01:00 in São Paulo (DST started at midnight).
    expect(iso(startOfLocalDay('2018-11-04', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
  });
});

describe('addPeriod: calendar months', () => {
  it('lands on the last day of a shorter month', () => {
    expect(months('2027-01-31T10:00:00Z', 1)).toBe('2027-02-28T22:59:59.999Z');
    expect(months('2028-01-31T10:00:00Z', 1)).toBe('2028-02-29T22:59:59.999Z');
    expect(months('2026-03-31T10:00:00Z', 1)).toBe('2026-04-30T21:59:59.999Z');
    expect(months('2026-08-31T10:00:00Z', 1)).toBe('2026-09-30T21:59:59.999Z');
    expect(months('2026-12-31T10:00:00Z', 1)).toBe('2027-01-31T22:59:59.999Z');
  });

  it('counts from Feb 29 of a leap year', () => {
    expect(months('2028-02-29T10:00:00Z', 1)).toBe('2028-03-29T21:59:59.999Z');
    expect(months('2028-02-29T10:00:00Z', 12)).toBe('2029-02-28T22:59:59.999Z');
  });

  it('ends the day in the offset in force on that day', () => {
    expect(months('2026-02-28T10:00:00Z', 1)).toBe('2026-03-28T22:59:59.999Z'); // still CET
    expect(months('2026-03-01T10:00:00Z', 1)).toBe('2026-04-01T21:59:59.999Z'); // CEST
    expect(months('2026-09-25T10:00:00Z', 1)).toBe('2026-10-25T22:59:59.999Z'); // back to CET that day
  });

  it('starts from the local date, not the UTC one', () => {
    expect(months('2026-01-31T23:30:00Z', 1)).toBe('2026-03-01T22:59:59.999Z'); // Feb 1 00:30 in Brussels
  });
});

describe('addPeriod: calendar days and hours', () => {
  it('ends at the end of the local day across a DST change', () => {
    const start = new Date('2026-10-30T19:00:00Z'); // Fri 12:00 PDT
    expect(iso(addPeriod(start, { amount: 1, unit: 'calendar_days' }, US_FEDERAL_CALENDAR))).toBe(
      '2026-11-01T06:59:59.999Z',
    );
    expect(iso(addPeriod(start, { amount: 3, unit: 'calendar_days' }, US_FEDERAL_CALENDAR))).toBe(
      '2026-11-03T07:59:59.999Z',
    );
    expect(iso(addPeriod(start, { amount: 0, unit: 'calendar_days' }, US_FEDERAL_CALENDAR))).toBe(
      '2026-10-31T06:59:59.999Z',
    );
  });

  it('adds hours exactly, whatever the wall clock does', () => {
    expect(iso(addPeriod(new Date('2026-03-28T12:00:00Z'), { amount: 72, unit: 'hours' }, EU_CALENDAR))).toBe(
      '2026-03-31T12:00:00.000Z',
    );
  });

  it('refuses fractional or negative amounts', () => {
    expect(() => addPeriod(new Date(), { amount: 1.5, unit: 'calendar_days' }, EU_CALENDAR)).toThrow();
    expect(() => addPeriod(new Date(), { amount: -1, unit: 'business_days' }, EU_CALENDAR)).toThrow();
  });
});

describe('addPeriod: business days', () => {
  const us = (start: string, amount: number) =>
    iso(addPeriod(new Date(start), { amount, unit: 'business_days' }, US_FEDERAL_CALENDAR));
  const br = (start: string, amount: number) =>
    iso(addPeriod(new Date(start), { amount, unit: 'business_days' }, BRAZIL_CALENDAR));

  it('skips weekends, counting from the next day', () => {
    expect(us('2026-06-05T17:00:00Z', 1)).toBe('2026-06-09T06:59:59.999Z'); // Fri → Mon Jun 8
    expect(us('2026-06-06T17:00:00Z', 1)).toBe('2026-06-09T06:59:59.999Z'); // Sat → Mon Jun 8
    expect(us('2026-06-08T17:00:00Z', 5)).toBe('2026-06-16T06:59:59.999Z'); // Mon → Mon Jun 15
  });

  it('skips U.S. federal holidays as observed', () => {
    expect(us('2026-11-25T18:00:00Z', 1)).toBe('2026-11-28T07:59:59.999Z'); // Thanksgiving → Fri Nov 27
    expect(us('2026-12-23T18:00:00Z', 2)).toBe('2026-12-29T07:59:59.999Z'); // Christmas (Fri) → Mon Dec 28
    expect(us('2026-07-02T18:00:00Z', 1)).toBe('2026-07-07T06:59:59.999Z'); // Jul 4 (Sat) observed Fri Jul 3
    expect(isBusinessDay('2026-07-03', US_FEDERAL_CALENDAR)).toBe(false);
    expect(isBusinessDay('2026-11-26', US_FEDERAL_CALENDAR)).toBe(false);
    expect(isBusinessDay('2026-11-27', US_FEDERAL_CALENDAR)).toBe(true);
  });

  it('skips Brazilian national holidays, but not Carnival', () => {
    expect(br('2027-03-25T13:00:00Z', 1)).toBe('2027-03-30T02:59:59.999Z'); // Good Friday Mar 26 → Mon Mar 29
    expect(br('2026-11-19T13:00:00Z', 1)).toBe('2026-11-24T02:59:59.999Z'); // Consciência Negra (Fri) → Mon Nov 23
    expect(br('2026-12-24T13:00:00Z', 1)).toBe('2026-12-29T02:59:59.999Z'); // Christmas (Fri) → Mon Dec 28
    expect(isBusinessDay('2027-02-09', BRAZIL_CALENDAR)).toBe(true); // Carnival Tuesday
    expect(isBusinessDay('2023-11-20', BRAZIL_CALENDAR)).toBe(true); // before Lei 14.759/2023
  });
});

describe('holidays', () => {
  it('computes Easter Sunday', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22',
      1943: '1943-04-25',
      2000: '2000-04-23',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2026: '2026-04-05',
      2027: '2027-03-28',
      2038: '2038-04-25',
      2285: '2285-03-22',
    };
    for (const [year, easter] of Object.entries(known)) expect(easterSunday(Number(year))).toBe(easter);
  });

  it('lists the U.S. federal holidays of 2026 as observed', () => {
    expect(usFederalHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  it('observes New Year on a Saturday on December 31 of the year before', () => {
    expect(usFederalHolidays(2021)).toContain('2021-12-31');
    expect(usFederalHolidays(2022)).not.toContain('2022-01-01');
    expect(usFederalHolidays(2022)).toContain('2022-12-26'); // Christmas on a Sunday
  });

  it('lists the Brazilian national holidays of 2027', () => {
    expect(brazilNationalHolidays(2027)).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-04-21',
      '2027-05-01',
      '2027-09-07',
      '2027-10-12',
      '2027-11-02',
      '2027-11-15',
      '2027-11-20',
      '2027-12-25',
    ]);
  });
});
