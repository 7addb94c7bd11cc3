import { once } from 'node:events';
import { createServer } from 'node:http';
import { freePort, startApp } from '@azora/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ServiceClient } from './http-client.ts';
import { createLogger } from './logger.ts';
import { SpanExporter, type SpanRecord, setActiveSpanExporter } from './otlp.ts';
import { createService, type ServiceOptions } from './service.ts';
import { parseTraceparent } from './trace.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status: { code: number };
}

/** A collector that keeps every OTLP/HTTP JSON export it receives. */
async function collector() {
  const exports: { resourceSpans: { resource: { attributes: unknown[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] }[] =
    [];
  const app = express();
  app.post('/v1/traces', express.json({ limit: '10mb' }), (req, res) => {
    exports.push(req.body);
    res.json({});
  });
  const started = await startApp(app);
  const spans = () => exports.flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  return { ...started, exports, spans };
}

const silent = createLogger('otlp-test', 'silent');

afterEach(() => setActiveSpanExporter(undefined));

/** A service exporting its spans to `otlpEndpoint`. */
function tracedService(otlpEndpoint: string, routes: ServiceOptions['routes']) {
  return createService({ name: 'span-test', version: '9.9.9', logger: silent, otlpEndpoint, routes });
}

describe('span export', async () => {
  const otlp = await collector();
  const upstream = await startApp(
    express().get('/echo', (req, res) => {
      res.json({ traceparent: req.get('traceparent') });
    }),
  );
  afterAll(async () => {
    await otlp.close();
    await upstream.close();
  });

  it('exports a server span per request and a client span per outgoing call, linked by parent ids', async () => {
    const client = new ServiceClient({ service: 'upstream', baseUrl: upstream.url });
    const service = tracedService(otlp.url, (app) => {
      app.get('/orders/:id', async (_req, res) => {
        const { body } = await client.call<{ traceparent: string }>('/echo');
        res.json(body);
      });
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(service.app).get('/orders/42').set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
    expect(res.status).toBe(200);
    for (const resource of service.resources) await resource.close();

    const spans = otlp.spans().filter((s) => s.traceId === traceId);
    const server = spans.find((s) => s.kind === 2);
    const outgoing = spans.find((s) => s.kind === 3);
    expect(server).toMatchObject({ name: 'GET /orders/:id', parentSpanId: '00f067aa0ba902b7', status: { code: 0 } });
    expect(server?.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: '200' } });
    expect(outgoing).toMatchObject({ name: 'GET upstream', parentSpanId: server?.spanId });
    // The upstream saw the client span as its parent.
    expect(parseTraceparent(res.body.traceparent)?.parentSpanId).toBe(outgoing?.spanId);
    expect(BigInt(server?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(server?.startTimeUnixNano ?? 0));
    expect(Number(BigInt(server?.startTimeUnixNano ?? 0) / 1_000_000n)).toBeGreaterThan(Date.now() - 60_000);
    expect(otlp.exports.at(-1)?.resourceSpans[0]?.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'span-test' },
    });
  });

  it('marks 5xx server spans as errors and skips unsampled traces', async () => {
    const service = tracedService(otlp.url, (app) => {
      app.get('/boom', () => {
        throw new Error('boom');
      });
    });
    const sampled = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const unsampled = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    await request(service.app).get('/boom').set('traceparent', `00-${sampled}-00f067aa0ba902b7-01`);
    await request(service.app).get('/boom').set('traceparent', `00-${unsampled}-00f067aa0ba902b7-00`);
    for (const resource of service.resources) await resource.close();
    expect(otlp.spans().find((s) => s.traceId === sampled)).toMatchObject({ name: 'GET /boom', status: { code: 2 } });
    expect(otlp.spans().find((s) => s.traceId === unsampled)).toBeUndefined();
  });

  it('exports no spans for the probes: health checks and metrics scrapes', async () => {
    const service = tracedService(otlp.url, (app) => {
      app.get('/work', (_req, res) => {
        res.json({ done: true });
      });
    });
    const traceFor = (n: number) => `00-${String(n).repeat(32)}-00f067aa0ba902b7-01`;
    for (const [n, path] of [
      [1, '/health'],
      [2, '/health/ready'],
      [3, '/metrics'],
      [4, '/work'],
    ] as const)
      await request(service.app).get(path).set('traceparent', traceFor(n));
    for (const resource of service.resources) await resource.close();
    const names = otlp
      .spans()
      .filter((s) => ['1', '2', '3', '4'].some((n) => s.traceId === n.repeat(32)))
      .map((s) => s.name);
    expect(names).toEqual(['GET /work']);
  });
});

describe('SpanExporter', () => {
  const span = (i: number): SpanRecord => ({
    traceId: 'c'.repeat(32),
    spanId: i.toString(16).padStart(16, '0'),
    name: `span ${i}`,
    kind: 'server',
    startMs: Date.now(),
    endMs: Date.now() + 1,
    attributes: {},
    error: false,
  });

  it('keeps a bounded queue while the collector is away and delivers it when it returns', async () => {
    const port = await freePort();
    const exporter = new SpanExporter({
      endpoint: `http://127.0.0.1:${port}`,
      service: 's',
      version: '1',
      logger: silent,
      maxQueue: 10,
      batchSize: 4,
      intervalMs: 60_000,
    });
    for (let i = 0; i < 15; i++) exporter.record(span(i));
    await exporter.flush();
    expect(exporter.dropped).toBe(5);
    expect(exporter.exported).toBe(0);

    // The collector comes up on the address the exporter was given.
    const received: string[] = [];
    const app = express().post('/v1/traces', express.json(), (req, res) => {
      received.push(...req.body.resourceSpans[0].scopeSpans[0].spans.map((s: OtlpSpan) => s.name));
      res.json({});
    });
    const server = createServer(app).listen(port, '127.0.0.1');
    await once(server, 'listening');
    try {
      await exporter.shutdown();
    } finally {
      server.close();
    }
    expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `span ${i + 5}`));
    expect(exporter.exported).toBe(10);
  });

  it('never slows or fails a request when the collector is unreachable', async () => {
    const service = tracedService(`http://127.0.0.1:${await freePort()}`, (app) => {
      app.get('/ok', (_req, res) => {
        res.json({ ok: true });
      });
    });
    const responses = await Promise.all(Array.from({ length: 20 }, () => request(service.app).get('/ok')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    for (const resource of service.resources) await resource.close();
  });
});
