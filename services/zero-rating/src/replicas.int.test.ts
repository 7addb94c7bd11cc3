// Two replicas on one Redis: a change made through one is seen by the other from the change
// message, a change whose message was lost is caught by the version check, and a quota holds
// across both.
import { once } from 'node:events';
import { createAuth, createLogger, createRedisClient, parseApiKeys } from '@azora/service-kit';
import { createTestRedis, type StartedApp, startApp, type TestRedis, waitFor } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZeroRatingService, type ZeroRatingService } from './app.ts';

const KEY = 'replica-operator-key-0123456789abcdef';
const auth = createAuth({ apiKeys: parseApiKeys(`test-operator:operator:${KEY}`) });
const API = '/api/zero-rating';

let redis: TestRedis;
const replicas: { service: ZeroRatingService; server: StartedApp }[] = [];

async function startReplica(versionCheckIntervalMs: number) {
  const client = createRedisClient({ url: redis.url, keyPrefix: redis.prefix });
  if (client.status !== 'ready') await once(client, 'ready');
  const service = createZeroRatingService({
    redis: client,
    logger: createLogger('zero-rating', 'silent'),
    auth,
    versionCheckIntervalMs,
  });
  await service.start();
  await service.bootstrap.settled();
  const server = await startApp(service.app);
  replicas.push({ service, server });
  return { service, url: server.url };
}

const call = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}${API}${path}`, {
    method,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json().catch(() => null)) as Record<string, unknown>,
  }));

const rebuildsBy = async (service: ZeroRatingService, trigger: string) => {
  const text = (await request(service.app).get('/metrics')).text;
  return Number(new RegExp(`zero_rating_table_rebuilds_total\\{trigger="${trigger}"[^}]*\\} (\\d+)`).exec(text)?.[1]);
};

beforeAll(async () => {
  redis = await createTestRedis('zero-rating-replicas');
});

afterAll(async () => {
  for (const { service, server } of replicas) {
    await server.close();
    for (const resource of [...service.resources].reverse()) await resource.close();
  }
  await redis?.cleanup();
});

describe('two replicas on one Redis', () => {
  let a: { service: ZeroRatingService; url: string };
  let b: { service: ZeroRatingService; url: string };

  beforeAll(async () => {
    // Version checks are rare here (a minute): only the change message can update B quickly.
    a = await startReplica(60_000);
    b = await startReplica(60_000);
  });

  it('rebuilds the other replica from the change message', async () => {
    const operator = { name: 'Op', country: 'ZA', mccMnc: '65501', prefixes: ['41.0.0.0/11'], msisdnPrefixes: [] };
    expect((await call(a.url, 'PUT', '/operators/op', operator)).status).toBe(201);
    expect(
      (await call(a.url, 'PUT', '/rules/edu', { operator: 'op', ratingGroup: 1, hosts: ['*.ac.za'] })).status,
    ).toBe(201);
    const flow = { clientIp: '41.1.1.1', host: 'www.wits.ac.za' };
    // A rebuilt before answering its own write.
    expect((await call(a.url, 'POST', '/classify', flow)).body.zeroRated).toBe(true);
    await waitFor(
      'replica B sees the rule',
      async () => ((await call(b.url, 'POST', '/classify', flow)).body.zeroRated ? true : undefined),
      3000,
      20,
    );
    expect(await rebuildsBy(b.service, 'message')).toBeGreaterThan(0);
    expect(await rebuildsBy(b.service, 'poll')).toBe(0);

    expect((await call(b.url, 'DELETE', '/rules/edu')).status).toBe(204);
    await waitFor(
      'replica A sees the deletion',
      async () => ((await call(a.url, 'POST', '/classify', flow)).body.zeroRated === false ? true : undefined),
      3000,
      20,
    );
    expect((await call(a.url, 'POST', '/classify', flow)).body.reason).toBe(
      'no zero-rating rule of op matches www.wits.ac.za/',
    );
  });

  it('holds a quota across both replicas: 100 concurrent flows, 10 flows’ worth, exactly 10 zero-rated', async () => {
    expect(
      (
        await call(a.url, 'PUT', '/rules/video', {
          operator: 'op',
          ratingGroup: 2,
          hosts: ['video.example'],
          monthlyQuotaBytes: 10_000,
        })
      ).status,
    ).toBe(201);
    await waitFor(
      'replica B sees the quota rule',
      async () =>
        (await call(b.url, 'POST', '/classify', { clientIp: '41.0.0.9', host: 'video.example' })).body.rule === 'video'
          ? true
          : undefined,
      3000,
      20,
    );
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(i % 2 === 0 ? a.url : b.url, 'POST', '/classify', {
          clientIp: '41.0.0.9',
          host: 'video.example',
          bytes: 1000,
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(100);
    expect(answers.filter((answer) => answer.body.zeroRated === true)).toHaveLength(10);
    expect(answers.filter((answer) => answer.body.reason === 'quota exhausted')).toHaveLength(90);
    const usage = await call(b.url, 'GET', '/usage/41.0.0.9');
    expect(usage.body).toMatchObject({ totalBytes: 10_000 });
  });
});

describe('a missed change message', () => {
  it('is caught up by the version check', async () => {
    // C checks every 100 ms; D only every minute, so D shows what the message alone does.
    const c = await startReplica(100);
    const d = await startReplica(60_000);
    const version = Number(await redis.client.get('version'));
    // A change written without its message, as if the subscriber connection had dropped then.
    const rule = {
      id: 'lost-message',
      operator: 'op',
      ratingGroup: 3,
      hosts: ['lost.example'],
      pathPrefixes: [],
      validFrom: null,
      validUntil: null,
      monthlyQuotaBytes: null,
      updatedAt: new Date().toISOString(),
    };
    await redis.client.multi().hset('rules', rule.id, JSON.stringify(rule)).incr('version').exec();
    const flow = { clientIp: '41.0.0.1', host: 'lost.example' };
    await waitFor(
      'replica C catches up',
      async () => ((await call(c.url, 'POST', '/classify', flow)).body.rule === 'lost-message' ? true : undefined),
      3000,
      20,
    );
    expect(await rebuildsBy(c.service, 'poll')).toBe(1);
    expect((await call(c.url, 'GET', '/table')).body.version).toBe(version + 1);
    // D got no message and has not checked yet: it still serves the old table.
    expect((await call(d.url, 'POST', '/classify', flow)).body).toMatchObject({
      zeroRated: false,
      tableVersion: version,
    });
    // The next announced change brings D up to date, the lost one included.
    expect(
      (await call(c.url, 'PUT', '/rules/after', { operator: 'op', ratingGroup: 4, hosts: ['after.example'] })).status,
    ).toBe(201);
    await waitFor(
      'replica D catches up with the next message',
      async () => ((await call(d.url, 'POST', '/classify', flow)).body.rule === 'lost-message' ? true : undefined),
      3000,
      20,
    );
  });
});
