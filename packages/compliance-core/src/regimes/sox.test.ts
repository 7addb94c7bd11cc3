// The SOX rule pack's date arithmetic with concrete dates: s.302 certification due dates (40 days
// after quarters 1-3, 60 after the fiscal year, rolled past weekends and federal holidays, end of
// the day in New York), calendar quarter ends, the last ended quarter in Eastern time and the
// seven-year evidence retention, across leap days and DST; and that the pack gives no DSR rights.
import { describe, expect, it } from 'vitest';
import { rulePack } from './index.ts';
import {
  CERTIFICATION_DAYS,
  calendarQuarterEnd,
  certificationDueAt,
  EVIDENCE_RETENTION_YEARS,
  evidenceRetainUntil,
  lastEndedQuarter,
  SOX,
} from './sox.ts';

const due = (quarter: string, periodEnd: string) => certificationDueAt(quarter, periodEnd).toISOString();
const until = (collectedAt: string) => evidenceRetainUntil(new Date(collectedAt)).toISOString();

describe('SOX rule pack', () => {
  it('is registered, counts in New York time and names its five automatic controls', () => {
    expect(rulePack('sox')).toBe(SOX);
    expect(SOX.calendar.timeZone).toBe('America/New_York');
    expect(CERTIFICATION_DAYS).toEqual({ quarterly: 40, annual: 60 });
    expect(EVIDENCE_RETENTION_YEARS).toBe(7);
    expect(SOX.controls.flatMap((c) => (c.automatic ? [c.automatic] : [])).sort()).toEqual([
      'audit_chain_verifies',
      'certifications_current',
      'changes_segregated',
      'evidence_retained',
      'no_material_weakness',
    ]);
  });

  it('gives no data-subject rights: no request types, nothing to extend, no breach deadline', () => {
    expect(SOX.requestTypes).toEqual([]);
    expect(() => SOX.dueAt('access', new Date())).toThrow(/not a request type under Sarbanes-Oxley/);
    expect(() => SOX.extend('access', {} as Parameters<typeof SOX.extend>[1])).toThrow(
      /not a request type under Sarbanes-Oxley/,
    );
    expect(
      SOX.breachObligations({
        detectedAt: new Date('2026-12-01T12:00:00Z'),
        affectedCount: 10_000,
        risk: 'high',
      } as Parameters<typeof SOX.breachObligations>[0]),
    ).toEqual([]);
  });

  describe('s.302 certification due dates', () => {
    it('Q3 ending 2026-09-30 is due 40 days later, Monday 2026-11-09, 23:59:59.999 EST', () => {
      expect(due('2026-Q3', '2026-09-30')).toBe('2026-11-10T04:59:59.999Z');
    });

    it('a 40th day on a Sunday moves to Monday: Q1 2026-03-31 → 2026-05-11, Q2 2026-06-30 → 2026-08-10 (EDT)', () => {
      expect(due('2026-Q1', '2026-03-31')).toBe('2026-05-12T03:59:59.999Z');
      expect(due('2026-Q2', '2026-06-30')).toBe('2026-08-11T03:59:59.999Z');
    });

    it('the fourth quarter is the 10-K: 60 days, 2026-12-31 → Monday 2027-03-01 (EST)', () => {
      expect(due('2026-Q4', '2026-12-31')).toBe('2027-03-02T04:59:59.999Z');
    });

    it('counts the leap day: 60 days after 2027-12-31 is Tuesday 2028-02-29', () => {
      expect(due('2027-Q4', '2027-12-31')).toBe('2028-03-01T04:59:59.999Z');
    });

    it('rolls past federal holidays (52/53-week fiscal years end on other days)', () => {
      // Veterans Day, Wednesday 2026-11-11 → Thursday 2026-11-12.
      expect(due('2026-Q3', '2026-10-02')).toBe('2026-11-13T04:59:59.999Z');
      // New Year's Day, Thursday 2026-01-01 → Friday 2026-01-02 (the 10-K's 60 days).
      expect(due('2025-Q4', '2025-11-02')).toBe('2026-01-03T04:59:59.999Z');
      // Independence Day 2026 is a Saturday, observed Friday 2026-07-03 → Monday 2026-07-06.
      expect(due('2026-Q2', '2026-05-24')).toBe('2026-07-07T03:59:59.999Z');
      // Saturday 2026-09-05, Sunday, Labor Day Monday → Tuesday 2026-09-08.
      expect(due('2026-Q2', '2026-07-27')).toBe('2026-09-09T03:59:59.999Z');
    });

    it('refuses what is not a fiscal quarter', () => {
      for (const bad of ['2026-Q5', '2026-Q0', '2026Q3', 'Q3-2026', '']) {
        expect(() => certificationDueAt(bad, '2026-09-30')).toThrow(/not a fiscal quarter/);
      }
    });
  });

  describe('quarters', () => {
    it('ends calendar quarters on their last day, 29 February not among them', () => {
      expect(['Q1', 'Q2', 'Q3', 'Q4'].map((q) => calendarQuarterEnd(`2028-${q}`))).toEqual([
        '2028-03-31',
        '2028-06-30',
        '2028-09-30',
        '2028-12-31',
      ]);
      expect(() => calendarQuarterEnd('2028-Q5')).toThrow(/not a fiscal quarter/);
    });

    it('finds the last ended quarter on the New York date, across the year end', () => {
      expect(lastEndedQuarter(new Date('2026-12-04T15:00:00Z'))).toEqual({
        quarter: '2026-Q3',
        periodEnd: '2026-09-30',
      });
      // 23:30 EDT on 30 September: Q3 is not over yet in New York, though it is in UTC.
      expect(lastEndedQuarter(new Date('2026-10-01T03:30:00Z')).quarter).toBe('2026-Q2');
      expect(lastEndedQuarter(new Date('2026-10-01T04:30:00Z')).quarter).toBe('2026-Q3');
      expect(lastEndedQuarter(new Date('2027-01-15T12:00:00Z'))).toEqual({
        quarter: '2026-Q4',
        periodEnd: '2026-12-31',
      });
      expect(lastEndedQuarter(new Date('2027-04-01T03:59:59Z')).quarter).toBe('2026-Q4');
    });
  });

  describe('evidence retention (seven years)', () => {
    it('keeps evidence through the end of the same New York date seven years on', () => {
      expect(until('2026-12-04T15:00:00Z')).toBe('2033-12-05T04:59:59.999Z');
    });

    it('reads the collection date in New York: 22:00 EST on 4 December is still the 4th', () => {
      expect(until('2026-12-05T03:00:00Z')).toBe('2033-12-05T04:59:59.999Z');
      // 22:00 EDT on 30 June (already 1 July in UTC) → kept through 2033-06-30, EDT.
      expect(until('2026-07-01T02:00:00Z')).toBe('2033-07-01T03:59:59.999Z');
    });

    it('keeps evidence collected on 29 February through 1 March of the common year', () => {
      expect(until('2028-02-29T17:00:00Z')).toBe('2035-03-02T04:59:59.999Z');
      expect(until('2024-02-29T17:00:00Z')).toBe('2031-03-02T04:59:59.999Z');
      // Seven years from 28 February is 28 February, leap year or not.
      expect(until('2029-02-28T17:00:00Z')).toBe('2036-02-29T04:59:59.999Z');
    });
  });
});
