// The PIPEDA rule pack: the 30-day limit of s. 8(3) and its one 30-day extension counted as the
// Interpretation Act counts (Sundays and federal holidays push the end), the 24-month retention
// of breach records at leap-day and month-end edges, the ten fair information principles as
// controls, and the RROSH rule deciding when the OPC and individuals must be told.
import { describe, expect, it } from 'vitest';
import { ExtensionRefused, rulePack } from './index.ts';
import {
  breachRecordKeptUntil,
  canadaFederalHolidays,
  PIPEDA,
  PipedaBreachDetailsSchema,
  RROSH_LEVELS,
  rroshOutcome,
} from './pipeda.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
/** Received at 10:00 Toronto time on `day` (EST −5 in winter, EDT −4 in summer). */
const at = (day: string, offset = '-05:00') => new Date(`${day}T10:00:00${offset}`);
const due = (type: string, received: Date) => iso(PIPEDA.dueAt(type, received));
const extend = (received: Date, count = 0, until?: Date) => {
  const originalDueAt = PIPEDA.dueAt('access', received);
  return iso(PIPEDA.extend('access', { originalDueAt, currentDueAt: originalDueAt, count, until }));
};
const breach = (rrosh: Record<string, unknown>, organizations?: string[]) => ({
  detectedAt: new Date('2026-12-04T15:00:00Z'),
  risk: 'high' as const,
  affectedCount: 10,
  details: PipedaBreachDetailsSchema.parse({ rrosh: { rationale: 'assessed', ...rrosh }, organizations }),
});

