import { once } from 'node:events';
import { createAuth, createLogger, createRedisClient, parseApiKeys, signToken } from '@azora/service-kit';
import { createTestRedis, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPersonalizationService, type PersonalizationOptions, type PersonalizationService } from './app.ts';
import { generateSynthetic } from './synthetic.ts';

let redis: TestRedis;
const running: PersonalizationService[] = [];

const JWT_SECRET = 'personalization-test-secret-of-32-characters-at-least';
const OPERATOR_KEY = 'operator-key-0123456789abcdef01';
const VIEWER_KEY = 'viewer-key-0123456789abcdef0123';
const auth = createAuth({
  jwtSecret: JWT_SECRET,
  apiKeys: parseApiKeys(`test-operator:operator:${OPERATOR_KEY},test-viewer:viewer:${VIEWER_KEY}`),
});

async function bearer(roles: string[], secret = JWT_SECRET) {
  return `Bearer ${await signToken(secret, { subject: 'tester', roles })}`;
}

/** A service instance on the test file's key prefix, started: its first model is built. */
async function startInstance(
  extra: { demoSeed?: boolean; keyPrefix?: string } & Pick<PersonalizationOptions, 'auth' | 'rateLimit'> = {},
) {
  const client = createRedisClient({ url: redis.url, keyPrefix: extra.keyPrefix ?? redis.prefix });
  if (client.status !== 'ready') await once(client, 'ready');
  const instance = createPersonalizationService({
    redis: client,
    logger: createLogger('ai-personalization', 'silent'),
    demoSeed: extra.demoSeed,
    rebuildIntervalMs: 0,
    auth: 'auth' in extra ? extra.auth : auth,
    rateLimit: extra.rateLimit ?? { limit: 10_000, windowMs: 60_000 },
  });
  running.push(instance);
  await instance.start();
  // A healthy start is ready at once.
  expect(instance.models.current).toBeDefined();
  return instance;
}

/** Closes its resources as shutdown does: in reverse, so the rebuilds stop before Redis. */
async function stopInstance(instance: PersonalizationService) {
  for (const resource of [...instance.resources].reverse()) await resource.close();
  running.splice(running.indexOf(instance), 1);
}

function expectProblem(res: request.Response, status: number, detail: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.detail).toMatch(detail);
}

const data = generateSynthetic({ seed: 3, items: 120, users: 60 });
let instance: PersonalizationService;
let app: PersonalizationService['app'];

beforeAll(async () => {
  redis = await createTestRedis('ai-personalization');
  instance = await startInstance();
  app = instance.app;
  for (const item of data.items) {
    const { id, ...body } = item;
    const res = await request(app).put(`/api/personalization/items/${id}`).set('x-api-key', OPERATOR_KEY).send(body);
    expect(res.status).toBe(201);
  }
  for (let i = 0; i < data.events.length; i += 1000) {
    const res = await request(app)
      .post('/api/personalization/events')
      .set('x-api-key', OPERATOR_KEY)
      .send({ events: data.events.slice(i, i + 1000) });
    expect(res.status).toBe(202);
  }
  await instance.models.rebuild().done;
});

afterAll(async () => {
  for (const other of [...running]) await stopInstance(other);
  await redis?.cleanup();
});

