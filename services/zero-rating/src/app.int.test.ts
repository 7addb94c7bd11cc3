import { once } from 'node:events';
import { createAuth, createLogger, createRedisClient, parseApiKeys } from '@azora/service-kit';
import { createTestRedis, freePort, type StartedApp, startApp, type TestRedis } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZeroRatingService, type ZeroRatingOptions, type ZeroRatingService } from './app.ts';

const KEYS = {
  operator: 'operator-key-0123456789abcdef0123',
  viewer: 'viewer-key-0123456789abcdef012345',
  service: 'service-key-0123456789abcdef01234',
  admin: 'admin-key-0123456789abcdef0123456',
};
const auth = createAuth({
  apiKeys: parseApiKeys(
    Object.entries(KEYS)
      .map(([role, key]) => `test-${role}:${role}:${key}`)
      .join(','),
  ),
});

let redis: TestRedis;
const running: ZeroRatingService[] = [];

async function startInstance(extra: Partial<ZeroRatingOptions> & { redisUrl?: string } = {}) {
  const client = createRedisClient({ url: extra.redisUrl ?? redis.url, keyPrefix: redis.prefix });
  if (!extra.redisUrl && client.status !== 'ready') await once(client, 'ready');
  const instance = createZeroRatingService({
    redis: client,
    logger: createLogger('zero-rating', 'silent'),
    auth,
    versionCheckIntervalMs: 200,
    ...extra,
  });
  running.push(instance);
  await instance.start();
  return instance;
}

async function stopInstance(instance: ZeroRatingService) {
  for (const resource of [...instance.resources].reverse()) await resource.close();
  running.splice(running.indexOf(instance), 1);
}

function expectProblem(res: request.Response, status: number, detail: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.detail).toMatch(detail);
}

let instance: ZeroRatingService;
let app: ZeroRatingService['app'];
let server: StartedApp;
const API = '/api/zero-rating';

const as = (role: keyof typeof KEYS) => ({ 'x-api-key': KEYS[role] });
const put = (path: string, body: unknown, role: keyof typeof KEYS = 'operator') =>
  request(app)
    .put(`${API}${path}`)
    .set(as(role))
    .send(body as object);
const classify = (body: unknown, role: keyof typeof KEYS = 'service') =>
  request(app)
    .post(`${API}/classify`)
    .set(as(role))
    .send(body as object);

const VODACOM = {
  name: 'Vodacom South Africa',
  country: 'za',
  mccMnc: '65501',
  prefixes: ['41.0.0.0/11', '2C0F:F000::/24', '41.0.0.0/11'],
  msisdnPrefixes: ['2782', '2772'],
};

beforeAll(async () => {
  redis = await createTestRedis('zero-rating');
  instance = await startInstance();
  app = instance.app;
  server = await startApp(app);
  expect((await put('/operators/vodacom', VODACOM)).status).toBe(201);
  expect(
    (
      await put('/operators/mvno', {
        ...VODACOM,
        name: 'An MVNO',
        prefixes: ['41.13.0.0/16'],
        msisdnPrefixes: ['278212'],
      })
    ).status,
  ).toBe(201);
});

afterAll(async () => {
  await server?.close();
  for (const started of [...running]) await stopInstance(started);
  await redis?.cleanup();
});

