// The receiver, the trace queries and retention against real Postgres and Redis, fed by the
// kit's own exporter and by hand-built protobuf and JSON exports.
import { gzipSync } from 'node:zlib';
import { createAuth, createLogger, createService, newSpanId, newTraceId, ServiceClient } from '@azora/service-kit';
import {
  createTestDatabase,
  createTestRedis,
  type StartedApp,
  startApp,
  type TestDatabase,
  type TestRedis,
} from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracingService, type TracingService } from './app.ts';
import { encodeProtobuf, type OutgoingSpan } from './otlp.ts';

let db: TestDatabase;
let redis: TestRedis;
let t: TracingService;
let receiver: StartedApp;
const logger = createLogger('tracing-recovery-test', 'silent');

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('tracing_app'), createTestRedis('tracing-app')]);
  t = createTracingService({
    databaseUrl: db.url,
    redisUrl: redis.url,
    redisKeyPrefix: redis.prefix,
    logger,
    auth: createAuth({}),
    targets: [],
    pollIntervalMs: 0,
    sweepIntervalMs: 0,
    otlpMaxBodyBytes: 64 * 1024,
    runtime: 'none',
  });
  await t.start();
  await t.ready();
  receiver = await startApp(t.app);
});
afterAll(async () => {
  await receiver?.close();
  for (const resource of [...(t?.resources ?? [])].reverse()) await resource.close();
  await db?.drop();
  await redis?.cleanup();
});

const NOW_NS = () => BigInt(Date.now()) * 1_000_000n;

function protobufPost(body: Uint8Array) {
  return request(t.app).post('/v1/traces').set('content-type', 'application/x-protobuf').send(Buffer.from(body));
}