describe('items', () => {
  it('creates with 201, updates with 200, and answers the item', async () => {
    const body = {
      title: 'Trail Lantern',
      tags: ['camping', 'camping', 'light'],
      category: 'Outdoors',
      text: 'Bright.',
    };
    const created = await request(app)
      .put('/api/personalization/items/lantern-1')
      .set('x-api-key', OPERATOR_KEY)
      .send(body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'lantern-1', ...body, tags: ['camping', 'light'] });
    const updated = await request(app)
      .put('/api/personalization/items/lantern-1')
      .set('x-api-key', OPERATOR_KEY)
      .send({ ...body, category: 'Garden' });
    expect(updated.status).toBe(200);
    expect(updated.body.category).toBe('Garden');
    const outdoors = await request(app).get('/api/personalization/items?category=Outdoors&limit=200');
    expect(outdoors.body.items.map((i: { id: string }) => i.id)).not.toContain('lantern-1');
    const garden = await request(app).get('/api/personalization/items?category=Garden&limit=200');
    expect(garden.body.items.map((i: { id: string }) => i.id)).toContain('lantern-1');
  });

  it('lists items with paging, a total and the contract fields', async () => {
    const page = await request(app).get('/api/personalization/items?limit=5&offset=2');
    expect(page.status).toBe(200);
    expect(page.body.total).toBeGreaterThanOrEqual(120);
    expect(page.body.items).toHaveLength(5);
    expect(Object.keys(page.body.items[0]).sort()).toEqual(['category', 'id', 'tags', 'title']);
    const first = await request(app).get('/api/personalization/items?limit=3');
    expect(first.body.items[2].id).toBe(page.body.items[0].id);
    const books = await request(app).get('/api/personalization/items?category=Books&limit=200');
    expect(books.body.total).toBe(12);
    expect(books.body.items.every((i: { category: string }) => i.category === 'Books')).toBe(true);
    expect((await request(app).get('/api/personalization/items?category=Nothing')).body).toEqual({
      items: [],
      total: 0,
    });
  });

  it('accepts unicode ids and text', async () => {
    const res = await request(app)
      .put(`/api/personalization/items/${encodeURIComponent('café-東京-🎧')}`)
      .set('x-api-key', OPERATOR_KEY)
      .send({ title: 'Kopfhörer für unterwegs 🎧', tags: ['音楽'], category: 'Électronique', text: 'Très bien' });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('café-東京-🎧');
  });

  it('rejects bad items with 400/415 problem+json', async () => {
    const put = (body: unknown) =>
      request(app)
        .put('/api/personalization/items/x')
        .set('x-api-key', OPERATOR_KEY)
        .send(body as object);
    expectProblem(await put({}), 400, /title: must be a string/);
    expectProblem(await put({ title: '  ', category: 'A' }), 400, /title: must not be empty/);
    expectProblem(await put({ title: 'A', category: 'B', tags: 'one' }), 400, /tags: must be an array of strings/);
    expectProblem(await put({ title: 'A', category: 'B', tags: [1] }), 400, /tags\[0\]: must be a string/);
    expectProblem(await put({ title: 'A', category: 'B', text: 'x'.repeat(20_001) }), 400, /text: must be at most/);
    expectProblem(await put([]), 400, /invalid body/);
    expectProblem(
      await request(app)
        .put('/api/personalization/items/x')
        .set('x-api-key', OPERATOR_KEY)
        .set('content-type', 'text/plain')
        .send('hi'),
      415,
      /application\/json/,
    );
    expectProblem(
      await request(app)
        .put('/api/personalization/items/x')
        .set('x-api-key', OPERATOR_KEY)
        .set('content-type', 'application/json')
        .send('{"title":'),
      400,
      /malformed JSON/,
    );
    expectProblem(
      await request(app)
        .put('/api/personalization/items/x')
        .set('x-api-key', OPERATOR_KEY)
        .send({ title: 'A', category: 'B', text: 'y'.repeat(1_100_000) }),
      413,
      /limit/,
    );
    expectProblem(await request(app).get('/api/personalization/items?limit=0'), 400, /limit/);
    expectProblem(await request(app).get('/api/personalization/items?offset=-1'), 400, /offset/);
  });
});

