// The Privacy page's rules: the subject and received date it sends, dates in a regime's
// time zone, the pieces of scanned text it highlights and the actions it offers, and for the
// four newer regimes: which show requests, BAA review highlighting, SOX change steps and
// deficiency groups, and the POPIA Information Officer it sends.
import { describe, expect, it } from 'vitest';
import {
  actionsFor,
  canWrite,
  changeStepsFor,
  formatInZone,
  hasDataSubjects,
  localDateIn,
  officerFrom,
  openBySeverity,
  REGIMES,
  reviewState,
  segmentText,
  serviceBase,
  startOfLocalDay,
  subjectFrom,
  zoneName,
} from './privacy.ts';

describe('subjectFrom', () => {
  it('joins kind and value as the service takes them, trimmed', () => {
    expect(subjectFrom('email', '', '  ana@example.com ')).toEqual({ ok: true, subject: 'email:ana@example.com' });
    expect(subjectFrom('customer_id', '', 'C-1042')).toEqual({ ok: true, subject: 'customer_id:C-1042' });
  });

  it('keeps a phone number as digits and its plus sign', () => {
    expect(subjectFrom('phone', '', '+55 (11) 91234-5678')).toEqual({ ok: true, subject: 'phone:+5511912345678' });
  });

  it('takes another kind in lowercase, and refuses one that is not a name', () => {
    expect(subjectFrom('other', ' Loyalty_Card ', '889')).toEqual({ ok: true, subject: 'loyalty_card:889' });
    expect(subjectFrom('other', 'loyalty card', '889')).toMatchObject({ ok: false, field: 'kind' });
    expect(subjectFrom('other', '', '889')).toMatchObject({ ok: false, field: 'kind' });
  });

  it('says what is wrong with the value', () => {
    expect(subjectFrom('email', '', '  ')).toMatchObject({ ok: false, field: 'value' });
    expect(subjectFrom('email', '', 'ana.example.com')).toMatchObject({ ok: false, field: 'value' });
    expect(subjectFrom('phone', '', 'call me')).toMatchObject({ ok: false, field: 'value' });
  });

  it('asks for the identifier of the person the form is about', () => {
    expect(subjectFrom('email', '', '')).toMatchObject({
      error: 'Enter the identifier of the person the request is from.',
    });
    expect(subjectFrom('customer_id', '', ' ', 'the patient')).toMatchObject({
      field: 'value',
      error: 'Enter the identifier of the patient.',
    });
  });
});

describe('dates in a time zone', () => {
  const due = '2026-12-20T02:59:59.999Z'; // end of 2026-12-19 in São Paulo

  it('shows an instant as the zone reads it', () => {
    expect(formatInZone(due, 'America/Sao_Paulo')).toBe('2026-12-19 23:59');
    expect(formatInZone(due, 'UTC')).toBe('2026-12-20 02:59');
    expect(formatInZone(due, 'Europe/Brussels')).toBe('2026-12-20 03:59');
    expect(localDateIn(new Date(due), 'America/Los_Angeles')).toBe('2026-12-19');
  });

  it('names the zone at that instant', () => {
    expect(zoneName(due, 'America/Sao_Paulo')).toBe('GMT-3');
    expect(zoneName(due, 'UTC')).toBe('UTC');
  });

  it('starts a received day at local midnight of the regime, whatever the viewer’s zone', () => {
    expect(startOfLocalDay('2026-12-04', 'America/Sao_Paulo')).toBe('2026-12-04T03:00:00.000Z');
    expect(startOfLocalDay('2026-12-04', 'Europe/Brussels')).toBe('2026-12-03T23:00:00.000Z');
    expect(startOfLocalDay('2026-07-04', 'Europe/Brussels')).toBe('2026-07-03T22:00:00.000Z');
    expect(startOfLocalDay('2026-03-08', 'America/Los_Angeles')).toBe('2026-03-08T08:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/Los_Angeles')).toBe('2026-03-09T07:00:00.000Z');
    expect(startOfLocalDay('2026-12-04', 'Pacific/Kiritimati')).toBe('2026-12-03T10:00:00.000Z');
  });

  it('starts a day whose midnight does not exist at its first minute', () => {
    // Santiago moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(formatInZone('2026-09-06T04:00:00.000Z', 'America/Santiago')).toBe('2026-09-06 01:00');
  });

  it('refuses dates that do not exist', () => {
    expect(startOfLocalDay('2026-02-30', 'UTC')).toBeNull();
    expect(startOfLocalDay('04/12/2026', 'UTC')).toBeNull();
  });
});