describe('the OTLP receiver', () => {
  it('stores what the kit’s own exporter sends from a running service, with the server/client tree across two services', async () => {
    // Two kit services exporting to the receiver: "ai-chatbot" calls "ai-sentiment".
    const sentiment = createService({
      name: 'ai-sentiment',
      version: '1.0.0',
      logger,
      otlpEndpoint: receiver.url,
      routes: (app) => app.get('/api/sentiment/score', (_req, res) => void res.json({ score: 0.4 })),
    });
    const sentimentServer = await startApp(sentiment.app);
    const chatbot = createService({
      name: 'ai-chatbot',
      version: '1.0.0',
      logger,
      otlpEndpoint: receiver.url,
      routes: (app) =>
        app.get('/api/chatbot/ask', async (_req, res) => {
          const client = new ServiceClient({ service: 'ai-sentiment', baseUrl: sentimentServer.url, timeoutMs: 2000 });
          const answer = await client.call('/api/sentiment/score');
          res.json({ upstream: answer.status });
        }),
    });
    // Both register the same process-wide exporter slot: the chatbot's (built last) records client spans.
    const chatbotServer = await startApp(chatbot.app);
    try {
      const traceId = newTraceId();
      const res = await fetch(`${chatbotServer.url}/api/chatbot/ask`, {
        headers: { traceparent: `00-${traceId}-${newSpanId()}-01` },
      });
      expect(res.status).toBe(200);
      for (const svc of [chatbot, sentiment]) for (const r of svc.resources) await r.close();

      const tree = await request(t.app).get(`/api/tracing-recovery/traces/${traceId}`);
      expect(tree.status).toBe(200);
      expect(tree.body.services).toEqual(['ai-chatbot', 'ai-sentiment']);
      const [root] = tree.body.roots;
      expect(root).toMatchObject({ service: 'ai-chatbot', kind: 'server', name: 'GET /api/chatbot/ask', depth: 0 });
      const client = root.children[0];
      expect(client).toMatchObject({ service: 'ai-chatbot', kind: 'client', depth: 1 });
      expect(client.children[0]).toMatchObject({
        service: 'ai-sentiment',
        kind: 'server',
        name: 'GET /api/sentiment/score',
        depth: 2,
      });
      expect(client.children[0].offsetMs).toBeGreaterThanOrEqual(0);

      const deps = await request(t.app).get('/api/tracing-recovery/dependencies');
      expect(deps.body.edges).toContainEqual(
        expect.objectContaining({ caller: 'ai-chatbot', callee: 'ai-sentiment', calls: 1, errors: 0 }),
      );
      const stats = await request(t.app).get('/api/tracing-recovery/services/ai-sentiment/stats?minutes=5');
      expect(stats.body).toMatchObject({ service: 'ai-sentiment', requests: 1, errors: 0 });
      expect(stats.body.p95Ms).toBeGreaterThan(0);
    } finally {
      await chatbotServer.close();
      await sentimentServer.close();
    }
  });

  it('accepts hand-built protobuf (also gzipped) and JSON exports, answers in kind, and keeps a retried span once', async () => {
    const traceId = newTraceId();
    const rootId = newSpanId();
    const start = NOW_NS();
    const spans: OutgoingSpan[] = [
      { traceId, spanId: rootId, name: 'POST /api/platform/x', startNs: start, endNs: start + 300_000_000n },
      {
        traceId,
        spanId: newSpanId(),
        parentSpanId: rootId,
        name: 'POST /api/vision/analyze',
        startNs: start + 1_000_000n,
        endNs: start + 290_000_000n,
        error: true,
      },
    ];
    const main = await protobufPost(encodeProtobuf('main-app', spans.slice(0, 1)));
    expect(main.status).toBe(200);
    expect(main.headers['content-type']).toMatch(/application\/x-protobuf/);
    const vision = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/x-protobuf')
      .set('content-encoding', 'gzip')
      .send(gzipSync(encodeProtobuf('ai-vision', spans.slice(1))));
    expect(vision.status).toBe(200);
    // The same span again (an exporter retrying): stored once.
    expect((await protobufPost(encodeProtobuf('ai-vision', spans.slice(1)))).status).toBe(200);
    const jsonTrace = newTraceId();
    const jsonRes = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/json; charset=utf-8')
      .send({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'zero-rating' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: jsonTrace,
                    spanId: newSpanId(),
                    name: 'GET /api/zero-rating/rules',
                    kind: 2,
                    startTimeUnixNano: String(start),
                    endTimeUnixNano: String(start + 5_000_000n),
                  },
                ],
              },
            ],
          },
        ],
      });
    expect(jsonRes.status).toBe(200);
    expect(jsonRes.body).toEqual({});

    const tree = await request(t.app).get(`/api/tracing-recovery/traces/${traceId}`);
    expect(tree.body.spanCount).toBe(2);
    expect(tree.body.durationMs).toBeCloseTo(300, 3);
    expect(tree.body.roots[0].children[0]).toMatchObject({ service: 'ai-vision', error: true, durationMs: 289 });

    const errors = await request(t.app).get('/api/tracing-recovery/traces?error=true&minDurationMs=250');
    expect(errors.status).toBe(200);
    expect(errors.body.traces.map((trace: { traceId: string }) => trace.traceId)).toEqual([traceId]);
    expect(errors.body.traces[0]).toMatchObject({
      rootService: 'main-app',
      rootName: 'POST /api/platform/x',
      spanCount: 2,
      errorCount: 1,
      services: ['ai-vision', 'main-app'],
    });
    const byService = await request(t.app).get('/api/tracing-recovery/traces?service=zero-rating&limit=5');
    expect(byService.body.traces.map((trace: { traceId: string }) => trace.traceId)).toEqual([jsonTrace]);

    const metrics = (await request(t.app).get('/metrics')).text;
    expect(metrics).toMatch(/tracing_spans_received_total\{[^}]*encoding="protobuf"[^}]*\} 3/);
    expect(metrics).toMatch(/tracing_spans_stored_total\{[^}]*\} [1-9]/);
  });

  it('answers 400 to malformed exports, 413 to oversized ones, 415 to other media types, and stores nothing of them', async () => {
    const before = await t.spans.count();
    const garbage = await protobufPost(Buffer.from('definitely not a protobuf message'));
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(garbage.body.detail).toMatch(/not a protobuf ExportTraceServiceRequest/);
    const badJson = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/json')
      .send('{"resourceSpans": [');
    expect(badJson.status).toBe(400);
    const badId = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/json')
      .send({
        resourceSpans: [
          { scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] },
        ],
      });
    expect(badId.status).toBe(400);
    expect(badId.body.detail).toMatch(/traceId/);
    // 64 KiB limit in this test: 1000 spans are far more.
    const start = NOW_NS();
    const many = Array.from({ length: 1000 }, () => ({
      traceId: newTraceId(),
      spanId: newSpanId(),
      name: 'GET /padding/for/a/large/export/request',
      startNs: start,
      endNs: start + 1000n,
      attributes: { 'url.path': '/padding/for/a/large/export/request' },
    }));
    const big = await protobufPost(encodeProtobuf('ai-vision', many));
    expect(big.status).toBe(413);
    const bomb = await request(t.app)
      .post('/v1/traces')
      .set('content-type', 'application/x-protobuf')
      .set('content-encoding', 'gzip')
      .send(gzipSync(Buffer.alloc(1024 * 1024)));
    expect(bomb.status).toBe(413);
    const text = await request(t.app).post('/v1/traces').set('content-type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    expect(await t.spans.count()).toBe(before);
    // Query validation: 400, not 500.
    expect((await request(t.app).get('/api/tracing-recovery/traces/not-a-trace')).status).toBe(400);
    expect((await request(t.app).get(`/api/tracing-recovery/traces/${newTraceId()}`)).status).toBe(404);
    expect((await request(t.app).get('/api/tracing-recovery/traces?limit=9999')).status).toBe(400);
    expect((await request(t.app).get('/api/tracing-recovery/traces?error=maybe')).status).toBe(400);
  });
});

describe('retention', () => {
  it('deletes spans older than the retention and the oldest beyond the row limit', async () => {
    const old = BigInt(Date.now() - 3 * 3_600_000) * 1_000_000n;
    const oldTrace = newTraceId();
    await protobufPost(
      encodeProtobuf('ai-vision', [
        { traceId: oldTrace, spanId: newSpanId(), name: 'old', startNs: old, endNs: old + 1n },
      ]),
    );
    const start = NOW_NS();
    const recent = Array.from({ length: 30 }, (_, i) => ({
      traceId: newTraceId(),
      spanId: newSpanId(),
      name: `recent ${i}`,
      startNs: start + BigInt(i),
      endNs: start + BigInt(i) + 1n,
    }));
    for (const span of recent) await protobufPost(encodeProtobuf('ai-vision', [span]));
    const total = await t.spans.count();

    const result = await t.spans.sweep({ olderThan: new Date(Date.now() - 3_600_000), maxRows: 10, batch: 7 });
    expect(result.age).toBe(1);
    expect(result.rows).toBe(total - 1 - 10);
    expect(await t.spans.count()).toBe(10);
    expect((await request(t.app).get(`/api/tracing-recovery/traces/${oldTrace}`)).status).toBe(404);
    // The newest ten are the ones kept.
    const lastTen = recent.slice(-10).map((span) => span.traceId);
    for (const traceId of lastTen)
      expect((await request(t.app).get(`/api/tracing-recovery/traces/${traceId}`)).status).toBe(200);
  });
});
