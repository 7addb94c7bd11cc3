// The recovery trigger against a stand-in for tracing-recovery's issue API, in its shape:
// GET /api/tracing-recovery/issues?status=open → {issues: [{id, subject, kind, claimedBy,
// claimedUntil}]} and POST …/issues/:id/recover (operator key; 409 while another holds the claim).

import { createTestRedis, type StartedApp, startApp, type TestRedis } from '@azora/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, OPERATOR_KEY, startScheduler, type TestScheduler, tempDir, VIEWER_KEY } from './test-support.ts';

const RECOVERY_KEY = 'snapshot-scheduler-operator-key-0123';

interface FakeIssue {
  id: string;
  subject: string;
  kind: string;
  status: 'open' | 'closed';
  claimedBy?: string | null;
  claimedUntil?: string | null;
}

const inAMinute = () => new Date(Date.now() + 60_000).toISOString();

/** tracing-recovery as its contract says: operator key required, one recovery per issue (409 after). */
function fakeTracingRecovery() {
  const issues: FakeIssue[] = [];
  const recoverCalls: { id: string; body: unknown; token: string | undefined }[] = [];
  /** Issues another actor claims between the list and our POST. */
  const claimedMeanwhile = new Set<string>();
  let down = false;
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    if (down) return void res.status(503).json({ title: 'unavailable' });
    if (req.get('x-api-key') !== RECOVERY_KEY) return void res.status(401).json({ title: 'unauthorized' });
    next();
  });
  app.get('/api/tracing-recovery/issues', (req, res) => {
    res.json({ issues: issues.filter((issue) => issue.status === req.query.status) });
  });
  app.post('/api/tracing-recovery/issues/:id/recover', (req, res) => {
    const issue = issues.find((i) => i.id === req.params.id);
    recoverCalls.push({ id: req.params.id, body: req.body, token: req.get('x-fencing-token') });
    if (!issue) return void res.status(404).json({ title: 'not found' });
    const claimed = issue.claimedBy && Date.parse(issue.claimedUntil ?? '') > Date.now();
    if (claimed || claimedMeanwhile.has(issue.id))
      return void res.status(409).json({ title: 'already being recovered' });
    issue.claimedBy = 'snapshot-scheduler';
    issue.claimedUntil = inAMinute();
    res.status(202).json({ id: issue.id, status: 'recovering' });
  });
  return { app, issues, recoverCalls, claimedMeanwhile, setDown: (value: boolean) => (down = value) };
}

let redis: TestRedis;
let folder: Awaited<ReturnType<typeof tempDir>>;
let fake: ReturnType<typeof fakeTracingRecovery>;
let upstream: StartedApp;
let scheduler: TestScheduler;

beforeAll(async () => {
  redis = await createTestRedis('recovery');
  folder = await tempDir('recovery-snapshots');
  fake = fakeTracingRecovery();
  upstream = await startApp(fake.app);
  scheduler = await startScheduler({
    snapshotsDir: folder.dir,
    redisUrl: redis.url,
    redisKeyPrefix: `${redis.prefix}lock:`,
    services: [],
    tracingRecoveryUrl: upstream.url,
    recoveryApiKey: RECOVERY_KEY,
  });
});

afterAll(async () => {
  await scheduler?.stop();
  await upstream?.close();
  await redis?.cleanup();
  await folder?.remove();
});

beforeEach(() => {
  fake.issues.splice(0);
  fake.recoverCalls.splice(0);
  fake.claimedMeanwhile.clear();
  fake.setDown(false);
});

const run = () => request(scheduler.app).post('/api/snapshot-scheduler/recovery/run').set('x-api-key', OPERATOR_KEY);

