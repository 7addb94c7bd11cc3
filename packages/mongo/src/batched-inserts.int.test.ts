import { startEmbeddedMongo } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchedInserts, isDuplicateKey, isMongoUnavailable, mongoose, naturalId } from './index.ts';

interface Thing {
  _id: mongoose.Types.ObjectId;
  key: string;
}

const mongo = await startEmbeddedMongo();
const client = new mongoose.mongo.MongoClient(mongo.uriFor('kit_batched'), { monitorCommands: true });
let insertCommands = 0;
client.on('commandStarted', (event) => {
  if (event.commandName === 'insert') insertCommands++;
});
const things = () => client.db().collection<Thing>('things');
const thing = (key: string): Thing => ({ _id: naturalId(key), key });

beforeAll(() => client.connect());
afterAll(async () => {
  await client.close();
  await mongo.stop();
});

describe('BatchedInserts', () => {
  it('inserts concurrent documents in a few round trips, each caller told when its own is in', async () => {
    const inserts = new BatchedInserts(things, { maxBatch: 50 });
    const before = insertCommands;
    await Promise.all(Array.from({ length: 200 }, (_, n) => inserts.insert(thing(`many-${n}`))));
    expect(await things().countDocuments({ key: /^many-/ })).toBe(200);
    expect(insertCommands - before, 'insert commands for 200 documents').toBe(4);

    // Alone, a document goes at once, in a batch of its own.
    const alone = insertCommands;
    await inserts.insert(thing('alone'));
    expect(insertCommands - alone).toBe(1);
    expect(await things().findOne({ _id: naturalId('alone') })).toMatchObject({ key: 'alone' });
  });

  it('refuses only the callers of duplicate ids, and inserts the rest of their batch', async () => {
    const inserts = new BatchedInserts(things);
    await inserts.insert(thing('taken'));
    const outcomes = await Promise.allSettled([
      inserts.insert(thing('fresh-1')),
      inserts.insert(thing('taken')),
      inserts.insert(thing('twice')),
      inserts.insert(thing('twice')),
      inserts.insert(thing('fresh-2')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(isDuplicateKey(outcome.reason)).toBe(true);
    }
    expect(await things().countDocuments({ key: { $in: ['fresh-1', 'fresh-2', 'twice', 'taken'] } })).toBe(4);
  });

  it('rejects every caller of a batch the server never answered, and goes on once it is back', async () => {
    const server = await startEmbeddedMongo();
    const gone = new mongoose.mongo.MongoClient(server.uriFor('kit_gone'), { serverSelectionTimeoutMS: 500 });
    await gone.connect();
    const inserts = new BatchedInserts(() => gone.db().collection<Thing>('things'));
    await inserts.insert(thing('before'));
    await server.stop();
    const outcomes = await Promise.allSettled([inserts.insert(thing('lost-1')), inserts.insert(thing('lost-2'))]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason;
      expect(isMongoUnavailable(reason), String(reason?.name)).toBe(true);
    }
    const back = await startEmbeddedMongo({ port: server.port });
    try {
      await inserts.insert(thing('after'));
      expect(await gone.db().collection<Thing>('things').countDocuments()).toBe(1);
    } finally {
      await gone.close();
      await back.stop();
    }
  }, 20_000);
});
