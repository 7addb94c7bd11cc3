// The HTTP API: roles, bad input as 4xx, manifests that describe their files truthfully,
// outcomes for absent and unreachable databases, retention, metrics, and the status page.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestRedis, freePort, type TestRedis, waitFor } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, OPERATOR_KEY, startScheduler, type TestScheduler, tempDir, VIEWER_KEY } from './test-support.ts';

let redis: TestRedis;
let folder: Awaited<ReturnType<typeof tempDir>>;
let scheduler: TestScheduler;
const API = '/api/snapshot-scheduler';

beforeAll(async () => {
  redis = await createTestRedis('snapshot-app');
  folder = await tempDir('app-snapshots');
  await redis.client.set('chatbot:a', '1');
  await redis.client.hset('chatbot:b', { field: 'value' });
  scheduler = await startScheduler({
    snapshotsDir: folder.dir,
    redisUrl: redis.url,
    redisKeyPrefix: `${redis.prefix}lock:`,
    retentionKeep: 2,
    retentionDailyDays: 0,
    services: [
      { name: 'ai-chatbot', apiPrefix: 'chatbot', infrastructure: ['redis'] },
      // Its database was never created: nothing to snapshot yet.
      { name: 'sox-compliance', apiPrefix: 'sox-compliance', infrastructure: ['postgres'] },
    ],
    dataLocations: new Map([
      ['ai-chatbot/redis', `${redis.prefix}chatbot:`],
      ['sox-compliance/postgres', `absent_${Date.now().toString(36)}`],
    ]),
  });
});

afterAll(async () => {
  await scheduler?.stop();
  await redis?.cleanup();
  await folder?.remove();
});

const as = (key: string | undefined, method: 'get' | 'post', path: string) => {
  const req = request(scheduler.app)[method](`${API}${path}`);
  return key ? req.set('x-api-key', key) : req;
};

