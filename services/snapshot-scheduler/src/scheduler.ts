/**
 * The scheduler's actions — snapshots, restores, the retention sweep and recovery
 * triggers — each run only by the replica holding the leader lock, each carrying the
 * fencing token it started under and checking it right before its effect. Snapshots,
 * restores and sweeps run one at a time (one queue); recovery triggers have their own,
 * so a long snapshot round never delays a recovery.
 */
import type { Logger, ServiceMetrics } from '@azora/service-kit';
import { Cron } from 'croner';
import { seedFirstSnapshots } from './demo-seed.ts';
import type { LeaderLock } from './leader.ts';
import { NotLeaderError } from './leader.ts';
import type { TracingRecoveryClient } from './recovery-client.ts';
import { expiredSnapshots, type RetentionPolicy } from './retention.ts';
import type { Source } from './sources/source.ts';
import { type Draft, type Manifest, newSnapshotId, type SnapshotStore } from './store.ts';
import type { Kind, Target } from './targets.ts';

/** A request the scheduler refuses: unknown snapshot, bad target, corrupted files. */
export class SchedulerError extends Error {
  override name = 'SchedulerError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export type SnapshotOutcome =
  | { service: string; kind: Kind; database: string; outcome: 'success'; snapshot: Manifest }
  | { service: string; kind: Kind; database: string; outcome: 'skipped' | 'failed' | 'fenced'; reason: string };

export interface RestoreResult {
  snapshot: string;
  service: string;
  kind: Kind;
  target: string;
  startedAt: string;
  durationMs: number;
  restored: Record<string, number>;
}

export interface RecoveryRun {
  at: string;
  open: number;
  /** Issues someone already handles: left alone. */
  handled: string[];
  triggered: string[];
  /** tracing-recovery answered that it already acts on these (409). */
  refused: string[];
  failed: { id: string; error: string }[];
  /** Set when the run stopped: tracing-recovery unreachable, or leadership lost. */
  error?: string;
}

export interface SchedulerOptions {
  service: string;
  lock: LeaderLock;
  store: SnapshotStore;
  sources: Partial<Record<Kind, Source>>;
  targets: readonly Target[];
  retention: RetentionPolicy;
  /** Unset: no recovery triggers (RECOVERY_API_KEY not configured). */
  recovery?: TracingRecoveryClient;
  snapshotCron: string;
  recoveryCron: string;
  timeoutMs: number;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Take a first round when this replica first leads and the volume holds no snapshot. */
  demoSeed?: boolean;
  /** Runs once a snapshot's files are written, before its fencing check (tests pause here). */
  beforeCommit?: (draft: Draft) => Promise<void>;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #logger: Logger;
  #queue: Promise<unknown> = Promise.resolve();
  #recovering: Promise<RecoveryRun> | undefined;
  #crons: Cron[] = [];
  #seeded = false;
  lastRecoveryRun: RecoveryRun | undefined;
  lastSnapshotRound: { at: string; trigger: Manifest['trigger']; outcomes: Record<string, number> } | undefined;

