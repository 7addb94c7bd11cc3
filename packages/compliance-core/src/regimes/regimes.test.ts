import { describe, expect, it } from 'vitest';
import { CCPA, ExtensionRefused, GDPR, LGPD, RULE_PACKS, rulePack } from './index.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const dueDates = (pack: typeof GDPR, start: Date) =>
  Object.fromEntries(pack.requestTypes.map(({ type }) => [type, iso(pack.dueAt(type, start))]));

describe('rulePack', () => {
  it('finds the seven packs and refuses others', () => {
    expect(rulePack('gdpr')).toBe(GDPR);
    expect(rulePack('ccpa')).toBe(CCPA);
    expect(rulePack('lgpd')).toBe(LGPD);
    expect(Object.keys(RULE_PACKS)).toEqual(['gdpr', 'ccpa', 'lgpd', 'hipaa', 'sox', 'pipeda', 'popia']);
    expect(() => rulePack('ferpa')).toThrow(/unknown regime/);
    expect(() => rulePack('toString')).toThrow(/unknown regime/);
  });

  it('gives every pack referenced controls, each with the automatic checks its regime can prove from the data', () => {
    const automatic = Object.fromEntries(
      Object.entries(RULE_PACKS).map(([regime, pack]) => {
        expect(pack.controls.length, regime).toBeGreaterThanOrEqual(5);
        for (const control of pack.controls) expect(control.legalReference, control.id).not.toBe('');
        return [regime, pack.controls.flatMap((control) => control.automatic ?? []).sort()];
      }),
    );
    const privacyRights = ['no_missed_breach_notifications', 'no_overdue_requests', 'processing_records_kept'];
    expect(automatic).toEqual({
      gdpr: privacyRights,
      ccpa: privacyRights,
      lgpd: privacyRights,
      hipaa: ['baa_reviews_current', 'no_missed_breach_notifications', 'no_overdue_requests'],
      sox: [
        'audit_chain_verifies',
        'certifications_current',
        'changes_segregated',
        'evidence_retained',
        'no_material_weakness',
      ],
      pipeda: ['no_overdue_requests', 'pipeda_breach_reports_made', 'processing_records_kept'],
      popia: [
        'information_officer_registered',
        'no_overdue_requests',
        'processing_records_kept',
        'security_compromises_notified',
      ],
    });
  });

  it('throws a plain Error for an unknown request type', () => {
    for (const pack of Object.values(RULE_PACKS)) {
      const input = { originalDueAt: new Date(), currentDueAt: new Date(), count: 0 };
      expect(() => pack.dueAt('nope', new Date())).toThrow(/not a request type/);
      expect(() => pack.interim('nope', new Date())).toThrow(/not a request type/);
      expect(() => pack.extend('nope', input)).toThrow(/not a request type/);
      expect(() => pack.extend('nope', input)).not.toThrow(ExtensionRefused);
    }
  });
});

