// The HIPAA extension on a real Postgres database: PHI sealed at rest, the minimum necessary
// rule by role and purpose, the accounting of every read (refused ones too) and disclosure,
// the six-year look-back, business associate agreements and their automatic control,
// media notices from residentsByState, metrics, demo data and bad input.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../testing/service.ts';

const KEYS = {
  clinician: 'clinician-key-0123456789abcdef',
  billing: 'billing-key-0123456789abcdefgh',
  front_desk: 'front-desk-key-0123456789abcdef',
  researcher: 'researcher-key-0123456789abcdef',
  both: 'front-and-billing-key-0123456789',
} as const;
const API_KEYS = [
  `carol-1:clinician:${KEYS.clinician}`,
  `bill-1:billing:${KEYS.billing}`,
  `fran-1:front_desk:${KEYS.front_desk}`,
  `rita-1:researcher:${KEYS.researcher}`,
  `sam-1:front_desk|billing:${KEYS.both}`,
];
type Who = keyof typeof KEYS | 'dpo' | 'operator' | 'auditor';

const metric = (text: string, name: string, labels: string[] = []) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
    ?.split(' ')[1];

const MARIA = {
  patient: 'customer_id:MRN-100234',
  name: 'Maria Álvarez-Núñez',
  dateOfBirth: '1978-04-12',
  address: { line1: '214 W 96th St', city: 'New York', state: 'NY', postalCode: '10025' },
  phone: '+1 212 555 0143',
  email: 'maria.alvarez@example.com',
  ssn: '123-45-6789',
  medicalRecordNumber: 'MRN-100234',
  healthPlanNumber: 'EMP-4471-0092',
  diagnoses: [{ code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' }],
  medications: ['metformin 500 mg twice daily'],
  clinicalNotes: 'HbA1c 7.1%.\nContinue metformin.',
  billingCodes: ['99214', '83036'],
  insurance: { payer: 'Empire Health Plan', memberId: 'EHP889120' },
  appointments: [{ at: '2026-12-18T14:30:00Z', department: 'Endocrinology', with: 'Dr. Chen' }],
};

describe('HIPAA extension', () => {
  let t: TestService;
  let maria: string;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);
  const as = (who: Who) => (who in KEYS ? { 'x-api-key': KEYS[who as keyof typeof KEYS] } : t.as(who as 'dpo'));
  const read = (who: Who, id: string, purpose?: string) =>
    app()
      .get(api(`phi/records/${id}`))
      .query(purpose === undefined ? {} : { purpose })
      .set(as(who));
  const accountingOf = async (query: Record<string, string>, who: Who = 'auditor') => {
    const res = await app().get(api('phi/accounting')).query(query).set(as(who));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    // Friday 2026-12-04 10:00 New York.
    t = await startTestService('hipaa', { now: new Date('2026-12-04T15:00:00Z'), apiKeys: API_KEYS });
    const created = await app().post(api('phi/records')).set(as('clinician')).send(MARIA);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    maria = created.body.id;
  });
  afterAll(async () => t?.close());

  it('creates one record per patient, without echoing PHI, and keeps every field sealed at rest', async () => {
    const again = await app()
      .post(api('phi/records'))
      .set(as('dpo'))
      .send({ patient: 'customer_id:mrn100234', name: 'Someone' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already has a PHI record/);
    const found = await app().get(api('phi/records')).query({ patient: 'customer_id:MRN100234' }).set(as('billing'));
    expect(found.body).toMatchObject({ id: maria, version: 1, createdBy: 'carol-1' });
    expect(found.body.fields).toHaveLength(14);
    expect(JSON.stringify(found.body)).not.toContain('Maria');
    const pool = t.db.pool();
    try {
      const dump = JSON.stringify(
        (await pool.query('SELECT * FROM hipaa_phi_records')).rows.concat(
          (await pool.query('SELECT data FROM audit_log')).rows,
        ),
      );
      for (const secret of ['Maria', 'Álvarez', '123-45-6789', 'metformin', 'E11.9', 'EHP889120', '96th']) {
        expect(dump).not.toContain(secret);
      }
      expect(dump).toMatch(/"ssn":"v1\.k1\./);
    } finally {
      await pool.end();
    }
  });

  it('gives a clinician everything for treatment', async () => {
    const res = await read('clinician', maria, 'treatment');
    expect(res.status).toBe(200);
    const { patient: _patient, ...fields } = MARIA;
    expect(res.body).toMatchObject({ id: maria, purpose: 'treatment', role: 'clinician', withheld: [], reduced: {} });
    // Appointment times are stored as normalised instants (they may be sent as local dates).
    const appointments = [{ ...MARIA.appointments[0], at: '2026-12-18T14:30:00.000Z' }];
    expect(res.body.fields).toEqual({ ...fields, appointments });
  });

  it('gives billing only what payment needs, diagnosis codes without descriptions', async () => {
    const res = await read('billing', maria, 'payment');
    expect(res.status).toBe(200);
    expect(res.body.fields).toEqual({
      name: MARIA.name,
      dateOfBirth: MARIA.dateOfBirth,
      address: MARIA.address,
      healthPlanNumber: MARIA.healthPlanNumber,
      diagnoses: [{ code: 'E11.9' }],
      billingCodes: MARIA.billingCodes,
      insurance: MARIA.insurance,
    });
    expect(res.body.withheld).toEqual([
      'phone',
      'email',
      'ssn',
      'medicalRecordNumber',
      'medications',
      'clinicalNotes',
      'appointments',
    ]);
    expect(res.body.reduced).toEqual({ diagnoses: 'diagnosis codes only' });
  });

  it('gives the front desk name, birth date, phone and appointments; a researcher a limited data set', async () => {
    const desk = await read('front_desk', maria, 'health_care_operations');
    expect(Object.keys(desk.body.fields)).toEqual(['name', 'dateOfBirth', 'phone', 'appointments']);
    expect(desk.body.withheld).toHaveLength(10);
    const research = await read('researcher', maria, 'research');
    expect(research.body.fields).toEqual({
      dateOfBirth: '1978-04-12',
      address: { city: 'New York', state: 'NY', postalCode: '10025' },
      diagnoses: MARIA.diagnoses,
      medications: MARIA.medications,
      billingCodes: MARIA.billingCodes,
    });
    expect(research.body.withheld).toEqual(
      expect.arrayContaining(['name', 'phone', 'email', 'ssn', 'medicalRecordNumber', 'healthPlanNumber']),
    );
    const dpo = await read('dpo', maria, 'individual_access');
    expect(Object.keys(dpo.body.fields)).toHaveLength(14);
    // Two roles: the one whose rule allows the purpose applies.
    const both = await read('both', maria, 'payment');
    expect(both.body.role).toBe('billing');
  });

  it('refuses a purpose the role may not use with a 403 that names its purposes, and records the refusal', async () => {
    const refused = await read('billing', maria, 'treatment');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(
      'the minimum necessary rule (45 CFR §164.502(b), §164.514(d)) does not let role billing read PHI for ' +
        '"treatment"; it may read for: payment (as billing)',
    );
    const both = await read('both', maria, 'research');
    expect(both.status).toBe(403);
    expect(both.body.detail).toMatch(/health_care_operations \(as front_desk\), payment \(as billing\)/);
    expect((await read('dpo', maria, 'treatment')).body.detail).toMatch(/may read for: individual_access/);
    // Auditors and operators are not PHI readers at all.
    expect((await read('auditor', maria, 'treatment')).status).toBe(403);
    expect((await read('operator', maria, 'treatment')).status).toBe(403);
    const mine = await accountingOf({ accessor: 'bill-1' });
    expect(mine.entries.map((e: { outcome: string; purpose: string }) => [e.outcome, e.purpose])).toEqual([
      ['ok', 'payment'],
      ['refused', 'treatment'],
    ]);
    expect(mine.entries[1]).toMatchObject({
      kind: 'read',
      role: 'billing',
      fields: [],
      reason: expect.stringMatching(/may read for: payment/),
    });
    const audit = await app().get(api('audit')).query({ limit: 50 }).set(as('auditor'));
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'hipaa.phi_read_refused')).toHaveLength(3);
    expect(JSON.stringify(audit.body)).not.toContain('Maria');
  });

  it("puts every read in the patient's accounting: who, role, purpose, fields, when", async () => {
    const acct = await accountingOf({ patient: 'customer_id:MRN100234' }, 'dpo');
    expect(acct.from).toBe('2020-12-04T05:00:00.000Z'); // six years back, 00:00 New York
    expect(acct.to).toBe('2026-12-04T15:00:00.000Z');
    expect(
      acct.entries.map((e: { accessor: string; role: string; purpose: string; outcome: string }) =>
        [e.accessor, e.role, e.purpose, e.outcome].join(' '),
      ),
    ).toEqual([
      'carol-1 clinician treatment ok',
      'bill-1 billing payment ok',
      'fran-1 front_desk health_care_operations ok',
      'rita-1 researcher research ok',
      'dpo-1 dpo individual_access ok',
      'sam-1 billing payment ok',
      'bill-1 billing treatment refused',
      'sam-1 front_desk,billing research refused',
      'dpo-1 dpo treatment refused',
    ]);
    expect(acct.entries[1]).toMatchObject({
      at: '2026-12-04T15:00:00.000Z',
      recordId: maria,
      fields: ['name', 'dateOfBirth', 'address', 'healthPlanNumber', 'diagnoses', 'billingCodes', 'insurance'],
    });
    const unknown = await app().get(api('phi/accounting')).query({ patient: 'customer_id:NOBODY1' }).set(as('auditor'));
    expect(unknown.status).toBe(404);
    expect((await app().get(api('phi/accounting')).query({ accessor: 'bill-1' }).set(as('clinician'))).status).toBe(
      403,
    );
  });

  it('records disclosures outside the organisation and counts them', async () => {
    t.clock.now = new Date('2026-12-04T16:00:00Z');
    const res = await app()
      .post(api(`phi/records/${maria}/disclosures`))
      .set(as('clinician'))
      .send({
        recipient: 'New York State Department of Health',
        purpose: 'public_health',
        description: 'Reportable condition notice',
        at: '2026-12-04T10:30:00-05:00',
        fields: ['name', 'dateOfBirth', 'diagnoses'],
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'disclosure', at: '2026-12-04T15:30:00.000Z', role: 'clinician' });
    const notHeld = await app()
      .post(api(`phi/records/${maria}/disclosures`))
      .set(as('dpo'))
      .send({ recipient: 'Court', purpose: 'judicial_proceedings', description: 'subpoena', fields: ['name'] });
    expect(notHeld.status).toBe(201);
    const badPurpose = await app()
      .post(api(`phi/records/${maria}/disclosures`))
      .set(as('dpo'))
      .send({ recipient: 'Marketing Co', purpose: 'marketing', description: 'list sale' });
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.body.detail).toMatch(/^invalid body: purpose: must be one of treatment, payment/);
    expect(
      (
        await app()
          .post(api(`phi/records/${maria}/disclosures`))
          .set(as('billing'))
          .send({ recipient: 'x', purpose: 'payment', description: 'y' })
      ).status,
    ).toBe(403);
    const acct = await accountingOf({ patient: 'customer_id:MRN100234' });
    const disclosures = acct.entries.filter((e: { kind: string }) => e.kind === 'disclosure');
    expect(disclosures.map((d: { recipient: string; at: string }) => [d.recipient, d.at])).toEqual([
      ['New York State Department of Health', '2026-12-04T15:30:00.000Z'],
      ['Court', '2026-12-04T16:00:00.000Z'],
    ]);
    const text = (await app().get('/metrics')).text;
    expect(metric(text, 'compliance_hipaa_disclosures_total', ['purpose="public_health"', 'regime="hipaa"'])).toBe('1');
    expect(metric(text, 'compliance_hipaa_phi_reads_total', ['role="billing"', 'outcome="ok"'])).toBe('2');
    expect(metric(text, 'compliance_hipaa_phi_reads_total', ['role="billing"', 'outcome="refused"'])).toBe('1');
    expect(metric(text, 'compliance_hipaa_phi_reads_total', ['role="researcher"', 'purpose="research"'])).toBe('1');
  });

  it('accounts for every one of 25 concurrent reads, and the audit chain holds', async () => {
    const before = (await accountingOf({ accessor: 'carol-1' })).entries.length;
    const results = await Promise.all(Array.from({ length: 25 }, () => read('clinician', maria, 'treatment')));
    expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(new Set(results.map((r) => r.body.accessId)).size).toBe(25);
    const after = await accountingOf({ accessor: 'carol-1' });
    expect(after.entries.length - before).toBe(25);
    const verify = await app().get(api('audit/verify')).set(as('auditor'));
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('updates fields (null removes one), and lets exactly one of two creates for a new patient win', async () => {
    const res = await app()
      .patch(api(`phi/records/${maria}`))
      .set(as('clinician'))
      .send({ phone: '+1 212 555 0199', ssn: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: 2, updatedBy: 'carol-1' });
    expect(res.body.fields).not.toContain('ssn');
    expect((await read('front_desk', maria, 'health_care_operations')).body.fields.phone).toBe('+1 212 555 0199');
    const body = { patient: 'other:MRN-777', name: 'Zoë Ünal 李' };
    const pair = await Promise.all([0, 1].map(() => app().post(api('phi/records')).set(as('clinician')).send(body)));
    expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
    const id = pair.find((r) => r.status === 201)?.body.id;
    expect((await read('clinician', id, 'treatment')).body.fields).toEqual({ name: 'Zoë Ünal 李' });
    expect((await read('billing', id, 'payment')).body).toMatchObject({
      fields: { name: 'Zoë Ünal 李' },
      withheld: [],
    });
  });

  it('answers bad input with 400 naming the field, unknown ids with 404, never 500', async () => {
    const huge = 'x'.repeat(30_000);
    const post = (path: string, body: unknown, who: Who = 'dpo') =>
      app()
        .post(api(path))
        .set(as(who))
        .send(body as object);
    const cases: [() => request.Test, number, RegExp][] = [
      [() => post('phi/records', {}), 400, /patient/],
      [() => post('phi/records', { patient: 'customer_id:X1' }), 400, /at least one PHI field/],
      [() => post('phi/records', { patient: 'mrn:123', name: 'A' }), 400, /patient: must be kind:value/],
      [
        () => post('phi/records', { patient: 'customer_id:X1', name: 'A', shoeSize: 9 }),
        400,
        /unknown field "shoeSize"/,
      ],
      [() => post('phi/records', { patient: 'customer_id:X1', name: 42 }), 400, /name: must be a string/],
      [() => post('phi/records', { patient: 'customer_id:X1', name: '  ' }), 400, /name: must not be empty/],
      [
        () => post('phi/records', { patient: 'customer_id:X1', name: 'A\u0000B' }),
        400,
        /name: must not contain control/,
      ],
      [
        () => post('phi/records', { patient: 'customer_id:X1', clinicalNotes: huge }),
        400,
        /clinicalNotes: must be at most/,
      ],
      [
        () => post('phi/records', { patient: 'customer_id:X1', dateOfBirth: '1990-02-30' }),
        400,
        /dateOfBirth: must be a real date/,
      ],
      [() => post('phi/records', { patient: 'customer_id:X1', ssn: '12-345' }), 400, /ssn: must be a social security/],
      [
        () => post('phi/records', { patient: 'customer_id:X1', diagnoses: [{ description: 'no code' }] }),
        400,
        /diagnoses\[0\]\.code/,
      ],
      [
        () => post('phi/records', { patient: 'customer_id:X1', appointments: [{ at: 'tomorrow', department: 'A' }] }),
        400,
        /appointments\[0\]\.at/,
      ],
      [() => post('phi/records', { patient: 'customer_id:X1', address: { city: 'NYC' } }), 400, /address\.line1/],
      [() => post('phi/records', [1, 2]), 400, /must be a JSON object/],
      [
        () =>
          app()
            .patch(api(`phi/records/${maria}`))
            .set(as('dpo'))
            .send({}),
        400,
        /at least one PHI field/,
      ],
      [
        () => app().patch(api('phi/records/00000000-0000-4000-8000-000000000000')).set(as('dpo')).send({ name: 'A' }),
        404,
        /no PHI record/,
      ],
      [() => app().patch(api('phi/records/nope')).set(as('dpo')).send({ name: 'A' }), 400, /id/],
      [() => read('clinician', maria), 400, /purpose: must be one of treatment/],
      [() => read('clinician', maria, 'curiosity'), 400, /purpose: must be one of/],
      [
        () =>
          app()
            .get(api(`phi/records/${maria}`))
            .query({ purpose: 'treatment', fields: 'all' })
            .set(as('clinician')),
        400,
        /fields/,
      ],
      [() => read('clinician', '00000000-0000-4000-8000-000000000000', 'treatment'), 404, /no PHI record/],
      [() => read('clinician', 'not-a-uuid', 'treatment'), 400, /id/],
      [() => post(`phi/records/${maria}/disclosures`, { recipient: 'A', purpose: 'payment' }), 400, /description/],
      [
        () =>
          post(`phi/records/${maria}/disclosures`, {
            recipient: 'A',
            purpose: 'payment',
            description: 'B',
            at: '2030-01-01',
          }),
        400,
        /at: must not be in the future/,
      ],
      [
        () =>
          post(`phi/records/${maria}/disclosures`, {
            recipient: 'A',
            purpose: 'payment',
            description: 'B',
            fields: ['ssn'],
          }),
        422,
        /holds no ssn/,
      ],
      [
        () =>
          post(`phi/records/${maria}/disclosures`, {
            recipient: 'A',
            purpose: 'payment',
            description: 'B',
            fields: ['dna'],
          }),
        400,
        /fields\[0\]/,
      ],
      [() => app().get(api('phi/accounting')).set(as('dpo')), 400, /exactly one of patient/],
      [
        () =>
          app()
            .get(api('phi/accounting'))
            .query({ patient: 'customer_id:MRN100234', accessor: 'bill-1' })
            .set(as('dpo')),
        400,
        /exactly one/,
      ],
      [
        () => app().get(api('phi/accounting')).query({ accessor: 'bill-1', from: '2026-13-01' }).set(as('dpo')),
        400,
        /from/,
      ],
      [() => app().get(api('phi/accounting')).query({ accessor: 'bill-1', limit: '0' }).set(as('dpo')), 400, /limit/],
      [
        () => app().get(api('phi/accounting')).query({ accessor: 'bill-1', from: '2019-01-01' }).set(as('dpo')),
        422,
        /six years/,
      ],
      [
        () =>
          app()
            .get(api('phi/accounting'))
            .query({ accessor: 'bill-1', from: '2026-12-01', to: '2026-11-01' })
            .set(as('dpo')),
        422,
        /to must not be before from/,
      ],
      [
        () =>
          app()
            .get(api('phi/accounting'))
            .query({ accessor: ['a', 'b'] })
            .set(as('dpo')),
        400,
        /accessor/,
      ],
      [() => post('baa/associates', { name: 'A' }), 400, /services/],
      [
        () => post('baa/associates', { name: 'A', services: ['x'], phiCategories: ['y'], reviewDueAt: 'soon' }),
        400,
        /reviewDueAt/,
      ],
      [
        () => post('baa/associates', { name: 'A', services: [], phiCategories: ['y'], reviewDueAt: '2027-01-01' }),
        400,
        /services: must name at least one/,
      ],
      [
        () =>
          post('baa/associates', {
            name: 'A',
            services: ['x'],
            phiCategories: ['y'],
            reviewDueAt: '2020-01-01',
            signedAt: '2026-01-01',
          }),
        422,
        /reviewDueAt must be after signedAt/,
      ],
      [
        () => post('baa/associates/00000000-0000-4000-8000-000000000000/review', { nextReviewDueAt: '2027-06-01' }),
        404,
        /no business associate/,
      ],
      [() => post('baa/associates/00000000-0000-4000-8000-000000000000/review', {}), 400, /nextReviewDueAt/],
      [() => app().get(api('baa/associates')).query({ reviewOverdue: 'maybe' }).set(as('dpo')), 400, /reviewOverdue/],
      [
        () =>
          post('breaches', {
            title: 'B',
            detectedAt: '2026-12-01',
            categories: ['name'],
            affectedCount: 5,
            risk: 'high',
            details: { residentsByState: { ZZ: 3 } },
          }),
        400,
        /details\.residentsByState\.ZZ: "ZZ" is not a U.S. state/,
      ],
      [
        () =>
          post('breaches', {
            title: 'B',
            detectedAt: '2026-12-01',
            categories: ['name'],
            affectedCount: 5,
            risk: 'high',
            details: { residentsByState: { NY: -3 } },
          }),
        400,
        /details\.residentsByState\.NY: must not be negative/,
      ],
    ];
    for (const [send, status, detail] of cases) {
      const res = await send();
      expect(res.status, `${status} ${detail} ← ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.detail ?? res.body.title).toMatch(detail);
    }
  });

  it('derives media notices from residents by state: more than 500 (NY 620), not exactly 500 (NJ)', async () => {
    const res = await app()
      .post(api('breaches'))
      .set(as('dpo'))
      .send({
        title: 'Stolen laptop with unencrypted patient list',
        detectedAt: '2026-12-01T09:00:00-05:00',
        categories: ['name', 'diagnoses'],
        affectedCount: 1120,
        risk: 'high',
        details: { residentsByState: { NY: 620, NJ: 500 } },
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.obligations.map((o: { recipient: string; dueAt: string }) => [o.recipient, o.dueAt])).toEqual([
      ['hhs', '2027-01-31T04:59:59.999Z'], // 2026-12-01 + 60 days = 2027-01-30, New York
      ['individuals', '2027-01-31T04:59:59.999Z'],
      ['media:NY', '2027-01-31T04:59:59.999Z'],
    ]);
    const small = await app()
      .post(api('breaches'))
      .set(as('dpo'))
      .send({
        title: 'Misdirected fax',
        detectedAt: '2026-12-02',
        categories: ['name'],
        affectedCount: 3,
        risk: 'medium',
      });
    expect(small.body.obligations.find((o: { recipient: string }) => o.recipient === 'hhs').dueAt).toBe(
      '2027-03-02T04:59:59.999Z', // the annual log: 2027-03-01
    );
  });

  it('keeps business associate agreements; an overdue review fails the automatic control until reviewed', async () => {
    const control = async () =>
      (await app().get(api('assessment')).set(as('auditor'))).body.controls.find(
        (c: { id: string }) => c.id === 'baa_reviews_current',
      );
    expect(await control()).toMatchObject({ automatic: true, status: 'pass' });
    const created = await app()
      .post(api('baa/associates'))
      .set(as('dpo'))
      .send({
        name: 'CloudChart EHR Hosting',
        services: ['EHR hosting'],
        phiCategories: ['full medical record'],
        signedAt: '2025-01-15',
        reviewDueAt: '2026-12-31',
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ reviewOverdue: false, active: true, reviewDueAt: '2026-12-31T05:00:00.000Z' });
    const id = created.body.id;
    const duplicates = await Promise.all(
      [0, 1].map(() =>
        app()
          .post(api('baa/associates'))
          .set(as('dpo'))
          .send({
            name: 'MedBill Claims',
            services: ['claims'],
            phiCategories: ['billing'],
            reviewDueAt: '2027-06-01',
          }),
      ),
    );
    expect(duplicates.map((r) => r.status).sort()).toEqual([201, 409]);
    const unsigned = duplicates.find((r) => r.status === 201)?.body;
    expect((await control()).evidence).toBe('1 without a signed BAA: MedBill Claims');
    const signed = await app()
      .patch(api(`baa/associates/${unsigned.id}`))
      .set(as('dpo'))
      .send({ signedAt: '2026-12-04' });
    expect(signed.body.signed).toBe(true);
    expect(await control()).toMatchObject({ status: 'pass' });
    expect((await app().post(api('baa/associates')).set(as('auditor')).send({})).status).toBe(403);

    // 2026-12-31 00:00 New York has passed on New Year's Day: the review is overdue.
    t.clock.now = new Date('2027-01-01T15:00:00Z');
    expect(await control()).toMatchObject({
      status: 'fail',
      evidence: '1 past the review date: CloudChart EHR Hosting',
    });
    const list = await app().get(api('baa/associates')).query({ reviewOverdue: 'true' }).set(as('auditor'));
    expect(list.body.associates.map((a: { name: string }) => a.name)).toEqual(['CloudChart EHR Hosting']);
    expect(metric((await app().get('/metrics')).text, 'compliance_hipaa_baa_reviews_overdue')).toBe('1');
    const assessment = (await app().get(api('assessment')).set(as('auditor'))).body;
    expect(assessment.reasons.map((r: { reason: string }) => r.reason).join('\n')).toMatch(
      /signed BAA.*past the review/,
    );

    const tooSoon = await app()
      .post(api(`baa/associates/${id}/review`))
      .set(as('dpo'))
      .send({ nextReviewDueAt: '2026-12-31' });
    expect(tooSoon.status).toBe(422);
    const reviewed = await app()
      .post(api(`baa/associates/${id}/review`))
      .set(as('dpo'))
      .send({ nextReviewDueAt: '2028-01-01', notes: 'SOC 2 report checked' });
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(200);
    expect(reviewed.body).toMatchObject({
      reviewOverdue: false,
      lastReviewedAt: '2027-01-01T15:00:00.000Z',
      reviewDueAt: '2028-01-01T05:00:00.000Z',
    });
    expect(await control()).toMatchObject({ status: 'pass' });
    expect(metric((await app().get('/metrics')).text, 'compliance_hipaa_baa_reviews_overdue')).toBe('0');

    const ended = await app()
      .patch(api(`baa/associates/${id}`))
      .set(as('dpo'))
      .send({ terminatedAt: '2027-01-01T09:00:00-05:00' });
    expect(ended.body).toMatchObject({ active: false, terminatedAt: '2027-01-01T14:00:00.000Z' });
    const late = await app()
      .post(api(`baa/associates/${id}/review`))
      .set(as('dpo'))
      .send({ nextReviewDueAt: '2029-01-01' });
    expect(late.status).toBe(409);
    expect(
      (
        await app()
          .patch(api(`baa/associates/${id}`))
          .set(as('dpo'))
          .send({ name: 'X' })
      ).status,
    ).toBe(409);
    expect(
      (
        await app()
          .get(api(`baa/associates/${id}`))
          .set(as('auditor'))
      ).body.name,
    ).toBe('CloudChart EHR Hosting');
  });

  it('scans text for HIPAA identifiers: an MRN and a date of birth found, typed and redacted', async () => {
    const text = 'Pt: Maria Alvarez  MRN: 00482913  DOB: 04/12/1978. A1c 7.1%, metformin 500 mg BID.';
    const res = await app().post(api('pii/scan')).set(as('dpo')).send({ text, redact: 'mask' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const found = res.body.findings.map((f: { type: string; start: number; end: number }) => [
      f.type,
      text.slice(f.start, f.end),
    ]);
    expect(found).toEqual([
      ['name', 'Maria Alvarez'],
      ['mrn', '00482913'],
      ['date', '04/12/1978'],
    ]);
    expect(res.body.redacted).toBe(
      'Pt: *************  MRN: ********  DOB: **********. A1c 7.1%, metformin 500 mg BID.',
    );
    const hashed = await app().post(api('pii/scan')).set(as('auditor')).send({ text: 'MRN: 00482913', redact: 'hash' });
    expect(hashed.body.redacted).toMatch(/^MRN: \[mrn:[0-9a-f]{16}\]$/);
    const metrics = (await app().get('/metrics')).text;
    expect(metric(metrics, 'compliance_pii_findings_total', ['type="mrn"'])).toBe('2');
    expect(metric(metrics, 'compliance_pii_findings_total', ['type="device_id"'])).toBe('0');
    const tooLarge = await app()
      .post(api('pii/scan'))
      .set(as('dpo'))
      .send({ text: 'x'.repeat(1024 * 1024 + 1) });
    expect(tooLarge.status).toBe(413);
    expect((await app().post(api('pii/scan')).set(as('clinician')).send({ text })).status).toBe(403);
  });

  it('looks back six years by default: a read drops out of the accounting six years and a day later', async () => {
    // 2032-12-04 11:00 New York: the look-back starts 2026-12-04 00:00, the first reads are in.
    t.clock.now = new Date('2032-12-04T16:00:00Z');
    const inside = await accountingOf({ patient: 'customer_id:MRN100234' });
    expect(inside.from).toBe('2026-12-04T05:00:00.000Z');
    expect(inside.entries[0]).toMatchObject({ accessor: 'carol-1', at: '2026-12-04T15:00:00.000Z' });
    const readsOn20261204 = inside.entries.filter((e: { at: string }) => e.at.startsWith('2026-12-04')).length;
    expect(readsOn20261204).toBeGreaterThan(30);
    // One day later they are out; the reads of 2027 remain.
    t.clock.now = new Date('2032-12-05T16:00:00Z');
    expect(await read('front_desk', maria, 'health_care_operations')).toHaveProperty('status', 200);
    const after = await accountingOf({ patient: 'customer_id:MRN100234' });
    expect(after.from).toBe('2026-12-05T05:00:00.000Z');
    expect(after.entries.map((e: { at: string }) => e.at)).toEqual(['2032-12-05T16:00:00.000Z']);
    // Narrowing works within the window; reaching further back is refused.
    const narrowed = await accountingOf({
      patient: 'customer_id:MRN100234',
      from: '2032-12-05',
      to: '2032-12-05T12:00:00Z',
    });
    expect(narrowed.entries).toEqual([]);
    const tooFar = await app()
      .get(api('phi/accounting'))
      .query({ patient: 'customer_id:MRN100234', from: '2026-12-04' })
      .set(as('dpo'));
    expect(tooFar.status).toBe(422);
    expect(tooFar.body.detail).toMatch(/2026-12-05T05:00:00.000Z/);
  });
});

describe('HIPAA demo data', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('hipaa', { now: new Date('2026-12-04T15:00:00Z'), demoSeed: true });
  });
  afterAll(async () => t?.close());

  it('seeds patients, reads, a disclosure, two BAAs (one overdue) and a breach with a media notice', async () => {
    const app = () => request(t.service.app);
    const auditor = t.as('auditor');
    const associates = (await app().get(`${t.prefix}/baa/associates`).set(auditor)).body.associates;
    expect(associates.map((a: { name: string; reviewOverdue: boolean }) => [a.name, a.reviewOverdue])).toEqual([
      ['CloudChart EHR Hosting Inc.', true],
      ['MedBill Claims Processing LLC', false],
    ]);
    const billing = (await app().get(`${t.prefix}/phi/accounting`).query({ accessor: 'billing-office' }).set(auditor))
      .body;
    expect(billing.entries).toHaveLength(2);
    const dr = (await app().get(`${t.prefix}/phi/accounting`).query({ accessor: 'dr-chen' }).set(auditor)).body;
    expect(dr.entries.map((e: { kind: string }) => e.kind)).toEqual(['read', 'disclosure']);
    const breaches = (await app().get(`${t.prefix}/breaches`).set(auditor)).body.breaches;
    const recipients = breaches.flatMap((b: { obligations: { recipient: string }[] }) =>
      b.obligations.map((o) => o.recipient),
    );
    expect(recipients).toContain('media:NY');
    expect(recipients).not.toContain('media:NJ');
    const control = (await app().get(`${t.prefix}/assessment`).set(auditor)).body.controls.find(
      (c: { id: string }) => c.id === 'baa_reviews_current',
    );
    expect(control.status).toBe('fail');
  });
});
