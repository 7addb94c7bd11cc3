import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { access, constants } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICES, type ServiceEntry } from '@azora/catalog';
import {
  type Auth,
  createAuth,
  createLogger,
  createMetrics,
  createRedisClient,
  createService,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  parseQuery,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler } from 'express';
import { DEFAULTS } from './config.ts';
import { LeaderLock, NotLeaderError } from './leader.ts';
import { TracingRecoveryClient } from './recovery-client.ts';
import { Scheduler, SchedulerError } from './scheduler.ts';
import { MongoSource } from './sources/mongodb.ts';
import { PostgresSource } from './sources/postgres.ts';
import { RedisSource } from './sources/redis.ts';
import type { Source } from './sources/source.ts';
import { type Draft, type Manifest, SNAPSHOT_ID, SnapshotStore } from './store.ts';
import { KINDS, type Kind, snapshotTargets } from './targets.ts';

export const SERVICE_NAME = 'snapshot-scheduler';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));
const API = '/api/snapshot-scheduler';

export interface SnapshotServiceOptions {
  redisUrl?: string;
  /** Prefix of the leader lock's keys (REDIS_KEY_PREFIX). */
  redisKeyPrefix?: string;
  postgresUrl?: string;
  mongodbUri?: string;
  snapshotsDir: string;
  /** The catalog; tests pass stand-in services whose data lives in their own databases. */
  services?: readonly Pick<ServiceEntry, 'name' | 'apiPrefix' | 'infrastructure'>[];
  deployedServices?: readonly string[];
  dataLocations?: ReadonlyMap<string, string>;
  snapshotCron?: string;
  recoveryCron?: string;
  retentionKeep?: number;
  retentionDailyDays?: number;
  lockTtlMs?: number;
  timeoutMs?: number;
  tracingRecoveryUrl?: string;
  /** Unset: recovery triggers are off. */
  recoveryApiKey?: string;
  pgDump?: string;
  pgRestore?: string;
  /** Roles: operator (take snapshots, trigger recovery), admin (also restore and sweep). */
  auth?: Auth;
  logger?: Logger;
  /** This replica's name in the lock (default host:pid:random). */
  instance?: string;
  demoSeed?: boolean;
  bodyLimit?: string;
  otlpEndpoint?: string;
  beforeCommit?: (draft: Draft) => Promise<void>;
}

export type SnapshotService = Service & {
  readonly scheduler: Scheduler;
  readonly lock: LeaderLock;
  readonly store: SnapshotStore;
};

const SnapshotsQuery = z.strictObject({
  service: z.string().max(100).optional(),
  kind: z.enum(KINDS, { error: 'must be postgres, redis or mongodb' }).optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int('must be a whole number from 1 to 1000')
    .min(1, 'must be a whole number from 1 to 1000')
    .max(1000, 'must be a whole number from 1 to 1000')
    .default(100),
});
const IdParams = z.object({
  id: z
    .string()
    .regex(SNAPSHOT_ID, 'must be a snapshot id such as 20250101T120000000Z-gdpr-compliance-postgres-1a2b3c4d'),
});
// Only a body that is not an object at all gets this message; unknown fields are named by zod.
const objectError = {
  error: (issue: { code: string }) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined),
};
const TakeBody = z.strictObject(
  {
    service: z.string({ error: 'must be a service name or "all"' }).min(1).max(100).default('all'),
    kind: z.enum(KINDS, { error: 'must be postgres, redis or mongodb' }).optional(),
  },
  objectError,
);
const RestoreBody = z.strictObject(
  { target: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(100).optional() },
  objectError,
);

function summary(manifest: Manifest) {
  const { files: _files, ...rest } = manifest;
  return rest;
}

