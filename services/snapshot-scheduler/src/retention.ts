/**
 * Which snapshots the sweeper deletes. Per service, kind and database: the `keep` newest
 * stay, and so does the newest of each of the last `dailyDays` days (UTC, today included);
 * every other snapshot goes. Pure, so the rule is tested without a clock or a disk.
 */
import type { Manifest } from './store.ts';

export interface RetentionPolicy {
  keep: number;
  dailyDays: number;
}

const DAY_MS = 86_400_000;

export function expiredSnapshots(
  manifests: readonly Pick<Manifest, 'id' | 'service' | 'kind' | 'database' | 'startedAt'>[],
  policy: RetentionPolicy,
  now: Date,
): string[] {
  const groups = new Map<string, typeof manifests>();
  for (const manifest of manifests) {
    const key = `${manifest.service}\u0000${manifest.kind}\u0000${manifest.database}`;
    groups.set(key, [...(groups.get(key) ?? []), manifest]);
  }
  const today = Math.floor(now.getTime() / DAY_MS);
  const expired: string[] = [];
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
    const daysKept = new Set<number>();
    newestFirst.forEach((manifest, index) => {
      const day = Math.floor(Date.parse(manifest.startedAt) / DAY_MS);
      const dailyKeeper = today - day < policy.dailyDays && !daysKept.has(day);
      if (dailyKeeper) daysKept.add(day);
      if (index >= policy.keep && !dailyKeeper) expired.push(manifest.id);
    });
  }
  return expired;
}
