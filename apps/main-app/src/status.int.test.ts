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
});
