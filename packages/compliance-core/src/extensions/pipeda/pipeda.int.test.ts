// The PIPEDA extension on a real Postgres database: a breach's RROSH assessment decides whether
// the OPC and the individuals must be told, and is recorded (factors, computed and recorded
// outcome) and returned; the breach records register and its 24-month retention (deletion
// refused before, allowed after); the 30-day access limit and its one extension; metrics, the
// safeguards control, demo data and bad input.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../testing/service.ts';

// Friday 4 December 2026, 10:00 in Toronto (EST, UTC−5).
const NOW = new Date('2026-12-04T15:00:00Z');

const metric = (text: string, name: string, labels: string[] = []) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
    ?.split(' ')[1];

const STOLEN_LAPTOP = {
  title: 'Laptop with a payroll export stolen',
  detectedAt: '2026-12-04T09:00:00-05:00',
  categories: ['name', 'SIN', 'bank account'],
  affectedCount: 312,
  risk: 'high',
  details: {
    rrosh: {
      sensitivity: 'high',
      probabilityOfMisuse: 'low',
      factors: ['malicious_intent', 'long_exposure'],
      harms: ['identity_theft', 'financial_loss'],
      rationale: 'SINs and bank details taken by a thief; the disk was not encrypted.',
    },
    organizations: ['the employees’ banks'],
  },
};
const ENCRYPTED_TAPE = {
  title: 'Encrypted backup tape lost in transit',
  detectedAt: '2026-12-03T16:00:00-05:00',
  categories: ['name', 'address'],
  affectedCount: 9000,
  risk: 'medium',
  details: {
    rrosh: {
      sensitivity: 'medium',
      probabilityOfMisuse: 'high',
      factors: ['encrypted'],
      rationale: 'AES-256 encrypted; the key was never on the tape nor with the courier.',
    },
  },
};

