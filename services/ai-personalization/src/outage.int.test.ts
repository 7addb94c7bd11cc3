// Redis going away mid-flight: a TCP proxy between the service and the real Redis is
// cut, so the service sees a real connection loss.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createAuth, createLogger, createRedisClient, parseApiKeys } from '@azora/service-kit';
import { createTestRedis, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonalizationService, type PersonalizationService } from './app.ts';

/** Forwards to Redis until cut; while cut it refuses connections. */
class TcpProxy {
  server: Server | undefined;
  sockets = new Set<Socket>();
  port = 0;
  readonly target: URL;

  constructor(target: string) {
    this.target = new URL(target);
  }

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.server?.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

const OPERATOR_KEY = 'operator-key-0123456789abcdef01';

let redis: TestRedis;
let proxy: TcpProxy;
let instance: PersonalizationService;

beforeAll(async () => {
  redis = await createTestRedis('ai-personalization-outage');
  proxy = new TcpProxy(redis.url);
  await proxy.open();
  const client = createRedisClient({
    url: `redis://127.0.0.1:${proxy.port}`,
    keyPrefix: redis.prefix,
    // Long, so a service that waited on Redis instead of failing fast would take a minute.
    commandTimeoutMs: 60_000,
  });
  await once(client, 'ready');
  instance = createPersonalizationService({
    redis: client,
    logger: createLogger('ai-personalization', 'silent'),
    rebuildIntervalMs: 0,
    auth: createAuth({ apiKeys: parseApiKeys(`test-operator:operator:${OPERATOR_KEY}`) }),
  });
  await instance.start();
  expect(instance.models.current).toBeDefined();
  await request(instance.app)
    .put('/api/personalization/items/a')
    .set('x-api-key', OPERATOR_KEY)
    .send({ title: 'Lamp', category: 'Home', tags: ['light'], text: 'A lamp' });
});

afterAll(async () => {
  for (const resource of [...(instance?.resources ?? [])].reverse()) await resource.close();
  await proxy?.cut().catch(() => {});
  await redis?.cleanup();
});

describe('when Redis goes away', () => {
  it('answers 503 problem+json quickly, readiness is 503, and everything recovers when Redis is back', async () => {
    const { app } = instance;
    expect((await request(app).get('/health/ready')).status).toBe(200);
    await proxy.cut();

    const started = Date.now();
    const answers = await Promise.all([
      request(app).post('/api/personalization/events').send({ id: 'ev-1', user: 'u', item: 'a', type: 'view' }),
      request(app).get('/api/personalization/recommendations/u'),
      request(app)
        .put('/api/personalization/items/b')
        .set('x-api-key', OPERATOR_KEY)
        .send({ title: 'Chair', category: 'Home' }),
      request(app).get('/api/personalization/items'),
      request(app).get('/api/personalization/users').set('x-api-key', OPERATOR_KEY),
      request(app).get('/api/personalization/items/a/similar'),
    ]);
    // Failing fast takes well under a second; the bound is loose because a loaded CI machine
    // once took 28 s to run these six requests, and the slow path would take a minute.
    expect(Date.now() - started).toBeLessThan(45_000);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.detail).toMatch(/Redis\) is unavailable/);
    }
    const ready = await request(app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis.status).toBe('fail');
    // The model itself is still loaded and reported.
    expect(ready.body.checks.model.status).toBe('pass');
    // A rebuild fails, and the current model stays.
    const version = instance.models.current?.version;
    await expect(instance.models.rebuild().done).rejects.toThrow(/unavailable/);
    expect(instance.models.current?.version).toBe(version);
    expect((await request(app).get('/health')).status).toBe(200);

    await proxy.open();
    const deadline = Date.now() + 10_000;
    while ((await request(app).get('/health/ready')).status !== 200) {
      if (Date.now() > deadline) throw new Error('did not recover within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const accepted = await request(app)
      .post('/api/personalization/events')
      .send({ id: 'ev-1', user: 'u', item: 'a', type: 'view' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ accepted: 1, duplicates: 0 });
  });
});
