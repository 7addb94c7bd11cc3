import { startEmbeddedMongo } from '@azora/testing';
import { describe, expect, it } from 'vitest';
import { isDuplicateKey, isMongoUnavailable, MongoConnection, naturalId, parseObjectId } from './index.ts';

describe('naturalId', () => {
  it('is the first 12 bytes of the key’s SHA-256, the same every time', () => {
    expect(naturalId('account\nalice\nk1').toHexString()).toBe(naturalId('account\nalice\nk1').toHexString());
    expect(naturalId('a').toHexString()).toBe('ca978112ca1bbdcafac231b3');
    expect(naturalId('a').equals(naturalId('b'))).toBe(false);
    expect(parseObjectId('CA978112CA1BBDCAFAC231B3')?.toHexString()).toBe('ca978112ca1bbdcafac231b3');
    expect(parseObjectId('xyz')).toBeUndefined();
  });
});

describe('MongoConnection', () => {
  it('keeps trying until the server is up, dedupes natural keys, and fails fast once it is gone', async () => {
    let retries = 0;
    const mongo = await startEmbeddedMongo();
    const port = mongo.port;
    await mongo.stop();
    const connection = new MongoConnection({
      uri: `mongodb://127.0.0.1:${port}/kit`,
      retryDelayMs: 100,
      serverSelectionTimeoutMs: 500,
      onRetry: () => retries++,
    });
    const opening = connection.open();
    await new Promise((resolve) => setTimeout(resolve, 700));
    const restarted = await startEmbeddedMongo({ port });
    try {
      await opening;
      expect(await connection.ping()).toEqual({ database: 'kit' });
      const things = connection.connection.collection('things');
      await things.insertOne({ _id: naturalId('one'), key: 'one' });
      const duplicate = await things.insertOne({ _id: naturalId('one'), key: 'one' }).catch((error: unknown) => error);
      expect(isDuplicateKey(duplicate)).toBe(true);
    } finally {
      await restarted.stop();
    }
    const failure = await connection.connection
      .collection('things')
      .findOne({})
      .catch((error: unknown) => error);
    expect(isMongoUnavailable(failure)).toBe(true);
    expect(retries, 'attempts while the server was down').toBeGreaterThan(0);
    await connection.close();
  }, 20_000);
});
