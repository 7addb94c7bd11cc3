// A snapshot and restore round trip for one database of each kind, through the HTTP API:
// data is written, snapshotted, changed behind the scheduler's back, restored, and must
// then read back exactly as it was at the snapshot.
import { readFile, writeFile } from 'node:fs/promises';
import {
  createTestDatabase,
  createTestRedis,
  type EmbeddedMongo,
  startEmbeddedMongo,
  type TestDatabase,
  type TestRedis,
} from '@azora/testing';
import { BSON, Decimal128, Long, MongoClient, ObjectId } from 'mongodb';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, OPERATOR_KEY, startScheduler, type TestScheduler, tempDir } from './test-support.ts';

let database: TestDatabase;
let redis: TestRedis;
let mongo: EmbeddedMongo;
let mongoClient: MongoClient;
let folder: Awaited<ReturnType<typeof tempDir>>;
let scheduler: TestScheduler;
const extraDatabases: string[] = [];
const MONGO_DB = `snapshot_test_${Date.now().toString(36)}`;

beforeAll(async () => {
  database = await createTestDatabase('snapshot_pg');
  redis = await createTestRedis('snapshot');
  mongo = await startEmbeddedMongo();
  mongoClient = new MongoClient(mongo.uri, { serverMonitoringMode: 'poll' });
  await mongoClient.connect();
  folder = await tempDir('snapshots');
  scheduler = await startScheduler({
    snapshotsDir: folder.dir,
    redisKeyPrefix: `${redis.prefix}lock:`,
    redisUrl: redis.url,
    mongodbUri: mongo.uri,
    services: [
      { name: 'gdpr-compliance', apiPrefix: 'gdpr-compliance', infrastructure: ['postgres'] },
      { name: 'ai-chatbot', apiPrefix: 'chatbot', infrastructure: ['redis'] },
      { name: 'azora-mint', apiPrefix: 'azora-mint', infrastructure: ['mongodb'] },
    ],
    dataLocations: new Map([
      ['gdpr-compliance/postgres', database.name],
      ['ai-chatbot/redis', `${redis.prefix}chatbot:`],
      ['azora-mint/mongodb', MONGO_DB],
    ]),
  });
});

afterAll(async () => {
  await scheduler?.stop();
  await mongoClient?.close();
  await mongo?.stop();
  await redis?.cleanup();
  const admin = database?.pool();
  for (const name of extraDatabases) await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await database?.drop();
  await folder?.remove();
});

async function take(service: string) {
  const response = await request(scheduler.app)
    .post('/api/snapshot-scheduler/snapshots')
    .set('x-api-key', OPERATOR_KEY)
    .send({ service });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  expect(response.body.outcomes).toHaveLength(1);
  return response.body.outcomes[0].snapshot as { id: string; contents: Record<string, number> };
}

async function restore(id: string, target?: string) {
  const response = await request(scheduler.app)
    .post(`/api/snapshot-scheduler/snapshots/${id}/restore`)
    .set('x-api-key', ADMIN_KEY)
    .send(target ? { target } : {});
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

describe('Postgres', () => {
  async function contents(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      const result: Record<string, unknown> = {};
      for (const { table_name } of tables.rows) {
        result[table_name] = (await client.query(`SELECT * FROM "${table_name}" ORDER BY 1`)).rows;
      }
      result.sequence = (await client.query('SELECT last_value FROM accounts_id_seq')).rows[0];
      result.indexes = (
        await client.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
      ).rows;
      return result;
    } finally {
      await client.end();
    }
  }

  it('restores a database to the snapshot after rows, tables and sequences changed', async () => {
    const pool = database.pool();
    await pool.query(`
      CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL, balance numeric(30,0) NOT NULL,
        meta jsonb, photo bytea, created_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX accounts_owner ON accounts (owner);
      CREATE TABLE events (id int PRIMARY KEY, account bigint REFERENCES accounts(id), note text);
      INSERT INTO accounts (owner, balance, meta, photo)
        SELECT 'owner-' || i, (10::numeric ^ 25) + i, jsonb_build_object('i', i, 'tags', jsonb_build_array('a', 'ü')),
               decode(md5(i::text), 'hex') FROM generate_series(1, 300) AS i;
      INSERT INTO events SELECT i, (i % 300) + 1, E'line one\\nline "two"\\t' || i FROM generate_series(1, 500) AS i;
    `);
    const before = await contents(database.url);

    const snapshot = await take('gdpr-compliance');
    expect(snapshot.contents).toEqual({ tables: 2 });

    await pool.query(`
      UPDATE accounts SET balance = 0 WHERE id <= 100;
      DELETE FROM events WHERE id > 250;
      INSERT INTO accounts (owner, balance) VALUES ('intruder', 1);
      DROP INDEX accounts_owner;
      ALTER TABLE events ADD COLUMN extra int;
    `);
    expect(await contents(database.url)).not.toEqual(before);

    const result = await restore(snapshot.id);
    expect(result).toMatchObject({ kind: 'postgres', target: database.name, restored: { tables: 2 } });
    expect(await contents(database.url)).toEqual(before);
  });

  it('restores into another database, which it creates', async () => {
    const list = await request(scheduler.app)
      .get('/api/snapshot-scheduler/snapshots?service=gdpr-compliance')
      .set('x-api-key', OPERATOR_KEY);
    const id = list.body.snapshots[0].id as string;
    const target = `${database.name}_copy`;
    extraDatabases.push(target);
    await restore(id, target);
    const url = new URL(database.url);
    url.pathname = `/${target}`;
    expect(await contents(url.toString())).toEqual(await contents(database.url));
  });
});

