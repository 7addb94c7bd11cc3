// Detection and recovery against real Postgres and Redis, with small HTTP servers standing in
// for the watched services, a TCP server standing in for Redis-the-dependency, and a runtime
// that "restarts" a stand-in by listening again (the Docker and dev runtimes have their own tests).
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createAuth, createLogger, newSpanId, newTraceId, parseApiKeys } from '@azora/service-kit';
import { createTestDatabase, createTestRedis, freePort, type TestDatabase, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTracingService, type TracingOptions, type TracingService } from './app.ts';
import { encodeProtobuf } from './otlp.ts';
import type { RestartResult, Runtime } from './runtime.ts';
import type { Target } from './targets.ts';

const logger = createLogger('tracing-recovery-test', 'silent');
const KEYS = { operator: 'operator-key-0123456789abcdef', auditor: 'auditor-key-0123456789abcdef' };
const auth = createAuth({ apiKeys: parseApiKeys(`ops:operator:${KEYS.operator},audit:auditor:${KEYS.auditor}`) });

/** A stand-in service: answers /health/ready with 200 or 503, or is not listening at all. */
class StandIn {
  server: Server | undefined;
  ready = true;
  readonly port: number;
  constructor(port: number) {
    this.port = port;
  }
  async up() {
    if (this.server) return;
    const server = createServer((_req, res) => {
      res.writeHead(this.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: this.ready ? 'ready' : 'not_ready', checks: {} }));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }
  async down() {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

class FakeRuntime implements Runtime {
  readonly name = 'docker' as const;
  calls: string[] = [];
  /** When false, a "restart" succeeds but the service stays down (a crash loop). */
  heals = true;
  private readonly standIns: Map<string, StandIn>;
  constructor(standIns: Map<string, StandIn>) {
    this.standIns = standIns;
  }
  async restart(service: string): Promise<RestartResult> {
    this.calls.push(service);
    if (this.heals) await this.standIns.get(service)?.up();
    return { action: 'restart', detail: `restarted ${service}` };
  }
}

let db: TestDatabase;
let redis: TestRedis;
let redisStandIn: TcpServer;
let redisPort: number;
const standIns = new Map<string, StandIn>();
let built: TracingService[] = [];

async function startRedisStandIn() {
  redisStandIn = createTcpServer((socket) => socket.on('data', () => socket.write('+PONG\r\n')));
  await new Promise<void>((resolve) => redisStandIn.listen(redisPort, '127.0.0.1', resolve));
}

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('tracing_recovery'), createTestRedis('tracing-recovery')]);
  redisPort = await freePort();
  await startRedisStandIn();
  for (const name of ['ai-sentiment', 'ai-chatbot', 'ai-vision', 'zero-rating', '5g-manager']) {
    const standIn = new StandIn(await freePort());
    await standIn.up();
    standIns.set(name, standIn);
  }
});
afterEach(async () => {
  for (const t of built) for (const resource of [...t.resources].reverse()) await resource.close();
  built = [];
  // Each test starts with no open issue: they share the database.
  const pool = db.pool();
  await pool.query(`UPDATE "Issue" SET "status" = 'closed', "closedAt" = now() WHERE "status" = 'open'`);
  await pool.end();
  for (const standIn of standIns.values()) {
    standIn.ready = true;
    await standIn.up();
  }
});
afterAll(async () => {
  for (const standIn of standIns.values()) await standIn.down();
  await new Promise((resolve) => redisStandIn?.close(resolve));
  await db?.drop();
  await redis?.cleanup();
});

function target(name: string, extra: Partial<Target> = {}): Target {
  const standIn = standIns.get(name) as StandIn;
  return {
    name,
    url: `http://127.0.0.1:${standIn.port}`,
    readyPath: '/health/ready',
    infrastructure: [],
    calls: [],
    ...extra,
  };
}

async function build(targets: Target[], overrides: Partial<TracingOptions> = {}) {
  const runtime = new FakeRuntime(standIns);
  const t = createTracingService({
    databaseUrl: db.url,
    redisUrl: redis.url,
    redisKeyPrefix: redis.prefix,
    logger,
    auth,
    targets,
    infrastructureUrls: { redis: `redis://127.0.0.1:${redisPort}` },
    pollIntervalMs: 0,
    sweepIntervalMs: 0,
    probeTimeoutMs: 1000,
    failuresToOpen: 2,
    recoveryBackoffMs: 0,
    runtimeAdapter: runtime,
    ...overrides,
  });
  built.push(t);
  await t.start();
  await t.ready();
  return { t, runtime };
}

const openIssues = async (t: TracingService, subject?: string) =>
  (await t.issues.list({ status: 'open', subject, limit: 100 })).filter((i) => !subject || i.subject === subject);

