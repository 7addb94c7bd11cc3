// main-app tags what it serves with X-Azora-Zero-Rated from the real zero-rating service:
// an operator owning the client's address and a rule for a host make the answer `true`,
// another host `false`, and a classifier that is gone `unknown` — never a failed request.
import { createAuth, createLogger, createRedisClient, parseApiKeys } from '@azora/service-kit';
import { createTestRedis, type StartedApp, startApp, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZeroRatingService, type ZeroRatingService } from 'zero-rating/src/app.ts';
import { createMainApp, type MainApp } from './app.ts';
import { quietLogger } from './test-support/logger.ts';

const OPERATOR_KEY = 'zr-operator-key-0123456789abcdef';
const VIEWER_KEY = 'zr-main-app-viewer-key-0123456789';

describe('zero-rating tags on what main-app serves', () => {
  let redis: TestRedis;
  let zeroRating: ZeroRatingService;
  let upstream: StartedApp;
  let upstreamGone = false;
  let main: MainApp;

  beforeAll(async () => {
    redis = await createTestRedis('main-app-zero-rating');
    zeroRating = createZeroRatingService({
      redis: createRedisClient({ url: redis.url, keyPrefix: redis.prefix }),
      logger: createLogger('zero-rating', 'silent'),
      auth: createAuth({ apiKeys: parseApiKeys(`ops:operator:${OPERATOR_KEY},main-app:viewer:${VIEWER_KEY}`) }),
    });
    await zeroRating.start();
    upstream = await startApp(zeroRating.app);
    const put = (path: string, body: object) =>
      request(zeroRating.app).put(`/api/zero-rating/${path}`).set('x-api-key', OPERATOR_KEY).send(body).expect(201);
    // Loopback is this test's subscriber network; learn.example is free on it.
    await put('operators/loopback-mobile', {
      name: 'Loopback Mobile',
      country: 'ZA',
      mccMnc: '65598',
      prefixes: ['127.0.0.0/8'],
      msisdnPrefixes: [],
    });
    await put('rules/learning', { operator: 'loopback-mobile', ratingGroup: 3, hosts: ['*.learn.example'] });
    main = createMainApp({
      logger: quietLogger(),
      env: { ZERO_RATING_URL: upstream.url },
      deployed: new Set(['main-app', 'zero-rating']),
      pollIntervalMs: 60_000,
      zeroRatingApiKey: VIEWER_KEY,
    });
  });
  afterAll(async () => {
    for (const resource of main?.resources ?? []) await resource.close();
    if (!upstreamGone) await upstream?.close();
    for (const resource of [...(zeroRating?.resources ?? [])].reverse()) await resource.close();
    await redis?.cleanup();
  });

  it('tags an answer to a zero-rated host true, and to another host false', async () => {
    const free = await request(main.app).get('/api/platform/status').set('host', 'www.learn.example');
    expect(free.status).toBe(200);
    expect(free.headers['x-azora-zero-rated']).toBe('true');
    const charged = await request(main.app).get('/api/platform/status').set('host', 'news.example');
    expect(charged.headers['x-azora-zero-rated']).toBe('false');
  });

  it('tags `unknown` when the classifier is gone, and still answers', async () => {
    await upstream.close();
    upstreamGone = true;
    const res = await request(main.app).get('/api/platform/status').set('host', 'docs.learn.example');
    expect(res.status).toBe(200);
    expect(res.headers['x-azora-zero-rated']).toBe('unknown');
  });
});