describe('PIPEDA extension', () => {
  let t: TestService;
  let laptop: string;
  let tape: string;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);

  beforeAll(async () => {
    t = await startTestService('pipeda', { now: NOW });
  });
  afterAll(async () => t?.close());

  it('reports to the OPC and notifies individuals when the assessment finds a real risk, and records it', async () => {
    const res = await app().post(api('breaches')).set(t.as('dpo')).send(STOLEN_LAPTOP);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    laptop = res.body.id;
    expect(res.body.details.rrosh).toEqual({
      sensitivity: 'high',
      probabilityOfMisuse: 'low',
      adjustedProbability: 'high', // low + malicious intent + long exposure
      factors: ['malicious_intent', 'long_exposure'],
      harms: ['identity_theft', 'financial_loss'],
      rationale: STOLEN_LAPTOP.details.rrosh.rationale,
      computedOutcome: 'real_risk',
      outcome: 'real_risk',
      overridden: false,
    });
    expect(res.body.obligations.map((o: { recipient: string }) => o.recipient)).toEqual([
      'authority',
      'individuals',
      'organizations',
    ]);
    expect(res.body.obligations[0]).toMatchObject({
      recipientName: 'the Office of the Privacy Commissioner of Canada',
      dueAt: null,
      targetAt: '2026-12-07T14:00:00.000Z', // detection + the 72 h target
    });
    const read = await app()
      .get(api(`breaches/${laptop}`))
      .set(t.as('auditor'));
    expect(read.body.details).toEqual(res.body.details);
    expect(read.body.obligations).toHaveLength(3);
  });

  it('requires no report nor notice when the assessment finds no real risk, and records the breach anyway', async () => {
    const res = await app().post(api('breaches')).set(t.as('dpo')).send(ENCRYPTED_TAPE);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    tape = res.body.id;
    expect(res.body.details.rrosh).toMatchObject({
      adjustedProbability: 'low',
      computedOutcome: 'no_real_risk',
      outcome: 'no_real_risk',
    });
    expect(res.body.obligations).toEqual([]);
    expect(
      (
        await app()
          .post(api(`breaches/${tape}/notifications/authority`))
          .set(t.as('dpo'))
          .send({})
      ).status,
    ).toBe(404);
  });

  it('follows a DPO’s different finding, keeping both outcomes and the reason', async () => {
    const res = await app()
      .post(api('breaches'))
      .set(t.as('dpo'))
      .send({
        ...ENCRYPTED_TAPE,
        title: 'Encrypted tape, key on a sticky note',
        details: {
          rrosh: {
            ...ENCRYPTED_TAPE.details.rrosh,
            outcome: 'real_risk',
            rationale: 'The key was written on the tape case: the encryption does not protect it.',
          },
        },
      });
    expect(res.status).toBe(201);
    expect(res.body.details.rrosh).toMatchObject({
      computedOutcome: 'no_real_risk',
      outcome: 'real_risk',
      overridden: true,
    });
    expect(res.body.obligations.map((o: { recipient: string }) => o.recipient)).toEqual(['authority', 'individuals']);
  });

  it('evaluates an assessment without recording it, and publishes the rule and its table', async () => {
    const before = (await app().get(api('breaches')).set(t.as('auditor'))).body;
    const res = await app()
      .post(api('pipeda/rrosh/evaluate'))
      .set(t.as('operator'))
      .send({
        rrosh: { sensitivity: 'medium', probabilityOfMisuse: 'medium', factors: ['data_recovered'], rationale: 'r' },
      });
    expect(res.status).toBe(200);
    expect(res.body.rrosh).toMatchObject({ adjustedProbability: 'low', outcome: 'no_real_risk' });
    expect((await app().get(api('breaches')).set(t.as('auditor'))).body).toEqual(before);
    const rule = await app().get(api('pipeda/rrosh-rule')).set(t.as('auditor'));
    expect(rule.body.table).toEqual({
      low: { low: 'no_real_risk', medium: 'no_real_risk', high: 'no_real_risk' },
      medium: { low: 'no_real_risk', medium: 'real_risk', high: 'real_risk' },
      high: { low: 'no_real_risk', medium: 'real_risk', high: 'real_risk' },
    });
    expect(Object.keys(rule.body.factors)).toContain('encrypted');
  });

  it('lists the breach records with their RROSH outcome and the end of their 24-month retention', async () => {
    const res = await app().get(api('pipeda/breach-records')).set(t.as('auditor'));
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.records.map((r: { id: string }) => [r.id, r]));
    expect(res.body.records).toHaveLength(3);
    expect(byId[laptop]).toMatchObject({
      rroshOutcome: 'real_risk',
      detectedAt: '2026-12-04T14:00:00.000Z',
      keptUntil: '2028-12-05T04:59:59.999Z', // the end of 4 December 2028, Toronto
      deletable: false,
      state: 'open',
    });
    expect(byId[tape]).toMatchObject({ rroshOutcome: 'no_real_risk', keptUntil: '2028-12-04T04:59:59.999Z' });
    expect(
      (await app().get(api('pipeda/breach-records')).query({ limit: 1 }).set(t.as('auditor'))).body.records,
    ).toHaveLength(1);
  });

  it('counts assessments by outcome and fails the safeguards control once a report is past the target', async () => {
    const text = (await app().get('/metrics')).text;
    expect(metric(text, 'compliance_pipeda_rrosh_assessments_total', ['outcome="real_risk"'])).toBe('2');
    expect(metric(text, 'compliance_pipeda_rrosh_assessments_total', ['outcome="no_real_risk"'])).toBe('1');
    expect(metric(text, 'compliance_pipeda_breach_records')).toBe('3');
    const safeguards = async () =>
      (await app().get(api('assessment')).set(t.as('auditor'))).body.controls.find(
        (c: { id: string }) => c.id === 'safeguards',
      );
    expect(await safeguards()).toMatchObject({ automatic: true, status: 'pass' });
    t.clock.now = new Date('2026-12-08T15:00:00Z');
    try {
      const control = await safeguards();
      expect(control.status).toBe('fail');
      expect(control.evidence).toContain(`authority for ${laptop}`);
    } finally {
      t.clock.now = NOW;
    }
  });

  it('refuses to delete a breach record before its 24 months, naming the date, and deletes it after', async () => {
    const early = await app()
      .delete(api(`breaches/${tape}`))
      .set(t.as('dpo'));
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe(
      'this breach record must be kept until 2028-12-03 (end of day, America/Toronto): 24 months from the day the ' +
        'breach was determined to have occurred (2026-12-03) (Breach of Security Safeguards Regulations s. 6)',
    );
    t.clock.now = new Date('2028-12-04T04:59:59.999Z'); // the last instant of the retention
    try {
      expect(
        (
          await app()
            .delete(api(`breaches/${tape}`))
            .set(t.as('dpo'))
        ).status,
      ).toBe(409);
      t.clock.now = new Date('2028-12-04T05:00:00.000Z');
      const open = await app()
        .delete(api(`breaches/${tape}`))
        .set(t.as('dpo'));
      expect(open.status).toBe(409);
      expect(open.body.detail).toBe('the breach is open: close it before deleting its record');
      expect(
        (
          await app()
            .post(api(`breaches/${tape}/close`))
            .set(t.as('dpo'))
            .send({})
        ).status,
      ).toBe(200);
      const records = (await app().get(api('pipeda/breach-records')).set(t.as('auditor'))).body.records;
      expect(records.find((r: { id: string }) => r.id === tape)).toMatchObject({ deletable: true });
      expect(
        (
          await app()
            .delete(api(`breaches/${tape}`))
            .set(t.as('operator'))
        ).status,
      ).toBe(403);
      const deleted = await app()
        .delete(api(`breaches/${tape}`))
        .set(t.as('dpo'));
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
      expect(deleted.body).toEqual({
        id: tape,
        deleted: true,
        deletedAt: '2028-12-04T05:00:00.000Z',
        keptUntil: '2028-12-04T04:59:59.999Z',
      });
      expect(
        (
          await app()
            .get(api(`breaches/${tape}`))
            .set(t.as('auditor'))
        ).status,
      ).toBe(404);
      expect(
        (
          await app()
            .delete(api(`breaches/${tape}`))
            .set(t.as('dpo'))
        ).status,
      ).toBe(404);
      const audit = await app().get(api('audit')).set(t.as('auditor'));
      expect(audit.body.entries[0]).toMatchObject({
        action: 'pipeda.breach_record_deleted',
        entityId: tape,
        actor: 'dpo-1',
      });
      expect((await app().get(api('audit/verify')).set(t.as('auditor'))).body.ok).toBe(true);
      // The laptop breach (detected a day later) is still inside its 24 months.
      expect(
        (
          await app()
            .delete(api(`breaches/${laptop}`))
            .set(t.as('dpo'))
        ).status,
      ).toBe(409);
    } finally {
      t.clock.now = NOW;
    }
  });

  it('answers an access request within 30 days and extends it once by up to 30, never twice', async () => {
    const filed = await app()
      .post(api('requests'))
      .set(t.as('operator'))
      .send({ type: 'access', subject: 'email:marie.tremblay@example.ca', receivedAt: '2026-11-04T10:00:00-05:00' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    // 4 November + 30 = Friday 4 December, end of day Toronto.
    expect(filed.body.dueAt).toBe('2026-12-05T04:59:59.999Z');
    const extended = await app()
      .post(api(`requests/${filed.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'consultations with two service providers (s. 8(4)(b))' });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    // 4 December + 30 = Sunday 3 January 2027 → Monday 4 January (Interpretation Act s. 26).
    expect(extended.body.dueAt).toBe('2027-01-05T04:59:59.999Z');
    expect(extended.body.originalDueAt).toBe('2026-12-05T04:59:59.999Z');
    const again = await app()
      .post(api(`requests/${filed.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'still consulting' });
    expect(again.status).toBe(422);
    expect(again.body.detail).toMatch(/already been extended once, which is all PIPEDA s\. 8\(4\) allows/);
    const correction = await app()
      .post(api('requests'))
      .set(t.as('operator'))
      .send({ type: 'correction', subject: 'email:marie.tremblay@example.ca', receivedAt: '2026-12-01' });
    // 1 December + 30 = Thursday 31 December.
    expect(correction.body.dueAt).toBe('2027-01-01T04:59:59.999Z');
  });

  it('answers bad input with a 4xx naming the problem, never a 5xx', async () => {
    const rrosh = { sensitivity: 'high', probabilityOfMisuse: 'low', factors: [], rationale: 'r' };
    const breach = (details: unknown) => ({ ...STOLEN_LAPTOP, details });
    const cases: [string, string, unknown, 'dpo' | 'operator' | 'auditor', number, RegExp?][] = [
      ['post', 'breaches', { ...STOLEN_LAPTOP, details: undefined }, 'dpo', 400, /details/],
      ['post', 'breaches', breach({ rrosh: { ...rrosh, sensitivity: 'extreme' } }), 'dpo', 400, /low, medium or high/],
      ['post', 'breaches', breach({ rrosh: { ...rrosh, factors: ['stolen'] } }), 'dpo', 400, /must be one of/],
      ['post', 'breaches', breach({ rrosh: { ...rrosh, factors: ['encrypted', 'encrypted'] } }), 'dpo', 400, /repeat/],
      ['post', 'breaches', breach({ rrosh: { ...rrosh, rationale: '' } }), 'dpo', 400, /empty/],
      [
        'post',
        'breaches',
        breach({ rrosh: { ...rrosh, outcome: 'perhaps' } }),
        'dpo',
        400,
        /real_risk or no_real_risk/,
      ],
      ['post', 'breaches', breach({ rrosh, extra: true }), 'dpo', 400, /unknown field "extra"/],
      ['post', 'breaches', breach({ rrosh, organizations: 'the bank' }), 'dpo', 400, /array of strings/],
      ['post', 'breaches', breach('real risk'), 'dpo', 400],
      ['post', 'pipeda/rrosh/evaluate', {}, 'operator', 400, /rrosh/],
      ['post', 'pipeda/rrosh/evaluate', [], 'operator', 400],
      ['post', 'pipeda/rrosh/evaluate', { rrosh }, 'auditor', 403],
      ['get', 'pipeda/breach-records?limit=0', undefined, 'auditor', 400],
      ['get', 'pipeda/breach-records?limit=abc', undefined, 'auditor', 400],
      ['get', 'pipeda/breach-records?sort=x', undefined, 'auditor', 400],
      ['delete', 'breaches/not-a-uuid', undefined, 'dpo', 400],
      ['delete', 'breaches/00000000-0000-4000-8000-000000000000', undefined, 'dpo', 404],
      ['delete', `breaches/${laptop}`, { force: true }, 'dpo', 400, /unknown field "force"/],
      ['post', 'requests', { type: 'erasure', subject: 'email:a@example.ca' }, 'operator', 422, /access, correction/],
    ];
    for (const [method, path, body, role, status, detail] of cases) {
      const req =
        method === 'get' ? app().get(api(path)) : method === 'delete' ? app().delete(api(path)) : app().post(api(path));
      const res = await (body === undefined ? req.set(t.as(role)) : req.set(t.as(role)).send(body as object));
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 100)} → ${JSON.stringify(res.body)}`).toBe(
        status,
      );
      if (detail) expect(res.body.detail).toMatch(detail);
    }
    const malformed = await app()
      .post(api('pipeda/rrosh/evaluate'))
      .set({ ...t.as('dpo'), 'content-type': 'application/json' })
      .send('{"rrosh": [');
    expect(malformed.status).toBe(400);
  });
});

describe('PIPEDA demo data', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('pipeda', { now: NOW, demoSeed: true });
  });
  afterAll(async () => t?.close());

  it('seeds a breach with a real risk, one without, and an access request extended once', async () => {
    const app = () => request(t.service.app);
    const records = (await app().get(`${t.prefix}/pipeda/breach-records`).set(t.as('auditor'))).body.records;
    const demo = records.filter((r: { title: string }) => r.title.startsWith('demo:'));
    expect(demo.map((r: { rroshOutcome: string }) => r.rroshOutcome).sort()).toEqual(['no_real_risk', 'real_risk']);
    const breaches = (await app().get(`${t.prefix}/breaches`).set(t.as('auditor'))).body.breaches;
    const stolen = breaches.find((b: { title: string }) => b.title === 'demo: payroll export on a stolen laptop');
    expect(stolen.obligations.map((o: { recipient: string }) => o.recipient)).toEqual([
      'authority',
      'individuals',
      'organizations',
    ]);
    const requests = (await app().get(`${t.prefix}/requests`).set(t.as('auditor'))).body.requests;
    const extended = requests.find((r: { notes: string | null }) => r.notes === 'demo: records held in three systems');
    expect(extended.extensions).toHaveLength(1);
    // 20 days ago + 30, extended by 30 from there: not overdue.
    expect(extended.overdue).toBe(false);
  });
});
