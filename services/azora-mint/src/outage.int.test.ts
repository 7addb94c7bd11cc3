// MongoDB going away under the service: requests answer 503 (never hang or 500), readiness
// says why, and once the server is back a retry under the same Idempotency-Key moves the
// funds exactly once.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { type EmbeddedMongo, startEmbeddedMongo } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BASE_UNITS_PER_AZR as AZR } from './amount.ts';
import { createMintService, type MintService } from './app.ts';

const ALICE = `alice-${'a'.repeat(24)}`;
const MINTER = `minter-${'m'.repeat(24)}`;
let dataDir: string;
let mongo: EmbeddedMongo;
let mint: MintService;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mint-outage-'));
  mongo = await startEmbeddedMongo({ storagePath: dataDir });
  mint = createMintService({
    mongodbUri: mongo.uriFor('mint_outage'),
    auth: createAuth({ apiKeys: parseApiKeys(`alice:user:${ALICE},minter:minter:${MINTER}`) }),
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
  await rm(dataDir, { recursive: true, force: true });
});

const post = (path: string, key: string, body: object, apiKey = ALICE) =>
  request(mint.app).post(`/api/azora-mint${path}`).set('x-api-key', apiKey).set('idempotency-key', key).send(body);

it('answers 503 while MongoDB is down and moves the funds once after it is back', async () => {
  const alice = (await post('/accounts', randomUUID(), {})).body.id;
  const bob = (await post('/accounts', randomUUID(), {})).body.id;
  expect((await post('/mint', randomUUID(), { to: alice, amount: String(3n * AZR) }, MINTER)).status).toBe(201);
  await mint.ledger.drain();

  await mongo.stop();
  const key = randomUUID();
  const transfer = { from: alice, to: bob, amount: String(AZR) };
  const down = await post('/transfers', key, transfer);
  expect(down.status).toBe(503);
  expect(down.headers['retry-after']).toBeDefined();
  expect(down.body.detail).toMatch(/MongoDB/);
  const ready = await request(mint.app).get('/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.body.checks.mongodb.status).toBe('fail');
  expect((await request(mint.app).get('/health')).status).toBe(200);

  mongo = await startEmbeddedMongo({ port: mongo.port, storagePath: dataDir });
  for (let i = 0; (await request(mint.app).get('/health/ready')).status !== 200; i++) {
    if (i > 100) throw new Error('not ready again after MongoDB came back');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const retried = await post('/transfers', key, transfer);
  expect(retried.status).toBe(201);
  expect((await post('/transfers', key, transfer)).body).toEqual(retried.body);
  await mint.ledger.drain();
  const balance = async (id: string) =>
    (await request(mint.app).get(`/api/azora-mint/accounts/${id}`).set('x-api-key', ALICE)).body.balance;
  expect([await balance(alice), await balance(bob)]).toEqual([String(2n * AZR), String(AZR)]);
}, 60_000);
