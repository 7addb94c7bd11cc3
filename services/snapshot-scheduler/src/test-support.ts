// Helpers for this package's tests: a scheduler on a snapshots folder of its own, started
// against the real Redis with a lock prefix of its own, with operator and admin keys.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { waitFor } from '@azora/testing';
import { createSnapshotService, type SnapshotService, type SnapshotServiceOptions } from './app.ts';

export const OPERATOR_KEY = 'operator-key-0123456789abcdef';
export const ADMIN_KEY = 'admin-key-0123456789abcdef0123';
export const VIEWER_KEY = 'viewer-key-0123456789abcdef012';
export const API_KEYS = `ops:operator:${OPERATOR_KEY},root:admin:${ADMIN_KEY},watcher:viewer:${VIEWER_KEY}`;

export async function tempDir(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type TestScheduler = SnapshotService & { stop: () => Promise<void> };

/** Builds and starts a scheduler; `leader` waits until it holds the lock. */
export async function startScheduler(
  options: Partial<SnapshotServiceOptions> & Pick<SnapshotServiceOptions, 'snapshotsDir' | 'redisKeyPrefix'>,
  { leader = true } = {},
): Promise<TestScheduler> {
  const service = createSnapshotService({
    auth: createAuth({ apiKeys: parseApiKeys(API_KEYS) }),
    logger: createLogger('snapshot-scheduler', 'silent'),
    // Far-off schedules: the tests act through the API, not the clock.
    snapshotCron: '0 0 1 1 *',
    recoveryCron: '0 0 1 1 *',
    ...options,
  });
  await service.start();
  if (leader)
    await waitFor('the scheduler to lead', async () => (service.lock.isLeader ? true : undefined), 10_000, 50);
  const stop = async () => {
    for (const resource of [...service.resources].reverse()) await resource.close();
  };
  return Object.assign(service, { stop });
}
