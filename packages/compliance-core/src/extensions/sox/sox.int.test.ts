// The SOX extension on a real Postgres database: controls, tests and deficiencies by severity;
// change management with approval before deployment and segregation of duties (the requester
// never approves or deploys, whatever roles they hold); s.302 certifications attested by the
// named officers only and their due dates; whistle-blower reports for the audit committee only;
// evidence kept seven years; the five automatic controls turning as the data changes; the audit
// chain, metrics, demo data and a sweep of bad input (4xx, never 5xx).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../testing/service.ts';

const KEYS = {
  owner: 'owner-key-0123456789abcdefghijk',
  requester: 'requester-key-0123456789abcdefg',
  approver: 'approver-key-0123456789abcdefgh',
  deployer: 'deployer-key-0123456789abcdefgh',
  both: 'request-and-approve-key-01234567',
  reqdeploy: 'request-and-deploy-key-012345678',
  ceo: 'ceo-officer-key-0123456789abcdef',
  cfo: 'cfo-officer-key-0123456789abcdef',
  coo: 'coo-officer-key-0123456789abcdef',
  committee: 'audit-committee-key-0123456789ab',
} as const;
const API_KEYS = [
  `olga-1:control_owner:${KEYS.owner}`,
  `rick-1:change_requester:${KEYS.requester}`,
  `ann-1:change_approver:${KEYS.approver}`,
  `dan-1:deployer:${KEYS.deployer}`,
  `bea-1:change_requester|change_approver:${KEYS.both}`,
  `rex-1:change_requester|deployer:${KEYS.reqdeploy}`,
  `ceo-1:officer:${KEYS.ceo}`,
  `cfo-1:officer:${KEYS.cfo}`,
  `coo-1:officer:${KEYS.coo}`,
  `aca-1:audit_committee:${KEYS.committee}`,
];
type Who = keyof typeof KEYS | 'dpo' | 'operator' | 'auditor';
const NOW = new Date('2026-12-04T15:00:00Z'); // Friday 10:00 New York

const metric = (text: string, name: string, labels: string[] = []) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
    ?.split(' ')[1];

