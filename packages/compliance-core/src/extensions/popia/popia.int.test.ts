// The POPIA extension on a real Postgres database: the s.69 direct-marketing rule end to end
// (one approach without consent, a second refused with the reason, a refusal honoured, consent
// allowing approaches), SA ID validation, the Information Officer registration and its
// automatic accountability control, security compromises tracked against the internal target,
// the PAIA 30 days and one extension, metrics, audit, demo data and bad input.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../testing/service.ts';

const MARKETING_KEY = 'marketing-key-0123456789abcdef';
// Friday 4 December 2026, 10:00 in Johannesburg (UTC+2).
const NOW = new Date('2026-12-04T08:00:00Z');

/** A South African ID number from its first 12 digits, with its Luhn check digit. */
function saId(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    let d = Number(first12[11 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return first12 + String((10 - (sum % 10)) % 10);
}

const metric = (text: string, name: string, labels: string[] = []) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
    ?.split(' ')[1];

const OFFICER = {
  officer: {
    name: 'Thandi Nkosi',
    email: 'io@example.co.za',
    phone: '+27 21 555 0100',
    registrationNumber: 'IR-2021-004512',
    registeredAt: '2021-06-30',
  },
  deputies: [{ name: 'Pieter van der Merwe', email: 'deputy@example.co.za', phone: '+27 11 555 0199' }],
};

describe('POPIA extension', () => {
  let t: TestService;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);
  const marketing = { 'x-api-key': MARKETING_KEY };
  const approach = (subject: string, channel = 'email', purpose?: string) =>
    app()
      .post(api('popia/marketing/approaches'))
      .set(marketing)
      .send({ subject, channel, ...(purpose ? { purpose } : {}) });
  const decide = (subject: string, decision: string) =>
    app().post(api('popia/marketing/decisions')).set(marketing).send({ subject, decision });
  const stateOf = async (subject: string) => {
    const res = await app().get(api('popia/marketing')).query({ subject }).set(t.as('auditor'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const accountability = async () =>
    (await app().get(api('assessment')).set(t.as('auditor'))).body.controls.find(
      (c: { id: string }) => c.id === 'accountability',
    );

  beforeAll(async () => {
    t = await startTestService('popia', { now: NOW, apiKeys: [`mkt-1:marketing:${MARKETING_KEY}`] });
  });
  afterAll(async () => t?.close());

  it('allows one approach without consent, to ask for it, and refuses a second saying why', async () => {
    const subject = 'email:Lerato.Mokoena@example.co.za';
    expect((await stateOf(subject)).status).toBe('not_approached');
    const first = await approach(subject, 'email', 'invite to the rewards programme');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      subject: 'email:lerato.mokoena@example.co.za',
      channel: 'email',
      purpose: 'invite to the rewards programme',
      at: NOW.toISOString(),
      kind: 'consent_request',
    });
    t.clock.now = new Date('2026-12-05T09:00:00Z');
    try {
      // Another channel, another spelling of the same address: still the same subject.
      const second = await approach('email:LERATO.MOKOENA@example.co.za', 'sms');
      expect(second.status).toBe(409);
      expect(second.body.error).toBe(
        'already approached once on 2026-12-04 without consent; POPIA s.69(1)(b) allows a single approach to ask ' +
          'for consent: record the consent before approaching again',
      );
      expect(second.body.detail).toBe(second.body.error);
      const state = await stateOf(subject);
      expect(state).toMatchObject({ subject: 'email:lerato.mokoena@example.co.za', status: 'approached_once' });
      expect(state.approaches).toEqual([
        expect.objectContaining({ id: first.body.id, kind: 'consent_request', channel: 'email', by: 'mkt-1' }),
      ]);
      // The refused attempt is on the register too.
      expect(state.refusedApproaches).toEqual([
        expect.objectContaining({ channel: 'sms', reason: second.body.error, at: '2026-12-05T09:00:00.000Z' }),
      ]);
    } finally {
      t.clock.now = NOW;
    }
  });

  it('allows marketing once the subject consents, and honours a later refusal for every approach', async () => {
    const subject = `sa_id:${saId('850412512308')}`;
    expect((await approach(subject, 'sms')).body.kind).toBe('consent_request');
    const consent = await decide(subject, 'consented');
    expect(consent.status).toBe(201);
    expect(consent.body).toMatchObject({
      decision: 'consented',
      previousStatus: 'approached_once',
      status: 'consented',
    });
    for (const channel of ['email', 'sms', 'post']) {
      const res = await approach(subject, channel, 'December specials');
      expect(res.status).toBe(201);
      expect(res.body.kind).toBe('marketing');
    }
    t.clock.now = new Date('2026-12-10T08:00:00Z');
    try {
      expect((await decide(subject, 'refused')).status).toBe(201);
      for (const channel of ['email', 'phone']) {
        const res = await approach(subject, channel);
        expect(res.status).toBe(409);
        expect(res.body.error).toBe(
          'the subject refused direct marketing on 2026-12-10; no further approach may be made (POPIA s.69(1), s.11(3)(b))',
        );
      }
      const state = await stateOf(subject);
      expect(state.status).toBe('refused');
      expect(state.approaches.map((a: { kind: string }) => a.kind)).toEqual([
        'consent_request',
        'marketing',
        'marketing',
        'marketing',
      ]);
      expect(state.decisions.map((d: { decision: string }) => d.decision)).toEqual(['consented', 'refused']);
      expect(state.refusedApproaches).toHaveLength(2);
      // Consent given again (the subject's own choice) allows approaches again.
      expect((await decide(subject, 'consented')).body.previousStatus).toBe('refused');
      expect((await approach(subject, 'email')).body.kind).toBe('marketing');
    } finally {
      t.clock.now = NOW;
    }
  });

  it('honours a refusal recorded before any approach: not even the one approach for consent', async () => {
    const subject = 'phone:+27 82 555 0123';
    expect((await decide(subject, 'refused')).body).toMatchObject({
      subject: 'phone:+27825550123',
      previousStatus: 'not_approached',
    });
    const res = await approach('phone:+27825550123', 'phone');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/^the subject refused direct marketing on 2026-12-04/);
    expect((await stateOf(subject)).approaches).toEqual([]);
  });

  it('validates SA ID numbers with the core validator: a wrong check digit is a 400 saying so', async () => {
    const good = saId('900101500908');
    const wrong = good.slice(0, 12) + String((Number(good[12]) + 1) % 10);
    const bad = await approach(`sa_id:${wrong}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('its check digit (the 13th) is wrong');
    const badDate = await approach(`sa_id:${saId('901301500908')}`); // month 13
    expect(badDate.status).toBe(400);
    expect(JSON.stringify(badDate.body)).toContain('is not a valid South African ID number');
    expect((await decide(`sa_id:${wrong}`, 'consented')).status).toBe(400);
    expect(
      (
        await app()
          .get(api('popia/marketing'))
          .query({ subject: `sa_id:${wrong}` })
          .set(marketing)
      ).status,
    ).toBe(400);
    // Spaces and dashes are ignored: the same subject.
    const spaced = `sa_id:${good.slice(0, 6)} ${good.slice(6, 10)} ${good.slice(10)}`;
    expect((await approach(spaced)).status).toBe(201);
    expect((await approach(`sa_id:${good}`)).status).toBe(409);
  });

  it('registers the Information Officer and deputies; the accountability control follows the registration', async () => {
    const empty = await app().get(api('popia/information-officer')).set(t.as('auditor'));
    expect(empty.body).toMatchObject({ officer: null, deputies: [], registered: false });
    expect(await accountability()).toMatchObject({
      automatic: true,
      status: 'fail',
      evidence: 'no Information Officer is designated (POPIA s.55)',
    });
    const unregistered = await app()
      .put(api('popia/information-officer'))
      .set(t.as('dpo'))
      .send({ officer: { name: 'Thandi Nkosi', email: 'io@example.co.za', phone: '+27 21 555 0100' } });
    expect(unregistered.status, JSON.stringify(unregistered.body)).toBe(200);
    expect(unregistered.body).toMatchObject({ registered: false, deputies: [] });
    expect((await accountability()).evidence).toMatch(/designated but not registered with the Information Regulator/);
    const put = await app().put(api('popia/information-officer')).set(t.as('dpo')).send(OFFICER);
    expect(put.status).toBe(200);
    const expected = {
      officer: { ...OFFICER.officer, registeredAt: '2021-06-29T22:00:00.000Z' }, // a date alone: start of the day, SAST
      deputies: OFFICER.deputies,
      registered: true,
      updatedBy: 'dpo-1',
      updatedAt: NOW.toISOString(),
    };
    expect(put.body).toEqual(expected);
    expect((await app().get(api('popia/information-officer')).set(t.as('operator'))).body).toEqual(expected);
    expect(await accountability()).toMatchObject({
      status: 'pass',
      evidence:
        'Information Officer Thandi Nkosi registered with the Information Regulator (IR-2021-004512) on 2021-06-30; ' +
        '1 deputy information officer(s)',
    });
    expect(metric((await app().get('/metrics')).text, 'compliance_popia_information_officer_registered')).toBe('1');
    const audit = await app().get(api('audit')).set(t.as('auditor'));
    const updates = audit.body.entries.filter(
      (e: { action: string }) => e.action === 'popia.information_officer_updated',
    );
    expect(updates).toHaveLength(2);
    expect(updates[0].data.before.registered).toBe(false);
    expect(updates[0].data.after.registered).toBe(true);
    expect((await app().put(api('popia/information-officer')).set(marketing).send(OFFICER)).status).toBe(403);
    expect((await app().put(api('popia/information-officer')).set(t.as('operator')).send(OFFICER)).status).toBe(403);
  });

  it('tracks a security compromise against the internal target: no legal time, targetAt, pastTarget later', async () => {
    const res = await app()
      .post(api('breaches'))
      .set(t.as('dpo'))
      .send({
        title: 'CRM credentials phished',
        detectedAt: '2026-12-04T09:30:00+02:00',
        categories: ['name', 'ID number', 'email'],
        affectedCount: 5400,
        risk: 'low',
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // s.22 has no risk threshold: the Regulator and the subjects, whatever the risk.
    expect(res.body.obligations).toEqual([
      expect.objectContaining({
        recipient: 'authority',
        recipientName: 'the Information Regulator',
        dueAt: null,
        targetAt: '2026-12-07T07:30:00.000Z', // detection + NOTIFICATION_TARGET_HOURS (72)
        pastTarget: false,
      }),
      expect.objectContaining({ recipient: 'individuals', dueAt: null, targetAt: '2026-12-07T07:30:00.000Z' }),
    ]);
    const safeguards = async () =>
      (await app().get(api('assessment')).set(t.as('auditor'))).body.controls.find(
        (c: { id: string }) => c.id === 'security_safeguards',
      );
    expect((await safeguards()).evidence).toBe(
      'no security compromise notification past the 72 h target (2 pending within it)',
    );
    t.clock.now = new Date('2026-12-07T08:00:00Z');
    try {
      const notified = await app()
        .post(api(`breaches/${res.body.id}/notifications/authority`))
        .set(t.as('dpo'))
        .send({});
      expect(notified.status, JSON.stringify(notified.body)).toBe(200);
      const later = await app()
        .get(api(`breaches/${res.body.id}`))
        .set(t.as('auditor'));
      const byRecipient = Object.fromEntries(
        later.body.obligations.map((o: { recipient: string }) => [o.recipient, o]),
      );
      expect(byRecipient.authority).toMatchObject({ notifiedAt: '2026-12-07T08:00:00.000Z', pastTarget: false });
      expect(byRecipient.individuals).toMatchObject({ notifiedAt: null, pastTarget: true });
      const controls = (await app().get(api('assessment')).set(t.as('auditor'))).body.controls;
      expect(controls.find((c: { id: string }) => c.id === 'security_safeguards')).toMatchObject({
        automatic: true,
        status: 'fail',
        evidence: `security compromise notification(s) not made within the 72 h target (POPIA s.22): individuals for breach ${res.body.id}`,
      });
    } finally {
      t.clock.now = NOW;
    }
  });

  it('decides a PAIA access request in 30 days, extends it once by 30, and refuses a second extension', async () => {
    const filed = await app()
      .post(api('requests'))
      .set(t.as('operator'))
      .send({ type: 'access', subject: `sa_id:${saId('880229501208')}`, receivedAt: '2026-11-16T11:00:00+02:00' });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    // 16 November + 30 = Wednesday 16 December, the Day of Reconciliation → Thursday 17 December.
    expect(filed.body.dueAt).toBe('2026-12-17T21:59:59.999Z');
    const extended = await app()
      .post(api(`requests/${filed.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'records held by a service provider must be searched' });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    // 17 December + 30 = Saturday 16 January 2027: a Saturday counts, no shift.
    expect(extended.body.dueAt).toBe('2027-01-16T21:59:59.999Z');
    const again = await app()
      .post(api(`requests/${filed.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'still searching' });
    expect(again.status).toBe(422);
    expect(again.body.detail).toMatch(/already been extended once, which is all PAIA s\.26\(1\) allows/);
  });

  it('counts approaches by outcome and audits every marketing change', async () => {
    const text = (await app().get('/metrics')).text;
    const count = (outcome: string) =>
      Number(metric(text, 'compliance_popia_marketing_approaches_total', [`outcome="${outcome}"`]));
    // Made for consent: Lerato, the SA ID subject, the spaced SA ID; marketing: 3 + 1; refused: 1 + 2 + 1 + 1.
    expect([count('consent_request'), count('marketing'), count('refused')]).toEqual([3, 4, 5]);
    const audit = await app().get(api('audit')).query({ limit: 200 }).set(t.as('auditor'));
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'popia.marketing_approach_made')).toHaveLength(7);
    expect(actions.filter((a: string) => a === 'popia.marketing_approach_refused')).toHaveLength(5);
    expect(actions.filter((a: string) => a === 'popia.marketing_consented')).toHaveLength(2);
    expect(actions.filter((a: string) => a === 'popia.marketing_refused')).toHaveLength(2);
    expect(JSON.stringify(audit.body)).not.toContain('lerato');
    expect((await app().get(api('audit/verify')).set(t.as('auditor'))).body.ok).toBe(true);
  });

  it('answers bad input with a 4xx naming the problem, never a 5xx', async () => {
    const cases: [string, string, unknown, Record<string, string>, number, RegExp?][] = [
      ['post', 'popia/marketing/approaches', {}, marketing, 400, /subject/],
      [
        'post',
        'popia/marketing/approaches',
        { subject: 'email:a@example.com', channel: 'fax' },
        marketing,
        400,
        /email, sms, phone, post/,
      ],
      ['post', 'popia/marketing/approaches', { subject: 'nobody', channel: 'email' }, marketing, 400, /kind:value/],
      ['post', 'popia/marketing/approaches', { subject: 'email:not-an-address', channel: 'email' }, marketing, 400],
      [
        'post',
        'popia/marketing/approaches',
        { subject: 'email:a@example.com', channel: 'email', x: 1 },
        marketing,
        400,
        /unknown field "x"/,
      ],
      [
        'post',
        'popia/marketing/approaches',
        { subject: 'email:a@example.com', channel: 'email', purpose: 'x'.repeat(501) },
        marketing,
        400,
      ],
      [
        'post',
        'popia/marketing/approaches',
        { subject: 'email:a@example.com', channel: 'email', purpose: 'a\u0000b' },
        marketing,
        400,
        /control characters/,
      ],
      ['post', 'popia/marketing/approaches', [1, 2], marketing, 400],
      [
        'post',
        'popia/marketing/approaches',
        { subject: 'email:a@example.com', channel: 'email' },
        t.as('auditor'),
        403,
      ],
      ['post', 'popia/marketing/approaches', { subject: 'email:a@example.com', channel: 'email' }, {}, 401],
      [
        'post',
        'popia/marketing/decisions',
        { subject: 'email:a@example.com', decision: 'maybe' },
        marketing,
        400,
        /consented, refused/,
      ],
      ['post', 'popia/marketing/decisions', { subject: 42, decision: 'refused' }, marketing, 400],
      ['get', 'popia/marketing', undefined, marketing, 400, /subject/],
      ['put', 'popia/information-officer', {}, t.as('dpo'), 400, /officer/],
      [
        'put',
        'popia/information-officer',
        { officer: { ...OFFICER.officer, email: 'nope' } },
        t.as('dpo'),
        400,
        /email address/,
      ],
      [
        'put',
        'popia/information-officer',
        { officer: { ...OFFICER.officer, phone: 'call me' } },
        t.as('dpo'),
        400,
        /phone number/,
      ],
      [
        'put',
        'popia/information-officer',
        { officer: { ...OFFICER.officer, registeredAt: '2027-02-30' } },
        t.as('dpo'),
        400,
        /ISO 8601/,
      ],
      [
        'put',
        'popia/information-officer',
        { officer: { ...OFFICER.officer, registeredAt: '2030-01-01' } },
        t.as('dpo'),
        400,
        /future/,
      ],
      [
        'put',
        'popia/information-officer',
        { officer: { ...OFFICER.officer, registeredAt: null } },
        t.as('dpo'),
        422,
        /go together/,
      ],
      [
        'put',
        'popia/information-officer',
        { officer: null, deputies: OFFICER.deputies },
        t.as('dpo'),
        422,
        /name the officer first/,
      ],
      ['put', 'popia/information-officer', { officer: OFFICER.officer, deputies: 'Pieter' }, t.as('dpo'), 400, /array/],
      [
        'put',
        'popia/information-officer',
        { officer: OFFICER.officer, deputies: Array(21).fill(OFFICER.deputies[0]) },
        t.as('dpo'),
        400,
        /at most 20/,
      ],
      ['put', 'popia/information-officer', { officer: { ...OFFICER.officer, name: '' } }, t.as('dpo'), 400, /empty/],
    ];
    for (const [method, path, body, headers, status, detail] of cases) {
      let req =
        method === 'get' ? app().get(api(path)) : method === 'put' ? app().put(api(path)) : app().post(api(path));
      req = req.set(headers);
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)} → ${JSON.stringify(res.body)}`).toBe(
        status,
      );
      if (detail) expect(res.body.detail).toMatch(detail);
    }
    const malformed = await app()
      .post(api('popia/marketing/approaches'))
      .set({ ...marketing, 'content-type': 'application/json' })
      .send('{"subject": ');
    expect(malformed.status).toBe(400);
    // The refused PUTs changed nothing.
    expect((await app().get(api('popia/information-officer')).set(t.as('dpo'))).body.registered).toBe(true);
  });
});

describe('POPIA demo data', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('popia', { now: NOW, demoSeed: true });
  });
  afterAll(async () => t?.close());

  it('seeds a registered Information Officer and subjects in each s.69 state', async () => {
    const app = () => request(t.service.app);
    const api = (path: string) => `${t.prefix}/${path}`;
    const officer = await app().get(api('popia/information-officer')).set(t.as('auditor'));
    expect(officer.body).toMatchObject({ registered: true, officer: { name: 'Thandi Nkosi' } });
    expect(officer.body.deputies).toHaveLength(1);
    const state = async (subject: string) =>
      (await app().get(api('popia/marketing')).query({ subject }).set(t.as('auditor'))).body;
    const once = await state('email:sipho.dlamini@example.co.za');
    expect(once).toMatchObject({ status: 'approached_once' });
    expect(once.refusedApproaches).toHaveLength(1);
    expect((await state('sa_id:8001015009087')).status).toBe('consented');
    expect((await state('phone:+27825550123')).status).toBe('refused');
    const assessment = await app().get(api('assessment')).set(t.as('auditor'));
    expect(assessment.body.controls.find((c: { id: string }) => c.id === 'accountability').status).toBe('pass');
    // The refused approach of the seed is a real 409 through the API too.
    const res = await app()
      .post(api('popia/marketing/approaches'))
      .set(t.as('operator'))
      .send({ subject: 'phone:+27825550123', channel: 'sms' });
    expect(res.status).toBe(409);
  });
});
