// The service as it is deployed: its own process, configured from the environment, migrating an
// empty database, seeding the demo network (DEMO_SEED), and seeding nothing twice on a restart.
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  createTestRedis,
  startNodeProcess,
  type TestDatabase,
  type TestRedis,
} from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'viewer-key-0123456789abcdefghij';
let db: TestDatabase;
let redis: TestRedis;

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('fiveg_main'), createTestRedis('fiveg_main')]);
});

afterAll(async () => {
  await Promise.all([db?.drop(), redis?.cleanup()]);
});

const start = () =>
  startNodeProcess({
    entry: fileURLToPath(new URL('./main.ts', import.meta.url)),
    readyPath: '/health/ready',
    readyTimeoutMs: 45_000,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      API_KEYS: `console:viewer:${KEY}`,
      DEMO_SEED: 'true',
      LOG_LEVEL: 'warn',
    },
  });

async function get(url: string) {
  const res = await fetch(url, { headers: { 'x-api-key': KEY } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('main', () => {
  it('migrates, seeds the demo network once, and serves it', async () => {
    let service = await start();
    try {
      const summary = await get(`${service.url}/api/5g-manager/summary`);
      expect(summary.status).toBe(200);
      const slices = summary.body.slices as { type: string; activeSessions: number }[];
      expect(slices.map((s) => s.type)).toEqual(['eMBB', 'URLLC', 'MIoT', 'V2X']);
      expect(slices.map((s) => s.activeSessions)).toEqual([1, 1, 1, 1]);
      expect(summary.body.cells).toHaveLength(4);
      const subscribers = await get(`${service.url}/api/5g-manager/subscribers`);
      expect(subscribers.body.subscribers).toHaveLength(5);
    } finally {
      await service.stop();
    }
    service = await start();
    try {
      const sessions = await get(`${service.url}/api/5g-manager/sessions`);
      expect(sessions.body.sessions).toHaveLength(4);
      const health = await get(`${service.url}/health/ready`);
      expect(health.status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
