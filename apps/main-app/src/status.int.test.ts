import { setTimeout as sleep } from 'node:timers/promises';
import { getService } from '@azora/catalog';
import { startApp } from '@azora/testing';
import { describe, expect, it } from 'vitest';
import { StatusPoller } from './status.ts';

describe('status poller', () => {
  it('marks a service that stops answering degraded after one slow probe and down after two', async () => {
    let hang = false;
    const upstream = await startApp((_req, res) => {
      if (hang) return; // never answers
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ready', version: '1.2.3', checks: {} }));
    });
    const poller = new StatusPoller({
      upstreams: [{ entry: getService('ai-vision'), url: upstream.url, deployed: true }],
      self: { entry: getService('main-app'), version: '0.1.0' },
      intervalMs: 60_000,
      timeoutMs: 1000,
    });
    const vision = async () => (await poller.report()).services.find((s) => s.name === 'ai-vision');
    try {
      await poller.poll();
      expect(await vision()).toMatchObject({ state: 'ready', version: '1.2.3' });
      expect(poller.readiness()).toContainEqual({ name: 'ai-vision', ready: true });
      hang = true;
      await poller.poll();
      expect(await vision()).toMatchObject({ state: 'degraded', detail: 'slow: no answer within 1000 ms' });
      // Shown as degraded on the board, but for alerting the probe did not answer 200.
      expect(poller.readiness()).toContainEqual({ name: 'ai-vision', ready: false });
      await poller.poll();
      expect(await vision()).toMatchObject({ state: 'down', detail: 'no answer within 1000 ms' });
      hang = false;
      await poller.poll();
      expect(await vision()).toMatchObject({ state: 'ready' });
    } finally {
      poller.stop();
      await upstream.close();
    }
  });

  it('reports its own row from its own readiness checks, timed and stamped at each poll', async () => {
    let failing: 'none' | 'optional' | 'required' = 'none';
    const poller = new StatusPoller({
      upstreams: [],
      self: {
        entry: getService('main-app'),
        version: '0.1.0',
        checks: [
          { name: 'slow', check: () => sleep(50) },
          {
            name: 'console',
            check: async () => {
              if (failing === 'required') throw new Error('no console build');
            },
          },
          {
            name: 'upstreams',
            required: false,
            check: async () => {
              if (failing === 'optional') throw new Error('down: ai-vision');
            },
          },
        ],
      },
      intervalMs: 60_000,
      timeoutMs: 1000,
    });
    const own = async () => (await poller.report()).services.find((s) => s.name === 'main-app');
    try {
      await poller.poll();
      const first = await own();
      expect(first).toMatchObject({ state: 'ready', version: '0.1.0', detail: null });
      expect(first?.latencyMs, 'the time its checks took').toBeGreaterThanOrEqual(45);
      await sleep(20);
      await poller.poll();
      const second = await own();
      expect(Date.parse(second?.checkedAt ?? '')).toBeGreaterThan(Date.parse(first?.checkedAt ?? ''));
      failing = 'optional';
      await poller.poll();
      expect(await own()).toMatchObject({ state: 'degraded', detail: 'upstreams: down: ai-vision' });
      failing = 'required';
      await poller.poll();
      expect(await own()).toMatchObject({ state: 'down', detail: 'console: no console build' });
      expect(poller.readiness()).toContainEqual({ name: 'main-app', ready: false });
    } finally {
      poller.stop();
    }
  });
});