  readonly #counters;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    const { metrics, lock } = options;
    const snapshots = metrics.counter({
      name: 'snapshots_total',
      help: 'Snapshots attempted, by outcome (success, failed, skipped: database absent, fenced: leadership lost)',
      labelNames: ['outcome'] as const,
    });
    const restores = metrics.counter({
      name: 'snapshot_restores_total',
      help: 'Restores attempted, by outcome',
      labelNames: ['outcome'] as const,
    });
    const triggers = metrics.counter({
      name: 'snapshot_recovery_triggers_total',
      help: "Recoveries of tracing-recovery's open issues, by outcome (triggered, refused: already handled, failed, fenced)",
      labelNames: ['outcome'] as const,
    });
    const deleted = metrics.counter({
      name: 'snapshots_deleted_total',
      help: 'Snapshots deleted by the retention sweeper',
    });
    const lastSuccess = metrics.gauge({
      name: 'snapshot_last_success_timestamp_seconds',
      help: 'When the newest whole snapshot of each service and kind finished (Unix seconds)',
      labelNames: ['service', 'kind'] as const,
    });
    const bytes = metrics.gauge({
      name: 'snapshot_bytes',
      help: 'Size of the newest whole snapshot of each service and kind',
      labelNames: ['service', 'kind'] as const,
    });
    const duration = metrics.histogram({
      name: 'snapshot_duration_seconds',
      help: 'Time taken by successful snapshots, by kind',
      labelNames: ['kind'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    });
    metrics.gauge({
      name: 'snapshot_scheduler_leader',
      help: '1 while this replica holds the leader lock (the active scheduler), else 0',
      collect() {
        this.set(lock.isLeader ? 1 : 0);
      },
    });
    for (const outcome of ['success', 'failed', 'skipped', 'fenced']) snapshots.inc({ outcome }, 0);
    for (const outcome of ['success', 'failed']) restores.inc({ outcome }, 0);
    for (const outcome of ['triggered', 'refused', 'failed', 'fenced']) triggers.inc({ outcome }, 0);
    this.#counters = { snapshots, restores, triggers, deleted, lastSuccess, bytes, duration };
  }

  get targets(): readonly Target[] {
    return this.#options.targets;
  }

  get recoveryEnabled(): boolean {
    return this.#options.recovery !== undefined;
  }

