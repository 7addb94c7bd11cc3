import mongoose from 'mongoose';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestMqtt,
  createTestRedis,
  freePort,
  startApp,
  startEmbeddedMongo,
} from './index.ts';

describe('startApp / freePort', () => {
  it('serves an app on an ephemeral loopback port and closes it', async () => {
    const started = await startApp((_req, res) => res.end('hi'));
    expect(await (await fetch(started.url)).text()).toBe('hi');
    await started.close();
    await expect(fetch(started.url)).rejects.toThrow();
  });

  it('finds a port nothing listens on', async () => {
    const port = await freePort();
    await expect(fetch(`http://127.0.0.1:${port}`)).rejects.toThrow();
  });
});

describe('createTestDatabase', () => {
  it('gives each caller its own empty database and drops it afterwards', async () => {
    const [a, b] = await Promise.all([createTestDatabase('kit'), createTestDatabase('kit')]);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    // The drop terminates this connection on purpose.
    const terminated = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.connect();
    await client.query('CREATE TABLE t (id int primary key)');
    await client.query('INSERT INTO t VALUES (1)');
    expect((await client.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(1);
    // An open connection must not stop the drop.
    await a.drop();
    expect((await terminated).message).toMatch(/terminat/);

    const other = new pg.Client({ connectionString: b.url });
    await other.connect();
    const tables = await other.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.rows[0].n).toBe(0);
    await other.end();
    await b.drop();

    const gone = new pg.Client({ connectionString: a.url });
    await expect(gone.connect()).rejects.toThrow(/does not exist/);
  });
});

describe('createTestRedis', () => {
  it('prefixes every key and deletes only its own keys on cleanup', async () => {
    const mine = await createTestRedis('kit');
    const theirs = await createTestRedis('kit');
    await mine.client.set('counter', '1');
    await mine.client.hset('user:1', 'name', 'Zanele');
    await theirs.client.set('counter', '99');
    expect(await mine.client.get('counter')).toBe('1');
    await mine.cleanup();
    expect(await theirs.client.get('counter')).toBe('99');
    const check = await createTestRedis('kit');
    expect(await check.client.exists(`${mine.prefix}counter`.slice(check.prefix.length))).toBe(0);
    await theirs.cleanup();
    await check.cleanup();
  });
});

describe('createTestMqtt', () => {
  it('publishes and receives under its own prefix', async () => {
    const mqtt = await createTestMqtt('kit');
    afterAll(() => mqtt.cleanup());
    const topic = mqtt.topic('devices/42/telemetry');
    expect(topic.startsWith(mqtt.prefix)).toBe(true);
    await mqtt.client.subscribeAsync(mqtt.topic('devices/+/telemetry'), { qos: 1 });
    const received = new Promise<string>((resolve) =>
      mqtt.client.once('message', (_t, payload) => resolve(payload.toString())),
    );
    await mqtt.client.publishAsync(topic, JSON.stringify({ temp: 21.5 }), { qos: 1 });
    expect(JSON.parse(await received)).toEqual({ temp: 21.5 });
  });
});

describe('startEmbeddedMongo', () => {
  it('serves mongoose: insert, query, and a conditional atomic update', async () => {
    const mongo = await startEmbeddedMongo();
    const connection = await mongoose.createConnection(mongo.uriFor('kit_test')).asPromise();
    try {
      const Stock = connection.model('Stock', new mongoose.Schema({ sku: String, left: Number }));
      const { _id } = await Stock.create({ sku: 'sku-1', left: 3 });
      const attempts = await Promise.all(
        Array.from({ length: 10 }, () => Stock.updateOne({ _id, left: { $gt: 0 } }, { $inc: { left: -1 } })),
      );
      expect(attempts.filter((r) => r.modifiedCount === 1)).toHaveLength(3);
      expect((await Stock.findOne({ sku: 'sku-1' }).lean())?.left).toBe(0);
    } finally {
      await connection.close();
      await mongo.stop();
    }
  });

  it('only accepts ObjectId values in _id (a known limit of the embedded server, unlike mongod)', async () => {
    const mongo = await startEmbeddedMongo();
    const connection = await mongoose.createConnection(mongo.uriFor('kit_test')).asPromise();
    try {
      const Natural = connection.model('Natural', new mongoose.Schema({ _id: String }));
      await expect(Natural.create({ _id: 'wallet:alice' })).rejects.toThrow(/24 character hex string/);
    } finally {
      await connection.close();
      await mongo.stop();
    }
  });
});