describe('detection and recovery', () => {
  it('opens a down issue after two failed polls, restarts the service, records the action and closes the issue once ready', async () => {
    const { t, runtime } = await build([target('ai-vision')]);
    await standIns.get('ai-vision')?.down();
    await t.detector.round();
    expect(await openIssues(t, 'ai-vision')).toEqual([]); // one failure is not enough
    await t.detector.round();
    const [issue] = await openIssues(t, 'ai-vision');
    expect(issue).toMatchObject({ kind: 'down', subjectType: 'service', culprit: null });
    expect(issue?.evidence[0]).toMatchObject({ source: 'readiness', detail: expect.stringMatching(/unreachable/) });
    expect(runtime.calls).toEqual(['ai-vision']);

    await t.detector.round();
    expect(await openIssues(t, 'ai-vision')).toEqual([]);
    const closed = (await request(t.app).get(`/api/tracing-recovery/issues/${issue?.id}`)).body;
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'ready again' });
    expect(closed.recoveries).toEqual([
      expect.objectContaining({
        service: 'ai-vision',
        action: 'restart',
        outcome: 'succeeded',
        attempt: 1,
        runtime: 'docker',
      }),
    ]);
    const recoveries = (await request(t.app).get('/api/tracing-recovery/recoveries?service=ai-vision')).body.recoveries;
    expect(recoveries[0]).toMatchObject({ issueId: issue?.id, outcome: 'succeeded' });
    const metrics = (await request(t.app).get('/metrics')).text;
    expect(metrics).toMatch(/recovery_actions_total\{[^}]*service="ai-vision"[^}]*outcome="succeeded"[^}]*\} 1/);
    expect(metrics).toMatch(/recovery_service_ready\{[^}]*service="ai-vision"[^}]*\} 1/);
  });

  it('leaves a service that has not come up yet alone during the start-up grace, but not one that was ready and fell', async () => {
    const { t, runtime } = await build([target('ai-vision'), target('ai-sentiment')], { startupGraceMs: 60_000 });
    await standIns.get('ai-vision')?.down();
    for (let round = 0; round < 3; round++) await t.detector.round();
    expect(await openIssues(t, 'ai-vision'), 'still starting: no issue, no restart').toEqual([]);
    // ai-sentiment was ready, then fell: the grace does not cover it.
    await standIns.get('ai-sentiment')?.down();
    await t.detector.round();
    await t.detector.round();
    expect((await openIssues(t, 'ai-sentiment')).map((i) => i.kind)).toEqual(['down']);
    expect(runtime.calls).toEqual(['ai-sentiment']);
  });

  it('blames infrastructure that is down: one issue for Redis, none for its dependants, no restarts', async () => {
    const { t, runtime } = await build([
      target('ai-chatbot', { infrastructure: ['redis'] }),
      target('zero-rating', { infrastructure: ['redis'] }),
      target('ai-vision'),
    ]);
    await new Promise((resolve) => redisStandIn.close(resolve));
    for (const name of ['ai-chatbot', 'zero-rating']) (standIns.get(name) as StandIn).ready = false;
    try {
      for (let i = 0; i < 3; i++) await t.detector.round();
      const open = await openIssues(t);
      expect(open.map((issue) => `${issue.subject}:${issue.kind}`)).toEqual(['redis:infrastructure_down']);
      expect(open[0]?.evidence.at(-1)).toMatchObject({ affected: ['ai-chatbot', 'zero-rating'] });
      expect(runtime.calls).toEqual([]);
      const status = (await request(t.app).get('/api/tracing-recovery/status')).body;
      expect(status.services.find((s: { name: string }) => s.name === 'zero-rating')).toMatchObject({
        culprit: 'redis',
      });
      expect((await request(t.app).get('/metrics')).text).toMatch(
        /recovery_infrastructure_up\{[^}]*piece="redis"[^}]*\} 0/,
      );
    } finally {
      await startRedisStandIn();
    }
    for (const name of ['ai-chatbot', 'zero-rating']) (standIns.get(name) as StandIn).ready = true;
    await t.detector.round();
    expect(await openIssues(t)).toEqual([]);
  });

  it('blames a service’s failing upstream: only the upstream gets an issue and a restart', async () => {
    const { t, runtime } = await build([target('ai-sentiment'), target('ai-chatbot', { calls: ['ai-sentiment'] })]);
    await standIns.get('ai-sentiment')?.down();
    (standIns.get('ai-chatbot') as StandIn).ready = false;
    runtime.heals = false;
    await t.detector.round();
    await t.detector.round();
    expect((await openIssues(t)).map((issue) => issue.subject)).toEqual(['ai-sentiment']);
    expect(runtime.calls).toEqual(['ai-sentiment']);
  });

  it('spends at most the restart budget, then records budget_exhausted once and leaves the issue unclaimed', async () => {
    const { t, runtime } = await build([target('5g-manager')], { restartBudget: 2, restartWindowMs: 60_000 });
    runtime.heals = false;
    await standIns.get('5g-manager')?.down();
    for (let i = 0; i < 6; i++) await t.detector.round();
    expect(runtime.calls).toEqual(['5g-manager', '5g-manager']);
    const [issue] = await openIssues(t, '5g-manager');
    const actions = await t.issues.actions({ issueId: issue?.id, limit: 10 });
    expect(actions.map((a) => a.outcome)).toEqual(['budget_exhausted', 'succeeded', 'succeeded']);
    expect(issue?.claimedBy).toBeNull();
    const unclaimed = (await request(t.app).get('/api/tracing-recovery/issues?status=open&unclaimed=true')).body.issues;
    expect(unclaimed.map((i: { id: string }) => i.id)).toContain(issue?.id);
    // An operator asking now gets the same guard rail.
    const res = await request(t.app)
      .post(`/api/tracing-recovery/issues/${issue?.id}/recover`)
      .set('x-api-key', KEYS.operator);
    expect(res.status).toBe(422);
    expect(res.body.reason).toMatch(/restart budget exhausted: 2 of 2/);
    expect(runtime.calls).toHaveLength(2);
    expect((await request(t.app).get('/metrics')).text).toMatch(/recovery_budget_exhausted_total\{[^}]*5g-manager/);
  });

  it('waits out the backoff between attempts on one issue', async () => {
    const { t, runtime } = await build([target('ai-vision')], { recoveryBackoffMs: 60_000 });
    runtime.heals = false;
    await standIns.get('ai-vision')?.down();
    for (let i = 0; i < 4; i++) await t.detector.round();
    expect(runtime.calls).toEqual(['ai-vision']);
    expect(t.recoverer.backoffAfter(1)).toBe(60_000);
    expect(t.recoverer.backoffAfter(3)).toBe(240_000);
  });

  it('in dry-run mode records what it would do and does nothing', async () => {
    const { t, runtime } = await build([target('zero-rating')], { dryRun: true, recoveryBackoffMs: 60_000 });
    await standIns.get('zero-rating')?.down();
    for (let i = 0; i < 4; i++) await t.detector.round();
    expect(runtime.calls).toEqual([]);
    const actions = await t.issues.actions({ service: 'zero-rating', limit: 10 });
    expect(actions.filter((a) => a.outcome === 'dry_run')).toHaveLength(1);
    expect(actions[0]?.detail).toMatch(/DRY_RUN: would restart zero-rating through docker/);
    expect(standIns.get('zero-rating')?.server).toBeUndefined();
  });

  it('lets exactly one caller act on an issue: claims, roles, and the detector’s own claim', async () => {
    const { t, runtime } = await build([target('ai-sentiment')], { recoverKinds: [], recoveryBackoffMs: 60_000 });
    runtime.heals = false;
    await standIns.get('ai-sentiment')?.down();
    await t.detector.round();
    await t.detector.round();
    const [issue] = await openIssues(t, 'ai-sentiment');
    expect(runtime.calls).toEqual([]); // RECOVER_KINDS empty: the detector leaves it to others
    const url = `/api/tracing-recovery/issues/${issue?.id}/recover`;
    expect((await request(t.app).post(url)).status).toBe(401);
    expect((await request(t.app).post(url).set('x-api-key', KEYS.auditor)).status).toBe(403);
    // The console asks who it is before it offers Recover.
    expect((await request(t.app).get('/api/tracing-recovery/me').set('x-api-key', KEYS.auditor)).body).toMatchObject({
      roles: ['auditor'],
    });
    expect(
      (await request(t.app).post('/api/tracing-recovery/issues/nope/recover').set('x-api-key', KEYS.operator)).status,
    ).toBe(400);

    // Two schedulers at once: one acts, the other is told who handles it.
    const claimAs = (actor: string) => t.issues.claim(issue?.id as string, actor, 60_000);
    const [a, b] = await Promise.all([claimAs('scheduler-a'), claimAs('scheduler-b')]);
    expect([a.claimed, b.claimed].sort()).toEqual([false, true]);
    const busy = await request(t.app).post(url).set('x-api-key', KEYS.operator).send({ note: 'trying' });
    expect(busy.status).toBe(409);
    expect(busy.body.detail).toMatch(/being handled by scheduler-/);
    await t.issues.release(issue?.id as string, a.claimed ? 'scheduler-a' : 'scheduler-b');

    const acted = await request(t.app).post(url).set('x-api-key', KEYS.operator).send({ note: 'restart it' });
    expect(acted.status).toBe(200);
    expect(acted.body.action).toMatchObject({ outcome: 'succeeded', trigger: 'operator:ops' });
    expect(acted.body.issue.claimedBy).toBe('operator:ops');
    expect(runtime.calls).toEqual(['ai-sentiment']);
    const again = await request(t.app).post(url).set('x-api-key', KEYS.operator);
    expect(again.status).toBe(409); // backing off after the first attempt
    expect(again.headers['retry-after']).toBeDefined();
  });

  it('opens issues from span thresholds and closes them when the rate falls back', async () => {
    const { t } = await build([target('ai-chatbot')], { thresholdMinRequests: 10, errorRateThreshold: 0.2 });
    const start = BigInt(Date.now()) * 1_000_000n;
    const spans = Array.from({ length: 20 }, (_, i) => ({
      traceId: newTraceId(),
      spanId: newSpanId(),
      name: 'POST /api/chatbot/messages',
      startNs: start,
      endNs: start + 20_000_000n,
      error: i % 2 === 0,
    }));
    const res = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/x-protobuf')
      .send(Buffer.from(encodeProtobuf('ai-chatbot', spans)));
    expect(res.status).toBe(200);
    await t.detector.round();
    const [issue] = await openIssues(t, 'ai-chatbot');
    expect(issue).toMatchObject({ kind: 'error_rate' });
    expect(issue?.summary).toMatch(/50\.0% errors of 20 requests/);
    // 80 good requests bring the ratio to 10%.
    const good = Array.from({ length: 80 }, () => ({
      ...spans[1],
      traceId: newTraceId(),
      spanId: newSpanId(),
      error: false,
    }));
    await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/x-protobuf')
      .send(Buffer.from(encodeProtobuf('ai-chatbot', good as never)));
    await t.detector.round();
    expect(await openIssues(t, 'ai-chatbot')).toEqual([]);
  });
});