describe('events', () => {
  it('accepts one event or a batch and ignores duplicate ids (202 {accepted, duplicates})', async () => {
    const one = { id: 'ev-single', user: 'alice', item: 'item-001', type: 'like', timestamp: '2025-03-01T10:00:00Z' };
    expect((await request(app).post('/api/personalization/events').send(one)).body).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    const again = await request(app).post('/api/personalization/events').send(one);
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    const batch = await request(app)
      .post('/api/personalization/events')
      .set('x-api-key', OPERATOR_KEY)
      .send({
        events: [
          one,
          { id: 'ev-b1', user: 'alice', item: 'item-002', type: 'view', timestamp: 1_740_000_000_000 },
          { id: 'ev-b1', user: 'alice', item: 'item-002', type: 'view' },
          { id: 'ev-b2', user: 'alice', item: 'item-003', type: 'purchase' },
          { id: 'ev-b3', user: 'alice', item: 'item-003', type: 'purchase' },
        ],
      });
    expect(batch.body).toEqual({ accepted: 3, duplicates: 2 });
    const users = await request(app).get('/api/personalization/users?limit=100').set('x-api-key', OPERATOR_KEY);
    expect(users.body.users).toContainEqual({ id: 'alice', events: 4 });
  });

  it('accepts a concurrently repeated event id exactly once', async () => {
    const event = { id: 'ev-race', user: 'racer', item: 'item-005', type: 'click' };
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => request(app).post('/api/personalization/events').send(event)),
    );
    expect(answers.every((res) => res.status === 202)).toBe(true);
    expect(answers.reduce((sum, res) => sum + res.body.accepted, 0)).toBe(1);
    expect(answers.reduce((sum, res) => sum + res.body.duplicates, 0)).toBe(24);
    expect(await instance.store.history('racer')).toEqual(new Map([['item-005', 2]]));
  });

  it('accepts events for items not (yet) in the catalogue', async () => {
    const res = await request(app)
      .post('/api/personalization/events')
      .send({ id: 'ev-future', user: 'bob', item: 'future-item', type: 'view' });
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('rejects bad events, naming the field', async () => {
    // As an operator, so that batches reach validation too.
    const post = (body: unknown) =>
      request(app)
        .post('/api/personalization/events')
        .set('x-api-key', OPERATOR_KEY)
        .send(body as object);
    const empty = await post({});
    expectProblem(empty, 400, /id: is required/);
    expect(empty.body.errors.map((error: { path: string }) => error.path)).toEqual(['id', 'user', 'item', 'type']);
    expect(empty.body.errors[1].message).toBe('must be a string (the user id)');
    expectProblem(
      await post({ id: 'ev-bad', user: 'a', item: 'b', type: 'hover' }),
      400,
      /type: must be one of view, click, like, purchase/,
    );
    expectProblem(
      await post({ id: 'ev-bad', user: 'a', item: 'b', type: 'view', timestamp: 'yesterday' }),
      400,
      /timestamp/,
    );
    expectProblem(await post({ id: 'ev-bad', user: '', item: 'b', type: 'view' }), 400, /user: must not be empty/);
    expectProblem(await post({ id: 'ev-bad', user: 'a\u0000', item: 'b', type: 'view' }), 400, /control characters/);
    expectProblem(await post({ events: [] }), 400, /at least one event/);
    expectProblem(await post({ events: 'x' }), 400, /must be an array of events/);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `ev-${i}`, user: 'a', item: 'b', type: 'view' }));
    expectProblem(await post({ events: tooMany }), 400, /at most 1000 events/);
    const mixed = await post({
      events: [
        { id: 'ev-m1', user: 'a', item: 'b', type: 'view' },
        { id: 'ev-m2', user: 'a', type: 'view' },
      ],
    });
    expectProblem(mixed, 400, /events\[1\]\.item/);
    // Nothing from a rejected batch was stored.
    expect(await instance.store.history('a')).toEqual(new Map());
  });
});

