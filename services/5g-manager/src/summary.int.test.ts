// The network summary: cached in Redis, rebuilt once however many miss at the same moment (in
// one process and across replicas), invalidated by the writes it shows, and the slice latency
// breach it exposes as metrics for the alert rule.
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@azora/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkSummary, SummaryCache } from './summary.ts';
import { created, smallNetwork, startTestNetwork, supiOf, type TestNetwork } from './testing/service.ts';

let net: TestNetwork;
let network: Awaited<ReturnType<typeof smallNetwork>>;
const URLLC = { sst: 2, sd: '0000A1' };
const EMBB = { sst: 1 };

beforeAll(async () => {
  net = await startTestNetwork('fiveg_summary', { summaryTtlMs: 60_000 });
  network = await smallNetwork(net, {
    slices: [
      { ...URLLC, maxSessions: 10, latencyBudgetMs: 10 },
      { ...EMBB, maxSessions: 10, latencyBudgetMs: 50 },
    ],
    cellMaxSessions: 20,
  });
  await created(
    net.as('admin').post('/subscribers', {
      supi: supiOf(1),
      operatorId: network.operator.id,
      subscribedSnssais: [URLLC, EMBB],
      defaultSnssais: [EMBB],
    }),
  );
});

afterAll(async () => {
  await net?.close();
});

const builds = async (service: TestNetwork['service']) => {
  const metric = await service.metrics.registry.getSingleMetric('fiveg_summary_builds_total')?.get();
  return metric?.values[0]?.value ?? 0;
};

describe('stampede protection', () => {
  it('builds once for 3 replicas × 30 concurrent misses on one Redis', async () => {
    let count = 0;
    const build = async (): Promise<NetworkSummary> => {
      count++;
      await sleep(150); // a slow rebuild: every reader arrives while it runs
      return { generatedAt: new Date().toISOString(), windowSeconds: 300, slices: [], cells: [], breaches: [] };
    };
    const caches = [0, 1, 2].map(
      () =>
        new SummaryCache({
          redis: net.service.redis,
          build,
          ttlMs: 10_000,
          logger: createLogger('test', 'silent'),
        }),
    );
    await caches[0]?.invalidate();
    const answers = await Promise.all(caches.flatMap((cache) => Array.from({ length: 30 }, () => cache.get())));
    expect(count).toBe(1);
    expect(new Set(answers.map((a) => a.summary.generatedAt)).size).toBe(1);
    expect((await caches[1]?.get())?.cached).toBe(true);
    expect(count).toBe(1);
  });

  it('over HTTP: 40 concurrent reads on two replicas rebuild the summary once after a write', async () => {
    const replica = await net.replica({ summaryTtlMs: 60_000 });
    await net.service.summary.invalidate();
    const before = (await builds(net.service)) + (await builds(replica));
    const request = await import('supertest');
    const reads = await Promise.all(
      [net.service, replica].flatMap((service) =>
        Array.from({ length: 20 }, () =>
          request
            .default(service.app)
            .get('/api/5g-manager/summary')
            .set('x-api-key', 'viewer-key-0123456789abcdefghij'),
        ),
      ),
    );
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect((await builds(net.service)) + (await builds(replica)) - before).toBe(1);
    expect(reads.filter((r) => r.headers['x-cache'] === 'miss').length).toBeGreaterThan(0);
  });
});

