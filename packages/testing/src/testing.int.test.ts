import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestMqtt,
  createTestRedis,
  freePort,
  mongoCommand,
  startApp,
  startEmbeddedMongo,
  waitFor,
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

  it('answers filters on _id (equality, $eq, $in) like a scan would, with other conditions applied', async () => {
    const mongo = await startEmbeddedMongo();
    const connection = await mongoose.createConnection(mongo.uriFor('kit_ids')).asPromise();
    try {
      const items = connection.collection<{ _id: mongoose.Types.ObjectId; n: number }>('items');
      const ids = Array.from({ length: 40 }, () => new mongoose.Types.ObjectId());
      await items.insertMany(ids.map((_id, n) => ({ _id, n })));
      const id = (n: number) => ids[n] as mongoose.Types.ObjectId;
      const ns = async (filter: object) => (await items.find(filter).toArray()).map((doc) => doc.n);

      expect(await ns({ _id: id(7) })).toEqual([7]);
      expect(await ns({ _id: { $eq: id(8) } })).toEqual([8]);
      expect(await ns({ _id: id(7), n: 8 })).toEqual([]);
      expect(await ns({ n: 7, _id: id(7) })).toEqual([7]);
      expect(await ns({ _id: new mongoose.Types.ObjectId() })).toEqual([]);
      // In the collection's order, whatever the order of the list; duplicates and unknown ids ignored.
      expect(await ns({ _id: { $in: [id(30), id(2), id(30), new mongoose.Types.ObjectId(), id(11)] } })).toEqual([
        2, 11, 30,
      ]);
      expect(await ns({ _id: { $in: [id(3), id(4)] }, n: { $gt: 3 } })).toEqual([4]);
      // Not an ObjectId condition: the whole collection is tested, as before.
      expect(await ns({ _id: { $ne: id(0) }, n: { $lt: 3 } })).toEqual([1, 2]);

      const raced = await Promise.all(
        Array.from({ length: 5 }, () => items.updateOne({ _id: id(5), n: 5 }, { $inc: { n: 100 } })),
      );
      expect(raced.filter((result) => result.modifiedCount === 1)).toHaveLength(1);
      expect(await ns({ _id: id(5) })).toEqual([105]);
      expect((await items.deleteMany({ _id: { $in: [id(0), id(1)] } })).deletedCount).toBe(2);
      expect(await items.countDocuments()).toBe(38);
    } finally {
      await connection.close();
      await mongo.stop();
    }
  });

  it('keeps the data of a data directory across a restart, every BSON type and index intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azora-mongo-'));
    const ref = new mongoose.Types.ObjectId('0123456789abcdef01234567');
    const schema = new mongoose.Schema({
      at: Date,
      ref: mongoose.Schema.Types.ObjectId,
      amount: mongoose.Schema.Types.Decimal128,
      refs: [mongoose.Schema.Types.ObjectId],
      left: Number,
    });
    const session = async <T>(work: (Entry: mongoose.Model<mongoose.InferSchemaType<typeof schema>>) => Promise<T>) => {
      const mongo = await startEmbeddedMongo({ storagePath: dir, persistIntervalMs: 60_000 });
      const connection = await mongoose.createConnection(mongo.uriFor('kit_test')).asPromise();
      try {
        return await work(connection.model('Entry', schema));
      } finally {
        await connection.close();
        await mongo.stop();
      }
    };
    try {
      await session(async (Entry) => {
        const { _id } = await Entry.create({
          at: new Date('2024-01-01'),
          ref,
          amount: '1500000000000000000',
          refs: [ref],
          left: 3,
        });
        const attempts = await Promise.all(
          Array.from({ length: 10 }, () => Entry.updateOne({ _id, left: { $gt: 0 } }, { $inc: { left: -1 } })),
        );
        expect(attempts.filter((r) => r.modifiedCount === 1)).toHaveLength(3);
        await Entry.collection.createIndex({ refs: 1, at: -1 });
      });
      // Saved on stop (the interval is a minute): to the data directory's one file.
      expect(existsSync(join(dir, 'congo.json'))).toBe(true);
      await session(async (Entry) => {
        // Queries by Date, ObjectId and array member still match: the types were kept.
        expect(await Entry.countDocuments({ at: { $lt: new Date('2025-01-01') }, ref, refs: ref })).toBe(1);
        const entry = await Entry.findOne().lean();
        expect(entry?.left).toBe(0);
        expect(String(entry?.amount)).toBe('1500000000000000000');
        expect((await Entry.collection.indexes()).map((i) => i.name)).toContain('refs_1_at_-1');
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('saves changed data on its interval, and refuses to start on a data file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'azora-mongo-'));
    try {
      const mongo = await startEmbeddedMongo({ storagePath: dir, persistIntervalMs: 50 });
      const connection = await mongoose.createConnection(mongo.uriFor('kit_test')).asPromise();
      await connection.collection('notes').insertOne({ text: 'saved without a stop' });
      // Written by the 50 ms interval, not by a stop: however long a busy machine takes to get to it.
      await waitFor(
        'the insert saved by the interval',
        async () =>
          (await readFile(join(dir, 'congo.json'), 'utf8').catch(() => '')).includes('saved without a stop')
            ? true
            : undefined,
        10_000,
        50,
      );
      await connection.close();
      await mongo.stop();

      await writeFile(join(dir, 'congo.json'), '{"databases": {"kit_test": ');
      await expect(startEmbeddedMongo({ storagePath: dir })).rejects.toThrow(/congo\.json is not a data file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps Decimal128 and Long fields through an update of another field (the server’s copy lost them)', async () => {
    const mongo = await startEmbeddedMongo();
    const connection = await mongoose.createConnection(mongo.uriFor('kit_test')).asPromise();
    try {
      const notes = connection.collection('values');
      const big = mongoose.mongo.Long.fromString('9223372036854775000');
      const { insertedId } = await notes.insertOne({
        amount: mongoose.Types.Decimal128.fromString('1500000000000000000'),
        big,
        left: 3,
      });
      await notes.updateOne({ _id: insertedId }, { $inc: { left: -1 } });
      const stored = await notes.findOne({ _id: insertedId });
      expect(stored?.amount).toBeInstanceOf(mongoose.mongo.Decimal128);
      expect(String(stored?.amount)).toBe('1500000000000000000');
      expect(String(stored?.big)).toBe('9223372036854775000');
      expect(stored?.left).toBe(2);
    } finally {
      await connection.close();
      await mongo.stop();
    }
  });

  it('answers a command sent without a driver (mongoCommand), and rejects one it refuses', async () => {
    const mongo = await startEmbeddedMongo();
    try {
      expect(await mongoCommand('127.0.0.1', mongo.port, { ping: 1, $db: 'admin' })).toMatchObject({ ok: 1 });
      await mongoCommand('127.0.0.1', mongo.port, { insert: 'notes', documents: [{ text: 'hi' }], $db: 'kit_test' });
      const found = await mongoCommand('127.0.0.1', mongo.port, { find: 'notes', filter: {}, $db: 'kit_test' });
      expect((found.cursor as { firstBatch: { text: string }[] }).firstBatch.map((d) => d.text)).toEqual(['hi']);
      await expect(mongoCommand('127.0.0.1', mongo.port, { $db: 'kit_test', find: 'notes' })).rejects.toThrow(
        /no such command/,
      );
    } finally {
      await mongo.stop();
    }
  });

  it('mongoCommand rejects, naming it, when the peer hangs up without answering', async () => {
    const hangsUp = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangsUp.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hangsUp.address() as AddressInfo;
      await expect(mongoCommand('127.0.0.1', port, { ping: 1, $db: 'admin' }, 30_000)).rejects.toThrow(
        /closed the connection without answering/,
      );
    } finally {
      await new Promise((resolve) => hangsUp.close(resolve));
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