describe('GDPR', () => {
  const start = new Date('2026-03-10T09:00:00Z');
  const originalDueAt = GDPR.dueAt('access', start);

  it('answers every request within one calendar month, Brussels time', () => {
    const due = '2026-04-10T21:59:59.999Z';
    expect(dueDates(GDPR, start)).toEqual({
      access: due,
      rectification: due,
      erasure: due,
      restriction: due,
      portability: due,
      objection: due,
      automated_decision: due,
    });
    expect(GDPR.pausesWhileVerifying).toBe(true);
    expect(GDPR.interim('access', start)).toEqual([]);
    expect(GDPR.lookBackFrom('access', start)).toBeNull();
    expect(GDPR.lawfulBases.map((basis) => basis.id)).toEqual([
      'consent',
      'contract',
      'legal_obligation',
      'vital_interests',
      'public_task',
      'legitimate_interests',
    ]);
  });

  it('extends twice, up to two further months, and no more', () => {
    const first = GDPR.extend('erasure', {
      originalDueAt,
      currentDueAt: originalDueAt,
      count: 0,
      until: new Date('2026-05-10T21:59:59.999Z'),
    });
    expect(iso(first)).toBe('2026-05-10T21:59:59.999Z');
    const second = GDPR.extend('erasure', { originalDueAt, currentDueAt: first, count: 1 });
    expect(iso(second)).toBe('2026-06-10T21:59:59.999Z');
    expect(() => GDPR.extend('erasure', { originalDueAt, currentDueAt: second, count: 2 })).toThrow(ExtensionRefused);
    expect(() => GDPR.extend('erasure', { originalDueAt, currentDueAt: second, count: 2 })).toThrow(/2 times/);
  });

  it('refuses a date beyond the maximum, or not after the current due date', () => {
    const input = { originalDueAt, currentDueAt: originalDueAt, count: 0 };
    expect(() => GDPR.extend('access', { ...input, until: new Date('2026-06-11T08:00:00Z') })).toThrow(
      /2026-06-10 at the latest/,
    );
    expect(() => GDPR.extend('access', { ...input, until: originalDueAt })).toThrow(ExtensionRefused);
    const atMaximum = new Date('2026-06-10T21:59:59.999Z');
    expect(() => GDPR.extend('access', { ...input, currentDueAt: atMaximum, count: 1 })).toThrow(
      /already at the latest/,
    );
  });

  it('takes the maximum from the original due date at a month end', () => {
    const dueAt = GDPR.dueAt('access', new Date('2026-01-31T10:00:00Z'));
    expect(iso(dueAt)).toBe('2026-02-28T22:59:59.999Z');
    expect(iso(GDPR.extend('access', { originalDueAt: dueAt, currentDueAt: dueAt, count: 0 }))).toBe(
      '2026-04-28T21:59:59.999Z',
    );
  });

  it('notifies the authority within exactly 72 hours, and individuals when the risk is high', () => {
    const detectedAt = new Date('2026-12-04T18:30:00Z'); // Fri 19:30 Brussels
    expect(
      GDPR.breachObligations({ detectedAt, risk: 'high', affectedCount: 10 }).map((o) => [o.recipient, iso(o.dueAt)]),
    ).toEqual([
      ['authority', '2026-12-07T18:30:00.000Z'], // Mon 19:30 Brussels
      ['individuals', null],
    ]);
    expect(GDPR.breachObligations({ detectedAt, risk: 'medium', affectedCount: 10 })).toEqual([
      {
        recipient: 'authority',
        recipientName: 'the lead supervisory authority',
        legalReference: 'GDPR Art. 33(1)',
        dueAt: new Date('2026-12-07T18:30:00.000Z'),
      },
    ]);
    expect(GDPR.breachObligations({ detectedAt, risk: 'low', affectedCount: 10 })).toEqual([]);
  });
});

