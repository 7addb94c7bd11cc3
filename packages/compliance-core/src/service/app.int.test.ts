// The jurisdiction services' shared API on a real Postgres database: request lifecycle and
// statutory clocks, consent history, records of processing, breaches and their notification
// deadlines, the audit chain (and what tampering by SQL looks like), assessment, metrics,
// authorization and bad input.
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/service.ts';

const metric = (text: string, name: string, labels = '') =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && line.includes(labels))
    ?.split(' ')[1];

describe('LGPD service (shared routes)', () => {
  let t: TestService;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);

  beforeAll(async () => {
    // Monday 2026-12-07 10:00 São Paulo.
    t = await startTestService('lgpd', { now: new Date('2026-12-07T13:00:00Z') });
  });
  afterAll(async () => t?.close());

  const file = async (body: Record<string, unknown>, role: 'dpo' | 'operator' = 'operator') => {
    const res = await app().post(api('requests')).set(t.as(role)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it('files a request received on a Friday by post: due 15 days later at the end of the day in São Paulo', async () => {
    const created = await file({ type: 'access', subject: 'email:Joao.Silva@Example.com', receivedAt: '2026-12-04' });
    expect(created).toMatchObject({
      type: 'access',
      status: 'received',
      receivedAt: '2026-12-04T03:00:00.000Z',
      dueAt: '2026-12-20T02:59:59.999Z', // Saturday 2026-12-19 23:59:59.999 −03:00
      clockPaused: false,
      overdue: false,
      timeZone: 'America/Sao_Paulo',
      subject: { kind: 'email' },
      createdBy: 'operator-1',
    });
    expect(created.interim).toEqual([
      expect.objectContaining({ name: 'simplified', dueAt: '2026-12-05T02:59:59.999Z', doneAt: null }),
    ]);
    // Those who answer it can read who it is from (normalized); an auditor cannot.
    const who = await app()
      .get(api(`requests/${created.id}/subject`))
      .set(t.as('operator'));
    expect(who.body).toEqual({ kind: 'email', value: 'joao.silva@example.com' });
    expect(
      (
        await app()
          .get(api(`requests/${created.id}/subject`))
          .set(t.as('auditor'))
      ).status,
    ).toBe(403);
    // The same person, written differently, is the same subject.
    const again = await file({ type: 'portability', subject: 'email:  joao.silva@example.COM ' });
    expect(again.subject.id).toBe(created.subject.id);
  });

  it('keeps identifiers only as keyed hashes and AES-GCM ciphertext', async () => {
    const pool = t.db.pool();
    try {
      const { rows } = await pool.query('SELECT kind, lookup_hash, sealed_value FROM subject_identifiers');
      expect(rows.length).toBeGreaterThan(0);
      const dump = JSON.stringify(rows).toLowerCase();
      expect(dump).not.toContain('joao');
      expect(dump).not.toContain('example.com');
      expect(rows[0].sealed_value).toMatch(/^v1\.k1\./);
      const audit = JSON.stringify((await pool.query('SELECT data FROM audit_log')).rows).toLowerCase();
      expect(audit).not.toContain('joao');
    } finally {
      await pool.end();
    }
  });

  it('walks the lifecycle and refuses steps out of order with 409', async () => {
    const { id } = await file({ type: 'correction', subject: 'phone:+55 11 98765-4321' });
    const step = (name: string, body: unknown = {}) =>
      app()
        .post(api(`requests/${id}/${name}`))
        .set(t.as('operator'))
        .send(body as object);
    expect((await step('complete', { summary: 'too early' })).status).toBe(409);
    expect((await step('start')).status).toBe(409);
    const [a, b] = await Promise.all([
      step('verify', { method: 'one-time code by SMS' }),
      step('verify', { method: 'again' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const interim = await app()
      .post(api(`requests/${id}/interim/simplified`))
      .set(t.as('operator'))
      .send({});
    expect(interim.status).toBe(404); // a correction has no simplified answer
    expect((await step('start')).body.status).toBe('in_progress');
    const done = await step('complete', {
      summary: 'address corrected in CRM and billing',
      actions: ['crm', 'billing'],
    });
    expect(done.body).toMatchObject({
      status: 'completed',
      evidence: { completion: { summary: 'address corrected in CRM and billing' } },
    });
    const rejected = await step('reject', { reason: 'no' });
    expect(rejected.status).toBe(409);
    expect(rejected.body.detail).toMatch(/cannot reject a request that is completed/);
  });

  it('rejects with a reason, and refuses an extension LGPD does not have (422)', async () => {
    const { id } = await file({ type: 'deletion', subject: 'customer_id:C-1001' });
    const extend = await app()
      .post(api(`requests/${id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'complex' });
    expect(extend.status).toBe(422);
    expect(extend.body.detail).toMatch(/LGPD/);
    const rejected = await app()
      .post(api(`requests/${id}/reject`))
      .set(t.as('dpo'))
      .send({ reason: 'identity could not be verified' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'identity could not be verified' });
  });

  it('shows an overdue request in the list, the summary, the metric and the assessment', async () => {
    const before = await app().get(api('summary')).set(t.as('auditor'));
    const late = await file({ type: 'access', subject: 'email:late@example.com', receivedAt: '2026-11-01T12:00:00Z' });
    expect(late.overdue).toBe(true);
    const overdue = await app().get(api('requests?overdue=true')).set(t.as('auditor'));
    expect(overdue.body.requests.map((r: { id: string }) => r.id)).toContain(late.id);
    const notOverdue = await app().get(api('requests?overdue=false')).set(t.as('auditor'));
    expect(notOverdue.body.requests.map((r: { id: string }) => r.id)).not.toContain(late.id);
    const summary = await app().get(api('summary')).set(t.as('auditor'));
    expect(summary.body.requests.overdue).toBe(before.body.requests.overdue + 1);
    expect(summary.body.score).toBeLessThan(before.body.score);
    const metrics = await app().get('/metrics');
    expect(metric(metrics.text, 'compliance_requests_overdue', 'regime="lgpd"')).toBe(
      String(summary.body.requests.overdue),
    );
    const assessment = await app().get(api('assessment')).set(t.as('auditor'));
    const control = assessment.body.controls.find(
      (c: { automatic: boolean; evidence: string }) => c.automatic && /past their due date/.test(c.evidence),
    );
    expect(control).toMatchObject({ status: 'fail' });
    expect(control.evidence).toContain(late.id);
    expect(assessment.body.reasons.some((r: { reason: string }) => /overdue request/.test(r.reason))).toBe(true);
    // Answering it clears the overdue count (the completion is recorded as late).
    await app()
      .post(api(`requests/${late.id}/verify`))
      .set(t.as('operator'))
      .send({ method: 'email link' });
    await app()
      .post(api(`requests/${late.id}/complete`))
      .set(t.as('operator'))
      .send({ summary: 'sent the data' });
    expect((await app().get(api('summary')).set(t.as('auditor'))).body.requests.overdue).toBe(
      before.body.requests.overdue,
    );
  });

  it('answers consent questions from the history, at any time', async () => {
    const subject = 'email:maria@example.com';
    const post = (body: object) =>
      app()
        .post(api('consents'))
        .set(t.as('operator'))
        .send({ subject, purpose: 'newsletter', source: 'web form', ...body });
    expect((await post({ lawfulBasis: 'consent', action: 'given', at: '2026-10-01T10:00:00Z' })).status).toBe(201);
    expect((await post({ lawfulBasis: 'consent', action: 'withdrawn', at: '2026-11-15T10:00:00Z' })).status).toBe(201);
    const check = async (at: string) =>
      (await app().get(api('consents/check')).query({ subject, purpose: 'newsletter', at }).set(t.as('auditor'))).body;
    expect(await check('2026-09-30T00:00:00Z')).toMatchObject({ valid: false, since: null });
    expect(await check('2026-10-20T00:00:00Z')).toMatchObject({
      valid: true,
      lawfulBasis: 'consent',
      since: '2026-10-01T10:00:00.000Z',
    });
    expect(await check('2026-11-20T00:00:00Z')).toMatchObject({ valid: false, since: '2026-11-15T10:00:00.000Z' });
    expect(
      (
        await app()
          .get(api('consents/check'))
          .query({ subject: 'email:nobody@example.com', purpose: 'newsletter' })
          .set(t.as('auditor'))
      ).body.valid,
    ).toBe(false);
    const history = await app().get(api('consents')).query({ subject }).set(t.as('auditor'));
    expect(history.body.consents.map((c: { action: string }) => c.action)).toEqual(['given', 'withdrawn']);
    const badBasis = await post({ lawfulBasis: 'legitimate_interest', action: 'given' });
    expect(badBasis.status).toBe(422);
    expect(badBasis.body.detail).toMatch(/legitimate_interests/);
  });

  it('keeps records of processing, refuses a duplicate name, and exports CSV a spreadsheet cannot execute', async () => {
    const activity = {
      name: 'Payroll, "internal"',
      controller: 'Azora Ltda',
      purposes: ['salary payment'],
      lawfulBasis: 'legal_obligation',
      dataCategories: ['name', 'CPF', 'bank account'],
      subjectCategories: ['employees'],
      recipients: ['=HYPERLINK("http://evil")'],
      transfers: [{ country: 'PT', safeguard: 'adequacy decision' }],
      retention: '5 years after termination',
    };
    expect((await app().post(api('processing-activities')).set(t.as('dpo')).send(activity)).status).toBe(201);
    expect((await app().post(api('processing-activities')).set(t.as('dpo')).send(activity)).status).toBe(409);
    expect((await app().post(api('processing-activities')).set(t.as('operator')).send(activity)).status).toBe(403);
    const json = await app().get(api('processing-activities')).set(t.as('auditor'));
    expect(json.body.activities[0]).toMatchObject({ name: 'Payroll, "internal"', transfers: [{ country: 'PT' }] });
    const csv = await app().get(api('processing-activities.csv')).set(t.as('auditor'));
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const [header, row] = csv.text.split('\r\n');
    expect(header).toBe(
      'name,controller,purposes,lawfulBasis,dataCategories,subjectCategories,recipients,transfers,retention,updatedAt',
    );
    expect(row).toContain('"Payroll, ""internal"""');
    expect(row).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(row).toContain('PT (adequacy decision)');
  });

  it('computes breach obligations from a Friday evening: ANPD and individuals in 3 business days', async () => {
    const res = await app()
      .post(api('breaches'))
      .set(t.as('dpo'))
      .send({
        title: 'Exposed bucket',
        detectedAt: '2026-12-04T19:30:00-03:00',
        categories: ['email', 'CPF'],
        affectedCount: 1200,
        risk: 'high',
      });
    expect(res.status).toBe(201);
    expect(res.body.obligations).toEqual([
      expect.objectContaining({
        recipient: 'authority',
        recipientName: 'ANPD',
        dueAt: '2026-12-10T02:59:59.999Z',
        notifiedAt: null,
        overdue: false,
      }),
      expect.objectContaining({ recipient: 'individuals', dueAt: '2026-12-10T02:59:59.999Z', overdue: false }),
    ]);
    const id = res.body.id;
    let metrics = await app().get('/metrics');
    const seconds = Number(metric(metrics.text, 'compliance_notification_deadline_seconds'));
    expect(seconds).toBeGreaterThan(0);
    // Thursday: both deadlines passed, one notification made (late), one missed.
    t.clock.now = new Date('2026-12-10T12:00:00Z');
    try {
      const notified = await app()
        .post(api(`breaches/${id}/notifications/authority`))
        .set(t.as('dpo'))
        .send({ reference: 'ANPD-2026-123' });
      expect(notified.body.obligations[0]).toMatchObject({
        notifiedAt: '2026-12-10T12:00:00.000Z',
        late: true,
        overdue: false,
      });
      expect(
        (
          await app()
            .post(api(`breaches/${id}/notifications/authority`))
            .set(t.as('dpo'))
            .send({})
        ).status,
      ).toBe(409);
      expect(
        (
          await app()
            .post(api(`breaches/${id}/notifications/press`))
            .set(t.as('dpo'))
            .send({})
        ).status,
      ).toBe(404);
      metrics = await app().get('/metrics');
      expect(metric(metrics.text, 'compliance_notification_deadlines_missed')).toBe('1');
      expect(Number(metric(metrics.text, 'compliance_notification_deadline_seconds'))).toBeLessThan(0);
      const summary = await app().get(api('summary')).set(t.as('auditor'));
      expect(summary.body.notifications).toMatchObject({ missed: 1 });
      expect(
        (
          await app()
            .post(api(`breaches/${id}/contain`))
            .set(t.as('dpo'))
            .send({})
        ).body.state,
      ).toBe('contained');
      expect(
        (
          await app()
            .post(api(`breaches/${id}/contain`))
            .set(t.as('dpo'))
            .send({})
        ).status,
      ).toBe(409);
      expect(metric((await app().get('/metrics')).text, 'compliance_breaches', 'state="contained"')).toBe('1');
    } finally {
      t.clock.now = new Date('2026-12-07T13:00:00Z');
    }
  });

  it('lets a DPO attest controls; automatic ones cannot be attested', async () => {
    const before = (await app().get(api('assessment')).set(t.as('auditor'))).body;
    const manual = before.controls.find((c: { automatic: boolean }) => !c.automatic);
    const automatic = before.controls.find((c: { automatic: boolean }) => c.automatic);
    expect(manual.status).toBe('not_assessed');
    const after = await app()
      .put(api(`assessment/controls/${manual.id}`))
      .set(t.as('dpo'))
      .send({ status: 'pass', evidence: 'DPO appointed 2026-01-10, published on the site' });
    expect(after.body.controls.find((c: { id: string }) => c.id === manual.id)).toMatchObject({
      status: 'pass',
      assessedBy: 'dpo-1',
    });
    expect(after.body.score).toBeGreaterThan(before.score);
    expect(
      (
        await app()
          .put(api(`assessment/controls/${automatic.id}`))
          .set(t.as('dpo'))
          .send({ status: 'pass', evidence: 'x' })
      ).status,
    ).toBe(409);
    expect(
      (await app().put(api('assessment/controls/nope')).set(t.as('dpo')).send({ status: 'pass', evidence: 'x' }))
        .status,
    ).toBe(404);
  });

  it('scans text for PII and redacts it, counting findings by type', async () => {
    const text = 'Contato: ana@example.com, CPF 529.982.247-25, CPF falso 529.982.247-26';
    const res = await app().post(api('pii/scan')).set(t.as('auditor')).send({ text, redact: 'mask' });
    expect(res.body.findings.map((f: { type: string }) => f.type)).toEqual(['email', 'br_cpf']);
    expect(res.body.redacted).toBe('Contato: ***************, CPF **************, CPF falso 529.982.247-26');
    const hashed = await app().post(api('pii/scan')).set(t.as('auditor')).send({ text, redact: 'hash' });
    expect(hashed.body.redacted).toMatch(/^Contato: \[email:[0-9a-f]{16}\], CPF \[br_cpf:[0-9a-f]{16}\]/);
    expect(metric((await app().get('/metrics')).text, 'compliance_pii_findings_total', 'type="br_cpf"')).toBe('2');
  });

  it('writes every change to a hash chain that verifies, and reports the first row edited or deleted by SQL', async () => {
    const verify = async () => (await app().get(api('audit/verify')).set(t.as('auditor'))).body;
    const clean = await verify();
    expect(clean.ok).toBe(true);
    expect(clean.checked).toBeGreaterThan(20);
    const pool = t.db.pool();
    const client = await pool.connect();
    try {
      await expect(client.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 5`)).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_log WHERE seq = 5')).rejects.toThrow(/append-only/);
      // A superuser can switch triggers off; the chain still tells.
      await client.query(`SET session_replication_role = replica`);
      await client.query(`UPDATE audit_log SET data = jsonb_set(data, '{type}', '"erasure"') WHERE seq = 7`);
      expect(await verify()).toMatchObject({ ok: false, checked: 6, firstBreak: { seq: 7, reason: 'edited' } });
      await client.query('DELETE FROM audit_log WHERE seq = 7');
      expect(await verify()).toMatchObject({ ok: false, checked: 6, firstBreak: { seq: 8, reason: 'deleted' } });
      expect((await app().get(api('audit/verify')).set(t.as('operator'))).status).toBe(403);
    } finally {
      client.release();
      await pool.end();
    }
  });
});

describe('bad input and authorization (GDPR service)', () => {
  let t: TestService;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);
  beforeAll(async () => {
    t = await startTestService('gdpr', { now: new Date('2026-12-07T09:00:00Z') });
  });
  afterAll(async () => t?.close());

  it('needs credentials, and the right role to change anything', async () => {
    expect((await app().get(api('requests'))).status).toBe(401);
    expect((await app().get(api('requests')).set({ 'x-api-key': 'wrong-key-0123456789abcdefg' })).status).toBe(401);
    const body = { type: 'access', subject: 'email:a@example.com' };
    expect((await app().post(api('requests')).set(t.as('auditor')).send(body)).status).toBe(403);
    expect((await app().post(api('breaches')).set(t.as('operator')).send({})).status).toBe(403);
    expect((await app().get(api('audit/verify')).set(t.as('operator'))).status).toBe(403);
    expect((await app().get(api('me')).set(t.as('dpo'))).body).toEqual({ subject: 'dpo-1', roles: ['dpo'] });
  });

  it('answers ugly input with a 4xx that names the problem', async () => {
    const post = (path: string, body?: unknown, type = 'application/json') => {
      const req = app().post(api(path)).set(t.as('dpo'));
      return body === undefined ? req : req.set('content-type', type).send(body as string);
    };
    const cases: Array<[string, unknown, number, RegExp]> = [
      ['requests', undefined, 415, /JSON body/],
      ['requests', '{"type":', 400, /./],
      ['requests', JSON.stringify([]), 400, /JSON object/],
      ['requests', JSON.stringify({ type: 'access' }), 400, /subject/],
      ['requests', JSON.stringify({ type: 'access', subject: 'ana@example.com' }), 400, /kind:value/],
      ['requests', JSON.stringify({ type: 'access', subject: 'email:not-an-email' }), 400, /not an email/],
      ['requests', JSON.stringify({ type: 'access', subject: 'phone:12' }), 400, /phone/],
      ['requests', JSON.stringify({ type: 42, subject: 'email:a@example.com' }), 400, /type/],
      [
        'requests',
        JSON.stringify({ type: 'opt_out_sale_sharing', subject: 'email:a@example.com' }),
        422,
        /not a request type under GDPR/,
      ],
      [
        'requests',
        JSON.stringify({ type: 'access', subject: 'email:a@example.com', receivedAt: '2026-02-30' }),
        400,
        /ISO 8601/,
      ],
      [
        'requests',
        JSON.stringify({ type: 'access', subject: 'email:a@example.com', receivedAt: '2027-01-01' }),
        400,
        /future/,
      ],
      [
        'requests',
        JSON.stringify({ type: 'access', subject: 'email:a@example.com', receivedAt: 1733300000 }),
        400,
        /ISO 8601/,
      ],
      ['requests', JSON.stringify({ type: 'access', subject: 'email:a@example.com', admin: true }), 400, /admin/],
      ['requests', JSON.stringify({ type: 'access\u0000', subject: 'email:a@example.com' }), 400, /control characters/],
      [
        'breaches',
        JSON.stringify({
          title: 'x',
          detectedAt: '2026-12-01T00:00:00Z',
          categories: [],
          affectedCount: 1,
          risk: 'high',
        }),
        400,
        /category/,
      ],
      [
        'breaches',
        JSON.stringify({
          title: 'x',
          detectedAt: '2026-12-01T00:00:00Z',
          categories: ['a'],
          affectedCount: -1,
          risk: 'high',
        }),
        400,
        /negative/,
      ],
      [
        'breaches',
        JSON.stringify({
          title: 'x',
          detectedAt: '2026-12-01T00:00:00Z',
          categories: ['a'],
          affectedCount: 1.5,
          risk: 'high',
        }),
        400,
        /whole/,
      ],
      [
        'breaches',
        JSON.stringify({
          title: 'x',
          detectedAt: '2026-12-01T00:00:00Z',
          categories: ['a'],
          affectedCount: 1,
          risk: 'severe',
        }),
        400,
        /low, medium or high/,
      ],
      ['pii/scan', JSON.stringify({ text: 5 }), 400, /text/],
      ['pii/scan', JSON.stringify({ text: 'x', redact: 'blur' }), 400, /mask, hash or remove/],
      ['requests/not-a-uuid/verify', JSON.stringify({ method: 'x' }), 400, /UUID/],
      ['requests/00000000-0000-4000-8000-000000000000/verify', JSON.stringify({ method: 'x' }), 404, /no request/],
    ];
    for (const [path, body, status, detail] of cases) {
      const res = await post(path, body);
      expect(res.status, `${path} ${String(body).slice(0, 80)} → ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.detail ?? res.body.title).toMatch(detail);
    }
    const huge = await post('pii/scan', JSON.stringify({ text: 'a'.repeat(3 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const query = await app().get(api('requests?status=lost')).set(t.as('dpo'));
    expect(query.status).toBe(400);
    expect((await app().get(api('consents/check?subject=email:a@example.com')).set(t.as('dpo'))).status).toBe(400);
  });

  it('accepts unicode subjects and text, and keeps a GDPR clock paused until identity is verified', async () => {
    const res = await app()
      .post(api('requests'))
      .set(t.as('dpo'))
      .send({
        type: 'erasure',
        subject: 'email:zoë.müller@example.com'.normalize('NFC').replace('ë', 'e').replace('ü', 'u'),
        notes: 'Antrag per Brief — bitte löschen 🙏',
        receivedAt: '2026-01-31T10:00:00+01:00',
      });
    expect(res.status).toBe(201);
    // Received on 31 January, never verified: the clock waits, so it is not overdue.
    expect(res.body).toMatchObject({ clockPaused: true, overdue: false, notes: 'Antrag per Brief — bitte löschen 🙏' });
    const verified = await app()
      .post(api(`requests/${res.body.id}/verify`))
      .set(t.as('dpo'))
      .send({ method: 'ID document checked' });
    // Verified Monday 2026-12-07: one month from then, end of day Brussels.
    expect(verified.body).toMatchObject({
      clockPaused: false,
      dueAt: '2027-01-07T22:59:59.999Z',
      originalDueAt: '2027-01-07T22:59:59.999Z',
    });
    const first = await app()
      .post(api(`requests/${res.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'many systems', until: '2027-02-07T22:59:59.999Z' });
    expect(first.body.dueAt).toBe('2027-02-07T22:59:59.999Z');
    const second = await app()
      .post(api(`requests/${res.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'still complex' });
    expect(second.body.dueAt).toBe('2027-03-07T22:59:59.999Z');
    expect(second.body.extensions).toHaveLength(2);
    const third = await app()
      .post(api(`requests/${res.body.id}/extend`))
      .set(t.as('dpo'))
      .send({ reason: 'more' });
    expect(third.status).toBe(422);
  });

  it('records a GDPR breach found on a Friday evening: the authority within 72 hours, individuals without undue delay', async () => {
    const res = await app()
      .post(api('breaches'))
      .set(t.as('dpo'))
      .send({
        title: 'Laptop stolen',
        detectedAt: '2026-12-04T19:30:00+01:00',
        categories: ['health data'],
        affectedCount: 40,
        risk: 'high',
      });
    expect(res.body.obligations).toEqual([
      expect.objectContaining({ recipient: 'authority', dueAt: '2026-12-07T18:30:00.000Z' }),
      expect.objectContaining({ recipient: 'individuals', dueAt: null, withoutUndueDelay: true, overdue: false }),
    ]);
  });

  it('files concurrent requests for one new subject as one subject, each audited once', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        app().post(api('requests')).set(t.as('dpo')).send({ type: 'access', subject: 'email:race@example.com' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.subject.id)).size).toBe(1);
    expect((await app().get(api('audit/verify')).set(t.as('dpo'))).body.ok).toBe(true);
  });

  it('files a retried request once under its Idempotency-Key, even when the retries race', async () => {
    const body = { type: 'access', subject: 'email:retry@example.com', receivedAt: '2026-12-01T09:00:00Z' };
    const post = (key: string, sent: object = body) =>
      app().post(api('requests')).set(t.as('dpo')).set('idempotency-key', key).send(sent);
    const before = (await app().get(api('summary')).set(t.as('dpo'))).body.requests.open;
    const first = await post('retry-1');
    expect(first.status).toBe(201);
    const again = await post('retry-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const racing = await Promise.all(Array.from({ length: 6 }, () => post('retry-2')));
    expect(racing.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect((await app().get(api('summary')).set(t.as('dpo'))).body.requests.open).toBe(before + 2);
    const reused = await post('retry-1', { ...body, type: 'erasure' });
    expect(reused.status).toBe(422);
    expect(reused.body.detail).toMatch(/already used for a different request/);
    expect((await post('bad key with spaces')).status).toBe(400);
    // Keys belong to their caller: another caller's same key is a new request.
    const other = await app().post(api('requests')).set(t.as('operator')).set('idempotency-key', 'retry-1').send(body);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect((await app().get(api('audit/verify')).set(t.as('dpo'))).body.ok).toBe(true);
  });

  it('answers 503 (never 500) while the database is unreachable, and recovers', async () => {
    const admin = new pg.Pool({ connectionString: t.db.url.replace(/\/[^/]+$/, '/postgres'), max: 1 });
    try {
      await admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.db.name]);
      const down = await app()
        .post(api('requests'))
        .set(t.as('dpo'))
        .send({ type: 'access', subject: 'email:down@example.com' });
      expect(down.status, JSON.stringify(down.body)).toBe(503);
      expect(down.headers['retry-after']).toBe('2');
      expect((await app().get('/health/ready')).status).toBe(503);
      await admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS true`);
      const up = await app()
        .post(api('requests'))
        .set(t.as('dpo'))
        .send({ type: 'access', subject: 'email:down@example.com' });
      expect(up.status).toBe(201);
    } finally {
      await admin.query(`ALTER DATABASE "${t.db.name}" ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    }
  });
});