describe('operators', () => {
  it('stores an operator with its prefixes canonical and deduplicated', async () => {
    const res = await request(app).get(`${API}/operators/vodacom`).set(as('viewer'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'vodacom',
      country: 'ZA',
      mccMnc: '65501',
      prefixes: ['41.0.0.0/11', '2c0f:f000::/24'],
      msisdnPrefixes: ['2782', '2772'],
    });
    expect((await put('/operators/vodacom', VODACOM)).status).toBe(200);
    const list = await request(app).get(`${API}/operators`).set(as('viewer'));
    expect(list.body.operators.map((o: { id: string }) => o.id)).toEqual(['mvno', 'vodacom']);
  });

  it('refuses a prefix or number range another operator already owns', async () => {
    const res = await put('/operators/rival', {
      ...VODACOM,
      name: 'Rival',
      prefixes: ['2c0f:f000::/24'],
      msisdnPrefixes: [],
    });
    expectProblem(res, 409, /prefix 2c0f:f000::\/24 already belongs to operator vodacom/);
    const numbers = await put('/operators/rival', {
      ...VODACOM,
      name: 'Rival',
      prefixes: [],
      msisdnPrefixes: ['2772'],
    });
    expectProblem(numbers, 409, /msisdn prefix 2772 already belongs to operator vodacom/);
    expectProblem(await request(app).get(`${API}/operators/rival`).set(as('viewer')), 404, /no operator rival/);
  });

  it('releases an operator’s prefixes when it changes them, and refuses to delete one that has rules', async () => {
    expect(
      (await put('/operators/temp', { ...VODACOM, name: 'Temp', prefixes: ['100.64.0.0/10'], msisdnPrefixes: [] }))
        .status,
    ).toBe(201);
    expect(
      (await put('/operators/temp', { ...VODACOM, name: 'Temp', prefixes: ['100.64.0.0/11'], msisdnPrefixes: [] }))
        .status,
    ).toBe(200);
    expect(
      (await put('/operators/temp2', { ...VODACOM, name: 'Temp2', prefixes: ['100.64.0.0/10'], msisdnPrefixes: [] }))
        .status,
    ).toBe(201);
    expect((await put('/rules/temp-rule', { operator: 'temp', ratingGroup: 1, hosts: ['temp.example'] })).status).toBe(
      201,
    );
    expectProblem(
      await request(app).delete(`${API}/operators/temp`).set(as('operator')),
      409,
      /still has 1 rule \(temp-rule\)/,
    );
    expect((await request(app).delete(`${API}/rules/temp-rule`).set(as('operator'))).status).toBe(204);
    expect((await request(app).delete(`${API}/operators/temp`).set(as('operator'))).status).toBe(204);
    expect((await request(app).delete(`${API}/operators/temp2`).set(as('admin'))).status).toBe(204);
    expectProblem(await request(app).delete(`${API}/operators/temp`).set(as('operator')), 404, /no operator temp/);
  });
});

describe('auth', () => {
  it('requires credentials for everything, operator or admin for writes', async () => {
    expectProblem(await request(app).get(`${API}/operators`), 401, /authentication required/);
    expectProblem(
      await request(app).post(`${API}/classify`).send({ clientIp: '41.0.0.1', host: 'a.org' }),
      401,
      /authentication/,
    );
    expectProblem(await put('/operators/x', VODACOM, 'viewer'), 403, /operator, admin/);
    expectProblem(
      await put('/rules/x', { operator: 'vodacom', ratingGroup: 1, hosts: ['a.org'] }, 'service'),
      403,
      /operator, admin/,
    );
    expectProblem(await request(app).delete(`${API}/rules/x`).set(as('viewer')), 403, /operator, admin/);
  });

  it('lets a viewer classify, but only counting roles send bytes', async () => {
    expect((await classify({ clientIp: '41.0.0.1', host: 'a.org' }, 'viewer')).status).toBe(200);
    expectProblem(
      await classify({ clientIp: '41.0.0.1', host: 'a.org', bytes: 10 }, 'viewer'),
      403,
      /bytes counts usage.*service, operator, admin/,
    );
    expect((await classify({ clientIp: '41.0.0.1', host: 'a.org', bytes: 10 }, 'service')).status).toBe(200);
  });
});

