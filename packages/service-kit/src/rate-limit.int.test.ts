import { once } from 'node:events';
import { createTestRedis, freePort, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.ts';
import { rateLimit } from './rate-limit.ts';
import { createRedisClient } from './redis.ts';
import { createService } from './service.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await createTestRedis('kit-rate-limit');
});
afterAll(async () => {
  await redis?.cleanup();
});
afterEach(() => {
  vi.useRealTimers();
});

/** One replica of a service whose counters live in Redis. */
function replica(client: ReturnType<typeof createRedisClient>, logger = createLogger('rate-test', 'silent')) {
  return createService({
    name: 'rate-test',
    version: '1',
    logger,
    routes: (app) => {
      app.post('/events', rateLimit({ limit: 3, windowMs: 60_000, redis: client, logger }), (_req, res) => {
        res.status(202).end();
      });
    },
  }).app;
}

describe('rateLimit with Redis', () => {
  it('holds the limit across replicas, and a new window starts afresh', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-01T12:00:10Z'));
    const client = createRedisClient({ url: redis.url, keyPrefix: redis.prefix });
    try {
      await once(client, 'ready');
      const [a, b] = [replica(client), replica(client)];
      expect((await request(a).post('/events')).status).toBe(202);
      expect((await request(b).post('/events')).status).toBe(202);
      expect((await request(a).post('/events')).status).toBe(202);
      const refused = await request(b).post('/events');
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('50');
      vi.setSystemTime(new Date('2025-06-01T12:01:00Z'));
      expect((await request(b).post('/events')).status).toBe(202);
      // The counters expire with their window.
      const keys = (await redis.client.keys(`${redis.prefix}ratelimit:*`)).map((key) => key.slice(redis.prefix.length));
      expect(keys).toHaveLength(2);
      for (const key of keys) expect(await redis.client.pttl(key)).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });

  it('counts in memory, with one warning, while Redis does not answer', async () => {
    const lines: string[] = [];
    const logger = createLogger('rate-test', 'warn', { write: (line: string) => lines.push(line) });
    const client = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'x:' });
    try {
      const app = replica(client, logger);
      const started = performance.now();
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await request(app).post('/events')).status);
      expect(answers).toEqual([202, 202, 202, 429]);
      expect(performance.now() - started).toBeLessThan(2000);
      const warnings = lines.filter((line) => line.includes('rate limit counted in memory: Redis did not answer'));
      expect(warnings).toHaveLength(1);
    } finally {
      client.disconnect();
    }
  });
});
