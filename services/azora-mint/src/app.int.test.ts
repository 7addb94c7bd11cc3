// The ledger through its HTTP API, against the embedded MongoDB-wire server.
import { randomUUID } from 'node:crypto';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { type EmbeddedMongo, startEmbeddedMongo } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_UNITS_PER_AZR, SUPPLY_CAP } from './amount.ts';
import { createMintService, type MintService } from './app.ts';

const KEYS = {
  alice: `alice-${'a'.repeat(24)}`,
  bob: `bob-${'b'.repeat(24)}`,
  minter: `minter-${'m'.repeat(24)}`,
  auditor: `auditor-${'d'.repeat(24)}`,
  admin: `admin-${'x'.repeat(24)}`,
};
const API_KEYS = [
  `alice:user:${KEYS.alice}`,
  `bob:user:${KEYS.bob}`,
  `minter:minter:${KEYS.minter}`,
  `auditor:auditor:${KEYS.auditor}`,
  `admin:admin:${KEYS.admin}`,
].join(',');
const AZR = BASE_UNITS_PER_AZR;
const API = '/api/azora-mint';

let mongo: EmbeddedMongo;
let mint: MintService;

beforeAll(async () => {
  mongo = await startEmbeddedMongo();
  mint = createMintService({
    mongodbUri: mongo.uriFor('mint_app_test'),
    auth: createAuth({ apiKeys: parseApiKeys(API_KEYS) }),
    logger: createLogger('azora-mint', 'silent'),
    sweeperIntervalMs: 200,
    invariantCheckIntervalMs: 0,
  });
  await mint.start();
  await mint.ready(); // start() serves not ready after a few seconds without MongoDB; a loaded machine may need longer
});

afterAll(async () => {
  for (const resource of [...mint.resources].reverse()) await resource.close();
  await mongo.stop();
});

const as = (who: keyof typeof KEYS, key: string = randomUUID()) => ({
  post: (path: string, body?: object) => {
    const req = request(mint.app).post(`${API}${path}`).set('x-api-key', KEYS[who]).set('idempotency-key', key);
    return body === undefined ? req : req.send(body);
  },
  get: (path: string) => request(mint.app).get(`${API}${path}`).set('x-api-key', KEYS[who]),
});

async function wallet(who: 'alice' | 'bob', azr = 0n): Promise<string> {
  const created = await as(who).post('/accounts', {});
  expect(created.status).toBe(201);
  if (azr > 0n)
    expect((await as('minter').post('/mint', { to: created.body.id, amount: String(azr * AZR) })).status).toBe(201);
  return created.body.id;
}

const balance = async (id: string) => BigInt((await as('auditor').get(`/accounts/${id}`)).body.balance);
const journalSize = () => mint.ledger.store.entries.countDocuments();

describe('accounts', () => {
  it('creates a wallet owned by the caller, once per idempotency key', async () => {
    const key = randomUUID();
    const first = await as('alice', key).post('/accounts', {});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ owner: 'alice', kind: 'user', balance: '0' });
    expect(first.body.id).toMatch(/^[0-9a-f]{24}$/);
    const retry = await as('alice', key).post('/accounts', {});
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const conflict = await as('admin', key).post('/accounts', { owner: 'carol' });
    expect(conflict.status).toBe(201); // another caller's key space
    expect((await as('alice', key).post('/accounts', { owner: 'someone' })).status).toBe(403);
  });

  it('tells callers who they are', async () => {
    expect((await as('minter').get('/me')).body).toEqual({ subject: 'minter', roles: ['minter'] });
    expect((await request(mint.app).get(`${API}/me`)).status).toBe(401);
  });

  it('shows a wallet to its owner, auditors and admins only', async () => {
    const id = await wallet('alice');
    expect((await as('alice').get(`/accounts/${id}`)).status).toBe(200);
    expect((await as('auditor').get(`/accounts/${id}`)).status).toBe(200);
    expect((await as('bob').get(`/accounts/${id}`)).status).toBe(403);
    expect((await request(mint.app).get(`${API}/accounts/${id}`)).status).toBe(401);
    expect((await as('alice').get(`/accounts/${'0'.repeat(24)}`)).status).toBe(404);
    expect((await as('alice').get('/accounts/not-an-id')).status).toBe(400);
    const mine = await as('alice').get('/accounts');
    expect(mine.body.accounts.every((a: { owner: string }) => a.owner === 'alice')).toBe(true);
    expect((await as('bob').get('/accounts?owner=alice')).status).toBe(403);
  });
});