export function createSnapshotService(options: SnapshotServiceOptions): SnapshotService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const metrics = createMetrics({ service: SERVICE_NAME });
  const redisUrl = options.redisUrl ?? DEFAULTS.REDIS_URL;
  const lockRedis = createRedisClient({ url: redisUrl, keyPrefix: '' });
  // Exports get a connection of their own: a long pipeline must not delay the lock's renewals.
  const dataRedis = createRedisClient({ url: redisUrl, keyPrefix: '', commandTimeoutMs: 30_000 });

  const targets = snapshotTargets({
    services: options.services ?? SERVICES,
    deployed: options.deployedServices,
    locations: options.dataLocations,
    self: SERVICE_NAME,
  });
  const kinds = new Set(targets.map((t) => t.kind));
  const postgres = new PostgresSource({
    url: options.postgresUrl ?? DEFAULTS.POSTGRES_URL,
    pgDump: options.pgDump,
    pgRestore: options.pgRestore,
    timeoutMs: options.timeoutMs ?? DEFAULTS.SNAPSHOT_TIMEOUT_MS,
  });
  const sources: Record<Kind, Source> = {
    postgres,
    redis: new RedisSource(dataRedis),
    mongodb: new MongoSource(options.mongodbUri ?? DEFAULTS.MONGODB_URI),
  };

  let scheduler: Scheduler | undefined;
  const lock = new LeaderLock({
    redis: lockRedis,
    keyPrefix: options.redisKeyPrefix ?? DEFAULTS.REDIS_KEY_PREFIX,
    instance: options.instance ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    ttlMs: options.lockTtlMs ?? DEFAULTS.LOCK_TTL_MS,
    logger,
    onChange: (leader) => {
      if (leader) scheduler?.onLeader();
    },
  });
  const store = new SnapshotStore(options.snapshotsDir);
  scheduler = new Scheduler({
    service: SERVICE_NAME,
    lock,
    store,
    sources,
    targets,
    retention: {
      keep: options.retentionKeep ?? DEFAULTS.RETENTION_KEEP,
      dailyDays: options.retentionDailyDays ?? DEFAULTS.RETENTION_DAILY_DAYS,
    },
    recovery: options.recoveryApiKey
      ? new TracingRecoveryClient({
          baseUrl: options.tracingRecoveryUrl ?? DEFAULTS.TRACING_RECOVERY_URL,
          apiKey: options.recoveryApiKey,
        })
      : undefined,
    snapshotCron: options.snapshotCron ?? DEFAULTS.SNAPSHOT_CRON,
    recoveryCron: options.recoveryCron ?? DEFAULTS.RECOVERY_CRON,
    timeoutMs: options.timeoutMs ?? DEFAULTS.SNAPSHOT_TIMEOUT_MS,
    metrics,
    logger,
    demoSeed: options.demoSeed,
    beforeCommit: options.beforeCommit,
  });
  const active = scheduler;

  const readers = auth.authenticate;
  const operators = auth.requireRole('operator', 'admin');
  const admins = auth.requireRole('admin');

  const status = async () => ({
    instance: lock.instance,
    leader: lock.isLeader,
    fencingToken: lock.token ?? null,
    activeScheduler: await lock.leader().catch(() => null),
    schedules: active.schedules(),
    retention: {
      keep: options.retentionKeep ?? DEFAULTS.RETENTION_KEEP,
      dailyDays: options.retentionDailyDays ?? DEFAULTS.RETENTION_DAILY_DAYS,
    },
    targets: targets.length,
    lastSnapshotRound: active.lastSnapshotRound ?? null,
    lastRecoveryRun: active.lastRecoveryRun ?? null,
  });

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '16kb',
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      { name: 'redis', check: async () => ({ answer: await lockRedis.ping() }) },
      {
        name: 'snapshots volume',
        check: async () => {
          await access(store.dir, constants.W_OK);
          return { dir: store.dir };
        },
      },
      ...(kinds.has('postgres') ? [{ name: 'pg_dump', check: () => postgres.check() }] : []),
      {
        name: 'scheduler',
        check: async () => ({ leader: lock.isLeader, fencingToken: lock.token ?? null, targets: targets.length }),
      },
    ],
    resources: [
      { name: 'redis', close: () => Promise.all([lockRedis.quit(), dataRedis.quit()]).catch(() => {}) },
      { name: 'data sources', close: () => Promise.all(Object.values(sources).map((s) => s.close())) },
      {
        name: 'scheduler',
        start: async () => {
          await store.init();
          // The first lock attempt waits for the connection (a few seconds at most; the lock keeps trying).
          if (lockRedis.status !== 'ready') {
            await Promise.race([once(lockRedis, 'ready'), sleep(5000, undefined, { ref: false })]);
          }
          await active.loadMetrics().catch((error) => logger.warn({ err: error }, 'snapshot metrics not loaded'));
          lock.start();
          active.start();
          logger.info(
            { targets: targets.length, ...active.schedules(), dir: store.dir },
            active.recoveryEnabled
              ? 'scheduler started'
              : 'scheduler started; recovery triggers are off (RECOVERY_API_KEY unset)',
          );
        },
        close: async () => {
          await active.stop();
          await lock.stop({ release: true });
        },
      },
    ],
    routes: (app) => {
      // Who the caller is: the console offers only the actions the caller's roles allow.
      app.get(`${API}/me`, ...auth.whoAmI);
      app.get(`${API}/status`, readers, async (_req, res) => {
        res.json(await status());
      });

      app.get(`${API}/targets`, readers, (_req, res) => {
        res.json({ targets });
      });

      app.get(`${API}/snapshots`, readers, async (req, res) => {
        const query = parseQuery(SnapshotsQuery, req);
        const all = await store.list();
        const matching = all.filter(
          (m) => (!query.service || m.service === query.service) && (!query.kind || m.kind === query.kind),
        );
        res.json({ snapshots: matching.slice(0, query.limit).map(summary), total: matching.length });
      });

      app.get(`${API}/snapshots/:id`, readers, async (req, res) => {
        const { id } = parseParams(IdParams, req);
        const manifest = await store.get(id);
        if (!manifest) throw new HttpProblem(404, `no snapshot with id "${id}"`);
        res.json(manifest);
      });

      app.post(`${API}/snapshots`, ...operators, async (req, res) => {
        const body = parseBody(TakeBody, req);
        const chosen = targets.filter(
          (t) => (body.service === 'all' || t.service === body.service) && (!body.kind || t.kind === body.kind),
        );
        if (chosen.length === 0) {
          const known = [...new Set(targets.map((t) => t.service))].join(', ') || 'none';
          throw new HttpProblem(
            400,
            `service: "${body.service}"${body.kind ? ` has no ${body.kind} data` : ' is not a service whose data is snapshotted'} (snapshotted: ${known})`,
          );
        }
        const outcomes = await active.takeSnapshots('manual', chosen);
        const present = outcomes.map((o) => (o.outcome === 'success' ? { ...o, snapshot: summary(o.snapshot) } : o));
        if (outcomes.some((o) => o.outcome === 'fenced')) {
          throw new HttpProblem(503, 'this replica lost leadership while taking snapshots', {
            extensions: { outcomes: present },
            headers: { 'retry-after': '5' },
          });
        }
        if (outcomes.some((o) => o.outcome === 'failed')) {
          throw new HttpProblem(502, 'some snapshots failed; see outcomes', { extensions: { outcomes: present } });
        }
        res.status(201).json({ outcomes: present });
      });

      app.post(`${API}/snapshots/:id/restore`, ...admins, async (req, res) => {
        const { id } = parseParams(IdParams, req);
        // The body is optional: no body restores into the snapshot's own database.
        const { target } = req.body === undefined ? {} : parseBody(RestoreBody, req);
        res.json(await active.restore(id, target));
      });

      app.post(`${API}/sweep`, ...admins, async (_req, res) => {
        res.json({ deleted: await active.sweep() });
      });

      app.get(`${API}/recovery`, readers, (_req, res) => {
        res.json({ ...active.schedules().recovery, lastRun: active.lastRecoveryRun ?? null });
      });

      app.post(`${API}/recovery/run`, ...operators, async (_req, res) => {
        res.json(await active.triggerRecovery());
      });

      app.use(schedulerErrors(lock));
    },
  });

  return Object.assign(service, { scheduler: active, lock, store });
}

/** A follower's refusal is a 503 naming the active scheduler; the scheduler's own refusals keep their status. */
function schedulerErrors(lock: LeaderLock): ErrorRequestHandler {
  return async (error, _req, _res, next) => {
    if (error instanceof NotLeaderError) {
      const leader = await lock.leader().catch(() => undefined);
      next(
        new HttpProblem(503, `${error.message}; send it to the active scheduler`, {
          extensions: { activeScheduler: leader?.instance ?? null },
          headers: { 'retry-after': '5' },
        }),
      );
    } else if (error instanceof SchedulerError) {
      next(new HttpProblem(error.status, error.message));
    } else next(error);
  };
}