describe('Redis', () => {
  const prefix = () => `${redis.prefix}chatbot:`;
  async function contents() {
    const client = redis.client;
    const keys = (await client.keys(`${prefix()}*`)).map((key) => key.slice(redis.prefix.length)).sort();
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'string'
          ? await client.getBuffer(key)
          : type === 'hash'
            ? await client.hgetall(key)
            : type === 'list'
              ? await client.lrange(key, 0, -1)
              : type === 'set'
                ? (await client.smembers(key)).sort()
                : await client.zrange(key, 0, -1, 'WITHSCORES');
      const ttl = await client.pttl(key);
      result[key] = { type, value, expires: ttl > 0 ? Math.round(ttl / 10_000) : ttl };
    }
    return result;
  }

  it('restores the keys under the service prefix — values, types and expiries — and removes keys added since', async () => {
    const c = redis.client;
    await c.set('chatbot:session:1', 'hello');
    await c.set(Buffer.from('chatbot:bin:\u00ff\u0000'), Buffer.from([0, 1, 2, 255]));
    await c.hset('chatbot:profile:1', { name: 'Thandi', visits: '3' });
    await c.rpush('chatbot:history:1', 'hi', 'how are you', 'bye');
    await c.sadd('chatbot:tags', 'a', 'b', 'c');
    await c.zadd('chatbot:scores', 1, 'x', 2.5, 'y');
    await c.set('chatbot:expiring', 'soon', 'PX', 120_000);
    await c.set('other-service:untouched', 'mine');
    const before = await contents();
    expect(Object.keys(before)).toHaveLength(7);

    const snapshot = await take('ai-chatbot');
    expect(snapshot.contents).toEqual({ keys: 7 });

    await c.set('chatbot:session:1', 'changed');
    await c.del('chatbot:profile:1');
    await c.rpush('chatbot:history:1', 'again');
    await c.persist('chatbot:expiring');
    await c.set('chatbot:new', 'added after the snapshot');
    await c.set('other-service:untouched', 'still mine');
    expect(await contents()).not.toEqual(before);

    const result = await restore(snapshot.id);
    expect(result.restored).toMatchObject({ keys: 7, expired: 0, removed: 7 });
    expect(await contents()).toEqual(before);
    // Keys outside the prefix are another service's: never touched.
    expect(await c.get('other-service:untouched')).toBe('still mine');
  });
});

describe('MongoDB', () => {
  async function contents() {
    const db = mongoClient.db(MONGO_DB);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    const result: Record<string, unknown> = {};
    for (const name of names) {
      const docs = await db.collection(name).find({}).toArray();
      docs.sort((a, b) => String(a._id).localeCompare(String(b._id)));
      result[name] = BSON.EJSON.stringify(docs, { relaxed: false });
    }
    return result;
  }

  it('restores every collection with every BSON type, and drops collections added since', async () => {
    const db = mongoClient.db(MONGO_DB);
    await db.collection('accounts').insertMany(
      Array.from({ length: 50 }, (_, i) => ({
        _id: new ObjectId(),
        owner: `owner-${i}`,
        balance: Long.fromString(`${9_000_000_000_000 + i}`),
        rate: Decimal128.fromString(`0.${i}5`),
        opened: new Date(Date.UTC(2024, 0, 1 + i)),
        tags: ['a', { nested: i }],
      })),
    );
    await db
      .collection('entries')
      .insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: new ObjectId(), seq: i, memo: `memo "${i}"\n` })));
    const before = await contents();

    const snapshot = await take('azora-mint');
    expect(snapshot.contents).toEqual({ collections: 2, documents: 170 });

    await db.collection('accounts').updateMany({}, { $set: { balance: Long.fromInt(0) } });
    await db.collection('entries').deleteMany({ seq: { $gte: 100 } });
    await db.collection('intruders').insertOne({ _id: new ObjectId(), note: 'added after the snapshot' });
    expect(await contents()).not.toEqual(before);

    const result = await restore(snapshot.id);
    expect(result.restored).toEqual({ collections: 2, documents: 170 });
    expect(await contents()).toEqual(before);
  });
});

describe('a damaged snapshot', () => {
  it('is refused (422) before anything is touched, and counted as a failed restore', async () => {
    const snapshot = await take('ai-chatbot');
    await redis.client.set('chatbot:after-damage', 'kept');
    const file = scheduler.store.filePath(snapshot.id, 'keys.ndjson');
    await writeFile(file, `${await readFile(file, 'utf8')}{"k":"eA==","v":"eA==","e":null}\n`);

    const response = await request(scheduler.app)
      .post(`/api/snapshot-scheduler/snapshots/${snapshot.id}/restore`)
      .set('x-api-key', ADMIN_KEY)
      .send({});
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/keys\.ndjson no longer match/);
    expect(await redis.client.get('chatbot:after-damage')).toBe('kept');
    const metrics = await request(scheduler.app).get('/metrics');
    expect(metrics.text).toMatch(/snapshot_restores_total\{[^}]*outcome="failed"[^}]*\} 1/);
  });
});
