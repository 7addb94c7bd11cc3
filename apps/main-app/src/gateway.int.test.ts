// The gateway against real upstreams: ai-sentiment's app, a small HTTP upstream that
// reports what it received, a port nothing listens on, and a route that answers too late.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import { freePort, type StartedApp, startApp } from '@azora/testing';
import { createSentimentService } from 'ai-sentiment/src/app.ts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMainApp, type MainApp } from './app.ts';
import type { ServiceStatus } from './status.ts';
import { quietLogger } from './test-support/logger.ts';

interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
}

/** An upstream that answers with what it received; `/slow` answers after 3 s. */
function echoServer(probes: { count: number }): RequestListener {
  return (req, res) => {
    if (req.url === '/health/ready') {
      probes.count += 1;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ status: 'degraded', version: '9.9.9', checks: { cache: { status: 'fail', error: 'cold' } } }),
      );
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-upstream', 'echo');
        res.end(
          JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes, sha256: hash.digest('hex') }),
        );
      };
      if (req.url?.includes('/slow')) setTimeout(answer, 3000);
      else answer();
    });
  };
}

describe('gateway', () => {
  let sentiment: StartedApp;
  let echo: StartedApp;
  let main: MainApp;
  const probes = { count: 0 };
  let deadUrl: string;

  beforeAll(async () => {
    sentiment = await startApp(createSentimentService({ logger: quietLogger() }).app);
    echo = await startApp(echoServer(probes));
    deadUrl = `http://127.0.0.1:${await freePort()}`;
    main = createMainApp({
      logger: quietLogger(),
      env: {
        AI_SENTIMENT_URL: sentiment.url,
        AI_VISION_URL: echo.url,
        AI_PERSONALIZATION_URL: `${echo.url}/`,
        AI_CHATBOT_URL: deadUrl,
      },
      deployed: new Set(['main-app', 'ai-sentiment', 'ai-vision', 'ai-personalization', 'ai-chatbot']),
      // Short enough for the 3 s `/slow` upstream to time out, long enough for a loaded machine.
      timeoutMs: 1500,
      maxBodyBytes: 12 * 1024 * 1024,
      pollIntervalMs: 60_000,
      probeTimeoutMs: 1500,
    });
  });

  afterAll(async () => {
    for (const resource of main.resources) await resource.close();
    await sentiment.close();
    await echo.close();
  });

  it('forwards JSON to ai-sentiment and returns its answer unchanged', async () => {
    const response = await request(main.app)
      .post('/api/sentiment/analyze')
      .send({ text: 'The console is great. The wait was awful.' });
    expect(response.status).toBe(200);
    expect(response.body.label).toMatch(/positive|negative|neutral/);
    expect(response.body.sentences).toHaveLength(2);
    expect(response.body.sentences[0].label).toBe('positive');
    expect(response.body.sentences[1].label).toBe('negative');
  });

  it('drops an idle upstream connection before the upstream times it out, never sending on a closing one', async () => {
    // The upstream answers with the client port of the connection the request came on.
    const upstream = await startApp((req, res) => res.end(String(req.socket.remotePort)));
    upstream.server.keepAliveTimeout = 2000; // announced as `Keep-Alive: timeout=2`
    const gateway = createMainApp({
      logger: quietLogger(),
      env: { AI_VISION_URL: upstream.url },
      deployed: new Set(['main-app', 'ai-vision']),
      pollIntervalMs: 60_000,
    });
    try {
      const port = async () => (await request(gateway.app).get('/api/vision/which-connection')).text;
      const first = await port();
      expect(await port(), 'a busy connection is reused').toBe(first);
      // Past the hint less a second (1 s), before the upstream's own 2 s: a new connection.
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(await port(), 'an idle connection is not kept up to the upstream timeout').not.toBe(first);
    } finally {
      for (const resource of gateway.resources) await resource.close();
      await upstream.close();
    }
  });

  it("passes the upstream's own 4xx problems through", async () => {
    const response = await request(main.app)
      .post('/api/sentiment/analyze')
      .set('content-type', 'application/json')
      .send('{"text": ');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toContain('malformed JSON');
  });

  it('streams a 10 MB multipart upload through byte for byte, keeping its content type', async () => {
    const image = randomBytes(10 * 1024 * 1024);
    const response = await request(main.app)
      .post('/api/vision/analyze?debug=1')
      .attach('image', image, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(response.status).toBe(200);
    const echoed = response.body as Echo;
    expect(echoed.url).toBe('/api/vision/analyze?debug=1');
    expect(echoed.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(echoed.bytes).toBeGreaterThan(image.length);
    expect(echoed.bytes).toBe(Number(echoed.headers['content-length']));
    // The multipart body contains the file unchanged.
    expect(response.headers['x-upstream']).toBe('echo');
  });

  it('forwards raw and chunked bodies unchanged', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const response = await request(main.app).put('/api/vision/raw').set('content-type', 'image/png').send(body);
    expect(response.body).toMatchObject({
      method: 'PUT',
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('refuses a body over the limit with 413, before and while streaming', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024 + 1);
    const declared = await request(main.app).post('/api/vision/analyze').set('content-type', 'image/png').send(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ status: 413, upstream: 'ai-vision' });
  });

  it('carries the trace and request id on, and does not forward hop-by-hop headers', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await request(main.app)
      .get('/api/vision/trace?x=1&y=two')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .set('x-request-id', 'console-req-1')
      .set('connection', 'keep-alive, x-secret-hop')
      .set('x-secret-hop', 'do-not-forward')
      .set('authorization', 'Bearer abc');
    const echoed = response.body as Echo;
    expect(echoed.url).toBe('/api/vision/trace?x=1&y=two');
    expect(echoed.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(echoed.headers.traceparent).not.toContain('00f067aa0ba902b7');
    expect(echoed.headers['x-request-id']).toBe('console-req-1');
    expect(echoed.headers['x-forwarded-for']).toBeTruthy();
    expect(echoed.headers.authorization).toBe('Bearer abc');
    expect(echoed.headers['x-secret-hop']).toBeUndefined();
    expect(response.headers['x-request-id']).toBe('console-req-1');
  });

  it('answers 502 problem+json naming a service that is down', async () => {
    const response = await request(main.app).post('/api/chatbot/message').send({ text: 'hello' });
    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 502, upstream: 'ai-chatbot', failure: 'unreachable' });
    expect(response.body.detail).toContain(`ai-chatbot is unreachable at ${deadUrl}`);
  });

  it('answers 504 problem+json when an upstream is too slow', async () => {
    const response = await request(main.app).get('/api/personalization/slow');
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ status: 504, upstream: 'ai-personalization', failure: 'timeout' });
    expect(response.body.detail).toBe('ai-personalization did not answer within 1500 ms');
  });

  it('answers 404 naming a catalog service that is not deployed, without inviting retries, and 404 for an unknown prefix', async () => {
    const notDeployed = await request(main.app).get('/api/gdpr-compliance/requests');
    expect(notDeployed.status).toBe(404);
    expect(notDeployed.headers['content-type']).toContain('application/problem+json');
    expect(notDeployed.headers['retry-after']).toBeUndefined();
    expect(notDeployed.body).toMatchObject({ status: 404, upstream: 'gdpr-compliance', failure: 'not_deployed' });
    expect(notDeployed.body.detail).toBe('gdpr-compliance is not part of this deployment');
    const unknown = await request(main.app).get('/api/nonsense/x');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.body.detail).toContain('no service serves /api/nonsense/');
    const own = await request(main.app).get('/api/platform/nothing-here');
    expect(own.status).toBe(404);
    // Published sites come from the website builder: not deployed here either.
    const site = await request(main.app).get('/sites/acme/');
    expect(site.status).toBe(404);
    expect(site.body).toMatchObject({ upstream: 'ai-website-builder', failure: 'not_deployed' });
  });

  it('probes nothing until the service starts: building the app starts no timer', async () => {
    const counted = { count: 0 };
    const upstream = await startApp(echoServer(counted));
    const built = createMainApp({
      logger: quietLogger(),
      env: { AI_VISION_URL: upstream.url },
      deployed: new Set(['main-app', 'ai-vision']),
      pollIntervalMs: 20,
      probeTimeoutMs: 1000,
    });
    try {
      // Absence takes a wait to show: ten poll intervals.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(counted.count, 'a built app that was not started probes nothing').toBe(0);
      await built.start();
      await vi.waitFor(() => expect(counted.count).toBeGreaterThan(1), { timeout: 10_000 });
    } finally {
      for (const resource of built.resources) await resource.close();
      await upstream.close();
    }
  });

  it('reports each service on /api/platform/status from background probes', async () => {
    const polledFrom = Date.now();
    await main.poller.poll();
    const before = probes.count;
    const response = await request(main.app).get('/api/platform/status');
    const again = await request(main.app).get('/api/platform/status');
    expect(again.status).toBe(200);
    expect(probes.count, 'status requests do not probe upstreams').toBe(before);
    const byName: Record<string, ServiceStatus> = Object.fromEntries(
      (response.body.services as ServiceStatus[]).map((service) => [service.name, service]),
    );
    expect(byName['ai-sentiment']).toMatchObject({ state: 'ready', version: '0.1.0', deployed: true, detail: null });
    expect(byName['ai-sentiment']?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(byName['ai-vision']).toMatchObject({ state: 'degraded', version: '9.9.9', detail: 'cache: cold' });
    expect(byName['ai-chatbot']).toMatchObject({ state: 'down', latencyMs: null });
    expect(byName['ai-chatbot']?.detail).toContain('ECONNREFUSED');
    expect(byName['gdpr-compliance']).toMatchObject({ state: 'not_deployed', deployed: false });
    // main-app's own row is its own readiness: degraded while an upstream is down, checked at this poll.
    expect(byName['main-app']).toMatchObject({
      state: 'degraded',
      version: '0.1.0',
      detail: 'upstreams: down: ai-chatbot',
    });
    expect(byName['main-app']?.latencyMs).toEqual(expect.any(Number));
    expect(Date.parse(byName['main-app']?.checkedAt ?? '')).toBeGreaterThanOrEqual(polledFrom);
    expect(response.body.summary).toMatchObject({ ready: 1, degraded: 3, down: 1, total: 21 });
  });

  it('is degraded, not down, while upstreams are down', async () => {
    const response = await request(main.app).get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('degraded');
    expect(response.body.checks.upstreams.error).toContain('ai-chatbot');
  });

  it('counts forwarded requests by upstream and outcome', async () => {
    const metrics = await request(main.app).get('/metrics');
    expect(metrics.text).toMatch(
      /gateway_requests_total\{[^}]*upstream="ai-chatbot"[^}]*outcome="unreachable"[^}]*\} [1-9]/,
    );
    expect(metrics.text).toMatch(/gateway_requests_total\{[^}]*upstream="ai-personalization"[^}]*outcome="timeout"/);
  });

  it('exports each probed service readiness for the alert rules, none for undeployed ones', async () => {
    await main.poller.poll();
    const metrics = (await request(main.app).get('/metrics')).text;
    const ready = (target: string) =>
      metrics.match(new RegExp(`platform_service_ready\\{target="${target}"[^}]*\\} (\\d)`))?.[1];
    expect(ready('ai-sentiment')).toBe('1');
    expect(ready('ai-vision'), 'degraded still answers 200').toBe('1');
    expect(ready('ai-chatbot')).toBe('0');
    expect(ready('gdpr-compliance')).toBeUndefined();
  });
});