describe('mint, transfer, burn', () => {
  it('moves funds and refuses what would overdraw, with the journal and history to match', async () => {
    const alice = await wallet('alice', 10n);
    const bob = await wallet('bob');
    const sent = await as('alice').post('/transfers', {
      from: alice,
      to: bob,
      amount: String(3n * AZR),
      memo: 'rent ☂',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ type: 'transfer', status: 'posted', amount: String(3n * AZR), memo: 'rent ☂' });
    expect(await balance(alice)).toBe(7n * AZR);
    expect(await balance(bob)).toBe(3n * AZR);

    const over = await as('alice').post('/transfers', { from: alice, to: bob, amount: String(7n * AZR + 1n) });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'insufficient-funds' });
    expect(await balance(alice)).toBe(7n * AZR);

    const burnt = await as('alice').post('/burn', { from: alice, amount: String(AZR) });
    expect(burnt.status).toBe(201);
    const history = await as('alice').get(`/accounts/${alice}/entries?limit=2`);
    expect(history.body.entries.map((e: { type: string; delta: string }) => [e.type, e.delta])).toEqual([
      ['burn', String(-AZR)],
      ['transfer', String(-3n * AZR)],
    ]);
    const rest = await as('alice').get(`/accounts/${alice}/entries?limit=2&cursor=${history.body.nextCursor}`);
    expect(rest.body.entries.map((e: { type: string }) => e.type)).toEqual(['mint']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('lets only owners spend, only minters mint, and nobody touch an unknown account', async () => {
    const alice = await wallet('alice', 5n);
    const bob = await wallet('bob');
    expect((await as('bob').post('/transfers', { from: alice, to: bob, amount: '1' })).status).toBe(403);
    expect((await as('alice').post('/mint', { to: alice, amount: '1' })).status).toBe(403);
    expect((await as('auditor').post('/transfers', { from: alice, to: bob, amount: '1' })).status).toBe(403);
    expect((await as('admin').post('/transfers', { from: alice, to: bob, amount: '1' })).status).toBe(201);
    const unknown = await as('alice').post('/transfers', { from: alice, to: 'f'.repeat(24), amount: '1' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('unknown-account');
    expect((await as('alice').post('/transfers', { from: alice, to: alice, amount: '1' })).status).toBe(422);
  });

  it('refuses a mint past the 1,000,000 AZR cap and keeps the supply exact', async () => {
    const alice = await wallet('alice');
    const before = (await as('alice').get('/supply')).body;
    const room = SUPPLY_CAP - BigInt(before.circulating);
    const over = await as('minter').post('/mint', { to: alice, amount: String(room + 1n) });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('supply-cap');
    expect((await as('minter').post('/mint', { to: alice, amount: String(room) })).status).toBe(201);
    expect((await as('minter').post('/mint', { to: alice, amount: '1' })).status).toBe(422);
    const after = (await request(mint.app).get(`${API}/supply`)).body;
    expect(after).toEqual({
      cap: String(SUPPLY_CAP),
      minted: String(BigInt(before.minted) + room),
      burned: before.burned,
      circulating: String(SUPPLY_CAP),
    });
    // Make room again for the other tests.
    expect((await as('alice').post('/burn', { from: alice, amount: String(room) })).status).toBe(201);
  });

  it('reverses an entry once, for admins only', async () => {
    const alice = await wallet('alice', 4n);
    const bob = await wallet('bob');
    const sent = await as('alice').post('/transfers', { from: alice, to: bob, amount: String(AZR) });
    expect((await as('alice').post(`/entries/${sent.body.id}/reversal`)).status).toBe(403);
    const reversal = await as('admin').post(`/entries/${sent.body.id}/reversal`);
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ type: 'reversal', reverses: sent.body.id, from: bob, to: alice });
    expect(await balance(alice)).toBe(4n * AZR);
    const again = await as('admin').post(`/entries/${sent.body.id}/reversal`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already-reversed');
  });
});

describe('idempotency', () => {
  it('answers a retry with the original result and a reused key with a 409', async () => {
    const alice = await wallet('alice', 5n);
    const bob = await wallet('bob');
    const key = randomUUID();
    const body = { from: alice, to: bob, amount: String(AZR) };
    const first = await as('alice', key).post('/transfers', body);
    const retry = await as('alice', key).post('/transfers', body);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const reused = await as('alice', key).post('/transfers', { ...body, amount: String(2n * AZR) });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency-key-reused');
    expect(await balance(alice)).toBe(4n * AZR);
    // A refusal is remembered too: the same retry gets the same 422.
    const overKey = randomUUID();
    const over = await as('alice', overKey).post('/transfers', { ...body, amount: String(100n * AZR) });
    expect(over.status).toBe(422);
    expect((await as('alice', overKey).post('/transfers', { ...body, amount: String(100n * AZR) })).body).toEqual(
      over.body,
    );
  });

  it('applies concurrent retries of one request exactly once', async () => {
    const alice = await wallet('alice', 5n);
    const bob = await wallet('bob');
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        as('alice', key).post('/transfers', { from: alice, to: bob, amount: String(AZR) }),
      ),
    );
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    await mint.ledger.drain();
    expect(await balance(bob)).toBe(AZR);
  });

  it('requires an Idempotency-Key on writes', async () => {
    const res = await request(mint.app).post(`${API}/accounts`).set('x-api-key', KEYS.alice).send({});
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/Idempotency-Key/);
    expect((await as('alice', 'has space').post('/accounts', {})).status).toBe(400);
  });
});