describe('access control', () => {
  const writes = [
    {
      name: 'PUT /items/:id',
      send: () => request(app).put('/api/personalization/items/item-001').send({ title: 'Pwned', category: 'Spam' }),
    },
    { name: 'POST /model/rebuild', send: () => request(app).post('/api/personalization/model/rebuild') },
    { name: 'GET /users', send: () => request(app).get('/api/personalization/users') },
    {
      name: 'POST /events, a batch',
      send: () =>
        request(app)
          .post('/api/personalization/events')
          .send({ events: [{ id: 'ev-pwn', user: 'victim', item: 'item-001', type: 'purchase' }] }),
    },
  ];

  it('refuses catalogue writes, rebuilds and the user list without credentials (401) or with another role (403)', async () => {
    const before = (await request(app).get('/api/personalization/items?limit=1')).body.items[0];
    for (const { name, send } of writes) {
      const anonymous = await send();
      expectProblem(anonymous, 401, /authentication required/);
      expect(anonymous.headers['www-authenticate'], name).toBe('Bearer realm="azora"');
      expectProblem(await send().set('x-api-key', 'not-a-key-0123456789abcdef'), 401, /API key is not recognised/);
      expectProblem(await send().set('authorization', await bearer(['admin'], 'x'.repeat(40))), 401, /invalid/);
      expectProblem(await send().set('x-api-key', VIEWER_KEY), 403, /requires one of the roles: operator, admin/);
      expectProblem(await send().set('authorization', await bearer(['viewer'])), 403, /operator, admin/);
    }
    // The anonymous overwrite and batch changed nothing.
    expect((await request(app).get('/api/personalization/items?limit=1')).body.items[0]).toEqual(before);
    expect(await instance.store.history('victim')).toEqual(new Map());
    expect(before.title).not.toBe('Pwned');
  });

  it('admits operators and admins, by API key or bearer token', async () => {
    const item = { title: 'Trail Lantern', tags: ['camping', 'light'], category: 'Garden' };
    const byKey = await request(app)
      .put('/api/personalization/items/lantern-1')
      .set('x-api-key', OPERATOR_KEY)
      .send(item);
    expect(byKey.status).toBe(200);
    const byToken = await request(app)
      .put('/api/personalization/items/lantern-1')
      .set('authorization', await bearer(['admin']))
      .send({ ...item, text: 'Brighter.' });
    expect(byToken.status).toBe(200);
    expect(byToken.body.text).toBe('Brighter.');
    const users = await request(app)
      .get('/api/personalization/users?limit=2')
      .set('authorization', await bearer(['operator']));
    expect(users.status).toBe(200);
    expect(users.body.users).toHaveLength(2);
    await instance.models.rebuild().done;
    const rebuild = await request(app)
      .post('/api/personalization/model/rebuild')
      .set('authorization', await bearer(['admin']));
    expect(rebuild.status).toBe(202);
    await instance.models.rebuild().done;
  });

  it('is closed when no credentials are configured: protected routes answer 401 to everyone', async () => {
    const closed = await startInstance({ auth: undefined, keyPrefix: `${redis.prefix}closed:` });
    const put = await request(closed.app)
      .put('/api/personalization/items/x')
      .set('x-api-key', OPERATOR_KEY)
      .send({ title: 'A', category: 'B' });
    expectProblem(put, 401, /API key is not recognised/);
    expectProblem(await request(closed.app).get('/api/personalization/users'), 401, /authentication required/);
    await stopInstance(closed);
  });

  it('keeps events open to anonymous clients, but never accepts one without an id', async () => {
    const post = (body: object) => request(app).post('/api/personalization/events').send(body);
    const accepted = await post({ id: 'ev-anon-1', user: 'carol', item: 'item-010', type: 'click' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ accepted: 1, duplicates: 0 });
    const missing = await post({ user: 'carol', item: 'item-011', type: 'click' });
    expectProblem(missing, 400, /^invalid body: id: is required/);
    expect(missing.body.errors).toEqual([{ path: 'id', message: expect.stringMatching(/^is required/) }]);
    expectProblem(await post({ id: 7, user: 'carol', item: 'item-011', type: 'click' }), 400, /id: must be a string/);
    expectProblem(await post({ id: '', user: 'carol', item: 'item-011', type: 'click' }), 400, /id: must not be empty/);
    // Batches are an operator's; theirs need ids as well.
    const batch = await request(app)
      .post('/api/personalization/events')
      .set('x-api-key', OPERATOR_KEY)
      .send({
        events: [
          { id: 'ev-anon-2', user: 'carol', item: 'item-012', type: 'view' },
          { user: 'carol', item: 'item-013', type: 'view' },
        ],
      });
    expectProblem(batch, 400, /events\[1\]\.id: is required/);
    // A retry without an id would have counted twice; nothing of the refused requests was stored.
    expect(await instance.store.history('carol')).toEqual(new Map([['item-010', 2]]));
  });

  it('rejects empty, non-object and oversized event bodies with a 4xx', async () => {
    const post = () => request(app).post('/api/personalization/events');
    const json = (text: string) => post().set('content-type', 'application/json').send(text);
    const answers = [
      await json(''),
      await json('null'),
      await json('"text"'),
      await post().send([1, 2]),
      await post(),
      await post().send({ events: [{ id: 'x'.repeat(1_100_000) }] }),
    ];
    expect(answers.map((res) => res.status)).toEqual([400, 400, 400, 400, 415, 413]);
    for (const res of answers) expect(res.headers['content-type']).toContain('application/problem+json');
    expect(answers[0]?.body.detail).toMatch(/^invalid body: id: is required/);
    expect(answers[1]?.body.detail).toMatch(/^malformed JSON body/);
    expect(answers[3]?.body.detail).toMatch(/^invalid body: .*expected object, received array/);
  });
});