describe('SOX extension', () => {
  let t: TestService;
  let pool: pg.Pool;
  const api = (path: string) => `${t.prefix}/${path}`;
  const app = () => request(t.service.app);
  const as = (who: Who) => (who in KEYS ? { 'x-api-key': KEYS[who as keyof typeof KEYS] } : t.as(who as 'dpo'));
  const post = (who: Who, path: string, body?: object) => {
    const req = app().post(api(path)).set(as(who));
    return body === undefined ? req : req.send(body);
  };
  const get = (who: Who, path: string) => app().get(api(path)).set(as(who));
  const control = async (id: string) => {
    const res = await get('auditor', 'assessment');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.controls.find((c: { id: string }) => c.id === id) as { status: string; evidence: string };
  };
  const created = (res: request.Response) => {
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const newChange = async (who: Who, title = 'Patch the ERP posting module') =>
    created(await post(who, 'changes', { title, system: 'ERP', description: 'Vendor patch 11.2.3', risk: 'medium' }));

  beforeAll(async () => {
    t = await startTestService('sox', { now: NOW, apiKeys: API_KEYS });
    pool = t.db.pool();
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  it('starts with the automatic controls read from an empty database', async () => {
    expect(await control('s302_certifications')).toEqual(
      expect.objectContaining({ status: 'fail', evidence: 'no s.302 certification is recorded' }),
    );
    for (const id of ['no_material_weakness', 'changes_segregated', 'evidence_retained', 'audit_log_integrity']) {
      expect((await control(id)).status, id).toBe('pass');
    }
  });

  describe('internal controls', () => {
    let journal: string;

    it('creates controls of each type, refuses a duplicate key, lists and reads them', async () => {
      const types = ['preventive', 'detective', 'corrective'] as const;
      for (const [i, type] of types.entries()) {
        const body = created(
          await post('owner', 'controls', {
            key: `FR-0${i + 1}`,
            title: `Control ${type}`,
            description: `A ${type} control over journal entries`,
            type,
            owner: 'Controller',
            frequency: 'monthly',
            account: 'General ledger',
          }),
        );
        expect(body).toMatchObject({ key: `FR-0${i + 1}`, type, createdBy: 'olga-1', assertion: null });
        if (type === 'preventive') journal = body.id;
      }
      const again = await post('dpo', 'controls', {
        key: 'FR-01',
        title: 'x',
        description: 'x',
        type: 'preventive',
        owner: 'x',
        frequency: 'daily',
      });
      expect(again.status).toBe(409);
      expect(again.body.detail).toBe('a control with key "FR-01" already exists');
      const refused = await post('auditor', 'controls', {});
      expect(refused.status).toBe(403);
      const list = (await get('auditor', 'controls')).body.controls;
      expect(list.map((c: { key: string; type: string }) => [c.key, c.type])).toEqual([
        ['FR-01', 'preventive'],
        ['FR-02', 'detective'],
        ['FR-03', 'corrective'],
      ]);
      expect((await get('requester', `controls/${journal}`)).body).toMatchObject({
        key: 'FR-01',
        tests: [],
        deficiencies: [],
      });
    });

    it('records tests; a material weakness fails no_material_weakness until it is remediated', async () => {
      const ok = created(
        await post('owner', `controls/${journal}/tests`, {
          sampleSize: 25,
          exceptions: 0,
          result: 'effective',
          testedAt: '2026-11-30T15:00:00Z',
        }),
      );
      expect(ok).toMatchObject({ tester: 'olga-1', result: 'effective', deficiency: null });
      const tooMany = await post('owner', `controls/${journal}/tests`, {
        sampleSize: 5,
        exceptions: 6,
        result: 'ineffective',
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.detail).toMatch(/exceptions \(6\) cannot exceed the sample size \(5\)/);
      const notFailed = await post('owner', `controls/${journal}/tests`, {
        sampleSize: 5,
        exceptions: 0,
        result: 'effective',
        deficiency: { severity: 'deficiency', description: 'x' },
      });
      expect(notFailed.status).toBe(422);

      const failed = created(
        await post('owner', `controls/${journal}/tests`, {
          sampleSize: 40,
          exceptions: 4,
          result: 'ineffective',
          notes: 'Four entries posted without a second approval',
          deficiency: { severity: 'material_weakness', description: 'The approval hold can be overridden' },
        }),
      );
      expect(failed.deficiency).toMatchObject({ severity: 'material_weakness', status: 'open', testId: failed.id });
      const minor = created(
        await post('owner', 'deficiencies', {
          controlId: journal,
          severity: 'significant_deficiency',
          description: 'Approvals not documented for two entries',
        }),
      );
      expect(minor).toMatchObject({ testId: null, severity: 'significant_deficiency' });
      created(await post('dpo', 'deficiencies', { controlId: journal, severity: 'deficiency', description: 'Late' }));

      const weak = await control('no_material_weakness');
      expect(weak.status).toBe('fail');
      expect(weak.evidence).toBe(`1 open material weakness(es): ${failed.deficiency.id}`);
      const bySeverity = (await get('auditor', 'deficiencies?severity=material_weakness')).body.deficiencies;
      expect(bySeverity.map((d: { id: string }) => d.id)).toEqual([failed.deficiency.id]);
      expect((await get('auditor', 'deficiencies?status=open')).body.deficiencies).toHaveLength(3);
      const detail = (await get('auditor', `controls/${journal}`)).body;
      expect(detail.tests.map((x: { result: string }) => x.result)).toEqual(['ineffective', 'effective']); // newest first
      expect(detail.deficiencies).toHaveLength(3);

      const early = await post('owner', `deficiencies/${failed.deficiency.id}/remediate`, {
        how: 'x',
        remediatedAt: '2026-01-01T00:00:00Z',
      });
      expect(early.status).toBe(422);
      const fixed = await post('owner', `deficiencies/${failed.deficiency.id}/remediate`, {
        how: 'Override removed (change CHG-17); retested with 25 samples',
      });
      expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
      expect(fixed.body).toMatchObject({ status: 'remediated', remediatedAt: NOW.toISOString() });
      expect((await post('owner', `deficiencies/${failed.deficiency.id}/remediate`, { how: 'again' })).status).toBe(
        409,
      );
      expect(await control('no_material_weakness')).toMatchObject({
        status: 'pass',
        evidence: 'no open material weakness (1 open significant deficiency)',
      });
    });
  });

  describe('change management', () => {
    it('needs approval before deployment, by someone other than the requester', async () => {
      const change = await newChange('requester');
      expect(change).toMatchObject({ status: 'requested', requestedBy: 'rick-1', approvedBy: null });
      const early = await post('deployer', `changes/${change.id}/deploy`);
      expect(early.status).toBe(409);
      expect(early.body.detail).toBe('this change needs approval before it is deployed (it is still requested)');
      const approved = await post('approver', `changes/${change.id}/approve`, { note: 'CAB 2026-12-04' });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'ann-1', approvalNote: 'CAB 2026-12-04' });
      expect((await post('approver', `changes/${change.id}/approve`)).status).toBe(409);
      const deployed = await post('deployer', `changes/${change.id}/deploy`);
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
      expect(deployed.body).toMatchObject({ status: 'deployed', deployedBy: 'dan-1', deployedAt: NOW.toISOString() });
      expect((await post('deployer', `changes/${change.id}/deploy`)).body.detail).toBe(
        'cannot deploy a change that is deployed',
      );
      expect(await control('changes_segregated')).toMatchObject({
        status: 'pass',
        evidence: '1 deployed change(s), each approved and deployed by someone other than its requester',
      });
    });

    it('refuses the requester approving, rejecting or deploying their own change, with the reason', async () => {
      const own = await newChange('both', 'Own change');
      const approve = await post('both', `changes/${own.id}/approve`);
      expect(approve.status).toBe(403);
      expect(approve.body.detail).toBe(
        'segregation of duties: bea-1 requested this change and may not approve it; another change approver must',
      );
      const reject = await post('both', `changes/${own.id}/reject`, { reason: 'never mind' });
      expect(reject.status).toBe(403);
      expect(reject.body.detail).toMatch(/^segregation of duties: bea-1 requested this change and may not reject it/);
      expect((await get('auditor', `changes/${own.id}`)).body).toMatchObject({ status: 'requested', approvedBy: null });

      const mine = await newChange('reqdeploy', 'Deploy my own');
      expect((await post('approver', `changes/${mine.id}/approve`)).status).toBe(200);
      const deploy = await post('reqdeploy', `changes/${mine.id}/deploy`);
      expect(deploy.status).toBe(403);
      expect(deploy.body.detail).toBe(
        'segregation of duties: rex-1 requested this change and may not deploy it; another deployer must',
      );
      // bea holds the approver role too: she may decide rex's change, just not her own.
      const other = await newChange('reqdeploy', 'Someone else decides');
      const rejected = await post('both', `changes/${other.id}/reject`, { reason: 'Out of the freeze window' });
      expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', rejectedBy: 'bea-1' });
      expect((await post('approver', `changes/${other.id}/approve`)).body.detail).toBe(
        'cannot approve a change that is rejected',
      );
      // A plain requester has no approver role at all: the role check answers first.
      const norole = await post('requester', `changes/${own.id}/approve`);
      expect(norole.status).toBe(403);
      expect(norole.body.detail).not.toMatch(/segregation/);
      // Each refusal is on the audit chain, with who tried which step and why.
      const audit = await app().get(api('audit')).query({ limit: 50 }).set(as('auditor'));
      const refusals = audit.body.entries
        .filter((e: { action: string }) => e.action === 'sox.change_step_refused')
        .map((e: { actor: string; entityId: string; data: { step: string } }) => [e.actor, e.entityId, e.data.step])
        .sort();
      expect(refusals).toEqual(
        [
          ['bea-1', own.id, 'approve'],
          ['bea-1', own.id, 'reject'],
          ['rex-1', mine.id, 'deploy'],
        ].sort(),
      );

      const text = (await app().get('/metrics')).text;
      expect(metric(text, 'compliance_sox_sod_refusals_total', ['step="approve"'])).toBe('1');
      expect(metric(text, 'compliance_sox_sod_refusals_total', ['step="reject"'])).toBe('1');
      expect(metric(text, 'compliance_sox_sod_refusals_total', ['step="deploy"'])).toBe('1');
      expect(metric(text, 'compliance_sox_changes', ['status="requested"'])).toBe('1');
      expect(metric(text, 'compliance_sox_changes', ['status="approved"'])).toBe('1');
      expect(metric(text, 'compliance_sox_changes', ['status="rejected"'])).toBe('1');
      expect(metric(text, 'compliance_sox_changes', ['status="deployed"'])).toBe('1');
      const byStatus = (await get('auditor', 'changes?status=requested')).body.changes;
      expect(byStatus.map((c: { id: string }) => c.id)).toEqual([own.id]);
    });

    it('lets exactly one of two racing approvals win', async () => {
      const change = await newChange('requester', 'Race');
      const both = await Promise.all([
        post('approver', `changes/${change.id}/approve`),
        post('both', `changes/${change.id}/approve`),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      await post('deployer', `changes/${change.id}/deploy`).expect(200);
    });

    it('fails changes_segregated when a deployed change bypassed segregation outside the API', async () => {
      const { rows } = await pool.query(
        "UPDATE sox_changes SET deployed_by = requested_by WHERE status = 'deployed' AND title = 'Race' RETURNING id",
      );
      const bad = await control('changes_segregated');
      expect(bad.status).toBe('fail');
      expect(bad.evidence).toBe(`1 deployed change(s) not segregated: ${rows[0].id} deployed by its requester rick-1`);
      await pool.query("UPDATE sox_changes SET deployed_by = 'dan-1' WHERE id = $1", [rows[0].id]);
      expect((await control('changes_segregated')).status).toBe('pass');
    });
  });

  describe('s.302 certifications', () => {
    let q4: string;
    const officers = [
      { subject: 'ceo-1', title: 'Chief Executive Officer' },
      { subject: 'cfo-1', title: 'Chief Financial Officer' },
    ];

    it('opens a quarter with its due date; only the officers named attest, each once', async () => {
      const cert = created(
        await post('dpo', 'certifications', { quarter: '2026-Q4', periodEnd: '2026-12-31', officers }),
      );
      q4 = cert.id;
      expect(cert).toMatchObject({
        quarter: '2026-Q4',
        periodEnd: '2026-12-31',
        dueAt: '2027-03-02T04:59:59.999Z',
        dueDate: '2027-03-01',
        complete: false,
        overdue: false,
      });
      expect(
        (await post('dpo', 'certifications', { quarter: '2026-Q4', periodEnd: '2026-12-31', officers })).status,
      ).toBe(409);
      const stranger = await post('coo', `certifications/${q4}/attest`, { statement: 'I certify' });
      expect(stranger.status).toBe(403);
      expect(stranger.body.detail).toBe(
        'only the officers named in the 2026-Q4 certification (ceo-1, cfo-1) may attest it, each for themselves; coo-1 is not named',
      );
      expect((await post('dpo', `certifications/${q4}/attest`, { statement: 'I certify' })).status).toBe(403);
      const ceo = await post('ceo', `certifications/${q4}/attest`, { statement: 'I have reviewed this report.' });
      expect(ceo.status, JSON.stringify(ceo.body)).toBe(200);
      expect(ceo.body.complete).toBe(false);
      expect(ceo.body.officers).toEqual([
        {
          subject: 'ceo-1',
          title: 'Chief Executive Officer',
          statement: 'I have reviewed this report.',
          attestedAt: NOW.toISOString(),
        },
        { subject: 'cfo-1', title: 'Chief Financial Officer', statement: null, attestedAt: null },
      ]);
      expect((await post('ceo', `certifications/${q4}/attest`, { statement: 'again' })).body.detail).toBe(
        'ceo-1 already attested the 2026-Q4 certification',
      );
      expect(await control('s302_certifications')).toMatchObject({
        status: 'pass',
        evidence: '1 certification(s) recorded; none is past its due date unattested',
      });
    });

    it('detects a quarter past its due date until every named officer has attested', async () => {
      // Q3 2026 was due Monday 2026-11-09 (end of day, New York): already overdue on 2026-12-04.
      const q3 = created(
        await post('dpo', 'certifications', { quarter: '2026-Q3', periodEnd: '2026-09-30', officers }),
      );
      expect(q3).toMatchObject({ dueAt: '2026-11-10T04:59:59.999Z', dueDate: '2026-11-09', overdue: true });
      const failing = await control('s302_certifications');
      expect(failing.status).toBe('fail');
      expect(failing.evidence).toMatch(
        /1 certification\(s\) past their due date .*: 2026-Q3 \(due 2026-11-10T04:59:59.999Z\)/,
      );
      expect(metric((await app().get('/metrics')).text, 'compliance_sox_certifications_overdue')).toBe('1');
      await post('cfo', `certifications/${q3.id}/attest`, { statement: 'Certified.' }).expect(200);
      const done = await post('ceo', `certifications/${q3.id}/attest`, { statement: 'Certified.' });
      expect(done.body).toMatchObject({ complete: true, completedAt: NOW.toISOString(), overdue: false });
      expect((await control('s302_certifications')).status).toBe('pass');

      // Q4 has only the CEO's attestation: one millisecond after its due instant it is overdue.
      t.clock.now = new Date('2027-03-02T04:59:59.999Z');
      expect((await get('auditor', `certifications/${q4}`)).body.overdue).toBe(false);
      t.clock.now = new Date('2027-03-02T05:00:00.000Z');
      expect((await get('auditor', `certifications/${q4}`)).body.overdue).toBe(true);
      expect((await control('s302_certifications')).evidence).toMatch(/2026-Q4/);
      t.clock.now = NOW;
      const list = (await get('auditor', 'certifications')).body.certifications;
      expect(list.map((c: { quarter: string }) => c.quarter)).toEqual(['2026-Q4', '2026-Q3']);
    });
  });

  describe('whistle-blower reports', () => {
    it('lets anyone file, only the audit committee read, and keeps an anonymous reporter out of every row', async () => {
      const named = created(
        await post('operator', 'whistleblower-reports', {
          category: 'fraud',
          description: 'Expense reports in the Denver office are split to stay under the approval limit.',
          anonymous: false,
        }),
      );
      expect(named).toEqual({
        id: named.id,
        category: 'fraud',
        anonymous: false,
        status: 'received',
        receivedAt: NOW.toISOString(),
      });
      const secret = 'Revenue on the Q4 Hansen contract was booked before delivery — 李';
      const anon = created(
        await post('requester', 'whistleblower-reports', {
          category: 'accounting',
          description: secret,
          anonymous: true,
        }),
      );
      for (const who of ['dpo', 'auditor', 'owner', 'operator'] as const) {
        expect((await get(who, 'whistleblower-reports')).status, who).toBe(403);
        expect((await get(who, `whistleblower-reports/${anon.id}`)).status, who).toBe(403);
      }
      const reports = (await get('committee', 'whistleblower-reports')).body.reports;
      expect(reports.map((r: { id: string; reporter: string | null }) => [r.id, r.reporter]).sort()).toEqual(
        [
          [named.id, 'operator-1'],
          [anon.id, null],
        ].sort(),
      );
      expect((await get('committee', `whistleblower-reports/${anon.id}`)).body).toMatchObject({
        description: secret,
        anonymous: true,
        reporter: null,
      });
      const { rows } = await pool.query('SELECT actor, data::text AS data FROM audit_log WHERE entity_id = $1', [
        anon.id,
      ]);
      expect(rows).toEqual([{ actor: 'anonymous', data: expect.not.stringContaining('Hansen') }]);
      const dump = JSON.stringify(
        (await pool.query('SELECT * FROM sox_whistleblower_reports WHERE id = $1', [anon.id])).rows,
      );
      expect(dump).not.toContain('rick-1');

      const step = (status: string) =>
        post('committee', `whistleblower-reports/${anon.id}/status`, { status, note: 'Assigned to the chair' });
      expect((await step('investigating')).body.status).toBe('investigating');
      expect((await step('closed')).body).toMatchObject({ status: 'closed', statusNote: 'Assigned to the chair' });
      expect((await step('investigating')).body.detail).toBe('a report that is closed cannot become investigating');
      expect((await post('dpo', `whistleblower-reports/${anon.id}/status`, { status: 'closed' })).status).toBe(403);
      const keyed = await app()
        .post(api('whistleblower-reports'))
        .set({ ...as('requester'), 'idempotency-key': 'report-1' })
        .send({ category: 'other', description: 'x', anonymous: true });
      expect(keyed.status).toBe(422);
      expect(keyed.body.detail).toMatch(/anonymous report takes no Idempotency-Key/);
    });
  });

  describe('audit evidence', () => {
    const content = Buffer.from('user,role\nakim,AP clerk\n');
    const sha256 = createHash('sha256').update(content).digest('hex');
    let item: string;

    it('keeps evidence seven years: deleting earlier is refused with the first day it may be', async () => {
      const ev = created(
        await post('owner', 'evidence', {
          title: 'ERP user listing',
          kind: 'access_review',
          content: content.toString('base64'),
        }),
      );
      item = ev.id;
      expect(ev).toMatchObject({
        sha256,
        size: content.length,
        stored: true,
        collectedAt: NOW.toISOString(),
        retainUntil: '2033-12-05T04:59:59.999Z',
        retainUntilDate: '2033-12-04',
        deletable: false,
        createdBy: 'olga-1',
      });
      expect((await get('auditor', `evidence/${item}`)).body.content).toBe(content.toString('base64'));
      const external = created(
        await post('owner', 'evidence', {
          title: 'Bank reconciliation (signed PDF)',
          kind: 'reconciliation',
          externalRef: 's3://evidence/2026/11/rec.pdf',
          sha256: 'A'.repeat(64),
        }),
      );
      expect(external).toMatchObject({ stored: false, size: null, sha256: 'a'.repeat(64) });
      const wrongHash = await post('owner', 'evidence', {
        title: 'x',
        kind: 'x',
        content: content.toString('base64'),
        sha256: '0'.repeat(64),
      });
      expect(wrongHash.status).toBe(422);
      expect(wrongHash.body.detail).toBe(`the sha256 given does not match the content (its SHA-256 is ${sha256})`);
      expect((await post('owner', 'evidence', { title: 'x', kind: 'x', externalRef: 'x' })).status).toBe(422);
      expect((await post('owner', 'evidence', { title: 'x', kind: 'x' })).status).toBe(422);

      const early = await app()
        .delete(api(`evidence/${item}`))
        .set(as('dpo'));
      expect(early.status).toBe(409);
      expect(early.body.detail).toBe(
        'audit evidence must be kept until 2033-12-04 (seven years after its collection on 2026-12-04: SOX s.802, 18 U.S.C. §1520, 17 CFR 210.2-06); it may be deleted from 2033-12-05',
      );
      expect(
        (
          await app()
            .delete(api(`evidence/${item}`))
            .set(as('owner'))
        ).status,
      ).toBe(403);
      expect(await control('evidence_retained')).toMatchObject({
        status: 'pass',
        evidence: '2 evidence item(s) kept; every item still within its seven years is present and unaltered',
      });
    });

    it('fails evidence_retained when stored content changes or an item vanishes outside the API', async () => {
      await pool.query("UPDATE sox_evidence SET content = 'tampered'::bytea WHERE id = $1", [item]);
      expect(await control('evidence_retained')).toMatchObject({
        status: 'fail',
        evidence: `1 evidence item(s) not retained unaltered: ${item} no longer matches its SHA-256`,
      });
      await pool.query('UPDATE sox_evidence SET content = $2 WHERE id = $1', [item, content]);
      expect((await control('evidence_retained')).status).toBe('pass');
      const { rows } = await pool.query("DELETE FROM sox_evidence WHERE kind = 'reconciliation' RETURNING *");
      expect((await control('evidence_retained')).evidence).toBe(
        `1 evidence item(s) not retained unaltered: ${rows[0].id} is missing`,
      );
      const row = rows[0];
      await pool.query(
        `INSERT INTO sox_evidence (id, title, kind, sha256, content, size, external_ref, collected_at, retain_until, created_by, created_at)
         VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6, $7, $8, $9)`,
        [
          row.id,
          row.title,
          row.kind,
          row.sha256,
          row.external_ref,
          row.collected_at,
          row.retain_until,
          row.created_by,
          row.created_at,
        ],
      );
      expect((await control('evidence_retained')).status).toBe('pass');
    });

    it('allows the deletion once the seven years are over, and records it', async () => {
      t.clock.now = new Date('2033-12-05T04:59:59.999Z');
      expect(
        (
          await app()
            .delete(api(`evidence/${item}`))
            .set(as('dpo'))
        ).status,
      ).toBe(409);
      t.clock.now = new Date('2033-12-05T05:00:00.000Z');
      expect((await get('auditor', `evidence/${item}`)).body.deletable).toBe(true);
      const gone = await app()
        .delete(api(`evidence/${item}`))
        .set(as('dpo'));
      expect(gone.status, JSON.stringify(gone.body)).toBe(200);
      expect(gone.body).toEqual({ id: item, deleted: true, deletedAt: '2033-12-05T05:00:00.000Z' });
      expect((await get('auditor', `evidence/${item}`)).status).toBe(404);
      expect((await control('evidence_retained')).status).toBe('pass');
      t.clock.now = NOW;
    });
  });

  it('writes every change to the audit log, and the chain verifies', async () => {
    const { rows } = await pool.query(
      "SELECT DISTINCT action FROM audit_log WHERE action LIKE 'sox.%' ORDER BY action",
    );
    expect(rows.map((r: { action: string }) => r.action)).toEqual([
      'sox.certification_attested',
      'sox.certification_opened',
      'sox.change_approved',
      'sox.change_deployed',
      'sox.change_rejected',
      'sox.change_requested',
      'sox.change_step_refused',
      'sox.control_created',
      'sox.control_tested',
      'sox.deficiency_identified',
      'sox.deficiency_remediated',
      'sox.evidence_added',
      'sox.evidence_deleted',
      'sox.whistleblower_report_filed',
      'sox.whistleblower_report_status',
    ]);
    const verify = await get('auditor', 'audit/verify');
    expect(verify.body).toMatchObject({ ok: true });
    expect(verify.body.checked).toBeGreaterThan(30);
    expect(await control('audit_log_integrity')).toMatchObject({
      status: 'pass',
      evidence: `the hash chain of all ${verify.body.checked} audit rows verifies`,
    });
    const text = (await app().get('/metrics')).text;
    expect(metric(text, 'compliance_sox_open_deficiencies', ['severity="significant_deficiency"'])).toBe('1');
    expect(metric(text, 'compliance_sox_open_deficiencies', ['severity="material_weakness"'])).toBe('0');
  });

  describe('bad input', () => {
    it('answers bad input with a clear 4xx naming the problem, never a 5xx', async () => {
      const controlId = (await get('auditor', 'controls')).body.controls[0].id;
      const changeId = (await get('auditor', 'changes')).body.changes[0].id;
      const huge = 'x'.repeat(30_000);
      const valid = { key: 'OK-1', title: 'T', description: 'D', type: 'preventive', owner: 'O', frequency: 'daily' };
      const cases: [() => request.Test, number, RegExp][] = [
        [() => post('owner', 'controls', {}), 400, /key/],
        [() => post('owner', 'controls'), 415, /expected a JSON body/],
        [
          () => post('owner', 'controls', { ...valid, type: 'magic' }),
          400,
          /type: must be one of preventive, detective, corrective/,
        ],
        [() => post('owner', 'controls', { ...valid, frequency: 7 }), 400, /frequency/],
        [() => post('owner', 'controls', { ...valid, colour: 'red' }), 400, /unknown field "colour"/],
        [() => post('owner', 'controls', { ...valid, description: huge }), 400, /description: must be at most 4000/],
        [() => post('owner', 'controls', { ...valid, title: 'A\u0000B' }), 400, /title: must not contain control/],
        [() => post('owner', 'controls', { ...valid, key: 'has space' }), 400, /key: must be 1 to 64/],
        [() => post('owner', 'controls', { ...valid, title: '   ' }), 400, /title: must not be empty/],
        [() => post('owner', 'controls', [valid] as unknown as object), 400, /./],
        [() => get('auditor', 'controls/not-a-uuid'), 400, /UUID/],
        [() => get('auditor', 'controls/00000000-0000-4000-8000-000000000000'), 404, /no control with id/],
        [
          () =>
            post('owner', 'controls/00000000-0000-4000-8000-000000000000/tests', {
              sampleSize: 1,
              exceptions: 0,
              result: 'effective',
            }),
          404,
          /no control/,
        ],
        [
          () => post('owner', `controls/${controlId}/tests`, { sampleSize: 0, exceptions: 0, result: 'effective' }),
          400,
          /sampleSize: must be at least 1/,
        ],
        [
          () => post('owner', `controls/${controlId}/tests`, { sampleSize: 1.5, exceptions: 0, result: 'effective' }),
          400,
          /sampleSize: must be a whole number/,
        ],
        [
          () => post('owner', `controls/${controlId}/tests`, { sampleSize: '3', exceptions: 0, result: 'effective' }),
          400,
          /sampleSize/,
        ],
        [
          () => post('owner', `controls/${controlId}/tests`, { sampleSize: 3, exceptions: -1, result: 'effective' }),
          400,
          /exceptions: must not be negative/,
        ],
        [
          () =>
            post('owner', `controls/${controlId}/tests`, {
              sampleSize: 3,
              exceptions: 0,
              result: 'effective',
              testedAt: '2027-01-01T00:00:00Z',
            }),
          400,
          /testedAt/,
        ],
        [
          () =>
            post('owner', `controls/${controlId}/tests`, {
              sampleSize: 3,
              exceptions: 0,
              result: 'effective',
              evidenceIds: ['nope'],
            }),
          400,
          /evidenceIds\[0\]: must be an id/,
        ],
        [
          () =>
            post('owner', `controls/${controlId}/tests`, {
              sampleSize: 3,
              exceptions: 0,
              result: 'effective',
              evidenceIds: ['00000000-0000-4000-8000-000000000000'],
            }),
          422,
          /no evidence item/,
        ],
        [
          () => post('owner', 'deficiencies', { controlId: 'x', severity: 'deficiency', description: 'd' }),
          400,
          /controlId: must be an id/,
        ],
        [
          () => post('owner', 'deficiencies', { controlId, severity: 'catastrophic', description: 'd' }),
          400,
          /severity: must be one of deficiency, significant_deficiency, material_weakness/,
        ],
        [() => get('auditor', 'deficiencies?severity=huge'), 400, /severity/],
        [() => get('auditor', 'deficiencies?colour=red'), 400, /colour/],
        [
          () => post('owner', 'deficiencies/00000000-0000-4000-8000-000000000000/remediate', { how: 'x' }),
          404,
          /no deficiency/,
        ],
        [
          () => post('requester', 'changes', { title: 'T', system: 'S', description: 'D', risk: 'extreme' }),
          400,
          /risk: must be one of low, medium, high/,
        ],
        [() => post('requester', 'changes', { title: 'T', system: 'S', description: 'D' }), 400, /risk/],
        [() => post('approver', `changes/${changeId}/approve`, { note: 5 }), 400, /note: must be a string/],
        [() => post('approver', `changes/${changeId}/approve`, { approve: true }), 400, /unknown field "approve"/],
        [() => post('approver', `changes/${changeId}/reject`, {}), 400, /reason/],
        [() => post('approver', 'changes/123/approve'), 400, /UUID/],
        [() => post('approver', 'changes/00000000-0000-4000-8000-000000000000/approve'), 404, /no change/],
        [() => get('auditor', 'changes?status=done'), 400, /status/],
        [
          () =>
            post('dpo', 'certifications', {
              quarter: '2026-Q5',
              periodEnd: '2026-12-31',
              officers: [{ subject: 'ceo-1', title: 'CEO' }],
            }),
          400,
          /quarter: must be a fiscal quarter/,
        ],
        [
          () =>
            post('dpo', 'certifications', {
              quarter: '2027-Q1',
              periodEnd: '2027-02-30',
              officers: [{ subject: 'ceo-1', title: 'CEO' }],
            }),
          400,
          /periodEnd: must be a real date/,
        ],
        [
          () => post('dpo', 'certifications', { quarter: '2027-Q1', periodEnd: '2027-03-31', officers: [] }),
          400,
          /officers: must name at least one/,
        ],
        [
          () =>
            post('dpo', 'certifications', {
              quarter: '2027-Q1',
              periodEnd: '2027-03-31',
              officers: [
                { subject: 'a', title: 'x' },
                { subject: 'a', title: 'y' },
              ],
            }),
          400,
          /must not name an officer twice/,
        ],
        [
          () =>
            post('dpo', 'certifications', {
              quarter: '2027-Q1',
              periodEnd: '2027-03-31',
              officers: [{ subject: 'bad subject', title: 'x' }],
            }),
          400,
          /officers\[0\]\.subject/,
        ],
        [
          () => post('ceo', 'certifications/00000000-0000-4000-8000-000000000000/attest', { statement: 'x' }),
          404,
          /no certification/,
        ],
        [() => post('ceo', 'certifications/00000000-0000-4000-8000-000000000000/attest', {}), 400, /statement/],
        [
          () => post('operator', 'whistleblower-reports', { category: 'gossip', description: 'x', anonymous: true }),
          400,
          /category/,
        ],
        [
          () => post('operator', 'whistleblower-reports', { category: 'fraud', description: 'x', anonymous: 'yes' }),
          400,
          /anonymous: must be true or false/,
        ],
        [
          () =>
            post('operator', 'whistleblower-reports', {
              category: 'fraud',
              description: 'x'.repeat(20_001),
              anonymous: false,
            }),
          400,
          /description: must be at most 20000/,
        ],
        [() => get('committee', 'whistleblower-reports/nope'), 400, /UUID/],
        [
          () => get('committee', 'whistleblower-reports/00000000-0000-4000-8000-000000000000'),
          404,
          /no whistle-blower report/,
        ],
        [
          () => post('owner', 'evidence', { title: 'x', kind: 'x', content: 'not base64!' }),
          400,
          /content: must be base64/,
        ],
        [
          () => post('owner', 'evidence', { title: 'x', kind: 'x', externalRef: 'r', sha256: 'abc' }),
          400,
          /sha256: must be 64 hexadecimal/,
        ],
        [
          () =>
            post('owner', 'evidence', {
              title: 'x',
              kind: 'x',
              externalRef: 'r',
              sha256: 'a'.repeat(64),
              changeId: '00000000-0000-4000-8000-000000000000',
            }),
          422,
          /no change with id/,
        ],
        [() => app().delete(api('evidence/zzz')).set(as('dpo')), 400, /UUID/],
        [
          () => app().delete(api('evidence/00000000-0000-4000-8000-000000000000')).set(as('dpo')),
          404,
          /no evidence item/,
        ],
        [
          () => app().post(api('controls')).set(as('owner')).set('content-type', 'application/json').send('{"key": '),
          400,
          /./,
        ],
        [
          () =>
            app()
              .post(api('controls'))
              .set({ ...as('owner'), 'idempotency-key': 'k'.repeat(256) })
              .send(valid),
          400,
          /Idempotency-Key header must be/,
        ],
      ];
      for (const [index, [send, status, detail]] of cases.entries()) {
        const res = await send();
        expect(res.status, `case ${index}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.body.detail, `case ${index}`).toMatch(detail);
      }
    });

    it('accepts unicode, and replays a duplicate Idempotency-Key instead of creating twice', async () => {
      const body = {
        title: 'Überprüfung der Buchungen — 李 ✓',
        system: 'SAP S/4HANA',
        description: 'Ändert die Freigabe (Schwellenwert 50 000 €)',
        risk: 'low',
      };
      const send = (b: object) =>
        app()
          .post(api('changes'))
          .set({ ...as('requester'), 'idempotency-key': 'chg-2026-12-04-1' })
          .send(b);
      const first = created(await send(body));
      expect(first.title).toBe(body.title);
      const again = await send(body);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.id);
      const other = await send({ ...body, risk: 'high' });
      expect(other.status).toBe(422);
      expect(other.body.detail).toMatch(/Idempotency-Key was already used for a different request/);
      const titles = (await get('auditor', 'changes')).body.changes.filter(
        (c: { title: string }) => c.title === body.title,
      );
      expect(titles).toHaveLength(1);
    });
  });

  it('fails audit_log_integrity when a row of the audit log is altered', async () => {
    await pool.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await pool.query(
      "UPDATE audit_log SET actor = 'mallory' WHERE seq = (SELECT min(seq) FROM audit_log WHERE action = 'sox.change_approved')",
    );
    await pool.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    expect((await get('auditor', 'audit/verify')).body.ok).toBe(false);
    const broken = await control('audit_log_integrity');
    expect(broken.status).toBe('fail');
    expect(broken.evidence).toMatch(/^the audit log's hash chain breaks at row \d+/);
  });
});

describe('SOX demo data', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sox', { now: NOW, demoSeed: true, apiKeys: API_KEYS });
  });
  afterAll(async () => t?.close());

  it('seeds controls, tests, deficiencies, changes, a half-attested certification, a report and evidence', async () => {
    const app = () => request(t.service.app);
    const auditor = t.as('auditor');
    const read = async (path: string) => (await app().get(`${t.prefix}/${path}`).set(auditor)).body;
    const controls = (await read('controls')).controls;
    expect(controls.map((c: { type: string }) => c.type).sort()).toEqual([
      'corrective',
      'detective',
      'detective',
      'preventive',
    ]);
    const deficiencies = (await read('deficiencies')).deficiencies;
    expect(deficiencies.map((d: { severity: string }) => d.severity).sort()).toEqual([
      'deficiency',
      'deficiency',
      'significant_deficiency',
    ]);
    const changes = (await read('changes')).changes;
    expect(changes.map((c: { status: string }) => c.status).sort()).toEqual([
      'approved',
      'deployed',
      'rejected',
      'requested',
    ]);
    const deployed = changes.find((c: { status: string }) => c.status === 'deployed');
    expect(new Set([deployed.requestedBy, deployed.approvedBy, deployed.deployedBy]).size).toBe(3);
    const [cert] = (await read('certifications')).certifications;
    expect(cert).toMatchObject({ quarter: '2026-Q3', periodEnd: '2026-09-30', dueDate: '2026-11-09', overdue: true });
    expect(
      cert.officers.map((o: { subject: string; attestedAt: string | null }) => [o.subject, o.attestedAt !== null]),
    ).toEqual([
      ['ceo-1', false],
      ['cfo-1', true],
    ]);
    expect((await read('evidence')).evidence).toHaveLength(2);
    const reports = await app().get(`${t.prefix}/whistleblower-reports`).set({ 'x-api-key': KEYS.committee });
    expect(reports.body.reports).toEqual([expect.objectContaining({ category: 'accounting', reporter: null })]);

    const assessment = await read('assessment');
    const status = Object.fromEntries(assessment.controls.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toMatchObject({
      s302_certifications: 'fail',
      no_material_weakness: 'pass',
      changes_segregated: 'pass',
      evidence_retained: 'pass',
      audit_log_integrity: 'pass',
      s404_management_assessment: 'pass',
      whistleblower_procedures: 'pass',
    });
    // Seven controls, one failing (the CEO has not attested 2026-Q3, due 2026-11-09): 100 - 100/7.
    expect(assessment.score).toBe(86);
    expect(assessment.reasons).toEqual([
      expect.objectContaining({
        points: 14.3,
        reason: expect.stringMatching(/2026-Q3 \(due 2026-11-10T04:59:59.999Z\)/),
      }),
    ]);
    expect((await read('audit/verify')).ok).toBe(true);
  });
});
