// The dashboard against REAL jurisdiction services (GDPR, HIPAA, SOX: each its own
// database, listening on an ephemeral port), plus a port where nothing listens (CCPA,
// LGPD, POPIA), one that accepts and never answers (PIPEDA), and an IoT integration
// answering the contract's summary. Nothing in a regime's card is made up: reachable
// ones carry the numbers their service computed, the others say why they are missing.
import { rulePack } from '@azora/compliance-core';
import { KEYS, startTestService, type TestService } from '@azora/compliance-core/testing';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { createTestDatabase, freePort, type StartedApp, startApp, type TestDatabase } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardService, type DashboardService } from './app.ts';

const NOW = new Date('2026-03-16T12:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();
const DASH_KEYS = {
  dpo: 'dash-dpo-key-0123456789abcdef',
  operator: 'dash-operator-key-0123456789abcdef',
  auditor: 'dash-auditor-key-0123456789abcdef',
} as const;
const as = (role: keyof typeof DASH_KEYS) => ({ 'x-api-key': DASH_KEYS[role] });
const API = '/api/compliance-dashboard';

const IOT_SUMMARY = {
  devices: { total: 3, online: 2, offline: 1 },
  messages: { accepted: 41, rejected: { bad_signature: 2, unknown_device: 1, replayed: 0, stale: 0, malformed: 1 } },
  findings: {
    open: 1,
    byKind: { hipaa_phi: 1, popia_sa_id: 0, transfer_without_adequacy: 0 },
    recent: [
      {
        id: 'f0e1d2c3-0000-4000-8000-000000000001',
        deviceId: 'ward-monitor-7',
        kind: 'hipaa_phi',
        regime: 'hipaa',
        detectedAt: hours(-2),
        summary: 'telemetry carried a medical record number',
      },
    ],
  },
};

interface Regime {
  service: string;
  regime: string;
  reachable: boolean;
  score?: number;
  reasons?: string[];
  requests?: { open: number; overdue: number };
  breaches?: Record<string, number>;
  notifications?: { pending: number; missed: number; nextDueAt: string | null };
  failingControls?: { id: string; title: string }[];
  iotFindings?: { id: string }[];
  error?: string;
  lastSuccessAt?: string | null;
  fetchedAt?: string;
}
interface Alert {
  id: string;
  kind: string;
  service: string;
  message: string;
  since: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  note: string | null;
}
interface Overview {
  generatedAt: string;
  status: string;
  regimes: Regime[];
  deadlines: { service: string; kind: string; id: string; dueAt: string; label: string; overdue: boolean }[];
  iot: { reachable: boolean; error?: string; devices?: unknown };
  alerts: Alert[];
}

describe('compliance-dashboard over live jurisdiction services', () => {
  const services: Record<string, TestService> = {};
  const servers: Record<string, StartedApp> = {};
  let hanging: StartedApp;
  let iot: StartedApp;
  let deadPort: number;
  const iotRequests: { traceparent?: string | string[]; apiKey?: string | string[] }[] = [];
  let db: TestDatabase;
  const dashboards: DashboardService[] = [];
  let overdueRequestId: string;
  let breachId: string;

  const build = async (options: { cacheTtlMs: number; timeoutMs?: number }) => {
    const dead = `http://127.0.0.1:${deadPort}`;
    const dashboard = createDashboardService({
      databaseUrl: db.url,
      auth: createAuth({
        apiKeys: parseApiKeys(
          Object.entries(DASH_KEYS)
            .map(([role, key]) => `${role}-1:${role}:${key}`)
            .join(','),
        ),
      }),
      apiKey: KEYS.auditor,
      upstreamUrls: {
        'gdpr-compliance': servers.gdpr?.url as string,
        'hipaa-compliance': servers.hipaa?.url as string,
        'sox-compliance': servers.sox?.url as string,
        'ccpa-compliance': dead,
        'pipeda-compliance': hanging.url,
        'lgpd-compliance': dead,
        'south-african-compliance': dead,
        'quantum-iot-integration': iot.url,
      },
      // Long enough that a loaded machine does not make the live services look unreachable.
      upstreamTimeoutMs: options.timeoutMs ?? 3000,
      cacheTtlMs: options.cacheTtlMs,
      logger: createLogger('compliance-dashboard', 'silent'),
      now: () => NOW,
    });
    dashboards.push(dashboard);
    await dashboard.start();
    await dashboard.ready();
    return dashboard;
  };
  const close = async (dashboard: DashboardService) => {
    for (const resource of [...dashboard.resources].reverse()) await resource.close();
  };
  const overviewOf = async (dashboard: DashboardService) => {
    const res = await request(dashboard.app).get(`${API}/overview`).set(as('auditor')).expect(200);
    return res.body as Overview;
  };
  const regimeOf = (overview: Overview, service: string) =>
    overview.regimes.find((r) => r.service === service) as Regime;

  beforeAll(async () => {
    for (const regime of ['gdpr', 'hipaa', 'sox'] as const) {
      services[regime] = await startTestService(regime, { now: NOW });
      servers[regime] = await startApp((services[regime] as TestService).service.app);
    }
    hanging = await startApp(() => {});
    iot = await startApp((req, res) => {
      iotRequests.push({ traceparent: req.headers.traceparent, apiKey: req.headers['x-api-key'] });
      const authorised = req.headers['x-api-key'] === KEYS.auditor;
      res.writeHead(authorised ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(authorised ? IOT_SUMMARY : { title: 'Unauthorized' }));
    });
    deadPort = await freePort();
    db = await createTestDatabase('dash');

    // GDPR: an access request received 40 days ago and verified then (its month ran out), and
    // a high-risk breach detected 60 hours ago (72 hours to tell the authority: 12 left).
    const gdpr = services.gdpr as TestService;
    const gdprApp = gdpr.service.app;
    gdpr.clock.now = new Date(hours(-40 * 24));
    const created = await request(gdprApp)
      .post(`${gdpr.prefix}/requests`)
      .set(gdpr.as('operator'))
      .send({ type: 'access', subject: 'email:late@example.eu', receivedAt: hours(-40 * 24) })
      .expect(201);
    overdueRequestId = created.body.id;
    await request(gdprApp)
      .post(`${gdpr.prefix}/requests/${overdueRequestId}/verify`)
      .set(gdpr.as('operator'))
      .send({ method: 'signed-in account' })
      .expect(200);
    gdpr.clock.now = NOW;
    const breach = await request(gdprApp)
      .post(`${gdpr.prefix}/breaches`)
      .set(gdpr.as('dpo'))
      .send({
        title: 'Laptop stolen',
        detectedAt: hours(-60),
        categories: ['contact details'],
        affectedCount: 120,
        risk: 'high',
      })
      .expect(201);
    breachId = breach.body.id;
  }, 120_000);

  afterAll(async () => {
    for (const dashboard of dashboards) await close(dashboard).catch(() => {});
    for (const server of [...Object.values(servers), hanging, iot]) await server?.close().catch(() => {});
    for (const service of Object.values(services)) await service.close();
    await db?.drop();
  });

  it('shows the live regimes with their own numbers and the others as unreachable, never as compliant', async () => {
    const dashboard = await build({ cacheTtlMs: 0 });
    const overview = await overviewOf(dashboard);
    expect(overview.status).toBe('degraded');
    expect(overview.regimes.map((r) => r.service)).toEqual([
      'gdpr-compliance',
      'hipaa-compliance',
      'sox-compliance',
      'ccpa-compliance',
      'pipeda-compliance',
      'lgpd-compliance',
      'south-african-compliance',
    ]);

    // GDPR's card carries exactly what GDPR itself computes.
    const gdpr = services.gdpr as TestService;
    const assessment = (await request(gdpr.service.app).get(`${gdpr.prefix}/assessment`).set(gdpr.as('auditor'))).body;
    const card = regimeOf(overview, 'gdpr-compliance');
    expect(card).toMatchObject({
      regime: 'gdpr',
      name: 'GDPR (EU)',
      reachable: true,
      score: assessment.score,
      requests: { open: 1, overdue: 1 },
      breaches: { open: 1, contained: 0, closed: 0 },
      notifications: { pending: 2, missed: 0, nextDueAt: hours(12) },
      timelineTruncated: false,
    });
    expect(card.score).toBeLessThan(100);
    expect(card.reasons).toHaveLength(assessment.reasons.length);
    expect(card.reasons?.join('\n')).toMatch(/1 overdue request/);
    expect(card.failingControls?.map((c) => c.id)).toEqual(
      assessment.controls.filter((c: { status: string }) => c.status === 'fail').map((c: { id: string }) => c.id),
    );
    expect(regimeOf(overview, 'hipaa-compliance')).toMatchObject({
      reachable: true,
      requests: { open: 0, overdue: 0 },
      iotFindings: [{ id: IOT_SUMMARY.findings.recent[0]?.id }],
    });
    expect(regimeOf(overview, 'sox-compliance').reachable).toBe(true);

    // Nothing listens: unreachable, with no score, no counts, no reasons.
    const ccpa = regimeOf(overview, 'ccpa-compliance');
    expect(ccpa).toEqual({
      service: 'ccpa-compliance',
      regime: 'ccpa',
      name: rulePack('ccpa').name,
      reachable: false,
      error: expect.stringMatching(/unreachable .*ECONNREFUSED/),
      lastSuccessAt: null,
    });
    // Accepts and never answers: unreachable once the timeout passes (the round came back at all).
    expect(regimeOf(overview, 'pipeda-compliance')).toMatchObject({
      reachable: false,
      error: 'pipeda-compliance did not answer within 3000 ms',
    });

    expect(overview.iot).toMatchObject({ reachable: true, ...IOT_SUMMARY });

    // The timeline, soonest first: the overdue request, then the authority's 72-hour deadline.
    expect(overview.deadlines.map((d) => [d.kind, d.overdue])).toEqual([
      ['request', true],
      ['breach_notification', false],
      ['breach_notification', false],
    ]);
    expect(overview.deadlines[0]).toMatchObject({ service: 'gdpr-compliance', id: overdueRequestId });
    expect(overview.deadlines[1]).toMatchObject({ id: `${breachId}:authority`, dueAt: hours(12) });
    const dueAts = overview.deadlines.map((d) => Date.parse(d.dueAt));
    expect(dueAts).toEqual([...dueAts].sort((a, b) => a - b));

    expect(overview.alerts.map((a) => a.id).sort()).toEqual(
      [
        `overdue:gdpr-compliance:${overdueRequestId}`,
        `deadline:gdpr-compliance:${breachId}:authority`,
        `iot:${IOT_SUMMARY.findings.recent[0]?.id}`,
        // The data subjects' notice is "without undue delay": 72 hours is the deployment's target.
        `deadline:gdpr-compliance:${breachId}:individuals`,
      ].sort(),
    );
    for (const alert of overview.alerts) expect(alert).toMatchObject({ acknowledgedBy: null, acknowledgedAt: null });
  });

  it('says degraded in readiness (still 200) and lists each unreachable upstream', async () => {
    const dashboard = dashboards[0] as DashboardService;
    const res = await request(dashboard.app).get('/health/ready').expect(200);
    expect(res.body.status).toBe('degraded');
    expect(res.body.checks.postgres).toMatchObject({ status: 'pass', required: true });
    expect(res.body.checks['gdpr-compliance']).toMatchObject({ status: 'pass', required: false });
    expect(res.body.checks['quantum-iot-integration']).toMatchObject({ status: 'pass' });
    for (const name of ['ccpa-compliance', 'pipeda-compliance', 'lgpd-compliance', 'south-african-compliance']) {
      expect(res.body.checks[name], name).toMatchObject({ status: 'fail', required: false });
    }
  });

  it('exports reachability and scores: a score only for a regime that answered', async () => {
    const dashboard = dashboards[0] as DashboardService;
    const overview = await overviewOf(dashboard);
    const text = (await request(dashboard.app).get('/metrics').expect(200)).text;
    expect(text).toContain('compliance_dashboard_regime_reachable{regime="gdpr",service="compliance-dashboard"} 1');
    expect(text).toContain('compliance_dashboard_regime_reachable{regime="ccpa",service="compliance-dashboard"} 0');
    expect(text).toContain(
      `compliance_dashboard_regime_score{regime="gdpr",service="compliance-dashboard"} ${regimeOf(overview, 'gdpr-compliance').score}`,
    );
    expect(text).not.toMatch(/compliance_dashboard_regime_score\{regime="ccpa"/);
    expect(text).toMatch(/compliance_dashboard_alerts_open\{kind="deadline",service="compliance-dashboard"\} 2/);
    expect(text).toMatch(
      /compliance_dashboard_upstream_request_duration_seconds_count\{service="compliance-dashboard",upstream="pipeda-compliance",endpoint="summary",outcome="timeout"\} [1-9]/,
    );
    expect(text).toMatch(
      /compliance_dashboard_upstream_request_duration_seconds_count\{service="compliance-dashboard",upstream="gdpr-compliance",endpoint="summary",outcome="ok"\} [1-9]/,
    );
  });

  it('shows a regime whose service stops as unreachable, with when it last answered, while the others stay live', async () => {
    const dashboard = dashboards[0] as DashboardService;
    const before = regimeOf(await overviewOf(dashboard), 'sox-compliance');
    expect(before.reachable).toBe(true);
    await servers.sox?.close();
    const overview = await overviewOf(dashboard);
    expect(regimeOf(overview, 'sox-compliance')).toEqual({
      service: 'sox-compliance',
      regime: 'sox',
      name: rulePack('sox').name,
      reachable: false,
      error: expect.stringMatching(/sox-compliance is unreachable/),
      lastSuccessAt: before.fetchedAt,
    });
    expect(regimeOf(overview, 'gdpr-compliance')).toMatchObject({ reachable: true, requests: { open: 1, overdue: 1 } });
    expect(regimeOf(overview, 'hipaa-compliance').reachable).toBe(true);
    const ready = await request(dashboard.app).get('/health/ready').expect(200);
    expect(ready.body.checks['sox-compliance']).toMatchObject({
      status: 'fail',
      error: expect.stringMatching(/unreachable/),
    });
  });

  it('reuses a round until the TTL passes, and concurrent requests share one round', async () => {
    const dashboard = await build({ cacheTtlMs: 60_000 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => overviewOf(dashboard)));
    expect(dashboard.aggregator.rounds).toBe(1);
    expect(new Set(answers.map((a) => a.generatedAt)).size).toBe(1);

    // A new request at GDPR: the cached answer does not show it before the TTL…
    const gdpr = services.gdpr as TestService;
    await request(gdpr.service.app)
      .post(`${gdpr.prefix}/requests`)
      .set(gdpr.as('operator'))
      .send({ type: 'erasure', subject: 'email:new@example.eu' })
      .expect(201);
    const cached = await overviewOf(dashboard);
    expect(regimeOf(cached, 'gdpr-compliance').requests?.open).toBe(1);
    expect(dashboard.aggregator.rounds).toBe(1);

    // …and a dashboard with a short TTL shows it on the next round.
    const fresh = await build({ cacheTtlMs: 0 });
    expect(regimeOf(await overviewOf(fresh), 'gdpr-compliance').requests?.open).toBe(2);
  });

  it('lets a dpo acknowledge an alert, once, and keeps it across a new instance on the same database', async () => {
    const dashboard = await build({ cacheTtlMs: 0 });
    const id = `deadline:gdpr-compliance:${breachId}:authority`;
    const path = `${API}/alerts/${id}/acknowledge`;

    // The console asks who the caller is before offering the Acknowledge button.
    expect((await request(dashboard.app).get(`${API}/me`).set(as('dpo')).expect(200)).body).toEqual({
      subject: 'dpo-1',
      roles: ['dpo'],
    });
    expect((await request(dashboard.app).get(`${API}/me`).set(as('auditor')).expect(200)).body.roles).toEqual([
      'auditor',
    ]);
    await request(dashboard.app).get(`${API}/me`).expect(401);
    await request(dashboard.app).post(path).send({}).expect(401);
    const operator = await request(dashboard.app).post(path).set(as('operator')).send({}).expect(403);
    expect(operator.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(dashboard.app).post(path).set(as('auditor')).send({}).expect(403);

    const first = await request(dashboard.app)
      .post(path)
      .set(as('dpo'))
      .send({ note: 'authority form drafted, sending at noon' })
      .expect(200);
    expect(first.body).toMatchObject({
      id,
      kind: 'deadline',
      acknowledgedBy: 'dpo-1',
      acknowledgedAt: NOW.toISOString(),
      note: 'authority form drafted, sending at noon',
    });
    // Again, even with another note: the first acknowledgement stands.
    const again = await request(dashboard.app).post(path).set(as('dpo')).send({ note: 'again' }).expect(200);
    expect(again.body).toEqual(first.body);
    // No body at all is fine too.
    const iotId = `iot:${IOT_SUMMARY.findings.recent[0]?.id}`;
    await request(dashboard.app).post(`${API}/alerts/${iotId}/acknowledge`).set(as('dpo')).expect(200);

    await close(dashboard);
    const restarted = await build({ cacheTtlMs: 0 });
    const overview = await overviewOf(restarted);
    expect(overview.alerts.find((a) => a.id === id)).toMatchObject({
      acknowledgedBy: 'dpo-1',
      acknowledgedAt: NOW.toISOString(),
      note: 'authority form drafted, sending at noon',
    });
    expect(overview.alerts.find((a) => a.id === iotId)).toMatchObject({ acknowledgedBy: 'dpo-1', note: null });
    expect(overview.alerts.find((a) => a.kind === 'overdue')).toMatchObject({ acknowledgedBy: null });
    const text = (await request(restarted.app).get('/metrics').expect(200)).text;
    expect(text).toMatch(
      /compliance_dashboard_alerts_acknowledged\{kind="deadline",service="compliance-dashboard"\} 1/,
    );
    expect(text).toMatch(/compliance_dashboard_alerts_open\{kind="deadline",service="compliance-dashboard"\} 1/);
  });

  it('carries the caller’s trace (W3C traceparent) and its auditor key to the upstreams', async () => {
    const dashboard = await build({ cacheTtlMs: 0 });
    iotRequests.length = 0;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(dashboard.app)
      .get(`${API}/overview`)
      .set(as('auditor'))
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .expect(200);
    expect(iotRequests).toHaveLength(1);
    expect(iotRequests[0]?.apiKey).toBe(KEYS.auditor);
    expect(iotRequests[0]?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(iotRequests[0]?.traceparent).not.toContain('00f067aa0ba902b7');
  });

  it('shows the IoT integration as unreachable when it refuses the dashboard’s key, and says degraded', async () => {
    const dashboard = createDashboardService({
      databaseUrl: db.url,
      auth: createAuth({ apiKeys: parseApiKeys(`auditor-1:auditor:${DASH_KEYS.auditor}`) }),
      apiKey: 'a-key-nobody-accepts-0123456789',
      upstreamUrls: { 'gdpr-compliance': servers.gdpr?.url as string, 'quantum-iot-integration': iot.url },
      upstreamTimeoutMs: 1000,
      cacheTtlMs: 0,
      logger: createLogger('compliance-dashboard', 'silent'),
      now: () => NOW,
    });
    dashboards.push(dashboard);
    await dashboard.start();
    await dashboard.ready();
    const overview = await overviewOf(dashboard);
    expect(overview.status).toBe('degraded');
    expect(overview.iot).toEqual({
      reachable: false,
      error: expect.stringMatching(/quantum-iot-integration answered 401/),
      lastSuccessAt: null,
    });
    // A 401 from GDPR is no answer either: no numbers, no alerts from it.
    expect(regimeOf(overview, 'gdpr-compliance')).toMatchObject({
      reachable: false,
      error: expect.stringMatching(/answered 401/),
    });
    expect(overview.alerts).toEqual([]);
    expect(overview.deadlines).toEqual([]);
  });

  it('without its own database: not ready (503) and the API answers 503 problems, never a 500', async () => {
    const dashboard = createDashboardService({
      databaseUrl: `postgres://postgres@127.0.0.1:${deadPort}/nowhere`,
      auth: createAuth({ apiKeys: parseApiKeys(`dpo-1:dpo:${DASH_KEYS.dpo}`) }),
      apiKey: KEYS.auditor,
      upstreamUrls: { 'gdpr-compliance': servers.gdpr?.url as string },
      cacheTtlMs: 0,
      logger: createLogger('compliance-dashboard', 'silent'),
    });
    dashboards.push(dashboard);
    await dashboard.start();
    const ready = await request(dashboard.app).get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', checks: { postgres: { status: 'fail', required: true } } });
    const res = await request(dashboard.app).get(`${API}/overview`).set(as('dpo')).expect(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('2');
    await request(dashboard.app).get('/health').expect(200);
  });

  it('answers bad input with a 4xx problem, never a 5xx', async () => {
    const dashboard = await build({ cacheTtlMs: 60_000 });
    const post = (id: string) =>
      request(dashboard.app)
        .post(`${API}/alerts/${encodeURIComponent(id)}/acknowledge`)
        .set(as('dpo'));

    const unknown = await post('overdue:gdpr-compliance:00000000-0000-4000-8000-000000000000').send({}).expect(404);
    expect(unknown.body.detail).toMatch(/no current alert/);
    expect((await post('not-an-alert').send({}).expect(400)).body.detail).toMatch(/alert id/);
    expect(
      (
        await post(`iot:${'x'.repeat(400)}`)
          .send({})
          .expect(400)
      ).body.detail,
    ).toMatch(/300/);
    // Alerts of an unreachable service cannot be confirmed, so they cannot be acknowledged.
    await post('overdue:ccpa-compliance:00000000-0000-4000-8000-000000000000').send({}).expect(404);

    const id = `overdue:gdpr-compliance:${overdueRequestId}`;
    expect((await post(id).send({ note: 42 }).expect(400)).body.detail).toMatch(/note/);
    expect((await post(id).send({ note: 'ok', extra: true }).expect(400)).body.detail).toMatch(/extra/);
    expect(
      (
        await post(id)
          .send({ note: 'x'.repeat(2001) })
          .expect(400)
      ).body.detail,
    ).toMatch(/note/);
    await post(id).set('content-type', 'application/json').send('{"note":').expect(400);
    await post(id)
      .send({ note: 'y'.repeat(20_000) })
      .expect(413);
    await request(dashboard.app).get(`${API}/overview`).expect(401);
    await request(dashboard.app).get(`${API}/nope`).set(as('auditor')).expect(404);
  });
});