describe('rate limit on events', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers 429 problem+json with Retry-After to a client over its limit, per client and per window', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
    const limited = await startInstance({
      keyPrefix: `${redis.prefix}limited:`,
      rateLimit: { limit: 2, windowMs: 60_000, trustProxy: 'loopback' },
    });
    const post = (n: number, client = '203.0.113.5') =>
      request(limited.app)
        .post('/api/personalization/events')
        .set('x-forwarded-for', client)
        .send({ id: `rl-${n}`, user: 'dave', item: 'item-001', type: 'view' });
    expect((await post(1)).status).toBe(202);
    expect((await post(2)).status).toBe(202);
    vi.setSystemTime(new Date('2025-06-01T12:00:20Z'));
    const refused = await post(3);
    expectProblem(refused, 429, /at most 2 per 60 s from one client; retry in 40 s/);
    expect(refused.headers['retry-after']).toBe('40');
    // Another client behind the same gateway has its own count; reads are not limited.
    expect((await post(4, '203.0.113.6')).status).toBe(202);
    expect((await request(limited.app).get('/api/personalization/recommendations/dave')).status).toBe(200);
    vi.setSystemTime(new Date('2025-06-01T12:01:00Z'));
    expect((await post(5)).status).toBe(202);
    expect(await limited.store.countEvents()).toBe(4);
    await stopInstance(limited);
  });
});

describe('recommendations', () => {
  it('answers ranked items with scores, reasons and the model, excluding what the user consumed', async () => {
    const user = data.users[0] as string;
    const res = await request(app).get(`/api/personalization/recommendations/${user}?k=10`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: user, k: 10, model: { version: expect.any(Number) } });
    expect(res.body.model.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(res.body.model.builtAt)).not.toBeNaN();
    expect(res.body.items).toHaveLength(10);
    const first = res.body.items[0];
    expect(Object.keys(first).sort()).toEqual(['category', 'id', 'reason', 'score', 'tags', 'title']);
    expect(first.reason).toBe('collaborative');
    const scores = res.body.items.map((i: { score: number }) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const consumed = new Set(data.events.filter((e) => e.user === user).map((e) => e.item));
    expect(res.body.items.some((i: { id: string }) => consumed.has(i.id))).toBe(false);
  });

  it('excludes an item as soon as the user interacts with it, before any rebuild', async () => {
    const user = data.users[1] as string;
    const before = await request(app).get(`/api/personalization/recommendations/${user}?k=5`);
    const top = before.body.items[0].id;
    await request(app).post('/api/personalization/events').send({ id: 'ev-top', user, item: top, type: 'purchase' });
    const after = await request(app).get(`/api/personalization/recommendations/${user}?k=5`);
    expect(after.body.items.map((i: { id: string }) => i.id)).not.toContain(top);
  });

  it('gives an unknown user the popular items', async () => {
    const res = await request(app).get('/api/personalization/recommendations/nobody-at-all?k=3');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.items.every((i: { reason: string }) => i.reason === 'popular')).toBe(true);
  });

  it('rejects a bad k', async () => {
    for (const k of ['0', '101', 'ten', '2.5']) {
      expectProblem(
        await request(app).get(`/api/personalization/recommendations/u?k=${k}`),
        400,
        /k: must be a whole number/,
      );
    }
  });
});

