import { describe, expect, it } from 'vitest';
import { accountingLookBackFrom, annualLogDueAt, HIPAA } from './hipaa.ts';
import { ExtensionRefused, rulePack } from './index.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const obligations = (breach: Parameters<typeof HIPAA.breachObligations>[0]) =>
  HIPAA.breachObligations(breach).map((o) => [o.recipient, iso(o.dueAt)]);

describe('HIPAA rule pack', () => {
  it('is registered, counts in New York time and never pauses for verification', () => {
    expect(rulePack('hipaa')).toBe(HIPAA);
    expect(HIPAA.calendar.timeZone).toBe('America/New_York');
    expect(HIPAA.pausesWhileVerifying).toBe(false);
    expect(HIPAA.lawfulBases.map((b) => b.id)).toEqual(
      expect.arrayContaining([
        'treatment',
        'payment',
        'health_care_operations',
        'authorization',
        'required_by_law',
        'public_health',
      ]),
    );
    expect(HIPAA.controls).toHaveLength(8);
    expect(HIPAA.controls.flatMap((c) => (c.automatic ? [c.automatic] : [])).sort()).toEqual([
      'baa_reviews_current',
      'no_missed_breach_notifications',
      'no_overdue_requests',
    ]);
    for (const type of HIPAA.requestTypes) expect(HIPAA.interim(type.type, new Date())).toEqual([]);
  });

  it('answers access in 30 days: received 2026-01-31 → due 2026-03-02 (end of day, EST)', () => {
    const receivedAt = new Date('2026-01-31T15:00:00Z'); // Sat 10:00 EST
    expect(iso(HIPAA.dueAt('access', receivedAt))).toBe('2026-03-03T04:59:59.999Z');
    // 30-day policy for the two §164.522 requests, which the rule sets no time for.
    expect(iso(HIPAA.dueAt('restriction', receivedAt))).toBe('2026-03-03T04:59:59.999Z');
    expect(iso(HIPAA.dueAt('confidential_communications', receivedAt))).toBe('2026-03-03T04:59:59.999Z');
    // Across a year end: received 2026-12-15 → due 2027-01-14.
    expect(iso(HIPAA.dueAt('access', new Date('2026-12-15T17:00:00Z')))).toBe('2027-01-15T04:59:59.999Z');
    // Late in the evening in New York is already the next day in UTC: the New York date counts.
    expect(iso(HIPAA.dueAt('access', new Date('2026-03-01T03:30:00Z')))).toBe('2026-03-31T03:59:59.999Z');
  });

  it('extends access once by at most 30 days: 2026-03-02 → 2026-04-01 (EDT), and no further', () => {
    const originalDueAt = HIPAA.dueAt('access', new Date('2026-01-31T15:00:00Z'));
    const extended = HIPAA.extend('access', { originalDueAt, currentDueAt: originalDueAt, count: 0 });
    expect(iso(extended)).toBe('2026-04-02T03:59:59.999Z'); // 2026-04-01 23:59:59.999 EDT
    const until = new Date('2026-03-20T12:00:00Z');
    expect(iso(HIPAA.extend('access', { originalDueAt, currentDueAt: originalDueAt, count: 0, until }))).toBe(
      '2026-03-20T12:00:00.000Z',
    );
    expect(() => HIPAA.extend('access', { originalDueAt, currentDueAt: extended, count: 1 })).toThrow(/once/);
    expect(() =>
      HIPAA.extend('access', {
        originalDueAt,
        currentDueAt: originalDueAt,
        count: 0,
        until: new Date('2026-04-02T04:00:00Z'), // 2026-04-02 00:00 EDT: one day too far
      }),
    ).toThrow(/2026-04-01 at the latest/);
  });

  it('answers amendment and accounting in 60 days, extendable once by 30', () => {
    const receivedAt = new Date('2026-01-31T15:00:00Z');
    const amendment = HIPAA.dueAt('amendment', receivedAt);
    expect(iso(amendment)).toBe('2026-04-02T03:59:59.999Z'); // 2026-04-01
    expect(iso(HIPAA.extend('amendment', { originalDueAt: amendment, currentDueAt: amendment, count: 0 }))).toBe(
      '2026-05-02T03:59:59.999Z', // 2026-05-01
    );
    // Leap year: received 2028-01-01 → 2028-03-01 (February has 29 days), extended to 2028-03-31.
    const accounting = HIPAA.dueAt('accounting', new Date('2028-01-01T15:00:00Z'));
    expect(iso(accounting)).toBe('2028-03-02T04:59:59.999Z');
    expect(iso(HIPAA.extend('accounting', { originalDueAt: accounting, currentDueAt: accounting, count: 0 }))).toBe(
      '2028-04-01T03:59:59.999Z',
    );
  });

  it('allows no extension of restriction or confidential communications requests', () => {
    const dueAt = HIPAA.dueAt('restriction', new Date('2026-06-01T15:00:00Z'));
    for (const type of ['restriction', 'confidential_communications']) {
      expect(() => HIPAA.extend(type, { originalDueAt: dueAt, currentDueAt: dueAt, count: 0 })).toThrow(
        ExtensionRefused,
      );
    }
  });

  it('looks back six years for an accounting of disclosures, and only for it', () => {
    const receivedAt = new Date('2026-01-31T15:00:00Z');
    expect(iso(HIPAA.lookBackFrom('accounting', receivedAt))).toBe('2020-01-31T05:00:00.000Z');
    expect(HIPAA.lookBackFrom('access', receivedAt)).toBeNull();
    // From a leap day: 2028-02-29 → 2022-02-28 (00:00 EST).
    expect(iso(accountingLookBackFrom(new Date('2028-02-29T17:00:00Z')))).toBe('2022-02-28T05:00:00.000Z');
    // Summer: 2026-07-04 → 2020-07-04 00:00 EDT.
    expect(iso(accountingLookBackFrom(new Date('2026-07-04T12:00:00Z')))).toBe('2020-07-04T04:00:00.000Z');
  });

  it('notifies individuals within 60 days and HHS with them when 500 or more are affected', () => {
    const detectedAt = new Date('2026-11-20T15:00:00Z'); // 2026-11-20 10:00 EST → 2027-01-19
    expect(obligations({ detectedAt, risk: 'high', affectedCount: 500 })).toEqual([
      ['individuals', '2027-01-20T04:59:59.999Z'],
      ['hhs', '2027-01-20T04:59:59.999Z'],
    ]);
    expect(HIPAA.breachObligations({ detectedAt, risk: 'high', affectedCount: 500 })[1]?.legalReference).toBe(
      '45 CFR §164.408(b)',
    );
  });

  it('logs fewer than 500 for HHS within 60 days of the year end: 2027-03-01, or 2028-02-29 in a leap year', () => {
    expect(obligations({ detectedAt: new Date('2026-11-20T15:00:00Z'), risk: 'medium', affectedCount: 499 })).toEqual([
      ['individuals', '2027-01-20T04:59:59.999Z'],
      ['hhs', '2027-03-02T04:59:59.999Z'], // 2027-03-01 23:59:59.999 EST
    ]);
    expect(obligations({ detectedAt: new Date('2027-06-10T15:00:00Z'), risk: 'high', affectedCount: 20 })).toEqual([
      ['individuals', '2027-08-10T03:59:59.999Z'], // 2027-08-09 EDT
      ['hhs', '2028-03-01T04:59:59.999Z'], // 2028-02-29 23:59:59.999 EST
    ]);
    // Discovered at 21:00 New York time on New Year's Eve (already 2027 in UTC): still the 2026 log.
    expect(iso(annualLogDueAt(new Date('2027-01-01T02:00:00Z')))).toBe('2027-03-02T04:59:59.999Z');
    expect(iso(annualLogDueAt(new Date('2027-01-01T05:00:00Z')))).toBe('2028-03-01T04:59:59.999Z');
  });

  it('tells the media of each state with MORE than 500 residents affected (not exactly 500)', () => {
    const detectedAt = new Date('2026-11-20T15:00:00Z');
    expect(
      obligations({
        detectedAt,
        risk: 'high',
        affectedCount: 2000,
        details: { residentsByState: { NY: 620, NJ: 500, CT: 501, PR: 0 } },
      }),
    ).toEqual([
      ['individuals', '2027-01-20T04:59:59.999Z'],
      ['hhs', '2027-01-20T04:59:59.999Z'],
      ['media:CT', '2027-01-20T04:59:59.999Z'],
      ['media:NY', '2027-01-20T04:59:59.999Z'],
    ]);
    expect(
      obligations({ detectedAt, risk: 'medium', affectedCount: 500, details: { residentsByState: { NY: 500 } } }),
    ).toEqual([
      ['individuals', '2027-01-20T04:59:59.999Z'],
      ['hhs', '2027-01-20T04:59:59.999Z'],
    ]);
  });

  it('requires no notification when the four-factor assessment shows a low probability of compromise', () => {
    expect(
      HIPAA.breachObligations({
        detectedAt: new Date('2026-11-20T15:00:00Z'),
        risk: 'low',
        affectedCount: 100_000,
        details: { residentsByState: { NY: 100_000 } },
      }),
    ).toEqual([]);
  });

  it('validates residentsByState: state and territory codes, whole non-negative counts', () => {
    const schema = HIPAA.breachDetails;
    if (!schema) throw new Error('HIPAA has breach details');
    expect(schema.safeParse(undefined).success).toBe(true);
    expect(schema.safeParse({ residentsByState: { NY: 620, DC: 1, GU: 3, VI: 0 } }).success).toBe(true);
    const messages = (value: unknown) =>
      (schema.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages({ residentsByState: { XX: 1 } })).toEqual([
      'residentsByState.XX: "XX" is not a U.S. state or territory code (two capital letters, e.g. NY, DC, PR)',
    ]);
    expect(messages({ residentsByState: { ny: 1 } })[0]).toMatch(/"ny" is not a U.S. state/);
    expect(messages({ residentsByState: { NY: -1 } })).toEqual(['residentsByState.NY: must not be negative']);
    expect(messages({ residentsByState: { NY: 1.5 } })).toEqual([
      'residentsByState.NY: must be a whole number of residents',
    ]);
    expect(messages({ residentsByState: { NY: '5' } })).toEqual([
      'residentsByState.NY: must be a whole number of residents',
    ]);
    expect(messages({ residentsByState: { NY: 1 }, extra: true })).toEqual([': unknown field "extra"']);
    expect(messages({ residentsByState: [] })[0]).toMatch(/state code → residents/);
  });
});
