// tracing-recovery: receives spans over OTLP/HTTP, answers trace searches, per-service
// stats and the service graph, watches every deployed service, opens issues with their
// evidence, and recovers what it can through Docker or the dev orchestrator — within guard rails.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gunzip } from 'node:zlib';
import { findService } from '@azora/catalog';
import { isDatabaseUnavailable, migrate } from '@azora/compliance-core';
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
  type Resource,
  requireStarted,
  retryingStartup,
  type Service,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { Aggregates } from './aggregates.ts';
import { alertTarget, webhookSchema } from './alerts.ts';
import { DEFAULTS } from './config.ts';
import { seedDemo } from './demo-seed.ts';
import { Detector } from './detector.ts';
import { ISSUE_KINDS, type IssueKind, IssueStore } from './issues.ts';
import { decodeJson, decodeProtobuf, OtlpError, type SpanRow, successResponse } from './otlp.ts';
import { Recoverer } from './recovery.ts';
import { DevRuntime, DockerRuntime, type Runtime } from './runtime.ts';
import { SpanStore } from './spans.ts';
import { type CheckedPiece, type InfraTarget, infraTarget, SELF, type Target } from './targets.ts';

export const SERVICE_NAME = SELF;
const API = `/api/${SERVICE_NAME}`;
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export interface TracingOptions {
  version?: string;
  databaseUrl: string;
  databasePoolMax?: number;
  redisUrl: string;
  redisKeyPrefix?: string;
  /** Roles operator and admin trigger recovery. Default: none accepted. */
  auth?: Auth;
  logger?: Logger;
  otlpMaxBodyBytes?: number;
  spanRetentionHours?: number;
  spanMaxRows?: number;
  /** 0: no sweeper loop (tests call `sweep()`). */
  sweepIntervalMs?: number;
  aggregateRetentionHours?: number;
  /** Watched services (see targets.ts `resolveTargets`). */
  targets: readonly Target[];
  /** Infrastructure URLs to check directly, by piece. */
  infrastructureUrls?: Partial<Record<CheckedPiece, string>>;
  /** 0: no detection loop (tests call `detector.round()`). */
  pollIntervalMs?: number;
  probeTimeoutMs?: number;
  failuresToOpen?: number;
  /** STARTUP_GRACE_MS (default 0 here: tests act at once). */
  startupGraceMs?: number;
  errorRateThreshold?: number;
  latencyP95ThresholdMs?: number;
  thresholdMinRequests?: number;
  thresholdWindowMinutes?: number;
  recoverKinds?: readonly IssueKind[];
  runtime?: 'auto' | 'docker' | 'dev' | 'none';
  /** A runtime built by the caller (tests); overrides `runtime`. */
  runtimeAdapter?: Runtime;
  dockerSocket?: string;
  composeProject?: string;
  dockerStopTimeoutSeconds?: number;
  devControlUrl?: string;
  devControlToken?: string;
  dryRun?: boolean;
  restartBudget?: number;
  restartWindowMs?: number;
  recoveryBackoffMs?: number;
  recoveryBackoffMaxMs?: number;
  claimLeaseMs?: number;
  alertWebhookToken?: string;
  demoSeed?: boolean;
  bodyLimit?: string;
}

export type TracingService = Service & {
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly spans: SpanStore;
  readonly issues: IssueStore;
  readonly aggregates: Aggregates;
  readonly detector: Detector;
  readonly recoverer: Recoverer;
  /** Applies retention now. */
  readonly sweep: () => Promise<{ age: number; rows: number }>;
  /** Resolves once the database is migrated, after start(). */
  readonly ready: () => Promise<void>;
};

const hex = (length: number) => new RegExp(`^[0-9a-f]{${length}}$`);
const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

