// The leader lock on the real Redis: one holder at a time, takeover only after a dead
// holder's lease expires, and a stale holder's fenced actions refused.
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@azora/service-kit';
import { createTestRedis, type TestRedis, waitFor } from '@azora/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LeaderLock } from './leader.ts';
import { ADMIN_KEY, OPERATOR_KEY, startScheduler, type TestScheduler, tempDir } from './test-support.ts';

let redis: TestRedis;
let client: Redis;
const locks: LeaderLock[] = [];
const logger = createLogger('snapshot-scheduler', 'silent');

beforeAll(async () => {
  redis = await createTestRedis('leader');
  client = new Redis(redis.url);
});

afterEach(async () => {
  for (const lock of locks.splice(0)) await lock.stop({ release: true });
});

afterAll(async () => {
  client?.disconnect();
  await redis?.cleanup();
});

let round = 0;
function pair(ttlMs: number): [LeaderLock, LeaderLock] {
  const keyPrefix = `${redis.prefix}round${++round}:`;
  const made = ['replica-a', 'replica-b'].map(
    (instance) => new LeaderLock({ redis: client, keyPrefix, instance, ttlMs, logger }),
  ) as [LeaderLock, LeaderLock];
  locks.push(...made);
  return made;
}

async function bothStarted(a: LeaderLock, b: LeaderLock) {
  a.start();
  b.start();
  await Promise.all([a.settled(), b.settled()]);
}

describe('the leader lock', () => {
  it('lets exactly one of two replicas lead, and keeps it leading while it renews', async () => {
    const [a, b] = pair(600);
    await bothStarted(a, b);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const leader = a.isLeader ? a : b;
    const token = leader.token;
    // Several leases long: renewals keep it, the other never gets in.
    for (let i = 0; i < 8; i++) {
      await sleep(250);
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
      expect(leader.isLeader).toBe(true);
    }
    expect(leader.token).toBe(token);
    expect(await leader.leader()).toMatchObject({ instance: leader.instance, token });
  });

  it('hands over only after a dead leader’s lease has expired, with a higher fencing token', async () => {
    const [a, b] = pair(1500);
    a.start();
    await a.settled();
    b.start();
    await b.settled();
    expect(a.isLeader).toBe(true);
    const oldToken = a.token as number;

    // Dies without releasing: no more renewals, the lease stays in Redis until it expires.
    const died = Date.now();
    await a.stop({ release: false });
    await sleep(700);
    expect(b.isLeader).toBe(false);
    await waitFor('the survivor to lead', async () => (b.isLeader ? true : undefined), 5000, 20);
    expect(Date.now() - died).toBeGreaterThanOrEqual(1400);
    expect(b.token).toBeGreaterThan(oldToken);

    // The dead leader's token is refused; the new one is accepted.
    expect(await a.fence(oldToken)).toBe(false);
    expect(await b.fence(b.token as number)).toBe(true);
  });

  it('hands over at once when the leader releases on a clean stop', async () => {
    const [a, b] = pair(10_000);
    await bothStarted(a, b);
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    await leader.stop({ release: true });
    await follower.tick();
    expect(follower.isLeader).toBe(true);
  });

  it('refuses a token once a newer one was issued, even if the old lease were still in Redis', async () => {
    const [a] = pair(5000);
    a.start();
    await a.settled();
    const token = a.token as number;
    // Someone else was granted a newer token (the counter moved on).
    await client.incr(`${redis.prefix}round${round}:fencing-token`);
    expect(await a.fence(token)).toBe(false);
    expect(a.isLeader).toBe(false);
  });
});

describe('two schedulers', () => {
  let folder: Awaited<ReturnType<typeof tempDir>>;
  const running: TestScheduler[] = [];

  beforeAll(async () => {
    folder = await tempDir('leader-snapshots');
  });
  afterAll(async () => {
    for (const scheduler of running) await scheduler.stop();
    await folder?.remove();
  });

  it('refuses a paused old leader’s late snapshot write once the other replica leads, and the new leader acts', async () => {
    await redis.client.set('chatbot:state', 'v1');
    let paused: Promise<void> | undefined;
    const keyPrefix = `${redis.prefix}schedulers:`;
    const common = {
      snapshotsDir: folder.dir,
      redisKeyPrefix: keyPrefix,
      redisUrl: redis.url,
      lockTtlMs: 1000,
      services: [{ name: 'ai-chatbot', apiPrefix: 'chatbot', infrastructure: ['redis' as const] }],
      dataLocations: new Map([['ai-chatbot/redis', `${redis.prefix}chatbot:`]]),
    };
    const old = await startScheduler({
      ...common,
      instance: 'old-leader',
      // The pause: its files are written, then it stops renewing (as a frozen process
      // would) and resumes only once the other replica has taken over.
      beforeCommit: async () => {
        paused = (async () => {
          await old.lock.stop({ release: false });
          await waitFor('the other replica to lead', async () => (other.lock.isLeader ? true : undefined), 10_000, 20);
          // Resumed: it ticks again, finds the lease taken and stays a follower.
          old.lock.start();
        })();
        await paused;
      },
    });
    running.push(old);
    const other = await startScheduler({ ...common, instance: 'new-leader' }, { leader: false });
    running.push(other);
    expect(other.lock.isLeader).toBe(false);
    const refusedByFollower = await request(other.app)
      .post('/api/snapshot-scheduler/snapshots')
      .set('x-api-key', OPERATOR_KEY)
      .send({});
    expect(refusedByFollower.status).toBe(503);
    expect(refusedByFollower.body.activeScheduler).toBe('old-leader');

    const late = await request(old.app)
      .post('/api/snapshot-scheduler/snapshots')
      .set('x-api-key', OPERATOR_KEY)
      .send({});
    expect(paused).toBeDefined();
    expect(late.status).toBe(503);
    expect(late.body.outcomes[0]).toMatchObject({ outcome: 'fenced' });
    expect(late.body.outcomes[0].reason).toMatch(/fencing token \d+ is stale/);
    // Nothing of the refused snapshot is left: no snapshot, no draft.
    expect(await old.store.list()).toEqual([]);
    expect(await readdir(folder.dir)).toEqual([]);
    expect((await request(old.app).get('/metrics')).text).toMatch(/snapshots_total\{[^}]*outcome="fenced"[^}]*\} 1/);

    // The new leader acts, under a higher token.
    const taken = await request(other.app)
      .post('/api/snapshot-scheduler/snapshots')
      .set('x-api-key', ADMIN_KEY)
      .send({});
    expect(taken.status).toBe(201);
    const [manifest] = await other.store.list();
    expect(manifest).toMatchObject({ instance: 'new-leader', service: 'ai-chatbot', kind: 'redis' });
    expect(manifest?.fencingToken).toBeGreaterThan(1);
    // And the old one, resumed, no longer acts.
    await old.lock.settled();
    expect(old.lock.isLeader).toBe(false);
    const again = await request(old.app).post('/api/snapshot-scheduler/snapshots').set('x-api-key', ADMIN_KEY).send({});
    expect(again.status).toBe(503);
  });
});
