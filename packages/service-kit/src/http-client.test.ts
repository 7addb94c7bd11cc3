import { freePort, startApp } from '@azora/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceClient, UpstreamError } from './http-client.ts';
import { createLogger } from './logger.ts';
import { createService } from './service.ts';
import { currentTrace, parseTraceparent } from './trace.ts';

/** An upstream that records the headers of each call it receives. */
async function recordingUpstream() {
  const seen: Record<string, string | undefined>[] = [];
  const held: express.Response[] = [];
  const app = express();
  app.use(express.json());
  app.all('/echo', (req, res) => {
    seen.push({ traceparent: req.get('traceparent'), requestId: req.get('x-request-id') });
    res.json({ method: req.method, body: req.body ?? null });
  });
  // Never answers on its own: a call that returns at all did not wait for it.
  app.get('/slow', (_req, res) => {
    held.push(res);
  });
  app.get('/teapot', (_req, res) => {
    res.status(418).json({ title: 'teapot' });
  });
  app.get('/broken-json', (_req, res) => {
    res.type('application/json').send('{"half":');
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const started = await startApp(app);
  return {
    started,
    seen,
    release: () => {
      for (const res of held.splice(0)) res.json({});
    },
  };
}

describe('ServiceClient', async () => {
  const upstream = await recordingUpstream();
  afterAll(() => {
    upstream.release();
    return upstream.started.close();
  });
  // A generous timeout for ordinary calls (a loaded CI machine can take a while for the
  // first one); the timeout test uses a client of its own with a short one.
  const client = new ServiceClient({ service: 'upstream', baseUrl: `${upstream.started.url}/`, timeoutMs: 5000 });

  it('sends JSON and parses JSON answers', async () => {
    const res = await client.call<{ method: string; body: unknown }>('/echo', { json: { text: 'héllo ✓' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ method: 'POST', body: { text: 'héllo ✓' } });
  });

  it('times out a slow upstream with a timeout error naming it', async () => {
    const impatient = new ServiceClient({ service: 'upstream', baseUrl: upstream.started.url, timeoutMs: 300 });
    const error = await impatient.call('/slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      service: 'upstream',
      failure: 'timeout',
      message: 'upstream did not answer within 300 ms',
    });
    expect((error as UpstreamError).toProblem().status).toBe(504);
  });

  it('reports an unreachable upstream', async () => {
    const dead = new ServiceClient({ service: 'ai-vision', baseUrl: `http://127.0.0.1:${await freePort()}` });
    const error = (await dead.call('/health').catch((e: unknown) => e)) as UpstreamError;
    expect(error.failure).toBe('unreachable');
    expect(error.message).toMatch(/ai-vision is unreachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(error.toProblem()).toMatchObject({
      status: 502,
      extensions: { upstream: 'ai-vision', failure: 'unreachable' },
    });
    await expect(dead.checkHealth()).rejects.toThrow(/unreachable/);
  });

  it('turns non-2xx answers and malformed JSON into errors', async () => {
    await expect(client.call('/teapot')).rejects.toMatchObject({ failure: 'bad_status', status: 418 });
    await expect(client.call('/broken-json')).rejects.toMatchObject({ failure: 'bad_body' });
    expect((await client.fetch('/teapot')).status).toBe(418);
    await expect(client.checkHealth()).resolves.toBeUndefined();
  });

  /** A service whose /relay calls the upstream and reports its own span id. */
  function relayService() {
    return createService({
      name: 'caller',
      version: '1',
      logger: createLogger('caller', 'silent'),
      routes: (app) => {
        app.get('/relay', async (_req, res) => {
          const { body } = await client.call('/echo');
          res.json({ ownSpanId: currentTrace()?.spanId, upstream: body });
        });
      },
    });
  }

  it('propagates the trace of the request being handled', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const before = upstream.seen.length;
    const res = await request(relayService().app)
      .get('/relay')
      .set('traceparent', `00-${traceId}-b7ad6b7169203331-01`)
      .set('x-request-id', 'checkout-42');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('checkout-42');
    const outgoing = upstream.seen[before];
    expect(outgoing?.requestId).toBe('checkout-42');
    const parsed = parseTraceparent(outgoing?.traceparent);
    expect(parsed?.traceId).toBe(traceId);
    // The callee's parent is the caller's own span, a child of the incoming one.
    expect(parsed?.parentSpanId).toBe(res.body.ownSpanId);
    expect(parsed?.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parsed?.parentSpanId).not.toBe('b7ad6b7169203331');
  });

  it('starts a new trace when the request has none or an invalid one, and uses it as request id', async () => {
    const { app } = relayService();
    const invalid = [undefined, 'zz-not-a-trace', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`];
    for (const traceparent of invalid) {
      const before = upstream.seen.length;
      const res = await (traceparent
        ? request(app).get('/relay').set('traceparent', traceparent)
        : request(app).get('/relay'));
      const parsed = parseTraceparent(upstream.seen[before]?.traceparent);
      expect(parsed?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(parsed?.traceId).not.toBe('0'.repeat(32));
      expect(res.headers['x-request-id']).toBe(parsed?.traceId);
    }
    const hostileId = await request(app).get('/health').set('x-request-id', '"><script>alert(1)</script>');
    expect(hostileId.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('parseTraceparent', () => {
  it('follows the W3C rules', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.sampled).toBe(false);
    expect(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeUndefined();
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')).toBeUndefined();
    // Future versions may append fields.
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')).toBeDefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });
});