describe('roles', () => {
  it('lets any authenticated caller read, operators take snapshots and only admins restore', async () => {
    expect((await as(undefined, 'get', '/snapshots')).status).toBe(401);
    expect((await as(VIEWER_KEY, 'get', '/snapshots')).status).toBe(200);
    expect((await as(VIEWER_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot' })).status).toBe(403);
    const taken = await as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot' });
    expect(taken.status).toBe(201);
    const id = taken.body.outcomes[0].snapshot.id;
    expect((await as(OPERATOR_KEY, 'post', `/snapshots/${id}/restore`).send({})).status).toBe(403);
    expect((await as(OPERATOR_KEY, 'post', '/sweep')).status).toBe(403);
    // No body at all: into the snapshot's own key prefix.
    expect((await as(ADMIN_KEY, 'post', `/snapshots/${id}/restore`)).status).toBe(200);
  });
});

describe('bad input', () => {
  it('answers 4xx with a message that says what is wrong', async () => {
    const cases: [ReturnType<typeof as>, number, RegExp][] = [
      [
        as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'nope' }),
        400,
        /"nope" is not a service whose data is snapshotted/,
      ],
      [
        as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot', kind: 'postgres' }),
        400,
        /has no postgres data/,
      ],
      [as(OPERATOR_KEY, 'post', '/snapshots').send({ kind: 'oracle' }), 400, /kind.*postgres, redis or mongodb/],
      [as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot', extra: 1 }), 400, /extra/],
      [as(OPERATOR_KEY, 'post', '/snapshots').send([1]), 400, /must be a JSON object/],
      [
        as(OPERATOR_KEY, 'post', '/snapshots').set('content-type', 'application/json').send('{"service":'),
        400,
        /JSON/i,
      ],
      [as(OPERATOR_KEY, 'get', '/snapshots/../../etc'), 404, /./],
      [as(OPERATOR_KEY, 'get', '/snapshots/not-an-id'), 400, /must be a snapshot id/],
      [as(OPERATOR_KEY, 'get', '/snapshots/20250101T000000000Z-ai-chatbot-redis-00000000'), 404, /no snapshot with id/],
      [
        as(ADMIN_KEY, 'post', '/snapshots/20250101T000000000Z-ai-chatbot-redis-00000000/restore').send({}),
        404,
        /no snapshot with id/,
      ],
      [as(OPERATOR_KEY, 'get', '/snapshots?limit=0'), 400, /limit/],
      [as(OPERATOR_KEY, 'get', '/snapshots?kind=oracle'), 400, /kind/],
    ];
    for (const [pending, status, detail] of cases) {
      const response = await pending;
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(String(response.body.detail ?? response.body.title)).toMatch(detail);
    }
    const [snapshot] = await scheduler.store.list();
    const badTarget = await as(ADMIN_KEY, 'post', `/snapshots/${snapshot?.id}/restore`).send({ target: '' });
    expect(badTarget.status).toBe(400);
    const globTarget = await as(ADMIN_KEY, 'post', `/snapshots/${snapshot?.id}/restore`).send({ target: 'all*' });
    expect(globTarget.status).toBe(400);
    expect(globTarget.body.detail).toMatch(/target: a Redis target must be a key prefix/);
  });
});

describe('snapshots', () => {
  it('writes a manifest whose sizes and SHA-256 match the files, with timestamps and the source version', async () => {
    const taken = await as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot' });
    const id = taken.body.outcomes[0].snapshot.id;
    const manifest = (await as(VIEWER_KEY, 'get', `/snapshots/${id}`)).body;
    expect(manifest).toMatchObject({
      id,
      service: 'ai-chatbot',
      kind: 'redis',
      format: 'redis-dump-ndjson',
      trigger: 'manual',
      contents: { keys: 2 },
      source: { server: 'redis', version: expect.stringMatching(/^\d+\.\d+/) },
    });
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    for (const file of manifest.files) {
      const bytes = await readFile(scheduler.store.filePath(id, file.name));
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(manifest.totalBytes).toBeGreaterThan(0);
  });

  it('answers skipped for a database that does not exist, and 502 naming the failure when a server is unreachable', async () => {
    const all = await as(OPERATOR_KEY, 'post', '/snapshots').send({});
    expect(all.status).toBe(201);
    expect(all.body.outcomes.map((o: { service: string; outcome: string }) => [o.service, o.outcome])).toEqual([
      ['ai-chatbot', 'success'],
      ['sox-compliance', 'skipped'],
    ]);

    const port = await freePort();
    const down = await startScheduler({
      snapshotsDir: folder.dir,
      redisUrl: redis.url,
      redisKeyPrefix: `${redis.prefix}down-lock:`,
      postgresUrl: `postgres://postgres@127.0.0.1:${port}`,
      services: [{ name: 'sox-compliance', apiPrefix: 'sox-compliance', infrastructure: ['postgres'] }],
    });
    try {
      const failed = await request(down.app).post(`${API}/snapshots`).set('x-api-key', OPERATOR_KEY).send({});
      expect(failed.status).toBe(502);
      expect(failed.body.outcomes[0]).toMatchObject({ service: 'sox-compliance', kind: 'postgres', outcome: 'failed' });
      expect(failed.body.outcomes[0].reason).toMatch(/ECONNREFUSED/);
      expect((await request(down.app).get('/metrics')).text).toMatch(/snapshots_total\{[^}]*outcome="failed"[^}]*\} 1/);
    } finally {
      await down.stop();
    }
  });

  it('keeps only what the retention policy allows (here the 2 newest), newest first in the list', async () => {
    for (let i = 0; i < 3; i++) await as(OPERATOR_KEY, 'post', '/snapshots').send({ service: 'ai-chatbot' });
    const list = await as(VIEWER_KEY, 'get', '/snapshots?service=ai-chatbot');
    expect(list.body.total).toBe(2);
    const [newer, older] = list.body.snapshots;
    expect(newer.startedAt >= older.startedAt).toBe(true);
    expect(newer.files).toBeUndefined();
    expect((await request(scheduler.app).get('/metrics')).text).toMatch(/snapshots_deleted_total\{[^}]*\} [1-9]/);
  });
});

