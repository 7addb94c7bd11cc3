import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from './logger.ts';
import { HttpProblem } from './problem.ts';
import { runService } from './server.ts';
import { createService } from './service.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('kit-test', 'info', stream) };
}

const Order = z.object({ item: z.string().min(1), quantity: z.number().int().positive() });

function buildService(logger = captureLogs().logger) {
  return createService({
    name: 'kit-test',
    version: '0.0.1',
    logger,
    checks: [{ name: 'always', check: async () => {} }],
    routes: (app) => {
      app.post('/orders', (req, res) => {
        const order = parseBody(Order, req);
        res.status(201).json(order);
      });
      app.get('/orders/:id', (req, res) => {
        const { id } = parseParams(z.object({ id: z.string().regex(/^\d+$/, 'must be digits') }), req);
        const { expand } = parseQuery(z.object({ expand: z.enum(['lines']).optional() }), req);
        res.json({ id, expand });
      });
      app.post('/signup', (req, res) => {
        logger.info({ user: { email: req.body.email, password: req.body.password } }, 'signup');
        res.status(204).end();
      });
      app.get('/conflict', () => {
        throw new HttpProblem(409, 'order already exists', { extensions: { orderId: '7' } });
      });
      app.get('/crash', () => {
        throw new Error('database password is hunter2');
      });
      app.get('/crash-async', async () => {
        await Promise.resolve();
        throw new TypeError('cannot read properties of undefined');
      });
    },
  });
}

describe('createService: the service contract', () => {
  const { app } = buildService();

  it('serves /health, /health/ready and /metrics', async () => {
    expect((await request(app).get('/health')).body).toMatchObject({
      status: 'ok',
      service: 'kit-test',
      version: '0.0.1',
    });
    const ready = await request(app).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.always.status).toBe('pass');
    await request(app).post('/orders').send({ item: 'tea', quantity: 2 });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain(
      'http_requests_total{method="POST",route="/orders",status="201",service="kit-test"} 1',
    );
  });

  it('accepts a valid body', async () => {
    const res = await request(app).post('/orders').send({ item: 'tea', quantity: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ item: 'tea', quantity: 2 });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(app).post('/orders').set('content-type', 'application/json').send('{"item": "tea",');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400, instance: '/orders' });
    expect(res.body.detail).toMatch(/^malformed JSON body/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers wrong types and missing fields with a 400 listing each field', async () => {
    const res = await request(app).post('/orders').send({ quantity: 'two' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['item', 'quantity']);
    expect(res.body.detail).toMatch(/^invalid body: (item|quantity): /);
  });

  it('answers a JSON scalar, an empty body and a non-JSON content type clearly', async () => {
    const scalar = await request(app).post('/orders').set('content-type', 'application/json').send('"tea"');
    expect(scalar.status).toBe(400);
    const empty = await request(app).post('/orders').set('content-type', 'application/json').send('');
    expect(empty.status).toBe(400);
    const text = await request(app).post('/orders').set('content-type', 'text/plain').send('tea x2');
    expect(text.status).toBe(415);
    expect(text.body.detail).toContain('application/json');
  });

  it('answers a 10 MB body with 413 without reading it all into a handler', async () => {
    const huge = JSON.stringify({ item: 'x'.repeat(10 * 1024 * 1024), quantity: 1 });
    const res = await request(app).post('/orders').set('content-type', 'application/json').send(huge);
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/limit is 1048576 bytes/);
  });

  it('answers an unsupported charset with 415', async () => {
    const res = await request(app).post('/orders').set('content-type', 'application/json; charset=latin-9').send('{}');
    expect(res.status).toBe(415);
  });

  it('answers unknown routes and methods with a 404 problem', async () => {
    const res = await request(app).delete('/nowhere/42');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, detail: 'no route for DELETE /nowhere/42' });
  });

  it('validates path and query parameters', async () => {
    expect((await request(app).get('/orders/12?expand=lines')).body).toEqual({ id: '12', expand: 'lines' });
    const badPath = await request(app).get('/orders/abc');
    expect(badPath.status).toBe(400);
    expect(badPath.body.detail).toBe('invalid path: id: must be digits');
    expect((await request(app).get('/orders/12?expand=everything')).status).toBe(400);
    expect((await request(app).get('/orders/12?expand=lines&expand=lines')).status).toBe(400);
  });

  it('answers a path that is not valid percent-encoding with 400', async () => {
    const res = await request(app).get('/orders/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/decode/i);
  });

  it('passes HttpProblem status and extensions through', async () => {
    const res = await request(app).get('/conflict');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'Conflict', detail: 'order already exists', orderId: '7' });
  });

  it('hides the details of unexpected errors, sync or async', async () => {
    for (const path of ['/crash', '/crash-async']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(500);
      expect(res.body.detail).toBe('an unexpected error occurred; it has been logged');
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('undefined');
    }
  });

  it('sets security headers and no x-powered-by', async () => {
    const res = await request(app).get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['strict-transport-security']).toBeDefined();
  });
});

