import express, { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMetrics, eventLoopSampleMs, UNMATCHED_ROUTE } from './index.ts';

function appWithMetrics() {
  const metrics = createMetrics({ service: 'svc-test' });
  const app = express();
  app.use(metrics.middleware);
  app.get('/metrics', metrics.handler);
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  const api = Router();
  api.get('/orders/:orderId', (_req, res) => {
    res.status(201).json({});
  });
  api.get('/fail/:id', () => {
    throw new Error('boom');
  });
  app.use('/api', api);
  app.use((_req, res) => {
    res.status(404).end();
  });
  app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).end();
  });
  return { app, metrics };
}

async function sample(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string>) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as {
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }[];
  return values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
}

describe('createMetrics', () => {
  it('labels requests by route template, never by raw path', async () => {
    const { app, metrics } = appWithMetrics();
    for (const id of ['1', '2', '3', 'ünïcode', '9'.repeat(40)])
      await request(app).get(`/items/${encodeURIComponent(id)}`);
    await request(app).get('/api/orders/77');

    const items = await sample(metrics, 'http_requests_total', { route: '/items/:id' });
    expect(items).toHaveLength(1);
    expect(items[0]?.value).toBe(5);
    expect(items[0]?.labels).toMatchObject({ method: 'GET', status: '200' });

    const orders = await sample(metrics, 'http_requests_total', { route: '/api/orders/:orderId', status: '201' });
    expect(orders[0]?.value).toBe(1);

    const text = (await request(app).get('/metrics')).text;
    expect(text).not.toContain('/items/1');
    expect(text).not.toContain('ünïcode');
  });

  it('puts unknown paths under one label so scanners cannot explode the series count', async () => {
    const { app, metrics } = appWithMetrics();
    for (let i = 0; i < 20; i++) await request(app).get(`/random/${i}`);
    const unmatched = await sample(metrics, 'http_requests_total', { route: UNMATCHED_ROUTE, status: '404' });
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]?.value).toBe(20);
  });

  it('records the route template of a handler that threw', async () => {
    const { app, metrics } = appWithMetrics();
    await request(app).get('/api/fail/1');
    const failed = await sample(metrics, 'http_requests_total', { status: '500' });
    expect(failed.map((f) => f.labels.route)).toEqual(['/api/fail/:id']);
  });

  it('serves Prometheus text with default metrics, the service label and the duration histogram', async () => {
    const { app } = appWithMetrics();
    await request(app).get('/items/1');
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total{service="svc-test"}');
    // How fast the request was depends on the machine; the buckets must only be cumulative.
    const buckets = [
      ...res.text.matchAll(
        /http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/items\/:id"[^}]*\} (\d+)/g,
      ),
    ].map((match) => Number(match[2]));
    expect(buckets.length).toBeGreaterThan(5);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(res.text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/items/:id",status="200",service="svc-test"} 1\n',
    );
    expect(res.text).toContain(
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/items/:id",status="200",service="svc-test"} 1\n',
    );
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE http_requests_total counter');
  });

  it('samples the event loop as often as asked, prom-client’s 10 ms unless told otherwise', async () => {
    const idleLagP50 = async (eventLoopSampleMs?: number) => {
      const metrics = createMetrics({ service: 'svc-lag', eventLoopSampleMs });
      await new Promise((resolve) => setTimeout(resolve, 450));
      const text = await metrics.registry.metrics();
      return Number(/^nodejs_eventloop_lag_p50_seconds\{service="svc-lag"\} (\S+)$/m.exec(text)?.[1]);
    };
    // An idle loop's lag figures are the intervals between samples (a timer can fire a fraction
    // of a millisecond early by the histogram's clock: CI saw 0.0998 s at 100 ms).
    expect(await idleLagP50()).toBeLessThan(0.05);
    expect(await idleLagP50(100)).toBeGreaterThan(0.09);
    expect(eventLoopSampleMs({})).toBe(10);
    expect(eventLoopSampleMs({ METRICS_EVENT_LOOP_SAMPLE_MS: '100' })).toBe(100);
    for (const bad of ['0', '2.5', 'fast', '-10'])
      expect(() => eventLoopSampleMs({ METRICS_EVENT_LOOP_SAMPLE_MS: bad })).toThrow(/whole milliseconds/);
  });

  it('registers domain metrics in the service registry only', async () => {
    const a = createMetrics({ service: 'a', collectDefaults: false });
    const b = createMetrics({ service: 'b', collectDefaults: false });
    const analyses = a.counter({ name: 'analyses_total', help: 'analyses', labelNames: ['label'] });
    analyses.inc({ label: 'positive' });
    a.gauge({ name: 'model_age_seconds', help: 'age' }).set(5);
    a.histogram({ name: 'text_length', help: 'len', buckets: [10, 100] }).observe(42);
    const text = await a.registry.metrics();
    expect(text).toContain('analyses_total{label="positive",service="a"} 1');
    expect(text).toContain('model_age_seconds{service="a"} 5');
    expect(text).toContain('text_length_bucket{le="100",service="a"} 1');
    expect(await b.registry.metrics()).not.toContain('analyses_total');
  });
});
