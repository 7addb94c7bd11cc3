import { describe, expect, it } from 'vitest';
import { parseSubject } from '../store/subjects.ts';
import { ExtensionRefused, POPIA, rulePack } from './index.ts';
import { saDaysEnd, southAfricanPublicHolidays } from './popia.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
/** Received at 10:00 Johannesburg time on `day`. */
const at = (day: string) => new Date(`${day}T10:00:00+02:00`);
const due = (type: string, day: string) => iso(POPIA.dueAt(type, at(day)));
/** 23:59:59.999 in Johannesburg (UTC+2, no DST) on `day`. */
const endOf = (day: string) => `${day}T21:59:59.999Z`;

describe('POPIA/PAIA rule pack', () => {
  it('is the popia pack, Johannesburg time, with the s.11(1)(a)–(f) lawful bases', () => {
    expect(rulePack('popia')).toBe(POPIA);
    expect(POPIA.calendar.timeZone).toBe('Africa/Johannesburg');
    expect(POPIA.pausesWhileVerifying).toBe(false);
    expect(POPIA.requestTypes.map((r) => r.type)).toEqual([
      'access',
      'correction_deletion',
      'objection',
      'objection_direct_marketing',
    ]);
    expect(POPIA.lawfulBases.map((b) => [b.id, b.legalReference])).toEqual([
      ['consent', 'POPIA s.11(1)(a)'],
      ['contract', 'POPIA s.11(1)(b)'],
      ['legal_obligation', 'POPIA s.11(1)(c)'],
      ['data_subject_legitimate_interest', 'POPIA s.11(1)(d)'],
      ['public_law_duty', 'POPIA s.11(1)(e)'],
      ['legitimate_interests', 'POPIA s.11(1)(f)'],
    ]);
    expect(POPIA.interim('access', at('2026-03-02'))).toEqual([]);
    expect(POPIA.lookBackFrom('access', at('2026-03-02'))).toBeNull();
  });

  it('lists the public holidays of the Public Holidays Act, a Sunday holiday moving to Monday', () => {
    expect(southAfricanPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-03-21',
      '2026-04-03', // Good Friday
      '2026-04-06', // Family Day
      '2026-04-27', // Freedom Day
      '2026-05-01',
      '2026-06-16',
      '2026-08-09', // National Women's Day, a Sunday…
      '2026-08-10', // …so Monday is a public holiday
      '2026-09-24',
      '2026-12-16',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(southAfricanPublicHolidays(2023)).toContain('2023-01-02'); // New Year on a Sunday
    expect(southAfricanPublicHolidays(2023)).toContain('2023-09-25'); // Heritage Day on a Sunday
    expect(southAfricanPublicHolidays(2023)).toContain('2023-12-15'); // proclaimed (s.2A)
    expect(southAfricanPublicHolidays(2024)).toContain('2024-05-29'); // election day
    // Christmas 2022 on a Sunday: Monday 26 December is already the Day of Goodwill.
    expect(southAfricanPublicHolidays(2022).filter((d) => d.startsWith('2022-12'))).toEqual([
      '2022-12-16',
      '2022-12-25',
      '2022-12-26',
    ]);
  });

  it('decides access within 30 days, counted as the Interpretation Act s.4 does', () => {
    expect(due('access', '2026-01-31')).toBe(endOf('2026-03-02')); // month end: 30 days → Mon 2 March
    expect(due('access', '2026-03-27')).toBe(endOf('2026-04-28')); // Sun 26 Apr, then Freedom Day → Tue
    expect(due('access', '2026-03-28')).toBe(endOf('2026-04-28')); // ends on Freedom Day (Mon 27 Apr) → Tue
    expect(due('access', '2026-03-04')).toBe(endOf('2026-04-04')); // Good Friday → Saturday, which counts
    expect(due('access', '2026-03-06')).toBe(endOf('2026-04-07')); // Easter Sunday, Family Day → Tue
    expect(due('access', '2026-07-10')).toBe(endOf('2026-08-11')); // Sun 9 Aug, Mon 10 Aug (moved) → Tue
    expect(due('access', '2026-07-11')).toBe(endOf('2026-08-11')); // Mon 10 Aug (Women's Day moved) → Tue
    expect(due('access', '2026-11-26')).toBe(endOf('2026-12-28')); // Day of Goodwill, Sunday → Mon 28 Dec
    expect(due('access', '2028-01-30')).toBe(endOf('2028-02-29')); // leap year
    expect(due('access', '2027-01-30')).toBe(endOf('2027-03-01'));
    // The first day is the local one: 23:30 UTC on 31 January is 1 February in Johannesburg.
    expect(iso(POPIA.dueAt('access', new Date('2026-01-31T23:30:00Z')))).toBe(endOf('2026-03-03'));
    expect(due('correction_deletion', '2026-03-27')).toBe(endOf('2026-04-28'));
    expect(due('objection', '2026-03-28')).toBe(endOf('2026-04-28'));
    // A direct-marketing objection is honoured at once: by the end of the next day (a Sunday rolls on).
    expect(due('objection_direct_marketing', '2026-03-27')).toBe(endOf('2026-03-28')); // Saturday counts
    expect(due('objection_direct_marketing', '2026-03-28')).toBe(endOf('2026-03-30')); // Sunday → Monday
    expect(iso(saDaysEnd(at('2026-04-26'), 0))).toBe(endOf('2026-04-28')); // a Sunday itself rolls on
    expect(() => saDaysEnd(at('2026-04-26'), -1)).toThrow();
  });

  it('extends an access request once, by up to 30 further days, and no more', () => {
    const originalDueAt = POPIA.dueAt('access', at('2026-03-27')); // 28 April
    const input = { originalDueAt, currentDueAt: originalDueAt, count: 0 };
    expect(iso(POPIA.extend('access', input))).toBe(endOf('2026-05-28'));
    expect(iso(POPIA.extend('access', { ...input, until: new Date(endOf('2026-05-10')) }))).toBe(endOf('2026-05-10'));
    expect(iso(POPIA.extend('access', { ...input, until: new Date(endOf('2026-05-28')) }))).toBe(endOf('2026-05-28'));
    expect(() => POPIA.extend('access', { ...input, until: new Date('2026-05-29T08:00:00Z') })).toThrow(
      /2026-05-28 at the latest/,
    );
    const extended = POPIA.extend('access', input);
    expect(() => POPIA.extend('access', { originalDueAt, currentDueAt: extended, count: 1 })).toThrow(/once/);
    expect(() => POPIA.extend('access', { ...input, until: originalDueAt })).toThrow(ExtensionRefused);
  });

  it('ends the extension on the next day that is not a Sunday or public holiday', () => {
    const originalDueAt = POPIA.dueAt('access', at('2026-02-25')); // Fri 27 March
    expect(iso(originalDueAt)).toBe(endOf('2026-03-27'));
    // 30 more days: Sun 26 April, then Freedom Day → Tue 28 April.
    expect(iso(POPIA.extend('access', { originalDueAt, currentDueAt: originalDueAt, count: 0 }))).toBe(
      endOf('2026-04-28'),
    );
    const yearEnd = POPIA.dueAt('access', at('2026-11-26')); // Mon 28 December
    expect(iso(POPIA.extend('access', { originalDueAt: yearEnd, currentDueAt: yearEnd, count: 0 }))).toBe(
      endOf('2027-01-27'),
    );
  });

  it('refuses extensions of anything but access', () => {
    const dueAt = POPIA.dueAt('correction_deletion', at('2026-03-02'));
    for (const type of ['correction_deletion', 'objection', 'objection_direct_marketing']) {
      expect(() => POPIA.extend(type, { originalDueAt: dueAt, currentDueAt: dueAt, count: 0 })).toThrow(
        /Only an access request/,
      );
    }
    expect(() => POPIA.dueAt('erasure', at('2026-03-02'))).toThrow(/not a request type/);
  });

  it('notifies the Regulator and the data subjects of every compromise, as soon as reasonably possible', () => {
    for (const risk of ['low', 'medium', 'high'] as const) {
      expect(
        POPIA.breachObligations({ detectedAt: at('2026-12-04'), risk, affectedCount: 3 }).map((o) => [
          o.recipient,
          o.dueAt,
        ]),
      ).toEqual([
        ['authority', null],
        ['individuals', null],
      ]);
    }
  });

  it('assesses the eight conditions for lawful processing, four of them from the data', () => {
    expect(POPIA.controls.map((c) => [c.id, c.legalReference, c.automatic ?? null])).toEqual([
      ['accountability', 'POPIA s.8, s.55, s.56', 'information_officer_registered'],
      ['processing_limitation', 'POPIA ss.9–12', null],
      ['purpose_specification', 'POPIA ss.13–14', null],
      ['further_processing_limitation', 'POPIA s.15', null],
      ['information_quality', 'POPIA s.16', null],
      ['openness', 'POPIA ss.17–18', 'processing_records_kept'],
      ['security_safeguards', 'POPIA ss.19–22', 'security_compromises_notified'],
      ['data_subject_participation', 'POPIA ss.23–25; PAIA s.25', 'no_overdue_requests'],
    ]);
  });
});

describe('South African ID numbers as subject identifiers', () => {
  it('accepts a valid sa_id, spaces ignored, and refuses a bad check digit or date', () => {
    expect(parseSubject('sa_id:8001015009087')).toEqual({ kind: 'sa_id', value: '8001015009087' });
    expect(parseSubject('sa_id: 800101 5009 087 ')).toEqual({ kind: 'sa_id', value: '800101 5009 087' });
    expect(parseSubject('sa_id:8001015009088')).toMatch(/check digit \(the 13th\) is wrong/);
    expect(parseSubject('sa_id:8013015009087')).toMatch(/not a valid South African ID number \(13 digits/);
    expect(parseSubject('sa_id:800101500908')).toMatch(/not a valid South African ID number \(13 digits/);
    expect(parseSubject('sa_id:')).toBe('has no value after the kind');
  });
});
