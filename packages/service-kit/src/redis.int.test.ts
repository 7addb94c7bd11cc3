import { once } from 'node:events';
import { freePort } from '@azora/testing';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { createRedisClient, redisConfigShape } from './redis.ts';

describe('redisConfigShape', () => {
  it('defaults to the local server and the service prefix, and names a bad URL', () => {
    expect(loadConfig('ai-chatbot', redisConfigShape('chatbot:'), {})).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'chatbot:',
    });
    expect(() => loadConfig('ai-chatbot', redisConfigShape('chatbot:'), { REDIS_URL: 'localhost:6379' })).toThrow(
      /REDIS_URL/,
    );
    expect(() => loadConfig('ai-chatbot', redisConfigShape('chatbot:'), { REDIS_URL: 'http://x' })).toThrow(
      ConfigError,
    );
  });
});

describe('createRedisClient', () => {
  it('prefixes every key on the real server', async () => {
    const prefix = `kit-test:${process.pid}:${Date.now()}:`;
    const client = createRedisClient({
      url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: prefix,
    });
    const plain = createRedisClient({ url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: '' });
    try {
      await Promise.all([once(client, 'ready'), once(plain, 'ready')]);
      await client.set('greeting', 'hello');
      expect(await plain.get(`${prefix}greeting`)).toBe('hello');
    } finally {
      await plain.del(`${prefix}greeting`);
      client.disconnect();
      plain.disconnect();
    }
  });

  it('fails a command at once while Redis is unreachable instead of queueing it', async () => {
    const client = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'x:' });
    try {
      const started = performance.now();
      await expect(client.get('anything')).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      client.disconnect();
    }
  });
});