  /** Loads the newest snapshot of each service and kind into the metrics, so a restart keeps them. */
  async loadMetrics(): Promise<void> {
    const seen = new Set<string>();
    for (const manifest of await this.#options.store.list()) {
      const key = `${manifest.service}/${manifest.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.#recordSuccess(manifest, false);
    }
  }

  #recordSuccess(manifest: Manifest, fresh: boolean): void {
    const labels = { service: manifest.service, kind: manifest.kind };
    this.#counters.lastSuccess.set(labels, seconds(manifest.finishedAt));
    this.#counters.bytes.set(labels, manifest.totalBytes);
    if (fresh) this.#counters.duration.observe({ kind: manifest.kind }, manifest.durationMs / 1000);
  }

  /** The token of the lease this replica holds; refused (NotLeaderError) on a follower. */
  #token(action: string): number {
    const token = this.#options.lock.token;
    if (token === undefined) throw new NotLeaderError(`${action} refused: this replica is not the active scheduler`);
    return token;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Snapshots of `targets` (all by default), one after another, then the retention sweep. */
  takeSnapshots(trigger: Manifest['trigger'], targets = this.#options.targets): Promise<SnapshotOutcome[]> {
    const token = this.#token('taking snapshots');
    return this.#exclusive(async () => {
      const outcomes: SnapshotOutcome[] = [];
      for (const target of targets) {
        const outcome = await this.#snapshot(target, trigger, token);
        outcomes.push(outcome);
        // Leadership lost: the rest of the round is the new leader's.
        if (outcome.outcome === 'fenced') break;
      }
      const counts: Record<string, number> = {};
      for (const { outcome } of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
      this.lastSnapshotRound = { at: new Date().toISOString(), trigger, outcomes: counts };
      if (!outcomes.some((o) => o.outcome === 'fenced'))
        await this.#sweep(token).catch((error) => this.#logger.error({ err: error }, 'retention sweep failed'));
      return outcomes;
    });
  }

  async #snapshot(target: Target, trigger: Manifest['trigger'], token: number): Promise<SnapshotOutcome> {
    const { store, lock } = this.#options;
    const logger = this.#logger;
    const base = { service: target.service, kind: target.kind, database: target.database };
    const source = this.#options.sources[target.kind];
    const count = (outcome: string) => this.#counters.snapshots.inc({ outcome });
    if (!source) {
      count('failed');
      return { ...base, outcome: 'failed', reason: `no ${target.kind} server is configured` };
    }
    const started = new Date();
    const draft = await store.begin(newSnapshotId(target.service, target.kind, started));
    try {
      const result = await source.snapshot(target.database, draft, AbortSignal.timeout(this.#options.timeoutMs));
      if (!result) {
        await draft.abort();
        count('skipped');
        logger.info(base, 'nothing to snapshot: the database does not exist');
        return { ...base, outcome: 'skipped', reason: `database "${target.database}" does not exist` };
      }
      await this.#options.beforeCommit?.(draft);
      const finished = new Date();
      const manifest: Manifest = {
        id: draft.id,
        ...base,
        format: result.format,
        trigger,
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - started.getTime(),
        instance: lock.instance,
        fencingToken: token,
        source: result.source,
        files: draft.files,
        totalBytes: draft.files.reduce((sum, file) => sum + file.bytes, 0),
        contents: result.contents,
      };
      await draft.commit(manifest, () => lock.assert(token, `the snapshot ${draft.id}`));
      count('success');
      this.#recordSuccess(manifest, true);
      logger.info({ ...base, id: manifest.id, bytes: manifest.totalBytes, ms: manifest.durationMs }, 'snapshot taken');
      return { ...base, outcome: 'success', snapshot: manifest };
    } catch (error) {
      await draft.abort();
      const fenced = error instanceof NotLeaderError;
      count(fenced ? 'fenced' : 'failed');
      logger.error({ ...base, err: error }, fenced ? 'snapshot refused by the fence' : 'snapshot failed');
      return { ...base, outcome: fenced ? 'fenced' : 'failed', reason: (error as Error).message };
    }
  }

  /** Replaces `target` (the snapshot's own database or key prefix by default) with the snapshot's data. */
  restore(id: string, target?: string): Promise<RestoreResult> {
    const token = this.#token('restoring');
    return this.#exclusive(async () => {
      const { store, lock } = this.#options;
      const manifest = await store.get(id);
      if (!manifest) throw new SchedulerError(404, `no snapshot with id "${id}"`);
      const source = this.#options.sources[manifest.kind];
      if (!source) throw new SchedulerError(409, `no ${manifest.kind} server is configured to restore into`);
      const into = target ?? manifest.database;
      const invalid = source.invalidTarget(into);
      if (invalid) throw new SchedulerError(400, `target: ${invalid}`);
      const started = new Date();
      try {
        const bad = await store.verify(manifest);
        if (bad.length > 0) {
          throw new SchedulerError(
            422,
            `snapshot ${id} is damaged: ${bad.join(', ')} no longer match the manifest's size and SHA-256`,
          );
        }
        await lock.assert(token, `the restore of ${id}`);
        const restored = await source.restore(
          manifest,
          (name) => store.filePath(id, name),
          into,
          AbortSignal.timeout(this.#options.timeoutMs),
        );
        this.#counters.restores.inc({ outcome: 'success' });
        const result = {
          snapshot: id,
          service: manifest.service,
          kind: manifest.kind,
          target: into,
          startedAt: started.toISOString(),
          durationMs: Date.now() - started.getTime(),
          restored,
        };
        this.#logger.warn(result, 'snapshot restored');
        return result;
      } catch (error) {
        this.#counters.restores.inc({ outcome: 'failed' });
        this.#logger.error({ id, target: into, err: error }, 'restore failed');
        throw error;
      }
    });
  }

  /** Deletes what the retention policy no longer keeps, and drafts a crash left behind. */
  sweep(): Promise<string[]> {
    const token = this.#token('the retention sweep');
    return this.#exclusive(() => this.#sweep(token));
  }

  async #sweep(token: number): Promise<string[]> {
    const { store, lock, retention } = this.#options;
    const expired = expiredSnapshots(await store.list(), retention, new Date());
    if (expired.length > 0) await lock.assert(token, 'the retention sweep');
    for (const id of expired) {
      await store.remove(id);
      this.#counters.deleted.inc();
    }
    // A draft untouched for a day belongs to a crashed run, never to one still writing.
    await store.removeLeftovers(86_400_000);
    if (expired.length > 0) this.#logger.info({ deleted: expired }, 'retention sweep deleted snapshots');
    return expired;
  }

  /** Asks tracing-recovery for open issues and triggers the recovery of those nobody handles. */
  triggerRecovery(): Promise<RecoveryRun> {
    const token = this.#token('triggering recovery');
    const client = this.#options.recovery;
    if (!client) throw new SchedulerError(409, 'recovery triggers are off: RECOVERY_API_KEY is not configured');
    this.#recovering ??= this.#recover(client, token).finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  async #recover(client: TracingRecoveryClient, token: number): Promise<RecoveryRun> {
    const { lock, service } = this.#options;
    const run: RecoveryRun = {
      at: new Date().toISOString(),
      open: 0,
      handled: [],
      triggered: [],
      refused: [],
      failed: [],
    };
    const count = (outcome: string) => this.#counters.triggers.inc({ outcome });
    try {
      const issues = await client.openIssues();
      run.open = issues.length;
      for (const issue of issues) {
        if (issue.handledBy) {
          run.handled.push(issue.id);
          continue;
        }
        if (!(await lock.fence(token))) {
          count('fenced');
          run.error = 'leadership lost: the remaining issues are left to the new active scheduler';
          break;
        }
        try {
          const outcome = await client.recover(issue.id, token, service);
          count(outcome);
          run[outcome].push(issue.id);
          this.#logger.info({ issue: issue.id, service: issue.service, kind: issue.kind, outcome }, 'recovery trigger');
        } catch (error) {
          count('failed');
          run.failed.push({ id: issue.id, error: (error as Error).message });
        }
      }
    } catch (error) {
      run.error = (error as Error).message;
      this.#logger.warn({ err: error }, 'open issues could not be read from tracing-recovery');
    }
    this.lastRecoveryRun = run;
    return run;
  }

  /** The next scheduled runs (UTC). */
  schedules() {
    const next = (cron: string) => new Cron(cron, { paused: true, timezone: 'UTC' }).nextRun()?.toISOString() ?? null;
    return {
      snapshots: { cron: this.#options.snapshotCron, next: next(this.#options.snapshotCron) },
      recovery: {
        cron: this.#options.recoveryCron,
        next: this.recoveryEnabled ? next(this.#options.recoveryCron) : null,
        enabled: this.recoveryEnabled,
      },
    };
  }

  /** Called when this replica becomes the leader: the demo seed's first round. */
  onLeader(): void {
    if (!this.#options.demoSeed || this.#seeded) return;
    this.#seeded = true;
    void seedFirstSnapshots(this, this.#options.store, this.#logger).catch((error) =>
      this.#logger.warn({ err: error }, 'the demo seed round failed'),
    );
  }

  /** Starts the two cron schedules; each firing acts only on the leader. */
  start(): void {
    const scheduled = (name: string, action: () => Promise<unknown>) => async () => {
      if (!this.#options.lock.isLeader) return;
      try {
        await action();
      } catch (error) {
        if (!(error instanceof NotLeaderError)) this.#logger.error({ err: error }, `${name} failed`);
      }
    };
    const options = { timezone: 'UTC', protect: true, unref: true } as const;
    this.#crons.push(
      new Cron(
        this.#options.snapshotCron,
        options,
        scheduled('scheduled snapshots', () => this.takeSnapshots('schedule')),
      ),
    );
    if (this.recoveryEnabled) {
      this.#crons.push(
        new Cron(
          this.#options.recoveryCron,
          options,
          scheduled('recovery trigger', () => this.triggerRecovery()),
        ),
      );
    }
  }

  async stop(): Promise<void> {
    for (const cron of this.#crons) cron.stop();
    this.#crons = [];
    await this.#queue;
    await this.#recovering;
  }
}
