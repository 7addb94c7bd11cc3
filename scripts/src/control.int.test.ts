// The dev control API over real supervised processes: the token, the listing, and a
// killed service brought back at once through POST /services/<name>/restart instead of
// after its backoff — by hand, and by tracing-recovery watching it as under `pnpm dev`.
import { join } from 'node:path';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis, waitFor } from '@azora/testing';
import { createTracingService, type TracingService } from 'tracing-recovery/src/app.ts';
import { DevRuntime } from 'tracing-recovery/src/runtime.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlServer, startControlServer } from './control.ts';
import { devCommand } from './dev-script.ts';
import { devScriptOf } from './discover.ts';
import { type Supervised, supervise } from './supervisor.ts';
import { createFixtureRepo, type FixtureRepo, isAlive } from './test-fixtures.ts';

let repo: FixtureRepo;
let control: ControlServer;
const supervised: Supervised[] = [];
const TOKEN = 'test-control-token-0123456789';

beforeAll(async () => {
  repo = await createFixtureRepo([{ name: 'ai-sentiment', mode: 'normal' }]);
  const entry = repo.services[0] as (typeof repo.services)[number];
  supervised.push(
    supervise(
      {
        name: entry.name,
        cwd: join(repo.root, entry.folder),
        port: entry.port,
        readyUrl: `http://127.0.0.1:${entry.port}/health/ready`,
        env: { ...process.env, PORT: String(entry.port) },
        logFile: join(repo.root, 'ai-sentiment.log'),
      },
      {
        command: devCommand(devScriptOf(repo.root, entry) as string).command,
        readyTimeoutMs: 20_000,
        // A backoff far longer than the test: only the control API can bring it back in time.
        backoff: { initialMs: 120_000, maxMs: 120_000, resetAfterMs: 600_000 },
        onEvent: () => {},
      },
    ),
  );
  control = await startControlServer({ token: TOKEN, services: () => supervised });
});
afterAll(async () => {
  await Promise.all(supervised.map((s) => s.stop(5000)));
  await control?.close();
  await repo?.cleanup();
});

const call = (method: string, path: string, token = TOKEN) =>
  fetch(`${control.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

describe('the dev control API', () => {
  it('listens on loopback and answers only requests with the run’s token', async () => {
    expect(control.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${control.url}/services`)).status).toBe(401);
    expect((await call('GET', '/services', 'wrong-token-0123456789abcd')).status).toBe(401);
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await call('POST', '/services/not-supervised/restart')).status).toBe(404);
    expect((await call('DELETE', '/services')).status).toBe(405);
  });

  it('lists the services with their state, and brings a killed one back at once', async () => {
    const [service] = supervised as [Supervised];
    expect((await service.outcome).status).toBe('ready');
    const listed = (await (await call('GET', '/services')).json()) as {
      services: { name: string; state: string; pid: number }[];
    };
    expect(listed.services).toEqual([
      { name: 'ai-sentiment', state: 'ready', pid: service.processGroup(), restarts: 0 },
    ]);

    // Kill it behind the supervisor's back: it would wait two minutes before restarting.
    const pid = service.processGroup() as number;
    process.kill(-pid, 'SIGKILL');
    await waitFor(
      'the supervisor to see the exit',
      async () => (service.state() === 'exited' ? true : undefined),
      10_000,
    );
    expect(await isAlive(pid)).toBe(false);

    const res = await call('POST', '/services/ai-sentiment/restart');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'ai-sentiment', previousState: 'exited' });
    await waitFor('ready again', async () => (service.state() === 'ready' ? true : undefined), 20_000);
    expect(service.restarts()).toBe(1);

    // A running one is stopped and started again, with a new process.
    const before = service.processGroup();
    const again = await call('POST', '/services/ai-sentiment/restart');
    expect(await again.json()).toMatchObject({ previousState: 'ready' });
    await waitFor('ready after the restart', async () => (service.state() === 'ready' ? true : undefined), 20_000);
    expect(service.processGroup()).not.toBe(before);
    expect(service.restarts()).toBe(2);
  });
});

describe('self-healing under pnpm dev', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let tracing: TracingService;

  beforeAll(async () => {
    database = await createTestDatabase('control_tracing');
    redis = await createTestRedis('control-tracing');
    tracing = createTracingService({
      databaseUrl: database.url,
      redisUrl: redis.url,
      redisKeyPrefix: redis.prefix,
      // It watches the supervised service, as `pnpm dev` wires it (DEV_CONTROL_URL and token).
      targets: [
        {
          name: 'ai-sentiment',
          url: `http://127.0.0.1:${repo.services[0]?.port}`,
          readyPath: '/health/ready',
          infrastructure: [],
          calls: [],
        },
      ],
      runtimeAdapter: new DevRuntime({ url: control.url, token: TOKEN }),
      pollIntervalMs: 500,
      failuresToOpen: 2,
      recoveryBackoffMs: 0,
    });
    await tracing.start();
  }, 60_000);
  afterAll(async () => {
    for (const resource of [...(tracing?.resources ?? [])].reverse()) await resource.close();
    await database?.drop();
    await redis?.cleanup();
  });

  it('brings a killed service process back through the control API, and closes its issue', async () => {
    const [service] = supervised as [Supervised];
    await waitFor('ready before the kill', async () => (service.state() === 'ready' ? true : undefined), 20_000);
    const before = service.restarts();
    process.kill(-(service.processGroup() as number), 'SIGKILL');
    // The supervisor's own backoff is two minutes: only tracing-recovery brings it back now.
    await waitFor(
      'restarted by tracing-recovery and ready',
      async () => (service.restarts() > before && service.state() === 'ready' ? true : undefined),
      30_000,
    );
    const closed = await waitFor(
      'the down issue closed',
      async () => (await tracing.issues.list({ status: 'closed', subject: 'ai-sentiment', limit: 10 }))[0],
      20_000,
    );
    expect(closed).toMatchObject({ kind: 'down', closeReason: 'ready again' });
    const actions = await tracing.issues.actions({ issueId: closed.id, limit: 10 });
    expect(actions).toContainEqual(expect.objectContaining({ runtime: 'dev', outcome: 'succeeded' }));
  }, 90_000);
});