describe('what the summary shows', () => {
  it('is served from the cache until a session is admitted or released, which shows at once', async () => {
    const viewer = net.as('viewer');
    await viewer.get('/summary');
    const cached = await viewer.get('/summary');
    expect(cached.headers['x-cache']).toBe('hit');
    const session = await net.as('operator').post('/sessions', {
      supi: supiOf(1),
      snssai: URLLC,
      cellId: network.cell.id,
      bitrateKbps: 2000,
    });
    expect(session.status).toBe(201);
    const after = await viewer.get('/summary');
    expect(after.headers['x-cache']).toBe('miss');
    const urllc = after.body.slices.find((s: { key: string }) => s.key === '2-0000A1');
    expect(urllc).toMatchObject({
      operator: 'Test Mobile',
      type: 'URLLC',
      activeSessions: 1,
      maxSessions: 10,
      reservedBitrateKbps: 2000,
      p95LatencyMs: null,
      latencyBreached: false,
    });
    expect(after.body.cells[0]).toMatchObject({ name: 'cell-1', activeSessions: 1, maxSessions: 20, latest: null });
    await net.as('operator').delete(`/sessions/${session.body.id}`);
    const released = await viewer.get('/summary');
    expect(released.body.slices.find((s: { key: string }) => s.key === '2-0000A1').activeSessions).toBe(0);
  });

  it('reports the p95 latency against the budget, flags a breach, and exports it as metrics', async () => {
    // 20 URLLC samples of 1..20 ms (p95 19.05 ms, budget 10 ms); eMBB at 30 ms (budget 50 ms).
    const samples = Array.from({ length: 20 }, (_, i) => ({
      cellId: network.cell.id,
      observedAt: new Date(Date.now() - (20 - i) * 1000).toISOString(),
      loadPercent: 40 + i,
      throughputMbps: 800,
      latencyMs: 12,
      slices: [
        { snssai: URLLC, throughputMbps: 50, latencyMs: i + 1 },
        { snssai: EMBB, throughputMbps: 700, latencyMs: 30 },
      ],
    }));
    await net.as('viewer').get('/summary'); // cached before the reports arrive
    const ingested = await net.as('operator').post('/kpis/batch', { samples });
    expect(ingested.status).toBe(201);
    expect(ingested.body).toEqual({ accepted: 20, sliceSamples: 40 });
    // KPI reports do not invalidate the summary: they show once the cached one expires.
    const stale = await net.as('viewer').get('/summary');
    expect(stale.headers['x-cache']).toBe('hit');
    expect(stale.body.slices.find((s: { key: string }) => s.key === '2-0000A1').p95LatencyMs).toBeNull();
    await net.service.redis.del(`summary:${await net.service.redis.get('summary:gen')}`); // as its TTL would
    const request = await import('supertest');
    const summary = await request
      .default(net.service.app)
      .get('/api/5g-manager/summary')
      .set('x-api-key', 'viewer-key-0123456789abcdefghij');
    const urllc = summary.body.slices.find((s: { key: string }) => s.key === '2-0000A1');
    expect(urllc.p95LatencyMs).toBeCloseTo(19.05, 6);
    expect(urllc).toMatchObject({ latencySamples: 20, latencyBudgetMs: 10, latencyBreached: true });
    const embb = summary.body.slices.find((s: { key: string }) => s.key === '1');
    expect(embb).toMatchObject({ p95LatencyMs: 30, latencyBreached: false });
    expect(summary.body.breaches).toEqual(['Test Mobile/2-0000A1']);
    expect(summary.body.cells[0].latest).toMatchObject({ loadPercent: 59, throughputMbps: 800, latencyMs: 12 });

    const metrics = (await request.default(net.service.app).get('/metrics')).text;
    const labels = 'operator="Test Mobile",snssai="2-0000A1",slice_type="URLLC",slice="slice 0",service="5g-manager"';
    expect(metrics).toContain(`fiveg_slice_latency_p95_seconds{${labels}} 0.01905`);
    expect(metrics).toContain(`fiveg_slice_latency_budget_seconds{${labels}} 0.01`);
    expect(metrics).toContain(`fiveg_slice_latency_budget_breached{${labels}} 1`);
    expect(metrics).toContain(
      'fiveg_slice_latency_budget_breached{operator="Test Mobile",snssai="1",slice_type="eMBB",slice="slice 1",service="5g-manager"} 0',
    );
    expect(metrics).toContain(
      'fiveg_cell_load_ratio{operator="Test Mobile",cell="cell-1",tac="000001",service="5g-manager"} 0.59',
    );
    expect(metrics).toMatch(/fiveg_admissions_total\{[^}]*outcome="admitted"[^}]*\} 1/);
  });

  it('leaves samples older than the window out of the p95', async () => {
    const narrow = await net.replica({ summaryTtlMs: 0, kpiWindowSeconds: 10 });
    const old = await net.as('operator').post('/kpis', {
      cellId: network.cell.id,
      observedAt: new Date(Date.now() - 60_000).toISOString(),
      loadPercent: 99,
      throughputMbps: 1,
      latencyMs: 500,
      slices: [{ snssai: EMBB, throughputMbps: 1, latencyMs: 500 }],
    });
    expect(old.status).toBe(201);
    const { summary } = await narrow.summary.get();
    expect(summary.slices.find((s) => s.key === '1')?.p95LatencyMs).toBe(30);
  });
});
