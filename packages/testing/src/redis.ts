import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export interface TestRedis {
  /** Every key of this test file starts with it, e.g. `test:lq3k9:a1b2c3d4:`. */
  prefix: string;
  url: string;
  /** A client whose commands are prefixed automatically (ioredis `keyPrefix`). */
  client: Redis;
  /** Deletes this file's keys and disconnects. */
  cleanup: () => Promise<void>;
}

async function deleteByPattern(client: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A key prefix of its own on the real Redis server for one test file. */
export async function createTestRedis(name = 'test'): Promise<TestRedis> {
  const prefix = `${name}:${Date.now().toString(36)}:${randomBytes(4).toString('hex')}:`;
  const url = testRedisUrl();
  const client = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 2, lazyConnect: true });
  await client.connect();
  return {
    prefix,
    url,
    client,
    cleanup: async () => {
      // SCAN patterns do not get the keyPrefix applied, so use an unprefixed client.
      const admin = new Redis(url, { maxRetriesPerRequest: 2 });
      try {
        await deleteByPattern(admin, `${prefix.replace(/[*?[\]]/g, '\\$&')}*`);
      } finally {
        admin.disconnect();
        client.disconnect();
      }
    },
  };
}