describe('the Alertmanager webhook', () => {
  const webhook = (status: 'firing' | 'resolved', alerts: { labels: Record<string, string> }[]) => ({
    version: '4',
    status,
    receiver: 'critical',
    groupKey: '{}:{alertname="ServiceDown"}',
    alerts: alerts.map((alert) => ({
      status,
      labels: alert.labels,
      annotations: { summary: `${alert.labels.service} is down` },
      startsAt: new Date().toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'abc123',
    })),
  });

  it('turns ServiceDown into the service’s down issue, checks at once and restarts it', async () => {
    const { t, runtime } = await build([target('ai-vision')], { alertWebhookToken: 'alert-token-0123456789' });
    await standIns.get('ai-vision')?.down();
    const body = webhook('firing', [
      { labels: { alertname: 'ServiceDown', service: 'ai-vision', severity: 'critical' } },
    ]);
    expect((await request(t.app).post('/api/tracing-recovery/alerts').send(body)).status).toBe(401);
    const res = await request(t.app)
      .post('/api/tracing-recovery/alerts?priority=critical')
      .set('authorization', 'Bearer alert-token-0123456789')
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body.issues).toEqual([expect.objectContaining({ subject: 'ai-vision', kind: 'down' })]);
    await t.detector.round(); // the round the alert started (or a fresh one)
    expect(runtime.calls).toEqual(['ai-vision']);
    const issue = (await request(t.app).get(`/api/tracing-recovery/issues/${res.body.issues[0].issueId}`)).body;
    expect(issue.evidence[0]).toMatchObject({ source: 'alertmanager', alertname: 'ServiceDown', priority: 'critical' });
    await t.detector.round();
    expect((await t.issues.get(issue.id))?.status).toBe('closed');
  });

  it('keeps other alerts as issues of their own until resolved, and rejects payloads that are not webhook v4', async () => {
    const { t } = await build([]);
    const host = { labels: { alertname: 'HostHighCpu', service: 'host', severity: 'warning' } };
    const fired = await request(t.app)
      .post('/api/tracing-recovery/alerts')
      .send(webhook('firing', [host]));
    expect(fired.body.issues).toEqual([expect.objectContaining({ subject: 'HostHighCpu:host', kind: 'alert' })]);
    const resolved = await request(t.app)
      .post('/api/tracing-recovery/alerts')
      .send(webhook('resolved', [host]));
    expect(resolved.status).toBe(200);
    expect(await t.issues.get(fired.body.issues[0].issueId)).toMatchObject({
      status: 'closed',
      closeReason: 'alert resolved',
    });

    for (const bad of [
      {},
      { version: '3', status: 'firing', alerts: [] },
      webhook('firing', [{ labels: { service: 'x' } }]),
    ]) {
      const res = await request(t.app).post('/api/tracing-recovery/alerts').send(bad);
      expect(res.status).toBe(400);
    }
    const notJson = await request(t.app)
      .post('/api/tracing-recovery/alerts')
      .set('content-type', 'application/json')
      .send('{');
    expect(notJson.status).toBe(400);
  });
});
