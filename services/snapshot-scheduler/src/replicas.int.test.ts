// Two scheduler processes (src/main.ts) on one Redis and one snapshot volume, snapshotting
// every second: only the leader's snapshots appear; a leader frozen past its lease
// (SIGSTOP) loses to the other and, thawed, stays a follower; a leader killed without
// releasing (SIGKILL) is replaced once its lease has expired.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestRedis, freePort, type TestRedis, waitFor } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotStore } from './store.ts';
import { API_KEYS, OPERATOR_KEY, tempDir } from './test-support.ts';

const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const TTL_MS = 2000;

interface Replica {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

let redis: TestRedis;
let folder: Awaited<ReturnType<typeof tempDir>>;
const replicas: Replica[] = [];

async function startReplica(name: string): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@azora/source', ENTRY], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${redis.prefix}lock:`,
      SNAPSHOTS_DIR: folder.dir,
      // Every second, so two unfenced replicas would both be seen acting at once.
      SNAPSHOT_CRON: '* * * * * *',
      DEPLOYED_SERVICES: 'ai-chatbot',
      DATA_LOCATIONS: `ai-chatbot/redis=${redis.prefix}chatbot:`,
      LOCK_TTL_MS: String(TTL_MS),
      RETENTION_KEEP: '1000',
      API_KEYS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${name} to answer`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output.join('').slice(-2000)}`);
      return (await fetch(`${url}/health`).catch(() => undefined))?.ok ? true : undefined;
    },
    30_000,
    100,
  );
  const replica = { name, url, child, output };
  replicas.push(replica);
  return replica;
}

async function status(replica: Replica): Promise<{ instance: string; leader: boolean; fencingToken: number | null }> {
  const response = await fetch(`${replica.url}/api/snapshot-scheduler/status`, {
    headers: { 'x-api-key': OPERATOR_KEY },
  });
  return (await response.json()) as never;
}

async function snapshotsBy(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const manifest of await new SnapshotStore(folder.dir).list()) {
    counts.set(manifest.instance, (counts.get(manifest.instance) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  redis = await createTestRedis('replicas');
  await redis.client.set('chatbot:state', 'some state');
  folder = await tempDir('replica-snapshots');
});

afterAll(async () => {
  for (const { child } of replicas) {
    if (child.signalCode === 'SIGSTOP') child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  await redis?.cleanup();
  await folder?.remove();
});

describe('two scheduler replicas', () => {
  it('act one at a time: frozen and killed leaders are replaced after their lease, never alongside', async () => {
    const [a, b] = [await startReplica('replica-a'), await startReplica('replica-b')];
    const leaderOf = async () => {
      const states = await Promise.all([status(a), status(b)]);
      return states.filter((s) => s.leader);
    };
    const [first] = await waitFor(
      'one replica to lead',
      async () => ((await leaderOf()).length === 1 ? leaderOf() : undefined),
      15_000,
    );
    const leader = (await status(a)).leader ? a : b;
    const follower = leader === a ? b : a;
    const leaderInstance = (await status(leader)).instance;
    const followerInstance = (await status(follower)).instance;
    expect(first?.instance).toBe(leaderInstance);

    // Both run their every-second schedule; only the leader's snapshots appear.
    await waitFor(
      'a few snapshots',
      async () => ((await snapshotsBy()).get(leaderInstance) ?? 0) >= 3 || undefined,
      20_000,
    );
    let counts = await snapshotsBy();
    expect([...counts.keys()]).toEqual([leaderInstance]);
    expect((await leaderOf()).length).toBe(1);

    // Frozen past its lease: the follower takes over; thawed, the old leader stays a follower.
    leader.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    await waitFor(
      'the follower to take over',
      async () => ((await status(follower)).leader ? true : undefined),
      15_000,
      100,
    );
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(TTL_MS - 500);
    leader.child.kill('SIGCONT');
    await waitFor(
      'the thawed leader to step down',
      async () => ((await status(leader)).leader ? undefined : true),
      10_000,
    );
    const byOldLeader = (await snapshotsBy()).get(leaderInstance) ?? 0;
    await waitFor(
      'the new leader’s snapshots',
      async () => ((await snapshotsBy()).get(followerInstance) ?? 0) >= 3 || undefined,
      20_000,
    );
    expect((await snapshotsBy()).get(leaderInstance) ?? 0).toBe(byOldLeader);
    expect((await leaderOf()).map((s) => s.instance)).toEqual([followerInstance]);

    // Killed without releasing: the survivor leads again once the lease has expired.
    follower.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('the survivor to lead', async () => ((await status(leader)).leader ? true : undefined), 15_000, 100);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(TTL_MS - 700);
    const tokens = (await new SnapshotStore(folder.dir).list()).map((m) => m.fencingToken);
    counts = await snapshotsBy();
    await waitFor(
      'snapshots under the newest token',
      async () => {
        const newest = Math.max(...(await new SnapshotStore(folder.dir).list()).map((m) => m.fencingToken));
        return newest > Math.max(...tokens) ? true : undefined;
      },
      20_000,
    );
    // A snapshot is always taken under the token of the lease its taker held, never an older one.
    const manifests = await new SnapshotStore(folder.dir).list();
    const byTime = [...manifests].sort((x, y) => x.finishedAt.localeCompare(y.finishedAt));
    for (let i = 1; i < byTime.length; i++) {
      expect(byTime[i]?.fencingToken).toBeGreaterThanOrEqual(byTime[i - 1]?.fencingToken ?? 0);
    }
  });
});