describe('CCPA/CPRA', () => {
  const receivedAt = new Date('2026-11-20T18:00:00Z'); // Fri 10:00 PST

  it('answers in 45 calendar days, opt-out and limit in 15 business days', () => {
    expect(dueDates(CCPA, receivedAt)).toEqual({
      know: '2027-01-05T07:59:59.999Z', // Mon 2027-01-04 PST
      delete: '2027-01-05T07:59:59.999Z',
      correct: '2027-01-05T07:59:59.999Z',
      opt_out_sale_sharing: '2026-12-15T07:59:59.999Z', // Mon 2026-12-14, Thanksgiving skipped
      limit_sensitive: '2026-12-15T07:59:59.999Z',
    });
    expect(CCPA.pausesWhileVerifying).toBe(false);
  });

  it('confirms receipt within 10 business days for know, delete and correct', () => {
    expect(CCPA.interim('delete', receivedAt)).toEqual([
      {
        name: 'confirmation',
        label: 'Confirm receipt and explain how the request will be processed',
        legalReference: '11 CCR §7021(a)',
        dueAt: new Date('2026-12-08T07:59:59.999Z'), // Mon 2026-12-07 PST
      },
    ]);
    expect(CCPA.interim('opt_out_sale_sharing', receivedAt)).toEqual([]);
  });

  it('looks back 12 months for a request to know', () => {
    expect(iso(CCPA.lookBackFrom('know', receivedAt))).toBe('2025-11-20T08:00:00.000Z');
    expect(iso(CCPA.lookBackFrom('know', new Date('2028-02-29T20:00:00Z')))).toBe('2027-02-28T08:00:00.000Z');
    expect(CCPA.lookBackFrom('delete', receivedAt)).toBeNull();
  });

  it('extends once by 45 days, for know, delete and correct only', () => {
    const originalDueAt = CCPA.dueAt('know', receivedAt);
    const extended = CCPA.extend('know', { originalDueAt, currentDueAt: originalDueAt, count: 0 });
    expect(iso(extended)).toBe('2027-02-19T07:59:59.999Z'); // Thu 2027-02-18 PST
    expect(() => CCPA.extend('know', { originalDueAt, currentDueAt: extended, count: 1 })).toThrow(/once/);
    expect(() =>
      CCPA.extend('know', {
        originalDueAt,
        currentDueAt: originalDueAt,
        count: 0,
        until: new Date('2027-02-20T00:00:00Z'),
      }),
    ).toThrow(ExtensionRefused);
    const optOutDue = CCPA.dueAt('opt_out_sale_sharing', receivedAt);
    expect(() =>
      CCPA.extend('opt_out_sale_sharing', { originalDueAt: optOutDue, currentDueAt: optOutDue, count: 0 }),
    ).toThrow(ExtensionRefused);
    expect(() =>
      CCPA.extend('limit_sensitive', { originalDueAt: optOutDue, currentDueAt: optOutDue, count: 0 }),
    ).toThrow(/cannot be extended/);
  });

  it('notifies residents without a fixed time, and the Attorney General above 500', () => {
    const detectedAt = new Date('2026-12-05T03:30:00Z');
    const summary = (risk: 'low' | 'medium' | 'high', affectedCount: number) =>
      CCPA.breachObligations({ detectedAt, risk, affectedCount }).map((o) => [o.recipient, o.recipientName, o.dueAt]);
    expect(summary('medium', 500)).toEqual([['individuals', 'the California residents affected', null]]);
    expect(summary('high', 501)).toEqual([
      ['individuals', 'the California residents affected', null],
      ['authority', 'the California Attorney General', null],
    ]);
    expect(summary('low', 10_000)).toEqual([]);
  });
});

describe('LGPD', () => {
  const receivedAt = new Date('2026-12-04T13:00:00Z'); // Fri 10:00 São Paulo

  it('answers every request within 15 calendar days, São Paulo time', () => {
    const due = '2026-12-20T02:59:59.999Z'; // Sat 2026-12-19 end of day
    expect(dueDates(LGPD, receivedAt)).toEqual({
      confirmation: due,
      access: due,
      correction: due,
      anonymization_blocking_deletion: due,
      portability: due,
      deletion: due,
      sharing_information: due,
      consent_refusal_information: due,
      consent_revocation: due,
      review_automated_decision: due,
    });
    expect(LGPD.lawfulBases).toHaveLength(10);
  });

  it('gives a simplified answer by the end of the day of receipt, for confirmation and access', () => {
    for (const type of ['confirmation', 'access']) {
      expect(LGPD.interim(type, receivedAt).map((d) => [d.name, d.legalReference, iso(d.dueAt)])).toEqual([
        ['simplified', 'LGPD Art. 19 I', '2026-12-05T02:59:59.999Z'],
      ]);
    }
    expect(LGPD.interim('deletion', receivedAt)).toEqual([]);
  });

  it('allows no extension', () => {
    const dueAt = LGPD.dueAt('access', receivedAt);
    expect(LGPD.extension).toBeNull();
    expect(() => LGPD.extend('access', { originalDueAt: dueAt, currentDueAt: dueAt, count: 0 })).toThrow(
      ExtensionRefused,
    );
  });

  it('notifies the ANPD and data subjects within 3 business days unless the risk is low', () => {
    const detectedAt = new Date('2026-12-04T22:30:00Z'); // Fri 19:30 São Paulo
    expect(
      LGPD.breachObligations({ detectedAt, risk: 'medium', affectedCount: 3 }).map((o) => [
        o.recipient,
        o.recipientName,
        iso(o.dueAt),
      ]),
    ).toEqual([
      ['authority', 'ANPD', '2026-12-10T02:59:59.999Z'], // Wed 2026-12-09 end of day
      ['individuals', 'the data subjects affected', '2026-12-10T02:59:59.999Z'],
    ]);
    expect(LGPD.breachObligations({ detectedAt, risk: 'low', affectedCount: 3 })).toEqual([]);
  });
});