describe('classify', () => {
  beforeAll(async () => {
    const rules: Record<string, object> = {
      'wiki-any': { operator: 'vodacom', ratingGroup: 10, hosts: ['*.wikipedia.org'] },
      'wiki-en': { operator: 'vodacom', ratingGroup: 11, hosts: ['EN.Wikipedia.org.'] },
      learn: {
        operator: 'vodacom',
        ratingGroup: 12,
        hosts: ['www.example.org', 'bücher.example'],
        pathPrefixes: ['/learn/'],
      },
      'mvno-learn': { operator: 'mvno', ratingGroup: 20, hosts: ['www.example.org'] },
      expired: { operator: 'vodacom', ratingGroup: 13, hosts: ['old.example.org'], validUntil: '2020-01-01T00:00:00Z' },
    };
    for (const [id, body] of Object.entries(rules)) expect((await put(`/rules/${id}`, body)).status).toBe(201);
  });

  it('answers with the operator, the most specific rule, its rating group and why', async () => {
    const res = await classify({ clientIp: '41.1.2.3', host: 'en.wikipedia.org', path: '/wiki/Cape_Town' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      zeroRated: true,
      operator: 'vodacom',
      rule: 'wiki-en',
      ratingGroup: 11,
      subscriber: '41.1.2.3',
    });
    expect(res.body.reason).toBe(
      'zero-rated by rule wiki-en of vodacom (exact host en.wikipedia.org; subscriber matched by prefix 41.0.0.0/11)',
    );
    expect(res.body).not.toHaveProperty('remainingBytes');
    const idn = await classify({
      msisdn: '+27721234567',
      host: 'BÜCHER.example.:443',
      path: '/learn/x',
    });
    expect(idn.body).toMatchObject({ zeroRated: true, rule: 'learn', subscriber: '27721234567' });
    const nested = await classify({ clientIp: '::ffff:41.13.9.9', host: 'www.example.org', path: '/' });
    expect(nested.body).toMatchObject({ zeroRated: true, operator: 'mvno', rule: 'mvno-learn' });
    const charged = await classify({ clientIp: '41.1.2.3', host: 'www.example.org', path: '/learning' });
    expect(charged.body).toMatchObject({ zeroRated: false, operator: 'vodacom', rule: null, ratingGroup: null });
    expect(charged.body.reason).toBe('no zero-rating rule of vodacom matches www.example.org/learning');
    const expired = await classify({ clientIp: '41.1.2.3', host: 'old.example.org' });
    expect(expired.body).toMatchObject({ zeroRated: false });
    expect(expired.body.reason).toMatch(/expired at 2020-01-01T00:00:00.000Z/);
    const stranger = await classify({ clientIp: '2001:db8::1', host: 'en.wikipedia.org' });
    expect(stranger.body).toMatchObject({
      zeroRated: false,
      operator: null,
      reason: 'no operator owns address 2001:db8::1',
    });
  });

  it('classifies a batch in order, up to 1,000 flows', async () => {
    const flows = Array.from({ length: 1000 }, (_, i) => ({
      clientIp: `41.${i % 32}.0.1`,
      host: i % 2 === 0 ? 'fr.wikipedia.org' : 'example.net',
    }));
    const res = await request(server.url).post(`${API}/classify/batch`).set(as('service')).send({ flows });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1000);
    res.body.results.forEach((result: { zeroRated: boolean; rule: string | null }, i: number) => {
      expect(result.zeroRated).toBe(i % 2 === 0);
      expect(result.rule).toBe(i % 2 === 0 ? 'wiki-any' : null);
    });
    const tooMany = await request(server.url)
      .post(`${API}/classify/batch`)
      .set(as('service'))
      .send({ flows: [...flows, flows[0]] });
    expectProblem(tooMany, 400, /flows: must contain at most 1000 flows; split larger batches/);
  });
});