describe('request logs', () => {
  it('log one JSON line per request with request id and trace id, and redact personal fields', async () => {
    const { lines, logger } = captureLogs();
    const { app } = buildService(logger);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(app)
      .post('/signup')
      .set('x-request-id', 'req-123')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .set('authorization', 'Bearer secret-token')
      .send({ email: 'thandi@example.com', password: 'hunter2' });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('thandi@example.com');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secret-token');
    const signup = lines.find((l) => l.msg === 'signup');
    expect(signup).toMatchObject({ service: 'kit-test', user: { email: '[redacted]', password: '[redacted]' } });
    const completed = lines.find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({
      level: 'info',
      reqId: 'req-123',
      traceId,
      req: { method: 'POST', url: '/signup' },
      res: { statusCode: 204 },
    });
    expect(signup).toMatchObject({ reqId: 'req-123', traceId });
  });

  it('censor personal values in the query string', async () => {
    const { lines, logger } = captureLogs();
    const { app } = buildService(logger);
    await request(app).get('/orders/7?expand=lines&subject=email%3Aana%40example.com&email=b%40example.com');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('example.com');
    expect(lines.find((l) => l.msg === 'request completed')).toMatchObject({
      req: { url: '/orders/7?expand=lines&subject=%5Bredacted%5D&email=%5Bredacted%5D' },
    });
  });

  it('do not log health probes and metrics scrapes', async () => {
    const { lines, logger } = captureLogs();
    const { app } = buildService(logger);
    await request(app).get('/health');
    await request(app).get('/health/ready');
    await request(app).get('/metrics');
    expect(lines).toHaveLength(0);
  });

  it('log 5xx at error level with the error', async () => {
    const { lines, logger } = captureLogs();
    const { app } = buildService(logger);
    await request(app).get('/crash');
    const unhandled = lines.find((l) => l.msg === 'unhandled error') as { level: string; err: { message: string } };
    expect(unhandled.level).toBe('error');
    expect(unhandled.err.message).toContain('hunter2'.replace('hunter2', 'database password'));
  });
});

describe('rawRoutes: handlers that read the request stream themselves', () => {
  const { app } = createService({
    name: 'kit-test',
    version: '0.0.1',
    logger: captureLogs().logger,
    rawRoutes: (raw) => {
      raw.post('/raw', async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        res.json({ bytes: body.length, parsed: req.body !== undefined, text: body.toString('utf8').slice(0, 20) });
      });
      raw.get('/raw-fails', () => {
        throw new HttpProblem(502, 'upstream is down');
      });
    },
    routes: (routed) => {
      routed.post('/parsed', (req, res) => {
        res.json({ body: req.body });
      });
    },
  });

  it('get the body untouched, larger than the JSON limit, while other routes still parse JSON', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const raw = await request(app).post('/raw').set('content-type', 'application/json').send(`{"a":"${big}"}`);
    expect(raw.status).toBe(200);
    expect(raw.body).toEqual({ bytes: big.length + 8, parsed: false, text: `{"a":"${'x'.repeat(14)}` });
    const parsed = await request(app).post('/parsed').send({ a: 1 });
    expect(parsed.body).toEqual({ body: { a: 1 } });
  });

  it('keep trace ids, security headers and problem+json errors', async () => {
    const response = await request(app).get('/raw-fails').set('x-request-id', 'raw-1');
    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['x-request-id']).toBe('raw-1');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toMatchObject({ status: 502, detail: 'upstream is down', instance: '/raw-fails' });
  });
});

describe('resources: declared by the builder, run by the service', () => {
  it('starts nothing when built; starts each once, in order, before listening; closes them in reverse on shutdown', async () => {
    const events: string[] = [];
    const resource = (name: string) => ({
      name,
      start: async () => {
        events.push(`start ${name}`);
      },
      close: () => {
        events.push(`close ${name}`);
      },
    });
    const service = createService({
      name: 'resourceful',
      version: '1',
      logger: createLogger('resourceful', 'silent'),
      routes: (app) => app.get('/events', (_req, res) => res.json(events)),
      resources: [resource('pool'), resource('timer')],
    });
    expect(events, 'building starts nothing').toEqual([]);
    const running = await runService(service, { port: 0, host: '127.0.0.1', handleSignals: false });
    try {
      expect(await (await fetch(`${running.url}/events`)).json(), 'started before the first request').toEqual([
        'start pool',
        'start timer',
      ]);
      await service.start();
      expect(events, 'start() is idempotent').toEqual(['start pool', 'start timer']);
    } finally {
      await running.shutdown();
    }
    expect(events).toEqual(['start pool', 'start timer', 'close timer', 'close pool']);
  });
});

describe('start-up garbage', () => {
  it('is collected a little after start when the process exposes gc, as pnpm dev starts services', () => {
    const kit = new URL('./index.ts', import.meta.url).href;
    const script = `
      import { createLogger, createService, runService } from '${kit}';
      // What start-up leaves behind: objects nothing refers to any more, in the old generation (a 1 MB young one, as in pnpm dev).
      let startup = Array.from({ length: 300_000 }, (_, i) => ({ i, name: 'module ' + i }));
      startup = undefined;
      const service = createService({ name: 'settling', version: '1', logger: createLogger('settling', 'silent'), routes() {} });
      const running = await runService(service, { port: 0, host: '127.0.0.1', handleSignals: false, collectStartupGarbageAfterMs: 200 });
      const before = process.memoryUsage().heapUsed;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = process.memoryUsage().heapUsed;
      await running.shutdown();
      console.log(JSON.stringify({ before, after }));
    `;
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=1', '--conditions=@azora/source', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const { before, after } = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
    expect(after).toBeLessThan(before / 2);
  });
});
