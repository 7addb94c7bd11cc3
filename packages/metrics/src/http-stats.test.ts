import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpRequestStats } from './http-stats.ts';

describe('HttpRequestStats', () => {
  function registryWith(stats: HttpRequestStats) {
    const registry = new Registry();
    registry.registerMetric(stats.counter('requests_total', 'requests'));
    registry.registerMetric(stats.histogram('duration_seconds', 'durations'));
    return registry;
  }

  it('renders cumulative buckets with inclusive upper bounds, sum and count per series', async () => {
    const stats = new HttpRequestStats([0.1, 0.5, 1]);
    const registry = registryWith(stats);
    for (const seconds of [0.05, 0.1, 0.3, 0.5, 2]) stats.observe('GET', '/a/:id', '200', seconds);
    stats.observe('POST', '/a', '400', 0.2);
    const text = await registry.metrics();
    const series = 'method="GET",route="/a/:id",status="200"';
    expect(text).toContain(`duration_seconds_bucket{le="0.1",${series}} 2\n`);
    expect(text).toContain(`duration_seconds_bucket{le="0.5",${series}} 4\n`);
    expect(text).toContain(`duration_seconds_bucket{le="1",${series}} 4\n`);
    expect(text).toContain(`duration_seconds_bucket{le="+Inf",${series}} 5\n`);
    expect(text).toContain(`duration_seconds_sum{${series}} 2.95\n`);
    expect(text).toContain(`duration_seconds_count{${series}} 5\n`);
    expect(text).toContain(`requests_total{${series}} 5\n`);
    expect(text).toContain('requests_total{method="POST",route="/a",status="400"} 1\n');
    expect(text).toContain('# TYPE duration_seconds histogram');
  });

  it('is cleared by the registry reset and renders JSON too', async () => {
    const stats = new HttpRequestStats([1]);
    const registry = registryWith(stats);
    stats.observe('GET', '/', '200', 0.5);
    const json = await registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'requests_total')?.values).toEqual([
      { labels: { method: 'GET', route: '/', status: '200' }, value: 1 },
    ]);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('requests_total{');
  });
});