describe('similar items', () => {
  it('answers neighbours of a known item, without the item itself', async () => {
    const res = await request(app).get('/api/personalization/items/item-001/similar?k=5');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('item-001');
    expect(res.body.items).toHaveLength(5);
    expect(res.body.items.map((i: { id: string }) => i.id)).not.toContain('item-001');
    expect(['collaborative', 'content']).toContain(res.body.items[0].reason);
  });

  it('places an item added after the model was built by its content', async () => {
    await request(app)
      .put('/api/personalization/items/new-novel')
      .set('x-api-key', OPERATOR_KEY)
      .send({ title: 'Gripping Plot Novel', tags: ['mystery', 'thriller'], category: 'Books', text: 'Dark secrets.' });
    const res = await request(app).get('/api/personalization/items/new-novel/similar?k=3');
    expect(res.status).toBe(200);
    expect(res.body.items[0].reason).toBe('content');
    expect(res.body.items[0].category).toBe('Books');
  });

  it('answers 404 for an unknown item', async () => {
    expectProblem(
      await request(app).get('/api/personalization/items/no-such-item/similar'),
      404,
      /no item with id "no-such-item"/,
    );
  });
});

describe('model', () => {
  it('rebuilds in the background on request, serving the current model meanwhile', async () => {
    const before = instance.models.current?.version as number;
    const rebuild = () => request(app).post('/api/personalization/model/rebuild').set('x-api-key', OPERATOR_KEY);
    const res = await rebuild();
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ started: true });
    expect((await rebuild()).body).toEqual({ started: false });
    const during = await request(app).get('/api/personalization/recommendations/user-01');
    expect(during.body.model.version).toBe(before);
    await instance.models.rebuild().done;
    const after = await request(app).get('/api/personalization/recommendations/user-01');
    expect(after.body.model.version).toBe(before + 1);
  });

  it('is ready with the model age and size in the readiness detail', async () => {
    const res = await request(app).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks.redis.status).toBe('pass');
    expect(res.body.checks.model.detail).toMatchObject({ loaded: true, ageSeconds: expect.any(Number), items: 123 });
  });

  it('exports the domain metrics', async () => {
    const text = (await request(app).get('/metrics')).text;
    expect(text).toMatch(/personalization_events_total\{type="view",service="ai-personalization"\} \d+/);
    expect(text).toMatch(
      /personalization_recommendations_total\{reason="collaborative",service="ai-personalization"\} \d+/,
    );
    expect(text).toMatch(/personalization_recommendations_total\{reason="popular",service="ai-personalization"\} \d+/);
    expect(text).toMatch(/personalization_model_age_seconds\{service="ai-personalization"\} [\d.]+/);
    expect(text).toMatch(/personalization_model_build_duration_seconds_count\{service="ai-personalization"\} [1-9]/);
    expect(text).toContain('personalization_model_items{service="ai-personalization"} 123\n');
    expect(text).toMatch(/personalization_model_users\{service="ai-personalization"\} \d+/);
  });
});

describe('restart', () => {
  it('a new instance on the same prefix has the items and events and recommends the same', async () => {
    await instance.models.rebuild().done;
    const user = data.users[5] as string;
    const before = await request(app).get(`/api/personalization/recommendations/${user}?k=10`);
    const itemsBefore = await request(app).get('/api/personalization/items?limit=200');
    const eventsBefore = await instance.store.countEvents();
    await stopInstance(instance);

    instance = await startInstance();
    app = instance.app;
    expect(instance.models.current?.version).toBe(1);
    expect(await instance.store.countEvents()).toBe(eventsBefore);
    expect((await request(app).get('/api/personalization/items?limit=200')).body).toEqual(itemsBefore.body);
    const after = await request(app).get(`/api/personalization/recommendations/${user}?k=10`);
    expect(after.body.items).toEqual(before.body.items);
  });
});

