import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * ioredis is loaded when a service makes its first client: the kit is imported by services
 * that never talk to Redis, and the library would cost each of them about 4 MB resident.
 * `require`, not `import()`: making a client stays synchronous (ioredis is CommonJS).
 */
const require = createRequire(import.meta.url);

/**
 * The Redis settings of a service that stores in Redis: `REDIS_URL`, and
 * `REDIS_KEY_PREFIX` so several services (and test files) can share one server.
 * Spread into the shape given to `loadConfig`.
 */
export function redisConfigShape(defaultKeyPrefix: string) {
  return {
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    REDIS_KEY_PREFIX: z.string().max(100, 'must be at most 100 characters').default(defaultKeyPrefix),
  };
}

export interface RedisClientOptions {
  url: string;
  /** Prepended to every key (ioredis `keyPrefix`). */
  keyPrefix: string;
  /** A command that gets no answer in this time fails instead of hanging (default 3000 ms). */
  commandTimeoutMs?: number;
}

/**
 * A client that fails fast while Redis is away — no offline queue (a command sent while
 * disconnected fails at once), one retry per command, a command timeout — so requests
 * answer 503 instead of hanging, while it keeps reconnecting in the background.
 * Connection errors surface through readiness checks and failed commands. It connects in
 * the background: commands fail until its `ready` event, so wait for that where it matters.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  const client = new RedisClient(options.url, {
    keyPrefix: options.keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 3000,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Without a listener ioredis prints every failed reconnection attempt.
  client.on('error', () => {});
  client.connect().catch(() => {});
  return client;
}
