// The demo seed for `pnpm dev` (DEMO_SEED=true): a first round of real snapshots of every
// target as soon as this replica leads, so the console's snapshot page has something to
// show (and to restore) without waiting for the schedule. A volume that already holds
// snapshots is left as it is: starting again adds nothing.
import type { Logger } from '@azora/service-kit';
import type { Scheduler } from './scheduler.ts';
import type { SnapshotStore } from './store.ts';

export async function seedFirstSnapshots(scheduler: Scheduler, store: SnapshotStore, logger: Logger): Promise<void> {
  if ((await store.list()).length > 0) return;
  logger.info({ targets: scheduler.targets.length }, 'DEMO_SEED: taking a first round of snapshots');
  const outcomes = await scheduler.takeSnapshots('demo-seed');
  logger.info({ taken: outcomes.filter((o) => o.outcome === 'success').length }, 'DEMO_SEED: first round done');
}