describe('demo seed', () => {
  it('fills an empty store once, and the model is built from it', async () => {
    const prefix = `${redis.prefix}demo:`;
    const seeded = await startInstance({ demoSeed: true, keyPrefix: prefix });
    const items = await request(seeded.app).get('/api/personalization/items?limit=1');
    expect(items.body.total).toBe(400);
    const users = await request(seeded.app)
      .get('/api/personalization/users?limit=3')
      .set('authorization', await bearer(['admin']));
    expect(users.body.users).toHaveLength(3);
    expect(seeded.models.current?.stats.users).toBe(150);
    const recs = await request(seeded.app).get(`/api/personalization/recommendations/${users.body.users[0].id}`);
    expect(recs.body.items[0].reason).toBe('collaborative');
    const eventCount = await seeded.store.countEvents();
    await stopInstance(seeded);
    // A second start on the same store does not seed again.
    const again = await startInstance({ demoSeed: true, keyPrefix: prefix });
    expect(await again.store.countEvents()).toBe(eventCount);
    await stopInstance(again);
  });
});

describe('lifecycle', () => {
  /** Every key under a prefix (SCAN patterns do not get the client's keyPrefix). */
  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  it('building starts nothing; start() seeds, builds the first model and is ready at once', async () => {
    const prefix = `${redis.prefix}lifecycle:`;
    const client = createRedisClient({ url: redis.url, keyPrefix: prefix });
    if (client.status !== 'ready') await once(client, 'ready');
    const built = createPersonalizationService({
      redis: client,
      logger: createLogger('ai-personalization', 'silent'),
      demoSeed: true,
      rebuildIntervalMs: 0,
      auth,
    });
    // Nothing seeded, nothing being built, not ready — also a moment later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await keysUnder(prefix)).toEqual([]);
    expect(built.models.building).toBe(false);
    expect(built.models.current).toBeUndefined();
    expect((await request(built.app).get('/health/ready')).status).toBe(503);

    await built.start();
    expect((await keysUnder(prefix)).length).toBeGreaterThan(0);
    expect(built.models.current?.stats.items).toBe(400);
    expect((await request(built.app).get('/health/ready')).status).toBe(200);
    // Idempotent: a second start neither seeds nor builds again.
    await built.start();
    expect(built.models.building).toBe(false);
    expect(built.models.current?.version).toBe(1);

    for (const resource of [...built.resources].reverse()) await resource.close();
    // The Redis client is closed too (its 'end' may come a moment after quit answers).
    if (client.status !== 'end') await once(client, 'end');
  });

  it('with Redis away, start() gives up waiting for the first model, and close stops the seed retries at once', async () => {
    const client = createRedisClient({ url: 'redis://127.0.0.1:1', keyPrefix: `${redis.prefix}away:` });
    const away = createPersonalizationService({
      redis: client,
      logger: createLogger('ai-personalization', 'silent'),
      demoSeed: true,
      rebuildIntervalMs: 0,
      firstModelWaitMs: 300,
      auth,
    });
    const started = Date.now();
    await away.start();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(away.models.current).toBeUndefined();
    // Live, not ready; requests that need a model or Redis answer 503.
    expect((await request(away.app).get('/health')).status).toBe(200);
    const ready = await request(away.app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.model.status).toBe('fail');
    expect((await request(away.app).get('/api/personalization/recommendations/u')).status).toBe(503);

    const closing = Date.now();
    for (const resource of [...away.resources].reverse()) await resource.close();
    expect(Date.now() - closing).toBeLessThan(500);
    expect(away.models.building).toBe(false);
  });
});
