import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestRedis, freePort, type NodeProcess, startNodeProcess, type TestRedis } from '@azora/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ZeroRatingTagOptions, zeroRatingTag } from './index.ts';

const OPERATOR_KEY = 'middleware-operator-key-0123456789';
const VIEWER_KEY = 'middleware-viewer-key-01234567890';
const serviceDir = dirname(createRequire(import.meta.url).resolve('zero-rating/package.json'));

let redis: TestRedis;
let classifier: NodeProcess;

/** An app behind the tagger that answers with a body of its own. */
function appWith(options: Partial<ZeroRatingTagOptions> & { url?: string }) {
  const app = express();
  // The classifier's answers are what these tests are about, not its latency (the tests with
  // a slow server are): a loaded CI machine has taken longer than the 150 ms default.
  app.use(zeroRatingTag({ url: classifier.url, apiKey: VIEWER_KEY, timeoutMs: 5000, ...options }));
  app.get('/{*path}', (req, res) => res.json({ served: req.path }));
  return app;
}

const get = (app: express.Express, host: string, path = '/') => request(app).get(path).set('host', host);

async function put(path: string, body: unknown) {
  const res = await fetch(`${classifier.url}/api/zero-rating${path}`, {
    method: 'PUT',
    headers: { 'x-api-key': OPERATOR_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** A stand-in classifier that counts calls and answers after `delayMs` with `status`. */
async function stubClassifier(delayMs: number, status = 200) {
  let calls = 0;
  const server: Server = createServer((_req, res) => {
    calls++;
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { zeroRated: true } : { detail: 'failed' }));
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  redis = await createTestRedis('zero-rating-middleware');
  classifier = await startNodeProcess({
    entry: join(serviceDir, 'src/main.ts'),
    readyPath: '/health/ready',
    env: {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      API_KEYS: `ops:operator:${OPERATOR_KEY},tagger:viewer:${VIEWER_KEY}`,
      LOG_LEVEL: 'silent',
    },
  });
  // supertest calls from the loopback address: that is this operator's subscriber.
  await put('/operators/loopback', {
    name: 'Loopback Mobile',
    country: 'ZA',
    mccMnc: '65599',
    prefixes: ['127.0.0.0/8', '::1/128'],
    msisdnPrefixes: [],
  });
  await put('/rules/learning', {
    operator: 'loopback',
    ratingGroup: 7,
    hosts: ['*.learn.test'],
    pathPrefixes: ['/courses'],
  });
}, 60_000);

afterAll(async () => {
  await classifier?.stop();
  await redis?.cleanup();
});

describe('tagging against the running zero-rating service', () => {
  it('tags zero-rated flows true and others false, leaving the response alone', async () => {
    const app = appWith({});
    const zero = await get(app, 'www.learn.test', '/courses/maths');
    expect(zero.status).toBe(200);
    expect(zero.headers['x-azora-zero-rated']).toBe('true');
    expect(zero.body).toEqual({ served: '/courses/maths' });
    expect((await get(app, 'www.learn.test', '/shop')).headers['x-azora-zero-rated']).toBe('false');
    expect((await get(app, 'learn.test', '/courses')).headers['x-azora-zero-rated']).toBe('false');
    expect((await get(app, 'www.elsewhere.test', '/courses')).headers['x-azora-zero-rated']).toBe('false');
  });

  it('reuses an answer for its time to live, then asks again', async () => {
    const longLived = appWith({ cacheTtlMs: 60_000 });
    const shortLived = appWith({ cacheTtlMs: 100 });
    await put('/rules/temporary', { operator: 'loopback', ratingGroup: 8, hosts: ['temp.test'] });
    expect((await get(longLived, 'temp.test')).headers['x-azora-zero-rated']).toBe('true');
    expect((await get(shortLived, 'temp.test')).headers['x-azora-zero-rated']).toBe('true');
    const res = await fetch(`${classifier.url}/api/zero-rating/rules/temporary`, {
      method: 'DELETE',
      headers: { 'x-api-key': OPERATOR_KEY },
    });
    expect(res.status).toBe(204);
    await sleep(150);
    expect((await get(longLived, 'temp.test')).headers['x-azora-zero-rated']).toBe('true');
    expect((await get(shortLived, 'temp.test')).headers['x-azora-zero-rated']).toBe('false');
  });

  it('tags unknown when the classifier refuses the credentials, and still serves', async () => {
    const errors: unknown[] = [];
    const app = appWith({ apiKey: 'not-a-key-0123456789abcdefghij', onError: (error) => errors.push(error) });
    const res = await get(app, 'www.learn.test', '/courses');
    expect(res.status).toBe(200);
    expect(res.headers['x-azora-zero-rated']).toBe('unknown');
    expect(String(errors[0])).toMatch(/answered 401/);
  });
});

describe('when the classifier is slow or away', () => {
  it('tags unknown after the timeout instead of holding the request', async () => {
    const slow = await stubClassifier(2000);
    const errors: unknown[] = [];
    const app = appWith({ url: slow.url, timeoutMs: 100, onError: (error) => errors.push(error) });
    const started = performance.now();
    const res = await get(app, 'www.learn.test', '/courses');
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers['x-azora-zero-rated']).toBe('unknown');
    expect(elapsed).toBeLessThan(1000);
    expect(String(errors[0])).toMatch(/did not answer within 100 ms/);
    await slow.close();
  });

  it('tags unknown when nothing listens, and asks again only after the failure window', async () => {
    const app = appWith({ url: `http://127.0.0.1:${await freePort()}`, failureTtlMs: 200 });
    expect((await get(app, 'www.learn.test', '/courses')).headers['x-azora-zero-rated']).toBe('unknown');
    const failing = await stubClassifier(0, 500);
    const counted = appWith({ url: failing.url, failureTtlMs: 200 });
    for (let i = 0; i < 5; i++) expect((await get(counted, 'a.test')).headers['x-azora-zero-rated']).toBe('unknown');
    expect(failing.calls()).toBe(1);
    await sleep(250);
    await get(counted, 'a.test');
    expect(failing.calls()).toBe(2);
    await failing.close();
  });

  it('shares one call among concurrent requests for the same flow', async () => {
    const stub = await stubClassifier(100);
    const app = appWith({ url: stub.url });
    const answers = await Promise.all(Array.from({ length: 10 }, () => get(app, 'shared.test', '/x')));
    expect(answers.map((res) => res.headers['x-azora-zero-rated'])).toEqual(Array(10).fill('true'));
    expect(stub.calls()).toBe(1);
    await stub.close();
  });

  it('tags unknown without a call when the flow cannot be built', async () => {
    const app = appWith({
      flow: () => {
        throw new Error('no address');
      },
    });
    const res = await get(app, 'www.learn.test', '/courses');
    expect(res.status).toBe(200);
    expect(res.headers['x-azora-zero-rated']).toBe('unknown');
  });
});