describe('PIPEDA rule pack', () => {
  it('is registered, counts in Toronto time and never pauses for verification', () => {
    expect(rulePack('pipeda')).toBe(PIPEDA);
    expect(PIPEDA.calendar.timeZone).toBe('America/Toronto');
    expect(PIPEDA.pausesWhileVerifying).toBe(false);
    expect(PIPEDA.requestTypes.map((r) => r.type)).toEqual(['access', 'correction']);
    expect(PIPEDA.interim('access', at('2026-12-04'))).toEqual([]);
    expect(PIPEDA.lookBackFrom('correction', at('2026-12-04'))).toBeNull();
    expect(() => PIPEDA.dueAt('erasure', at('2026-12-04'))).toThrow(/not a request type/);
  });

  it('has the ten fair information principles of Schedule 1 as controls, 4.1 to 4.10', () => {
    expect(PIPEDA.controls.map((c) => [c.id, c.legalReference.match(/Principle (4\.\d+)/)?.[1]])).toEqual([
      ['accountability', '4.1'],
      ['identifying_purposes', '4.2'],
      ['consent', '4.3'],
      ['limiting_collection', '4.4'],
      ['limiting_use_disclosure_retention', '4.5'],
      ['accuracy', '4.6'],
      ['safeguards', '4.7'],
      ['openness', '4.8'],
      ['individual_access', '4.9'],
      ['challenging_compliance', '4.10'],
    ]);
    expect(Object.fromEntries(PIPEDA.controls.filter((c) => c.automatic).map((c) => [c.id, c.automatic]))).toEqual({
      accountability: 'processing_records_kept',
      safeguards: 'pipeda_breach_reports_made',
      individual_access: 'no_overdue_requests',
    });
  });

  it('lists the federal holidays of the Interpretation Act s. 35, Sunday holidays moving to Monday', () => {
    expect(canadaFederalHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-03', // Good Friday
      '2026-04-06', // Easter Monday
      '2026-05-18', // Victoria Day: the Monday before May 25
      '2026-07-01',
      '2026-09-07', // Labour Day
      '2026-09-30', // National Day for Truth and Reconciliation
      '2026-10-12', // Thanksgiving
      '2026-11-11',
      '2026-12-25',
    ]);
    expect(canadaFederalHolidays(2022)).not.toContain('2022-01-03'); // 2022-01-01 a Saturday: no shift…
    expect(canadaFederalHolidays(2023)).toContain('2023-01-02'); // …2023-01-01 a Sunday: Monday too
    expect(canadaFederalHolidays(2020)).not.toContain('2020-09-30'); // from 2021 only
  });

  it('answers an access or correction request within 30 days: first day excluded, to the end of the last', () => {
    // Wednesday 4 November 2026 + 30 = Friday 4 December, 23:59:59.999 Toronto (EST).
    expect(due('access', at('2026-11-04'))).toBe('2026-12-05T04:59:59.999Z');
    expect(due('correction', at('2026-11-04'))).toBe('2026-12-05T04:59:59.999Z');
    // Received at 23:30 Toronto on 4 November, already 5 November in UTC: still a 4 November receipt.
    expect(due('access', new Date('2026-11-05T04:30:00Z'))).toBe('2026-12-05T04:59:59.999Z');
    // A Saturday is a day like any other: 1 October + 30 = Saturday 31 October (EDT −4).
    expect(due('access', at('2026-10-01', '-04:00'))).toBe('2026-11-01T03:59:59.999Z');
  });

  it('runs a limit ending on a Sunday or a federal holiday to the next day that is neither', () => {
    // 4 December 2026 + 30 = Sunday 3 January 2027 → Monday 4 January.
    expect(due('access', at('2026-12-04'))).toBe('2027-01-05T04:59:59.999Z');
    // 1 June + 30 = Canada Day (Wednesday 1 July) → Thursday 2 July (EDT).
    expect(due('access', at('2026-06-01', '-04:00'))).toBe('2026-07-03T03:59:59.999Z');
    // 12 September + 30 = Thanksgiving (Monday 12 October) → Tuesday 13 October.
    expect(due('access', at('2026-09-12', '-04:00'))).toBe('2026-10-14T03:59:59.999Z');
    // 10 October + 30 = Monday 9 November: no holiday, no shift.
    expect(due('access', at('2026-10-10', '-04:00'))).toBe('2026-11-10T04:59:59.999Z');
    // 26 November + 30 = Saturday 26 December: not a holiday under the Act (Boxing Day is provincial).
    expect(due('access', at('2026-11-26'))).toBe('2026-12-27T04:59:59.999Z');
  });

  it('extends once by up to 30 days from the original limit, never twice nor beyond', () => {
    // Original limit Friday 4 December 2026; + 30 = Sunday 3 January 2027 → Monday 4 January.
    expect(extend(at('2026-11-04'))).toBe('2027-01-05T04:59:59.999Z');
    // Original limit Monday 4 January 2027 (after the Sunday shift); + 30 = Wednesday 3 February.
    expect(extend(at('2026-12-04'))).toBe('2027-02-04T04:59:59.999Z');
    // A shorter extension is allowed.
    expect(extend(at('2026-11-04'), 0, new Date('2026-12-18T23:00:00Z'))).toBe('2026-12-18T23:00:00.000Z');
    expect(() => extend(at('2026-11-04'), 1)).toThrow(ExtensionRefused);
    expect(() => extend(at('2026-11-04'), 1)).toThrow(/already been extended once, which is all PIPEDA s\. 8\(4\)/);
    expect(() => extend(at('2026-11-04'), 0, new Date('2027-01-06T12:00:00Z'))).toThrow(
      /to 2027-01-04 at the latest; 2027-01-06 is beyond it/,
    );
  });

  it('keeps a breach record 24 months from the Toronto day of detection, to the end of that day', () => {
    expect(iso(breachRecordKeptUntil(new Date('2026-12-04T15:00:00Z')))).toBe('2028-12-05T04:59:59.999Z');
    // Detected 23:30 on 31 December 2026 Toronto (1 January 2027 UTC): the Toronto day counts.
    expect(iso(breachRecordKeptUntil(new Date('2027-01-01T04:30:00Z')))).toBe('2029-01-01T04:59:59.999Z');
    // Leap day: 29 February 2024 → 28 February 2026 (no 29th); 28 February 2026 → 28 February 2028, not the 29th.
    expect(iso(breachRecordKeptUntil(at('2024-02-29')))).toBe('2026-03-01T04:59:59.999Z');
    expect(iso(breachRecordKeptUntil(at('2026-02-28')))).toBe('2028-02-29T04:59:59.999Z');
    // Month ends stay month ends of the same month: 31 August 2025 → 31 August 2027 (EDT).
    expect(iso(breachRecordKeptUntil(at('2025-08-31', '-04:00')))).toBe('2027-09-01T03:59:59.999Z');
  });

  it('finds a real risk of significant harm only when sensitivity and probability are both medium or high', () => {
    const table = RROSH_LEVELS.map((sensitivity) =>
      RROSH_LEVELS.map(
        (probabilityOfMisuse) => rroshOutcome({ sensitivity, probabilityOfMisuse, factors: [] }).outcome,
      ),
    );
    expect(table).toEqual([
      ['no_real_risk', 'no_real_risk', 'no_real_risk'],
      ['no_real_risk', 'real_risk', 'real_risk'],
      ['no_real_risk', 'real_risk', 'real_risk'],
    ]);
  });

  it('moves the probability of misuse by the factors before deciding', () => {
    const r = (
      sensitivity: 'low' | 'medium' | 'high',
      probabilityOfMisuse: 'low' | 'medium' | 'high',
      factors: string[],
    ) => rroshOutcome({ sensitivity, probabilityOfMisuse, factors: factors as never });
    // Deliberate theft raises a low probability: medium sensitivity becomes a real risk.
    expect(r('medium', 'low', ['malicious_intent'])).toEqual({ probability: 'medium', outcome: 'real_risk' });
    // Recovered before it could be read: medium falls to low, no real risk.
    expect(r('high', 'medium', ['data_recovered'])).toEqual({ probability: 'low', outcome: 'no_real_risk' });
    // Encryption with the key safe: low, whatever raised it.
    expect(r('high', 'high', ['encrypted', 'malicious_intent', 'publicly_exposed'])).toEqual({
      probability: 'low',
      outcome: 'no_real_risk',
    });
    // Shown misuse beats encryption and recovery.
    expect(r('medium', 'low', ['encrypted', 'data_recovered', 'data_misused'])).toEqual({
      probability: 'high',
      outcome: 'real_risk',
    });
    // Low sensitivity is never a real risk, even with misuse shown.
    expect(r('low', 'high', ['data_misused'])).toEqual({ probability: 'high', outcome: 'no_real_risk' });
    // Kept within low…high: three raises from low reach high; a raise and a fall cancel.
    expect(r('medium', 'low', ['malicious_intent', 'long_exposure', 'publicly_exposed']).probability).toBe('high');
    expect(r('medium', 'low', ['long_exposure', 'data_recovered'])).toEqual({
      probability: 'low',
      outcome: 'no_real_risk',
    });
    expect(r('medium', 'low', ['data_recovered']).probability).toBe('low');
  });

  it('records the factors, the computed outcome and a DPO override, and refuses a malformed assessment', () => {
    const parsed = PipedaBreachDetailsSchema.parse({
      rrosh: {
        sensitivity: 'high',
        probabilityOfMisuse: 'low',
        factors: ['malicious_intent'],
        harms: ['identity_theft'],
        rationale: 'SINs taken by a thief',
      },
    });
    expect(parsed).toEqual({
      rrosh: {
        sensitivity: 'high',
        probabilityOfMisuse: 'low',
        adjustedProbability: 'medium',
        factors: ['malicious_intent'],
        harms: ['identity_theft'],
        rationale: 'SINs taken by a thief',
        computedOutcome: 'real_risk',
        outcome: 'real_risk',
        overridden: false,
      },
      organizations: [],
    });
    const overridden = PipedaBreachDetailsSchema.parse({
      rrosh: {
        sensitivity: 'medium',
        probabilityOfMisuse: 'low',
        factors: [],
        rationale: 'police advise a risk',
        outcome: 'real_risk',
      },
    });
    expect(overridden.rrosh).toMatchObject({ computedOutcome: 'no_real_risk', outcome: 'real_risk', overridden: true });
    const bad = (rrosh: unknown) => PipedaBreachDetailsSchema.safeParse({ rrosh }).success;
    const ok = { sensitivity: 'low', probabilityOfMisuse: 'low', factors: [], rationale: 'x' };
    expect(bad(ok)).toBe(true);
    expect(bad({ ...ok, sensitivity: 'extreme' })).toBe(false);
    expect(bad({ ...ok, factors: ['encrypted', 'encrypted'] })).toBe(false);
    expect(bad({ ...ok, factors: ['stolen'] })).toBe(false);
    expect(bad({ ...ok, rationale: '  ' })).toBe(false);
    expect(bad({ ...ok, extra: 1 })).toBe(false);
    expect(bad({ ...ok, outcome: 'maybe' })).toBe(false);
    expect(PipedaBreachDetailsSchema.safeParse({}).success).toBe(false);
  });

  it('reports to the OPC and notifies individuals exactly when the recorded outcome is a real risk', () => {
    const recipients = (b: ReturnType<typeof breach>) => PIPEDA.breachObligations(b).map((o) => [o.recipient, o.dueAt]);
    expect(recipients(breach({ sensitivity: 'high', probabilityOfMisuse: 'medium', factors: [] }))).toEqual([
      ['authority', null],
      ['individuals', null],
    ]);
    expect(recipients(breach({ sensitivity: 'high', probabilityOfMisuse: 'medium', factors: ['encrypted'] }))).toEqual(
      [],
    );
    // The recorded outcome rules, override included.
    expect(
      recipients(breach({ sensitivity: 'high', probabilityOfMisuse: 'high', factors: [], outcome: 'no_real_risk' })),
    ).toEqual([]);
    const withOrgs = PIPEDA.breachObligations(
      breach({ sensitivity: 'high', probabilityOfMisuse: 'high', factors: [] }, ['the bank', 'the police']),
    );
    expect(withOrgs.map((o) => o.recipient)).toEqual(['authority', 'individuals', 'organizations']);
    expect(withOrgs[2]?.recipientName).toContain('the bank; the police');
    expect(
      PIPEDA.breachObligations({
        ...breach({ sensitivity: 'low', probabilityOfMisuse: 'low', factors: [] }),
        details: undefined,
      }),
    ).toEqual([]);
  });
});