describe('usage and quotas', () => {
  it('zero-rates exactly 10 of 100 concurrent flows against a quota of 10 flows’ worth', async () => {
    expect(
      (
        await put('/rules/quota-10', {
          operator: 'vodacom',
          ratingGroup: 30,
          hosts: ['video.example.org'],
          monthlyQuotaBytes: 10 * 1500,
        })
      ).status,
    ).toBe(201);
    const flow = { msisdn: '27825550000', host: 'video.example.org', bytes: 1500 };
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(`${server.url}${API}/classify`, {
          method: 'POST',
          headers: { ...as('service'), 'content-type': 'application/json' },
          body: JSON.stringify(flow),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> })),
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const zeroRated = answers.filter((answer) => answer.body.zeroRated === true);
    expect(zeroRated).toHaveLength(10);
    const charged = answers.filter((answer) => answer.body.zeroRated === false);
    expect(charged).toHaveLength(90);
    for (const answer of charged) {
      expect(answer.body).toMatchObject({
        reason: 'quota exhausted',
        rule: 'quota-10',
        ratingGroup: 30,
        remainingBytes: 0,
      });
    }
    // Each zero-rated answer saw a different remaining amount: 13500, 12000, … 0.
    expect(zeroRated.map((answer) => answer.body.remainingBytes).sort((a, b) => Number(b) - Number(a))).toEqual(
      Array.from({ length: 10 }, (_, i) => 13_500 - i * 1500),
    );
    const usage = await request(app).get(`${API}/usage/+27825550000`).set(as('viewer'));
    expect(usage.body).toMatchObject({
      subscriber: '27825550000',
      totalBytes: 15_000,
      rules: [
        { rule: 'quota-10', operator: 'vodacom', usedBytes: 15_000, monthlyQuotaBytes: 15_000, remainingBytes: 0 },
      ],
    });
    const metrics = await request(app).get('/metrics');
    expect(metrics.text).toContain('zero_rating_quota_exhaustions_total{operator="vodacom",service="zero-rating"} 90');
  });

  it('never lets a flow overshoot the quota: a flow that does not fit is charged, a smaller one still fits', async () => {
    expect(
      (
        await put('/rules/quota-uneven', {
          operator: 'vodacom',
          ratingGroup: 31,
          hosts: ['uneven.example.org'],
          monthlyQuotaBytes: 10_000,
        })
      ).status,
    ).toBe(201);
    const flow = (bytes: number) => classify({ clientIp: '2c0f:f000::42', host: 'uneven.example.org', bytes });
    for (let i = 0; i < 3; i++) expect((await flow(3000)).body.zeroRated).toBe(true);
    expect((await flow(3000)).body).toMatchObject({
      zeroRated: false,
      reason: 'quota exhausted',
      remainingBytes: 1000,
    });
    expect((await flow(1000)).body).toMatchObject({ zeroRated: true, remainingBytes: 0 });
    // Without bytes: is anything left?
    expect((await classify({ clientIp: '2c0f:f000::42', host: 'uneven.example.org' }, 'viewer')).body).toMatchObject({
      zeroRated: false,
      reason: 'quota exhausted',
    });
    const usage = await request(app).get(`${API}/usage/2c0f:f000:0::42`).set(as('viewer'));
    expect(usage.body.rules).toEqual([
      { rule: 'quota-uneven', operator: 'vodacom', usedBytes: 10_000, monthlyQuotaBytes: 10_000, remainingBytes: 0 },
    ]);
    // Another month starts from nothing.
    const other = await request(app).get(`${API}/usage/2c0f:f000::42?month=2001-01`).set(as('viewer'));
    expect(other.body).toEqual({ subscriber: '2c0f:f000::42', month: '2001-01', totalBytes: 0, rules: [] });
  });
});