const schemas = {
  traces: z.strictObject({
    service: z.string().min(1).max(200).optional(),
    minDurationMs: z.coerce.number({ error: 'must be a number of milliseconds' }).min(0).max(86_400_000).optional(),
    error: booleanQuery.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    sinceMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .default(60),
  }),
  traceId: z.object({ traceId: z.string().regex(hex(32), 'must be a trace id: 32 lowercase hex digits') }),
  serviceName: z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, 'must be a service name') }),
  stats: z.strictObject({ minutes: z.coerce.number().int().min(1).max(360).default(15) }),
  dependencies: z.strictObject({
    sinceMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .default(60),
  }),
  issues: z.strictObject({
    status: z.enum(['open', 'closed']).optional(),
    kind: z.enum(ISSUE_KINDS).optional(),
    subject: z.string().min(1).max(200).optional(),
    unclaimed: booleanQuery.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  issueId: z.object({ id: z.uuid({ error: 'must be an issue id (a UUID)' }) }),
  recover: z.strictObject({ note: z.string().trim().min(1).max(500).optional() }),
  recoveries: z.strictObject({
    service: z.string().min(1).max(200).optional(),
    issueId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  alertsQuery: z.strictObject({ priority: z.string().max(50).optional() }),
};

const databaseErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (isDatabaseUnavailable(error)) {
    return next(
      new HttpProblem(503, 'the database (Postgres) is unavailable; nothing was changed — retry shortly', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  }
  next(error);
};

/** The request body as bytes, at most `limit` (413 beyond), gunzipped when so encoded. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () =>
    new HttpProblem(
      413,
      `the export request is larger than ${limit} bytes (OTLP_MAX_BODY_BYTES); send smaller batches`,
    );
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return body;
  if (encoding !== 'gzip')
    throw new HttpProblem(415, `content-encoding ${encoding} is not supported (use gzip or none)`);
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (error, result) => {
      if (!error) return resolve(result);
      if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        return reject(tooLarge());
      }
      reject(new HttpProblem(400, `the body is not valid gzip: ${error.message}`));
    });
  });
}

function chooseRuntime(options: TracingOptions, logger: Logger): Runtime | undefined {
  const mode = options.runtime ?? 'auto';
  const socket = options.dockerSocket ?? DEFAULTS.DOCKER_SOCKET;
  const dev = () => {
    if (!options.devControlUrl || !options.devControlToken) {
      throw new Error('RUNTIME=dev needs DEV_CONTROL_URL and DEV_CONTROL_TOKEN');
    }
    return new DevRuntime({ url: options.devControlUrl, token: options.devControlToken });
  };
  const docker = () =>
    new DockerRuntime({
      socketPath: socket,
      project: options.composeProject,
      stopTimeoutSeconds: options.dockerStopTimeoutSeconds ?? DEFAULTS.DOCKER_STOP_TIMEOUT_SECONDS,
    });
  if (mode === 'none') return undefined;
  if (mode === 'dev') return dev();
  if (mode === 'docker') return docker();
  if (options.devControlUrl && options.devControlToken) return dev();
  if (existsSync(socket)) return docker();
  logger.warn(
    { socket },
    'no runtime for recovery actions: no DEV_CONTROL_URL and no Docker socket; actions are recorded as unsupported',
  );
  return undefined;
}

export function createTracingService(options: TracingOptions): TracingService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const maxBody = options.otlpMaxBodyBytes ?? DEFAULTS.OTLP_MAX_BODY_BYTES;

  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.databasePoolMax ?? DEFAULTS.DATABASE_POOL_MAX,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle Postgres connection failed'));
  const redis = createRedisClient({
    url: options.redisUrl,
    keyPrefix: options.redisKeyPrefix ?? DEFAULTS.REDIS_KEY_PREFIX,
  });
  const spans = new SpanStore(pool);
  const issues = new IssueStore(pool);
  const aggregates = new Aggregates(
    redis,
    (options.aggregateRetentionHours ?? DEFAULTS.AGGREGATE_RETENTION_HOURS) * 3600,
  );

  const metrics = createMetrics({ service: SERVICE_NAME });
  const ingestRequests = metrics.counter({
    name: 'tracing_ingest_requests_total',
    help: 'OTLP export requests, by encoding and outcome (accepted, rejected, too_large, unavailable)',
    labelNames: ['encoding', 'outcome'] as const,
  });
  const spansReceived = metrics.counter({
    name: 'tracing_spans_received_total',
    help: 'Spans received in accepted OTLP export requests, by encoding',
    labelNames: ['encoding'] as const,
  });
  const spansStored = metrics.counter({
    name: 'tracing_spans_stored_total',
    help: 'Spans newly stored (duplicates skipped)',
  });
  const spansDeleted = metrics.counter({
    name: 'tracing_spans_deleted_total',
    help: 'Spans deleted by retention, by reason (age, rows)',
    labelNames: ['reason'] as const,
  });
  const spanRows = metrics.gauge({
    name: 'tracing_spans_rows',
    help: 'Spans stored, as counted by the last retention sweep',
  });
  const aggregateFailures = metrics.counter({
    name: 'tracing_aggregate_failures_total',
    help: 'Batches whose spans could not be added to the Redis aggregates (stored in Postgres all the same)',
  });
  const actionsTotal = metrics.counter({
    name: 'recovery_actions_total',
    help: 'Recovery actions decided, by service, action and outcome (succeeded, failed, dry_run, budget_exhausted, skipped, unsupported)',
    labelNames: ['service', 'action', 'outcome'] as const,
  });
  const budgetExhausted = metrics.counter({
    name: 'recovery_budget_exhausted_total',
    help: 'Recovery attempts refused because the service spent its restart budget',
    labelNames: ['service'] as const,
  });
  const alertsReceived = metrics.counter({
    name: 'recovery_alerts_received_total',
    help: 'Alerts received from Alertmanager, by alert name and status',
    labelNames: ['alertname', 'status'] as const,
  });
  const serviceReady = metrics.gauge({
    name: 'recovery_service_ready',
    help: 'Whether the watched service answered its readiness check in the last round (1) or not (0)',
    labelNames: ['service'] as const,
  });
  const infrastructureUp = metrics.gauge({
    name: 'recovery_infrastructure_up',
    help: 'Whether the infrastructure piece answered its direct check in the last round (1) or not (0)',
    labelNames: ['piece'] as const,
  });
  const rounds = metrics.histogram({
    name: 'recovery_detection_round_duration_seconds',
    help: 'How long one detection round took (probes, thresholds, issues, actions)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  metrics.gauge({
    name: 'recovery_issues_open',
    help: 'Open issues, by kind',
    labelNames: ['kind'] as const,
    async collect() {
      if (!bootstrap.done) return;
      try {
        const counts = await issues.openCounts();
        this.reset();
        for (const kind of ISSUE_KINDS) this.set({ kind }, counts[kind] ?? 0);
      } catch {
        // Postgres away: the gauge keeps its last values rather than failing the scrape.
      }
    },
  });

  const infrastructure: InfraTarget[] = [];
  const urls = options.infrastructureUrls ?? {};
  const needed = new Set(options.targets.flatMap((t) => t.infrastructure));
  for (const piece of ['postgres', 'redis', 'mongodb', 'mqtt'] as const) {
    const url = urls[piece];
    if (url && needed.has(piece)) infrastructure.push(infraTarget(piece, url));
  }

  let detector: Detector;
  const recoverer = new Recoverer({
    issues,
    runtime: options.runtimeAdapter ?? chooseRuntime(options, logger),
    rails: {
      budget: options.restartBudget ?? DEFAULTS.RESTART_BUDGET,
      windowMs: options.restartWindowMs ?? DEFAULTS.RESTART_WINDOW_MS,
      backoffMs: options.recoveryBackoffMs ?? DEFAULTS.RECOVERY_BACKOFF_MS,
      backoffMaxMs: options.recoveryBackoffMaxMs ?? DEFAULTS.RECOVERY_BACKOFF_MAX_MS,
      dryRun: options.dryRun ?? false,
    },
    culpritOf: (service) => detector.culpritOf(service),
    actions: actionsTotal,
    budgetExhausted,
  });
  // Unique per process across containers (each is pid 1 in its own).
  const actor = `detector@${hostname()}:${process.pid}`;
  detector = new Detector({
    targets: options.targets,
    infrastructure,
    issues,
    aggregates,
    recoverer,
    logger,
    thresholds: {
      errorRate: options.errorRateThreshold ?? DEFAULTS.ERROR_RATE_THRESHOLD,
      p95Ms: options.latencyP95ThresholdMs ?? DEFAULTS.LATENCY_P95_THRESHOLD_MS,
      minRequests: options.thresholdMinRequests ?? DEFAULTS.THRESHOLD_MIN_REQUESTS,
      windowMinutes: options.thresholdWindowMinutes ?? DEFAULTS.THRESHOLD_WINDOW_MINUTES,
    },
    failuresToOpen: options.failuresToOpen ?? DEFAULTS.FAILURES_TO_OPEN,
    startupGraceMs: options.startupGraceMs ?? 0,
    probeTimeoutMs: options.probeTimeoutMs ?? DEFAULTS.PROBE_TIMEOUT_MS,
    recoverKinds: new Set(options.recoverKinds ?? DEFAULTS.RECOVER_KINDS),
    actor,
    claimLeaseMs: options.claimLeaseMs ?? DEFAULTS.CLAIM_LEASE_MS,
    onRound: (state) => {
      for (const s of state.services) if (s.ready !== null) serviceReady.set({ service: s.name }, s.ready ? 1 : 0);
      for (const i of state.infrastructure) if (i.up !== null) infrastructureUp.set({ piece: i.piece }, i.up ? 1 : 0);
      if (state.lastRoundMs !== null) rounds.observe(state.lastRoundMs / 1000);
    },
  });

  const sweep = async () => {
    const result = await spans.sweep({
      olderThan: new Date(Date.now() - (options.spanRetentionHours ?? DEFAULTS.SPAN_RETENTION_HOURS) * 3_600_000),
      maxRows: options.spanMaxRows ?? DEFAULTS.SPAN_MAX_ROWS,
    });
    if (result.age > 0) spansDeleted.inc({ reason: 'age' }, result.age);
    if (result.rows > 0) spansDeleted.inc({ reason: 'rows' }, result.rows);
    spanRows.set(await spans.count());
    return result;
  };

  // Background loops, started once the database is ready, stopped on shutdown.
  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  const every = (name: string, intervalMs: number, task: () => Promise<unknown>) => {
    if (intervalMs <= 0) return;
    loops.push(
      (async () => {
        while (!stopping.signal.aborted) {
          await task().catch((error: unknown) => logger.warn({ err: error }, `${name} failed; retrying next interval`));
          await sleep(intervalMs, undefined, { signal: stopping.signal }).catch(() => {});
        }
      })(),
    );
  };

  const bootstrap = retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the trace store (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(pool, MIGRATIONS_DIR);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
      if (options.demoSeed) await seedDemo({ spans, aggregates, logger });
    },
    onPrepared: () => {
      every('detection round', options.pollIntervalMs ?? DEFAULTS.POLL_INTERVAL_MS, () => detector.round());
      every('span retention sweep', options.sweepIntervalMs ?? DEFAULTS.SWEEP_INTERVAL_MS, sweep);
    },
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });
  const loopsResource: Resource = {
    name: 'detector and sweeper',
    close: async () => {
      stopping.abort();
      await Promise.all(loops);
    },
  };

  const ready = requireStarted(
    bootstrap,
    'the service is starting (connecting to Postgres and applying migrations); try again shortly',
  );
  const operators = [...auth.requireRole('operator', 'admin'), ready];

  const alertToken: RequestHandler = (req, _res, next) => {
    if (!options.alertWebhookToken) return next();
    if (req.headers.authorization !== `Bearer ${options.alertWebhookToken}`) {
      throw new HttpProblem(401, 'the alert webhook needs Authorization: Bearer <ALERT_WEBHOOK_TOKEN>', {
        headers: { 'www-authenticate': 'Bearer realm="azora"' },
      });
    }
    next();
  };

  const service = createService({
    name: SERVICE_NAME,
    version: options.version ?? '0.0.0',
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '1mb',
    // No otlpEndpoint: exporting its own spans to itself would trace every export it receives.
    checks: [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
          if (!bootstrap.done) throw new Error('migrations are not applied yet');
          return { pool: { total: pool.totalCount, idle: pool.idleCount } };
        },
      },
      {
        name: 'redis',
        // Spans are stored without it; only the aggregates and thresholds wait for it.
        required: false,
        check: async () => ({ ping: await redis.ping() }),
      },
    ],
    resources: [
      { name: 'redis', close: async () => void redis.disconnect() },
      { name: 'postgres', close: () => pool.end() },
      bootstrap,
      loopsResource,
    ],
    rawRoutes: (app) => {
      // OTLP/HTTP: the path is the protocol's own, not under /api/<prefix>/.
      app.post('/v1/traces', ready, async (req, res) => {
        const type = String(req.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
          .toLowerCase();
        const encoding =
          type === 'application/x-protobuf' ? 'protobuf' : type === 'application/json' ? 'json' : undefined;
        if (!encoding) {
          req.resume();
          ingestRequests.inc({ encoding: 'unknown', outcome: 'rejected' });
          throw new HttpProblem(415, 'send application/x-protobuf or application/json (OTLP/HTTP)');
        }
        let rows: SpanRow[];
        try {
          const body = await readBody(req, maxBody);
          rows = encoding === 'protobuf' ? decodeProtobuf(body) : decodeJson(body);
        } catch (error) {
          const status = error instanceof HttpProblem ? error.status : 400;
          ingestRequests.inc({ encoding, outcome: status === 413 ? 'too_large' : 'rejected' });
          if (error instanceof OtlpError) throw new HttpProblem(400, error.message);
          throw error;
        }
        try {
          const stored = await spans.insert(rows);
          spansStored.inc(stored);
        } catch (error) {
          ingestRequests.inc({ encoding, outcome: 'unavailable' });
          throw error;
        }
        spansReceived.inc({ encoding }, rows.length);
        ingestRequests.inc({ encoding, outcome: 'accepted' });
        await aggregates.record(rows).catch((error: unknown) => {
          aggregateFailures.inc();
          logger.warn({ err: error }, 'could not add spans to the Redis aggregates');
        });
        res.status(200).type(encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json');
        res.send(successResponse(encoding));
      });
      app.use('/v1/traces', databaseErrors);
    },
    routes: (app) => {
      // Who the caller is: the console offers only the actions the caller's roles allow.
      app.get(`${API}/me`, ...auth.whoAmI);
      app.get(`${API}/traces`, ready, async (req, res) => {
        const query = parseQuery(schemas.traces, req);
        const traces = await spans.search({
          service: query.service,
          minDurationMs: query.minDurationMs,
          error: query.error,
          limit: query.limit,
          since: new Date(Date.now() - query.sinceMinutes * 60_000),
        });
        res.json({ traces });
      });
      app.get(`${API}/traces/:traceId`, ready, async (req, res) => {
        const { traceId } = parseParams(schemas.traceId, req);
        const trace = await spans.trace(traceId);
        if (!trace) throw new HttpProblem(404, `no spans of trace ${traceId} are stored (unknown, or past retention)`);
        res.json(trace);
      });
      app.get(`${API}/services`, ready, async (_req, res) => {
        const seen = await aggregates.services();
        const state = detector.state();
        res.json({
          services: [...new Set([...state.services.map((s) => s.name), ...seen.map((s) => s.service)])]
            .sort()
            .map((name) => ({
              name,
              watched: detector.isWatched(name),
              lastSpanAt: seen.find((s) => s.service === name)?.lastSeen ?? null,
              readiness: state.services.find((s) => s.name === name) ?? null,
            })),
        });
      });
      app.get(`${API}/services/:name/stats`, ready, async (req, res) => {
        const { name } = parseParams(schemas.serviceName, req);
        const { minutes } = parseQuery(schemas.stats, req);
        res.json(await aggregates.stats(name, minutes));
      });
      app.get(`${API}/dependencies`, ready, async (req, res) => {
        const { sinceMinutes } = parseQuery(schemas.dependencies, req);
        const edges = await spans.dependencies(new Date(Date.now() - sinceMinutes * 60_000));
        const nodes = [...new Set(edges.flatMap((e) => [e.caller, e.callee]))].sort();
        res.json({ sinceMinutes, nodes, edges });
      });
      // The live picture of the last round: answers even while Postgres (and so /issues) is down.
      app.get(`${API}/status`, (_req, res) => {
        res.json({
          runtime: recoverer.runtimeName,
          dryRun: recoverer.rails.dryRun,
          guardRails: recoverer.rails,
          ...detector.state(),
        });
      });
      app.get(`${API}/issues`, ready, async (req, res) => {
        const query = parseQuery(schemas.issues, req);
        res.json({ issues: await issues.list(query) });
      });
      app.get(`${API}/issues/:id`, ready, async (req, res) => {
        const { id } = parseParams(schemas.issueId, req);
        const issue = await issues.get(id);
        if (!issue) throw new HttpProblem(404, `no issue ${id}`);
        res.json({ ...issue, recoveries: await issues.actions({ issueId: id, limit: 100 }) });
      });
      app.post(`${API}/issues/:id/recover`, ...operators, async (req, res) => {
        const { id } = parseParams(schemas.issueId, req);
        const input = req.body === undefined ? {} : parseBody(schemas.recover, req);
        const principal = req.principal as NonNullable<Request['principal']>;
        const by = `operator:${principal.subject}`;
        const { claimed, issue } = await issues.claim(id, by, options.claimLeaseMs ?? DEFAULTS.CLAIM_LEASE_MS);
        if (!issue) throw new HttpProblem(404, `no issue ${id}`);
        if (issue.status === 'closed')
          throw new HttpProblem(409, `issue ${id} is closed (${issue.closeReason ?? 'resolved'})`);
        if (!claimed) {
          throw new HttpProblem(409, `issue ${id} is being handled by ${issue.claimedBy} until ${issue.claimedUntil}`, {
            headers: {
              'retry-after': String(Math.max(1, Math.ceil((Date.parse(issue.claimedUntil ?? '') - Date.now()) / 1000))),
            },
          });
        }
        if (input.note)
          await issues.addEvidence(id, { at: new Date().toISOString(), source: 'operator', by, note: input.note });
        const result = await recoverer.recover(issue, by);
        if (result.status === 'deferred') {
          throw new HttpProblem(409, `${result.reason}: the next attempt is allowed at ${result.until}`, {
            headers: { 'retry-after': String(Math.max(1, Math.ceil((Date.parse(result.until) - Date.now()) / 1000))) },
          });
        }
        if (result.status === 'refused') {
          await issues.release(id, by);
          res.status(422).json({ status: 'refused', reason: result.reason, action: result.action ?? null });
          return;
        }
        res.json({ status: 'acted', action: result.action, issue: await issues.get(id) });
      });
      app.get(`${API}/recoveries`, ready, async (req, res) => {
        const query = parseQuery(schemas.recoveries, req);
        res.json({ recoveries: await issues.actions(query) });
      });
      app.post(`${API}/alerts`, alertToken, ready, async (req, res) => {
        const { priority } = parseQuery(schemas.alertsQuery, req);
        const webhook = parseBody(webhookSchema, req);
        const results: { alertname: string; status: string; issueId: string; subject: string; kind: string }[] = [];
        let kick = false;
        for (const alert of webhook.alerts) {
          const alertname = alert.labels.alertname as string;
          alertsReceived.inc({ alertname, status: alert.status });
          const target = alertTarget(alert);
          const evidence = {
            at: new Date().toISOString(),
            source: 'alertmanager' as const,
            alertname,
            status: alert.status,
            priority: priority ?? null,
            startsAt: alert.startsAt ?? null,
            endsAt: alert.endsAt ?? null,
            fingerprint: alert.fingerprint ?? null,
            labels: alert.labels,
            annotations: alert.annotations ?? {},
          };
          const summary = alert.annotations?.summary ?? `${alertname} (${target.subject})`;
          if (target.subjectType === 'service') {
            // When a dependency is the culprit, the alert is evidence for the culprit's issue.
            const culprit = detector.culpritOf(target.subject);
            const culpritIsInfra = culprit !== undefined && !findService(culprit);
            if (alert.status === 'firing') {
              const { issue } = await issues.report(
                culprit
                  ? {
                      subject: culprit,
                      subjectType: culpritIsInfra ? 'infrastructure' : 'service',
                      kind: culpritIsInfra ? 'infrastructure_down' : 'down',
                      summary: `${culprit} is down; ${target.subject} alerted ${alertname}`,
                      evidence,
                    }
                  : { ...target, subjectType: 'service', summary, evidence },
              );
              results.push({
                alertname,
                status: alert.status,
                issueId: issue.id,
                subject: issue.subject,
                kind: issue.kind,
              });
              kick = true;
            } else {
              const [open] = await issues.list({
                status: 'open',
                subject: target.subject,
                kind: target.kind,
                limit: 1,
              });
              if (open) {
                await issues.addEvidence(open.id, evidence);
                // The detector closes what it watches when its own checks pass; the rest closes here.
                if (!detector.isWatched(target.subject))
                  await issues.close(target.subject, target.kind, 'alert resolved', evidence);
                results.push({
                  alertname,
                  status: alert.status,
                  issueId: open.id,
                  subject: open.subject,
                  kind: open.kind,
                });
              }
            }
          } else if (alert.status === 'firing') {
            const { issue } = await issues.report({ ...target, subjectType: 'other', summary, evidence });
            results.push({
              alertname,
              status: alert.status,
              issueId: issue.id,
              subject: issue.subject,
              kind: issue.kind,
            });
          } else {
            const closed = await issues.close(target.subject, target.kind, 'alert resolved', evidence);
            if (closed)
              results.push({
                alertname,
                status: alert.status,
                issueId: closed.id,
                subject: closed.subject,
                kind: closed.kind,
              });
          }
        }
        // Check the alerted services now rather than at the next poll.
        if (kick)
          void detector.round().catch((error: unknown) => logger.warn({ err: error }, 'detection round failed'));
        res.json({ received: webhook.alerts.length, issues: results });
      });
      app.use(databaseErrors);
    },
  });

  return Object.assign(service, {
    pool,
    redis,
    spans,
    issues,
    aggregates,
    get detector() {
      return detector;
    },
    recoverer,
    sweep,
    ready: bootstrap.settled,
  });
}