describe('bad input', () => {
  const amounts: unknown[] = [
    1.5,
    1e18,
    '1e18',
    '1.5',
    '-1',
    '-0',
    '0',
    '007',
    ' 1',
    '1 ',
    '１',
    String(10n ** 40n),
    '',
    null,
    true,
    [],
    { $gt: '' },
  ];

  it.each(amounts.map((amount) => [JSON.stringify(amount), amount]))(
    'answers 400 to amount %s and writes nothing',
    async (_label, amount) => {
      const alice = await wallet('alice', 1n);
      const bob = await wallet('bob');
      const entries = await journalSize();
      const res = await as('alice').post('/transfers', { from: alice, to: bob, amount });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors[0].path).toBe('amount');
      expect(await journalSize()).toBe(entries);
      expect(await balance(alice)).toBe(AZR);
    },
  );

  it('answers 4xx to unknown fields, operator objects, wrong types, empty and huge bodies', async () => {
    const alice = await wallet('alice', 1n);
    const bob = await wallet('bob');
    const entries = await journalSize();
    const bodies: [string | object, number][] = [
      [{ from: alice, to: bob, amount: '1', extra: 1 }, 400],
      [{ from: { $gt: '' }, to: bob, amount: '1' }, 400],
      [{ from: alice, to: { $ne: null }, amount: '1' }, 400],
      [{ from: alice, to: bob, amount: '1', memo: 5 }, 400],
      [{ from: alice, to: bob, amount: '1', memo: 'x'.repeat(281) }, 400],
      [{ from: alice, to: bob, amount: '1', memo: 'bell\u0007' }, 400],
      [[], 400],
      ['{"from":', 400],
      [{}, 400],
      [JSON.stringify({ from: alice, to: bob, amount: '1', memo: 'x'.repeat(20_000) }), 413],
    ];
    for (const [body, status] of bodies) {
      const req = as('alice').post('/transfers').set('content-type', 'application/json');
      const res = await req.send(typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
    }
    expect((await as('alice').post('/transfers').set('content-type', 'text/plain').send('hi')).status).toBe(415);
    expect(await journalSize()).toBe(entries);
  });
});

describe('invariants, health and metrics', () => {
  it('finds no violation after racing transfers, and no wallet went negative', async () => {
    const alice = await wallet('alice', 1n);
    const bob = await wallet('bob');
    // 20 concurrent transfers of 0.1 AZR from a wallet holding 1 AZR: exactly 10 can succeed.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        as('alice').post('/transfers', { from: alice, to: bob, amount: String(AZR / 10n) }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(10);
    await mint.ledger.drain();
    expect(await balance(alice)).toBe(0n);
    const report = await as('auditor').get('/invariants');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, violations: [], unverifiedAccounts: 0 });
    expect(report.body.checkedEntries).toBeGreaterThan(10);
    expect((await as('alice').get('/invariants')).status).toBe(403);
  });

  it('reports a tampered balance as a violation, in the API and the metric', async () => {
    const alice = await wallet('alice', 2n);
    await mint.ledger.store.accounts.updateOne({ _id: alice }, { $set: { balance: String(3n * AZR) } });
    const report = await as('auditor').get('/invariants');
    expect(report.body.ok).toBe(false);
    expect(report.body.violations).toContainEqual(
      expect.objectContaining({ rule: 'balance-mismatch', account: alice }),
    );
    const metrics = await request(mint.app).get('/metrics');
    expect(metrics.text).toMatch(/^mint_invariants_ok\{[^}]*\} 0$/m);
    await mint.ledger.store.accounts.updateOne({ _id: alice }, { $set: { balance: String(2n * AZR) } });
    expect((await as('auditor').get('/invariants')).body.ok).toBe(true);
  });

  it('is ready with Mongo and the sweeper, also on the original /api/health/ready path', async () => {
    for (const path of ['/health/ready', '/api/health/ready']) {
      const res = await request(mint.app).get(path);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.checks).sort()).toEqual(['mongodb', 'sweeper']);
    }
    const metrics = (await request(mint.app).get('/metrics')).text;
    for (const name of ['mint_entries_total', 'mint_pending_entries', 'mint_transfer_duration_seconds_bucket']) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/mint_entries_total\{[^}]*type="transfer",outcome="posted"[^}]*\} [1-9]/);
  });
});