describe('bad input', () => {
  const longHost = 'a'.repeat(10_000);
  const operator = (override: object) => ({ ...VODACOM, name: 'Bad', msisdnPrefixes: [], ...override });
  const rule = (override: object) => ({ operator: 'vodacom', ratingGroup: 1, hosts: ['ok.example'], ...override });
  const cases: [string, 'put' | 'post' | 'get', string, unknown, number, RegExp][] = [
    [
      'malformed CIDR',
      'put',
      '/operators/bad',
      operator({ prefixes: ['41.0.0/11'] }),
      400,
      /prefixes\[0\]: "41\.0\.0\/11" has an address that is not an IPv4 or IPv6 address/,
    ],
    ['no length', 'put', '/operators/bad', operator({ prefixes: ['41.0.0.0'] }), 400, /address\/length/],
    [
      'host bits',
      'put',
      '/operators/bad',
      operator({ prefixes: ['41.0.0.1/11'] }),
      400,
      /host bits must be zero.*41\.0\.0\.0\/11/,
    ],
    ['IPv4 default route', 'put', '/operators/bad', operator({ prefixes: ['0.0.0.0/0'] }), 400, /default route/],
    ['IPv6 default route', 'put', '/operators/bad', operator({ prefixes: ['::/0'] }), 400, /default route/],
    ['IPv6 zone in a prefix', 'put', '/operators/bad', operator({ prefixes: ['fe80::%eth0/64'] }), 400, /zone id/],
    ['prefix too long', 'put', '/operators/bad', operator({ prefixes: ['10.0.0.0/33'] }), 400, /over 32/],
    [
      'prefixes not an array',
      'put',
      '/operators/bad',
      operator({ prefixes: '41.0.0.0/11' }),
      400,
      /prefixes: must be an array of CIDR prefixes/,
    ],
    ['prefix a number', 'put', '/operators/bad', operator({ prefixes: [41] }), 400, /prefixes\[0\]: must be a string/],
    [
      'msisdn prefix with +',
      'put',
      '/operators/bad',
      operator({ msisdnPrefixes: ['+2782'] }),
      400,
      /msisdnPrefixes\[0\]: must be 1–15 digits/,
    ],
    [
      'msisdn prefix in other digits',
      'put',
      '/operators/bad',
      operator({ msisdnPrefixes: ['٢٧٨٢'] }),
      400,
      /must be 1–15 digits/,
    ],
    ['country', 'put', '/operators/bad', operator({ country: 'ZAF' }), 400, /country: must be an ISO 3166-1 alpha-2/],
    ['mccMnc', 'put', '/operators/bad', operator({ mccMnc: 65501 }), 400, /mccMnc: must be a string of 5 or 6 digits/],
    ['unknown field', 'put', '/operators/bad', operator({ colour: 'red' }), 400, /Unrecognized key: "colour"/],
    ['empty object', 'put', '/operators/bad', {}, 400, /name/],
    ['array body', 'put', '/operators/bad', [VODACOM], 400, /must be a JSON object/],
    ['unicode id', 'put', '/operators/%E2%98%83', VODACOM, 400, /must be 1–64 letters.*\(the operator id\)/],
    [
      '10,000-character host in a rule',
      'put',
      '/rules/bad',
      rule({ hosts: [longHost] }),
      400,
      /hosts\[0\]: "a{40}…" \(10000 characters\) is longer than 253 characters/,
    ],
    ['wildcard mid-name', 'put', '/rules/bad', rule({ hosts: ['www.*.org'] }), 400, /wildcard/],
    ['wildcard over a TLD', 'put', '/rules/bad', rule({ hosts: ['*.za'] }), 400, /top-level domain/],
    ['no hosts', 'put', '/rules/bad', rule({ hosts: [] }), 400, /hosts: must contain at least one host/],
    [
      'rating group as text',
      'put',
      '/rules/bad',
      rule({ ratingGroup: '1' }),
      400,
      /ratingGroup: must be a whole number/,
    ],
    [
      'negative quota',
      'put',
      '/rules/bad',
      rule({ monthlyQuotaBytes: -1 }),
      400,
      /monthlyQuotaBytes: must not be negative/,
    ],
    ['fractional quota', 'put', '/rules/bad', rule({ monthlyQuotaBytes: 1.5 }), 400, /whole number of bytes/],
    [
      'path prefix without slash',
      'put',
      '/rules/bad',
      rule({ pathPrefixes: ['learn'] }),
      400,
      /pathPrefixes\[0\]: "learn" does not start with "\/"/,
    ],
    ['bad date', 'put', '/rules/bad', rule({ validFrom: 'tomorrow' }), 400, /validFrom: must be an ISO 8601 date-time/],
    [
      'window backwards',
      'put',
      '/rules/bad',
      rule({ validFrom: '2025-02-01T00:00:00Z', validUntil: '2025-01-01T00:00:00Z' }),
      400,
      /validUntil: must be later than validFrom/,
    ],
    [
      'unknown operator',
      'put',
      '/rules/bad',
      rule({ operator: 'nobody' }),
      422,
      /there is no operator nobody; create the operator first/,
    ],
    [
      '10,000-character host',
      'post',
      '/classify',
      { clientIp: '41.0.0.1', host: longHost },
      400,
      /host: .*longer than 253 characters/,
    ],
    [
      'IPv6 zone in a client address',
      'post',
      '/classify',
      { clientIp: 'fe80::1%wlan0', host: 'a.org' },
      400,
      /clientIp: .*zone id/,
    ],
    [
      'malformed client address',
      'post',
      '/classify',
      { clientIp: '41.0.0.256', host: 'a.org' },
      400,
      /clientIp: "41\.0\.0\.256" is not an IPv4 or IPv6 address/,
    ],
    ['no subscriber', 'post', '/classify', { host: 'a.org' }, 400, /needs clientIp or msisdn/],
    ['no host', 'post', '/classify', { clientIp: '41.0.0.1' }, 400, /host: must be a string/],
    ['host a number', 'post', '/classify', { clientIp: '41.0.0.1', host: 42 }, 400, /host: must be a string/],
    ['host with a space', 'post', '/classify', { clientIp: '41.0.0.1', host: 'a b.org' }, 400, /not a valid host name/],
    ['emoji msisdn', 'post', '/classify', { msisdn: '27😀', host: 'a.org' }, 400, /msisdn: must be an MSISDN/],
    [
      'bytes as text',
      'post',
      '/classify',
      { clientIp: '41.0.0.1', host: 'a.org', bytes: '100' },
      400,
      /bytes: must be a whole number/,
    ],
    [
      'negative bytes',
      'post',
      '/classify',
      { clientIp: '41.0.0.1', host: 'a.org', bytes: -5 },
      400,
      /bytes: must not be negative/,
    ],
    [
      'path not absolute',
      'post',
      '/classify',
      { clientIp: '41.0.0.1', host: 'a.org', path: 'x' },
      400,
      /path: must start with "\/"/,
    ],
    ['null body', 'post', '/classify', null, 400, /must be a JSON object|malformed JSON/],
    ['batch not an array', 'post', '/classify/batch', { flows: {} }, 400, /flows: must be an array of flows/],
    ['empty batch', 'post', '/classify/batch', { flows: [] }, 400, /at least one flow/],
    [
      'bad flow in a batch',
      'post',
      '/classify/batch',
      {
        flows: [
          { clientIp: '41.0.0.1', host: 'a.org' },
          { clientIp: 'x', host: 'a.org' },
        ],
      },
      400,
      /flows\[1\]\.clientIp/,
    ],
    ['bad subscriber', 'get', '/usage/not-a-number', undefined, 400, /subscriber: must be an MSISDN/],
    ['bad month', 'get', '/usage/27821234567?month=2025-13', undefined, 400, /month: must be a month as YYYY-MM/],
  ];

  it.each(cases)('%s', async (_name, method, path, body, status, detail) => {
    const req = request(app)[method](`${API}${path}`).set(as('admin'));
    const res =
      body === undefined ? await req : await req.set('content-type', 'application/json').send(JSON.stringify(body));
    expectProblem(res, status, detail);
  });

  it('answers an empty body, malformed JSON and an oversized body with a 4xx', async () => {
    expectProblem(await request(app).post(`${API}/classify`).set(as('admin')), 415, /content-type: application\/json/);
    expectProblem(
      await request(app)
        .post(`${API}/classify`)
        .set(as('admin'))
        .set('content-type', 'application/json')
        .send('{"host":'),
      400,
      /malformed JSON/,
    );
    const huge = { flows: Array.from({ length: 1000 }, () => ({ clientIp: '41.0.0.1', host: 'a'.repeat(2000) })) };
    expectProblem(await request(app).post(`${API}/classify/batch`).set(as('admin')).send(huge), 413, /limit/);
  });

  it('accepts unicode where it belongs: IDN hosts in rules and flows', async () => {
    expect((await put('/rules/idn', rule({ hosts: ['例子.测试', '*.bücher.example'] }))).body.hosts).toEqual([
      'xn--fsqu00a.xn--0zwm56d',
      '*.xn--bcher-kva.example',
    ]);
    expect((await classify({ clientIp: '41.0.0.1', host: '例子.测试' })).body).toMatchObject({
      zeroRated: true,
      rule: 'idn',
    });
    expect((await classify({ clientIp: '41.0.0.1', host: 'Shop.BÜCHER.example' })).body).toMatchObject({
      zeroRated: true,
      rule: 'idn',
    });
  });
});

describe('without Redis', () => {
  it('listens not ready and answers 503, not 500, until Redis is there', async () => {
    const port = await freePort();
    const down = await startInstance({ redisUrl: `redis://127.0.0.1:${port}` });
    const ready = await request(down.app).get('/health/ready');
    expect(ready.status).toBe(503);
    const res = await request(down.app)
      .post(`${API}/classify`)
      .set(as('service'))
      .send({ clientIp: '41.0.0.1', host: 'a.org' });
    expectProblem(res, 503, /rule table is loading/);
    expect(res.headers['retry-after']).toBeDefined();
    await stopInstance(down);
  }, 20_000);
});