describe('metrics and status', () => {
  it('exports the snapshot, leader and recovery metrics, and keeps the last success across a restart', async () => {
    const text = (await request(scheduler.app).get('/metrics')).text;
    expect(text).toMatch(
      /snapshot_last_success_timestamp_seconds\{[^}]*service="ai-chatbot"[^}]*kind="redis"[^}]*\} \d+/,
    );
    expect(text).toMatch(/snapshot_bytes\{[^}]*service="ai-chatbot"[^}]*\} [1-9]/);
    expect(text).toMatch(/snapshot_duration_seconds_count\{[^}]*kind="redis"[^}]*\} [1-9]/);
    expect(text).toMatch(/snapshot_scheduler_leader\{[^}]*\} 1/);
    expect(text).toMatch(/snapshot_recovery_triggers_total\{[^}]*outcome="triggered"[^}]*\} 0/);
    expect(text).toMatch(/snapshot_restores_total\{[^}]*outcome="success"[^}]*\} 1/);

    const restarted = await startScheduler(
      { snapshotsDir: folder.dir, redisUrl: redis.url, redisKeyPrefix: `${redis.prefix}lock:`, services: [] },
      { leader: false },
    );
    try {
      const again = (await request(restarted.app).get('/metrics')).text;
      expect(again).toMatch(/snapshot_last_success_timestamp_seconds\{[^}]*service="ai-chatbot"[^}]*\} \d+/);
      // Same lock, other replica: a follower.
      expect(again).toMatch(/snapshot_scheduler_leader\{[^}]*\} 0/);
    } finally {
      await restarted.stop();
    }
  });

  it('shows the leader, the schedules with their next run, and the targets', async () => {
    const status = (await as(VIEWER_KEY, 'get', '/status')).body;
    expect(status).toMatchObject({
      leader: true,
      fencingToken: expect.any(Number),
      activeScheduler: { instance: status.instance, token: status.fencingToken },
      schedules: { snapshots: { cron: '0 0 1 1 *' }, recovery: { enabled: false, next: null } },
      retention: { keep: 2, dailyDays: 0 },
      targets: 2,
    });
    expect(Date.parse(status.schedules.snapshots.next)).toBeGreaterThan(Date.now());
    const targets = (await as(VIEWER_KEY, 'get', '/targets')).body.targets;
    expect(targets.map((t: { service: string }) => t.service)).toEqual(['ai-chatbot', 'sox-compliance']);
    const ready = await request(scheduler.app).get('/health/ready');
    expect(ready.status).toBe(200);
  });
});

describe('DEMO_SEED', () => {
  it('takes a first round as soon as it leads on an empty volume, and nothing more on the next start', async () => {
    const seeded = await tempDir('seeded-snapshots');
    const options = {
      snapshotsDir: seeded.dir,
      redisUrl: redis.url,
      redisKeyPrefix: `${redis.prefix}seed-lock:`,
      demoSeed: true,
      services: [{ name: 'ai-chatbot', apiPrefix: 'chatbot', infrastructure: ['redis' as const] }],
      dataLocations: new Map([['ai-chatbot/redis', `${redis.prefix}chatbot:`]]),
    };
    try {
      const first = await startScheduler(options);
      const [manifest] = await waitFor(
        'the seed round',
        async () => {
          const list = await first.store.list();
          return list.length > 0 ? list : undefined;
        },
        10_000,
      );
      expect(manifest).toMatchObject({ service: 'ai-chatbot', trigger: 'demo-seed' });
      await first.stop();
      const second = await startScheduler(options);
      await sleep(500);
      expect(await second.store.list()).toHaveLength(1);
      await second.stop();
    } finally {
      await seeded.remove();
    }
  });
});