describe('the recovery trigger', () => {
  it('recovers the open issues nobody handles, with the fencing token, and leaves handled ones alone', async () => {
    fake.issues.push(
      { id: 'i-1', subject: 'ai-chatbot', kind: 'down', status: 'open', claimedBy: null },
      {
        id: 'i-2',
        subject: 'gdpr-compliance',
        kind: 'down',
        status: 'open',
        claimedBy: 'detector',
        claimedUntil: inAMinute(),
      },
      // A claim whose lease ran out: nobody handles it any more.
      {
        id: 'i-3',
        subject: 'zero-rating',
        kind: 'error_rate',
        status: 'open',
        claimedBy: 'detector',
        claimedUntil: '2026-01-01T00:00:00Z',
      },
      { id: 'i-4', subject: 'azora-mint', kind: 'down', status: 'closed' },
      { id: 'i-5', subject: '5g-manager', kind: 'latency', status: 'open' },
    );
    const response = await run();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      open: 4,
      triggered: ['i-1', 'i-3', 'i-5'],
      handled: ['i-2'],
      refused: [],
      failed: [],
    });
    expect(fake.recoverCalls.map((c) => c.id)).toEqual(['i-1', 'i-3', 'i-5']);
    const token = String(scheduler.lock.token);
    expect(fake.recoverCalls[0]).toMatchObject({
      token,
      body: { requestedBy: 'snapshot-scheduler', fencingToken: Number(token) },
    });

    // The next run finds them handled and triggers nothing twice.
    const again = await run();
    expect(again.body).toMatchObject({ triggered: [], handled: ['i-1', 'i-2', 'i-3', 'i-5'] });
    expect(fake.recoverCalls).toHaveLength(3);

    const metrics = (await request(scheduler.app).get('/metrics')).text;
    expect(metrics).toMatch(/snapshot_recovery_triggers_total\{[^}]*outcome="triggered"[^}]*\} 3/);
    const last = await request(scheduler.app).get('/api/snapshot-scheduler/recovery').set('x-api-key', VIEWER_KEY);
    expect(last.body).toMatchObject({ enabled: true, cron: '0 0 1 1 *', lastRun: { triggered: [] } });
  });

  it('counts a 409 (another actor got there first) as refused, not as a failure', async () => {
    fake.issues.push({ id: 'race', subject: 'ai-chatbot', kind: 'down', status: 'open' });
    // Listed as unhandled, claimed by someone else before our POST lands.
    fake.claimedMeanwhile.add('race');
    const response = await run();
    expect(response.body).toMatchObject({ triggered: [], refused: ['race'], failed: [] });
  });

  it('reports tracing-recovery being down in the run, without failing the request', async () => {
    fake.setDown(true);
    const response = await run();
    expect(response.status).toBe(200);
    expect(response.body.error).toMatch(/tracing-recovery answered 503/);
    expect(fake.recoverCalls).toHaveLength(0);
  });

  it('needs the operator or admin role, and says which roles a caller has', async () => {
    const me = await request(scheduler.app).get('/api/snapshot-scheduler/me').set('x-api-key', VIEWER_KEY);
    expect(me.body.roles).not.toContain('operator');
    expect((await request(scheduler.app).post('/api/snapshot-scheduler/recovery/run')).status).toBe(401);
    expect(
      (await request(scheduler.app).post('/api/snapshot-scheduler/recovery/run').set('x-api-key', VIEWER_KEY)).status,
    ).toBe(403);
    expect(
      (await request(scheduler.app).post('/api/snapshot-scheduler/recovery/run').set('x-api-key', ADMIN_KEY)).status,
    ).toBe(200);
  });
});

describe('a scheduler without RECOVERY_API_KEY', () => {
  it('says recovery triggers are off (409) and does not call tracing-recovery', async () => {
    const off = await startScheduler({
      snapshotsDir: folder.dir,
      redisUrl: redis.url,
      redisKeyPrefix: `${redis.prefix}off-lock:`,
      services: [],
      tracingRecoveryUrl: upstream.url,
    });
    try {
      const response = await request(off.app)
        .post('/api/snapshot-scheduler/recovery/run')
        .set('x-api-key', OPERATOR_KEY);
      expect(response.status).toBe(409);
      expect(response.body.detail).toMatch(/RECOVERY_API_KEY/);
      expect(fake.recoverCalls).toHaveLength(0);
    } finally {
      await off.stop();
    }
  });
});
