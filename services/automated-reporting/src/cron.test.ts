// The cron rules the scheduler relies on: the five-field syntax with its problems named,
// time zones (with daylight saving), and which slot is "due" at an instant.
import { describe, expect, it } from 'vitest';
import { CronError, checkTimeZone, latestDue, nextRun, slotsBetween, validateCron } from './cron.ts';
import { DEFAULT_SCHEDULES } from './schedules.ts';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | undefined) => date?.toISOString();

describe('cron', () => {
  it('accepts the default schedules, names, ranges, lists and steps', () => {
    for (const schedule of DEFAULT_SCHEDULES) expect(() => validateCron(schedule.cron, 'UTC')).not.toThrow();
    for (const cron of ['*/15 * * * *', '0 9 * * MON-FRI', '0 6 1 JAN,APR,JUL,OCT *', '30 7 * * 1-5', '0 0 L * *']) {
      expect(() => validateCron(cron, 'Europe/London'), cron).not.toThrow();
    }
  });

  it('refuses bad expressions with a message that names the problem', () => {
    const problems: [string, RegExp][] = [
      ['0 6 * *', /5 fields .*"0 6 \* \*" has 4/],
      ['0 0 6 * * *', /has 6/],
      ['', /has 0/],
      ['61 6 * * *', /got value 61 expected range 0-59/],
      ['0 24 * * *', /got value 24 expected range 0-23/],
      ['0 6 * * 8', /expected range 0-7/],
      ['0 6 * 13 *', /expected range 1-12/],
      ['0 6 31 2 *', /day of month/],
      ['x 6 * * *', /Invalid characters/],
    ];
    for (const [cron, message] of problems) {
      expect(() => validateCron(cron, 'UTC'), cron).toThrow(CronError);
      expect(() => validateCron(cron, 'UTC'), cron).toThrow(message);
    }
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => validateCron('0 6 * * *', 'Europe/Londn')).toThrow(/unknown time zone/);
  });

  it('counts a slot as due from its exact instant on', () => {
    expect(iso(latestDue('0 6 * * *', 'UTC', at('2026-12-07T05:59:59.999Z')))).toBe('2026-12-06T06:00:00.000Z');
    expect(iso(latestDue('0 6 * * *', 'UTC', at('2026-12-07T06:00:00.000Z')))).toBe('2026-12-07T06:00:00.000Z');
    expect(iso(latestDue('0 6 * * *', 'UTC', at('2026-12-07T23:00:00.000Z')))).toBe('2026-12-07T06:00:00.000Z');
    expect(iso(nextRun('0 6 * * *', 'UTC', at('2026-12-07T06:00:00.000Z')))).toBe('2026-12-08T06:00:00.000Z');
  });

  it('after days of downtime, the due slot is only the latest one', () => {
    // Down from Monday 05:00 to Friday 07:30: four daily slots missed, one is due.
    expect(iso(latestDue('0 6 * * *', 'UTC', at('2026-12-11T07:30:00Z')))).toBe('2026-12-11T06:00:00.000Z');
    expect(slotsBetween('0 6 * * *', 'UTC', at('2026-12-07T05:00:00Z'), at('2026-12-11T07:30:00Z'))).toHaveLength(5);
  });

  it("evaluates weekly, monthly, quarterly and annual slots in the schedule's time zone", () => {
    const now = at('2026-12-06T12:00:00Z'); // Sunday
    expect(iso(latestDue('0 9 * * 1', 'UTC', now))).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(nextRun('0 9 * * 1', 'Asia/Tokyo', now))).toBe('2026-12-07T00:00:00.000Z'); // Mon 09:00 JST
    expect(iso(latestDue('0 6 1 * *', 'America/New_York', now))).toBe('2026-12-01T11:00:00.000Z');
    expect(iso(latestDue('0 6 1 1,4,7,10 *', 'America/New_York', now))).toBe('2026-10-01T10:00:00.000Z'); // EDT
    expect(iso(nextRun('0 6 1 1,4,7,10 *', 'America/New_York', now))).toBe('2027-01-01T11:00:00.000Z'); // EST
    expect(iso(nextRun('0 6 1 1 *', 'Australia/Sydney', now))).toBe('2026-12-31T19:00:00.000Z'); // AEDT
  });

  it('keeps 06:00 local across daylight-saving changes', () => {
    // London moves to BST on Sunday 29 March 2026.
    expect(
      slotsBetween('0 6 * * *', 'Europe/London', at('2026-03-28T00:00:00Z'), at('2026-03-30T23:00:00Z')).map(iso),
    ).toEqual(['2026-03-28T06:00:00.000Z', '2026-03-29T05:00:00.000Z', '2026-03-30T05:00:00.000Z']);
    // …and back on Sunday 25 October 2026.
    expect(
      slotsBetween('0 6 * * *', 'Europe/London', at('2026-10-24T00:00:00Z'), at('2026-10-26T23:00:00Z')).map(iso),
    ).toEqual(['2026-10-24T05:00:00.000Z', '2026-10-25T06:00:00.000Z', '2026-10-26T06:00:00.000Z']);
  });

  it('runs a slot in the hour that daylight saving skips an hour late, and one the clocks repeat once', () => {
    // 01:30 does not exist in London on 29 March 2026: it runs at 02:30 BST (01:30 UTC).
    expect(
      slotsBetween('30 1 * * *', 'Europe/London', at('2026-03-28T00:00:00Z'), at('2026-03-30T23:00:00Z')).map(iso),
    ).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    // 01:30 happens twice on 25 October 2026: one slot, the first.
    expect(
      slotsBetween('30 1 * * *', 'Europe/London', at('2026-10-24T00:00:00Z'), at('2026-10-26T23:00:00Z')).map(iso),
    ).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
});
