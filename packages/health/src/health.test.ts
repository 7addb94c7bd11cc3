import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { healthRoutes, runChecks } from './index.ts';

const never = () => new Promise<never>(() => {});

describe('runChecks', () => {
  it('is ready when every check passes, with latency and detail per check', async () => {
    const report = await runChecks([
      { name: 'db', check: async () => undefined },
      { name: 'model', check: async () => ({ ageSeconds: 12 }) },
    ]);
    expect(report.status).toBe('ready');
    expect(report.checks.db).toMatchObject({ status: 'pass', required: true });
    expect(report.checks.db?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(report.checks.model?.detail).toEqual({ ageSeconds: 12 });
  });

  it('fails a hung check after its timeout instead of hanging, and aborts its signal', async () => {
    let aborted = false;
    const started = Date.now();
    const report = await runChecks([
      {
        name: 'hung-db',
        timeoutMs: 100,
        check: (signal) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          return never();
        },
      },
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.status).toBe('not_ready');
    expect(report.checks['hung-db']).toMatchObject({ status: 'fail', error: 'timed out after 100 ms' });
    expect(aborted).toBe(true);
  });

  it('runs checks concurrently', async () => {
    // Each check passes only once all three have started: run one after another, they time out.
    let started = 0;
    let allStarted: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const check = async () => {
      started += 1;
      if (started === 3) allStarted();
      await barrier;
    };
    const report = await runChecks(['a', 'b', 'c'].map((name) => ({ name, check, timeoutMs: 5000 })));
    expect(report.status).toBe('ready');
  });

  it('reports an optional failure as degraded and a required one as not ready', async () => {
    const optionalDown = await runChecks([
      { name: 'db', check: async () => {} },
      { name: 'ai-sentiment', required: false, check: async () => Promise.reject(new Error('ECONNREFUSED')) },
    ]);
    expect(optionalDown.status).toBe('degraded');
    expect(optionalDown.checks['ai-sentiment']).toMatchObject({
      status: 'fail',
      required: false,
      error: 'ECONNREFUSED',
    });

    const syncThrow = await runChecks([
      {
        name: 'db',
        check: () => {
          throw new Error('boom');
        },
      },
    ]);
    expect(syncThrow.status).toBe('not_ready');
    expect(syncThrow.checks.db?.error).toBe('boom');
  });

  it('rejects two checks with the same name', async () => {
    await expect(
      runChecks([
        { name: 'x', check: async () => {} },
        { name: 'x', check: async () => {} },
      ]),
    ).rejects.toThrow(/duplicate health check name "x"/);
  });
});

describe('healthRoutes', () => {
  function app(options: Partial<Parameters<typeof healthRoutes>[0]> = {}) {
    return express().use(healthRoutes({ service: 'svc', version: '1.2.3', ...options }));
  }

  it('answers liveness without running checks', async () => {
    let ran = false;
    const res = await request(
      app({
        checks: [
          {
            name: 'db',
            check: async () => {
              ran = true;
            },
          },
        ],
      }),
    ).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', service: 'svc', version: '1.2.3' });
    expect(ran).toBe(false);
  });

  it('answers readiness on its aliases exactly as on /health/ready, and nothing else there', async () => {
    const failing = app({ checks: [{ name: 'db', timeoutMs: 50, check: never }], readyAliases: ['/api/health/ready'] });
    const canonical = await request(failing).get('/health/ready');
    const alias = await request(failing).get('/api/health/ready');
    expect(alias.status).toBe(503);
    expect(alias.body.status).toBe(canonical.body.status);
    expect(alias.body.checks.db.error).toBe(canonical.body.checks.db.error);
    expect((await request(app()).get('/api/health/ready')).status).toBe(404);
  });

  it('answers 200 when ready and 503 with the failing check when not', async () => {
    const ready = await request(app({ checks: [{ name: 'db', check: async () => {} }] })).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');

    const down = await request(app({ checks: [{ name: 'db', timeoutMs: 50, check: never }] })).get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.checks.db.status).toBe('fail');
    expect(down.headers['cache-control']).toBe('no-store');
  });

  it('answers 200 degraded when only an optional check fails', async () => {
    const res = await request(
      app({ checks: [{ name: 'upstream', required: false, check: async () => Promise.reject(new Error('down')) }] }),
    ).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('degraded');
  });

  it('answers 503 while shutting down', async () => {
    const res = await request(app({ isShuttingDown: () => true })).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.reason).toBe('shutting down');
  });
});