describe('segmentText', () => {
  const text = 'Contato: ana@example.com, CPF 529.982.247-25';

  it('cuts the text into plain pieces and found values, every character once', () => {
    const findings = [
      { type: 'br_cpf', start: 30, end: 44, confidence: 0.99 },
      { type: 'email', start: 9, end: 24, confidence: 0.98 },
    ];
    const segments = segmentText(text, findings);
    expect(segments.map((s) => [s.text, s.finding?.type])).toEqual([
      ['Contato: ', undefined],
      ['ana@example.com', 'email'],
      [', CPF ', undefined],
      ['529.982.247-25', 'br_cpf'],
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('clips overlapping and out-of-range findings', () => {
    const segments = segmentText('abcdef', [
      { type: 'a', start: 1, end: 4, confidence: 1 },
      { type: 'b', start: 3, end: 9, confidence: 1 },
    ]);
    expect(segments.map((s) => [s.text, s.finding?.type])).toEqual([
      ['a', undefined],
      ['bcd', 'a'],
      ['ef', 'b'],
    ]);
    expect(segmentText('abc', [])).toEqual([{ text: 'abc' }]);
  });
});

describe('requests', () => {
  it('offers the next steps of each status, none once closed', () => {
    expect(actionsFor('received')).toEqual(['verify', 'reject']);
    expect(actionsFor('identity_verified')).toEqual(['start', 'complete', 'reject']);
    expect(actionsFor('in_progress')).toEqual(['complete', 'reject']);
    expect(actionsFor('completed')).toEqual([]);
    expect(actionsFor('rejected')).toEqual([]);
  });

  it('lets the dpo and the operator write, the auditor read', () => {
    expect(canWrite(['dpo'])).toBe(true);
    expect(canWrite(['operator'])).toBe(true);
    expect(canWrite(['auditor'])).toBe(false);
    expect(canWrite([])).toBe(false);
  });

  it('talks to each regime’s service through the gateway', () => {
    expect(serviceBase('gdpr')).toBe('/api/gdpr-compliance');
    expect(serviceBase('ccpa')).toBe('/api/ccpa-compliance');
    expect(serviceBase('lgpd')).toBe('/api/lgpd-compliance');
    expect(serviceBase('hipaa')).toBe('/api/hipaa-compliance');
    expect(serviceBase('sox')).toBe('/api/sox-compliance');
    expect(serviceBase('pipeda')).toBe('/api/pipeda-compliance');
    expect(serviceBase('popia')).toBe('/api/south-african-compliance');
  });
});

describe('the regimes', () => {
  it('offers all seven, labelled as people know them', () => {
    expect(REGIMES.map((r) => r.label)).toEqual(['GDPR', 'CCPA', 'LGPD', 'HIPAA', 'SOX', 'PIPEDA', 'POPIA']);
  });

  it('shows data-subject requests and consents for every regime but SOX', () => {
    expect(REGIMES.filter((r) => !hasDataSubjects(r.regime)).map((r) => r.regime)).toEqual(['sox']);
    expect(hasDataSubjects('hipaa')).toBe(true);
    expect(hasDataSubjects('popia')).toBe(true);
  });
});

describe('HIPAA business associates', () => {
  const now = new Date('2026-12-07T15:00:00.000Z');

  it('marks a review past its date, one due within 30 days, and a later one', () => {
    expect(reviewState('2026-12-07T14:59:59.999Z', now)).toBe('overdue');
    expect(reviewState('2026-12-07T15:00:00.000Z', now)).toBe('soon');
    expect(reviewState('2027-01-06T15:00:00.000Z', now)).toBe('soon');
    expect(reviewState('2027-01-06T15:00:00.001Z', now)).toBe('ok');
    expect(reviewState('2026-12-20T00:00:00.000Z', now, 7)).toBe('ok');
  });
});

describe('SOX', () => {
  it('offers approve and reject on a requested change, deploy on an approved one, nothing after', () => {
    expect(changeStepsFor('requested')).toEqual(['approve', 'reject']);
    expect(changeStepsFor('approved')).toEqual(['deploy']);
    expect(changeStepsFor('rejected')).toEqual([]);
    expect(changeStepsFor('deployed')).toEqual([]);
  });

  it('groups the open deficiencies by severity, gravest first and oldest first within each', () => {
    const d = (id: string, severity: string, identifiedAt: string, status = 'open') => ({
      id,
      severity,
      identifiedAt,
      status,
    });
    const groups = openBySeverity([
      d('a', 'deficiency', '2026-10-02T00:00:00Z'),
      d('b', 'material_weakness', '2026-11-01T00:00:00Z'),
      d('c', 'deficiency', '2026-09-01T00:00:00Z'),
      d('d', 'significant_deficiency', '2026-08-01T00:00:00Z', 'remediated'),
    ]);
    expect(groups.map((g) => [g.severity, g.items.map((i) => i.id)])).toEqual([
      ['material_weakness', ['b']],
      ['deficiency', ['c', 'a']],
    ]);
    expect(openBySeverity([])).toEqual([]);
  });
});

describe('the POPIA Information Officer', () => {
  const fields = {
    name: ' Thandi Nkosi ',
    email: 'thandi@example.co.za',
    phone: '+27 21 555 0100',
    registrationNumber: '',
    registeredOn: '',
  };

  it('sends the officer trimmed, unregistered until number and date are both given', () => {
    expect(officerFrom(fields, 'Africa/Johannesburg')).toEqual({
      ok: true,
      officer: {
        name: 'Thandi Nkosi',
        email: 'thandi@example.co.za',
        phone: '+27 21 555 0100',
        registrationNumber: null,
        registeredAt: null,
      },
    });
  });

  it('sends the registration day as its start in Johannesburg', () => {
    const registered = officerFrom(
      { ...fields, registrationNumber: 'IR-2026-0042', registeredOn: '2026-11-02' },
      'Africa/Johannesburg',
    );
    expect(registered).toMatchObject({
      ok: true,
      officer: { registrationNumber: 'IR-2026-0042', registeredAt: '2026-11-01T22:00:00.000Z' },
    });
  });

  it('says which field is wrong, and that number and date go together', () => {
    const result = officerFrom(
      { name: ' ', email: 'thandi', phone: 'call', registrationNumber: 'IR-1', registeredOn: '' },
      'Africa/Johannesburg',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['email', 'name', 'phone', 'registeredOn']);
    const dateOnly = officerFrom({ ...fields, registeredOn: '2026-11-02' }, 'Africa/Johannesburg');
    expect(dateOnly).toMatchObject({ ok: false, errors: { registrationNumber: expect.any(String) } });
  });
});
