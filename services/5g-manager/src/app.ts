// The 5G network manager's HTTP service: the network's configuration (operators, cells, slices,
// tracking areas, subscribers), NSSF-style slice selection, PDU session admission and release,
// cell KPI ingestion and the cached network summary, with metrics Prometheus alerts on.
import { setTimeout as sleep } from 'node:timers/promises';
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
  requireStarted,
  retryingStartup,
  type Service,
  serviceVersion,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { DEFAULTS } from './config.ts';
import { type Database, MIGRATIONS_DIR, openDatabase, StoreError } from './db.ts';
import { seedDemoNetwork } from './demo-seed.ts';
import { KpiStore } from './kpis.ts';
import { NetworkStore, presentCell, presentOperator, presentSlice, presentSubscriber } from './network.ts';
import { selectNssai } from './nssf.ts';
import * as schemas from './schemas.ts';
import { AdmissionRefused, REFUSAL_REASONS, SessionStore } from './sessions.ts';
import { buildSummary, type NetworkSummary, SummaryCache } from './summary.ts';

export const SERVICE_NAME = '5g-manager';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));
const API = `/api/${SERVICE_NAME}`;

export interface FiveGOptions {
  databaseUrl: string;
  databasePoolMax?: number;
  redisUrl: string;
  redisKeyPrefix?: string;
  /** Roles operator and admin write; viewer reads. Default: none accepted. */
  auth?: Auth;
  logger?: Logger;
  demoSeed?: boolean;
  summaryTtlMs?: number;
  kpiWindowSeconds?: number;
  kpiRetentionHours?: number;
  admissionWaitMs?: number;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

export type FiveGService = Service & {
  readonly database: Database;
  readonly redis: Redis;
  readonly network: NetworkStore;
  readonly sessions: SessionStore;
  readonly kpis: KpiStore;
  readonly summary: SummaryCache;
  /** Resolves once the database is migrated (and seeded), after start(). */
  readonly ready: () => Promise<void>;
};

const errors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof StoreError) return next(new HttpProblem(error.status, error.message));
  if (error instanceof AdmissionRefused) {
    return next(new HttpProblem(409, error.message, { extensions: { reason: error.reason } }));
  }
  // P2028: the transaction could not start in time (every connection busy).
  if (isDatabaseUnavailable(error) || (error as { code?: unknown })?.code === 'P2028') {
    return next(
      new HttpProblem(503, 'the database (Postgres) is unavailable or saturated; nothing was changed — retry shortly', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  }
  next(error);
};

export function createFiveGService(options: FiveGOptions): FiveGService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const metrics = createMetrics({ service: SERVICE_NAME });
  const windowSeconds = options.kpiWindowSeconds ?? DEFAULTS.KPI_WINDOW_SECONDS;
  const retentionMs = (options.kpiRetentionHours ?? DEFAULTS.KPI_RETENTION_HOURS) * 3_600_000;

  const admissionWaitMs = options.admissionWaitMs ?? DEFAULTS.ADMISSION_WAIT_MS;
  const database = openDatabase({
    url: options.databaseUrl,
    max: options.databasePoolMax,
    connectionTimeoutMs: admissionWaitMs,
  });
  const redis = createRedisClient({
    url: options.redisUrl,
    keyPrefix: options.redisKeyPrefix ?? DEFAULTS.REDIS_KEY_PREFIX,
  });
  const network = new NetworkStore(database.prisma);
  const sessions = new SessionStore(database.prisma, network, {
    maxWaitMs: admissionWaitMs,
    timeoutMs: admissionWaitMs,
  });
  const kpis = new KpiStore(database.prisma);

  const summaryBuilds = metrics.counter({
    name: 'fiveg_summary_builds_total',
    help: 'Times the network summary was built from Postgres (a cache miss that won the rebuild)',
  });
  const summaryReads = metrics.counter({
    name: 'fiveg_summary_reads_total',
    help: 'Network summary reads, by whether Redis had it',
    labelNames: ['cache'] as const,
  });
  const summary = new SummaryCache({
    redis,
    build: () => buildSummary(database.prisma, windowSeconds),
    ttlMs: options.summaryTtlMs ?? DEFAULTS.SUMMARY_TTL_MS,
    logger,
    onBuild: () => summaryBuilds.inc(),
  });
  const admissions = metrics.counter({
    name: 'fiveg_admissions_total',
    help: 'PDU session admission decisions: admitted, or the refusal reason',
    labelNames: ['outcome'] as const,
  });
  const releases = metrics.counter({
    name: 'fiveg_session_releases_total',
    help: 'PDU sessions released (a repeated release of the same session is not counted)',
  });
  const selections = metrics.counter({
    name: 'fiveg_nssai_selections_total',
    help: 'Slice selections, by what the allowed NSSAI came from: requested, defaults, or none left',
    labelNames: ['result'] as const,
  });
  const kpiSamples = metrics.counter({
    name: 'fiveg_kpi_samples_total',
    help: 'Cell KPI samples stored',
  });
  for (const outcome of ['admitted', ...REFUSAL_REASONS]) admissions.inc({ outcome }, 0);
  for (const result of ['requested', 'defaults', 'none']) selections.inc({ result }, 0);
  for (const cache of ['hit', 'miss']) summaryReads.inc({ cache }, 0);

  const bootstrap = retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the network database (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(database.pool, MIGRATIONS_DIR);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
      if (options.demoSeed) await seedDemoNetwork(network, sessions, logger);
    },
    onPrepared: (stopping) => {
      pruning = pruneKpis(stopping);
    },
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });
  let pruning: Promise<void> | undefined;
  const pruneKpis = async (stopping: AbortSignal) => {
    while (!stopping.aborted) {
      try {
        const deleted = await kpis.prune(new Date(Date.now() - retentionMs));
        if (deleted > 0) logger.info({ deleted }, 'old KPI samples deleted');
      } catch (error) {
        logger.warn({ err: error }, 'pruning old KPI samples failed');
      }
      await sleep(60_000, undefined, { signal: stopping }).catch(() => {});
    }
  };

  // One summary per scrape, however many gauges read it.
  let scraped: { at: number; summary: Promise<NetworkSummary | undefined> } | undefined;
  const scrapeSummary = () => {
    if (!bootstrap.done) return Promise.resolve(undefined);
    if (!scraped || Date.now() - scraped.at > 1000) {
      scraped = {
        at: Date.now(),
        summary: summary.get().then(
          (result) => result.summary,
          (error: unknown) => {
            logger.warn({ err: error }, 'could not read the network summary for /metrics');
            return undefined;
          },
        ),
      };
    }
    return scraped.summary;
  };
  const sliceGauge = (name: string, help: string, value: (slice: NetworkSummary['slices'][number]) => number | null) =>
    metrics.gauge({
      name,
      help,
      labelNames: ['operator', 'snssai', 'slice_type', 'slice'] as const,
      async collect() {
        const current = await scrapeSummary();
        this.reset();
        for (const slice of current?.slices ?? []) {
          const v = value(slice);
          if (v !== null)
            this.set({ operator: slice.operator, snssai: slice.key, slice_type: slice.type, slice: slice.name }, v);
        }
      },
    });
  sliceGauge('fiveg_slice_sessions', 'Active PDU sessions on the slice', (s) => s.activeSessions);
  sliceGauge('fiveg_slice_max_sessions', 'PDU sessions the slice admits at most', (s) => s.maxSessions);
  sliceGauge(
    'fiveg_slice_reserved_bitrate_kbps',
    'Bitrate reserved by the slice’s active sessions',
    (s) => s.reservedBitrateKbps,
  );
  sliceGauge(
    'fiveg_slice_guaranteed_bitrate_kbps',
    'Bitrate the slice guarantees in total',
    (s) => s.guaranteedBitrateKbps,
  );
  sliceGauge(
    'fiveg_slice_latency_p95_seconds',
    'p95 of the slice’s reported latency over the KPI window (absent without samples)',
    (s) => (s.p95LatencyMs === null ? null : s.p95LatencyMs / 1000),
  );
  sliceGauge('fiveg_slice_latency_budget_seconds', 'The slice’s latency budget', (s) => s.latencyBudgetMs / 1000);
  sliceGauge(
    'fiveg_slice_latency_budget_breached',
    '1 while the slice’s p95 latency is above its budget, else 0 (0 without samples)',
    (s) => (s.latencyBreached ? 1 : 0),
  );
  const cellGauge = (name: string, help: string, value: (cell: NetworkSummary['cells'][number]) => number | null) =>
    metrics.gauge({
      name,
      help,
      labelNames: ['operator', 'cell', 'tac'] as const,
      async collect() {
        const current = await scrapeSummary();
        this.reset();
        for (const cell of current?.cells ?? []) {
          const v = value(cell);
          if (v !== null) this.set({ operator: cell.operator, cell: cell.name, tac: cell.tac }, v);
        }
      },
    });
  cellGauge('fiveg_cell_sessions', 'Active PDU sessions in the cell', (c) => c.activeSessions);
  cellGauge('fiveg_cell_max_sessions', 'PDU sessions the cell admits at most', (c) => c.maxSessions);
  cellGauge(
    'fiveg_cell_load_ratio',
    'The cell’s load (0–1) in its latest KPI report within the window (absent without one)',
    (c) => (c.latest ? c.latest.loadPercent / 100 : null),
  );

  const ready = requireStarted(
    bootstrap,
    'the service is starting (connecting to Postgres and applying migrations); try again shortly',
  );
  const readers = [...auth.requireRole('viewer', 'operator', 'admin'), ready];
  const writers = [...auth.requireRole('operator', 'admin'), ready];
  /** Answers, then makes the next summary read rebuild. */
  const changed = async (res: Response, status: number, body?: unknown) => {
    await summary.invalidate();
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  };

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? DEFAULTS_BODY_LIMIT,
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      {
        name: 'postgres',
        check: async () => {
          await database.pool.query('SELECT 1');
          if (!bootstrap.done) throw new Error('migrations are not applied yet');
          return { pool: { total: database.pool.totalCount, idle: database.pool.idleCount } };
        },
      },
      {
        // The summary's cache only: without Redis the summary is built on every read.
        name: 'redis',
        required: false,
        check: async () => ({ ping: await redis.ping() }),
      },
    ],
    resources: [
      { name: 'postgres', close: () => database.close() },
      {
        name: 'redis',
        close: () =>
          redis.quit().then(
            () => undefined,
            () => redis.disconnect(),
          ),
      },
      {
        name: bootstrap.name,
        start: bootstrap.start,
        close: async () => {
          await bootstrap.close();
          await pruning;
        },
      },
    ],
    routes: (app) => {
      app.get(`${API}/me`, auth.authenticate, (req, res) => {
        const { subject, roles } = req.principal as NonNullable<Request['principal']>;
        res.json({ subject, roles });
      });

      // Operators
      app.get(`${API}/operators`, ...readers, async (_req, res) => {
        res.json({ operators: await network.listOperators() });
      });
      app.post(`${API}/operators`, ...writers, async (req, res) => {
        await changed(res, 201, await network.createOperator(parseBody(schemas.OperatorBody, req)));
      });
      app.get(`${API}/operators/:id`, ...readers, async (req, res) => {
        const { id } = parseParams(schemas.IdParams, req);
        res.json(presentOperator(await network.operator(id)));
      });
      app.patch(`${API}/operators/:id`, ...writers, async (req, res) => {
        const { id } = parseParams(schemas.IdParams, req);
        const { name } = parseBody(schemas.OperatorPatch, req);
        await changed(res, 200, await network.renameOperator(id, name));
      });
      app.delete(`${API}/operators/:id`, ...writers, async (req, res) => {
        await network.deleteOperator(parseParams(schemas.IdParams, req).id);
        await changed(res, 204);
      });

      // Cells
      app.get(`${API}/cells`, ...readers, async (req, res) => {
        res.json({ cells: await network.listCells(parseQuery(schemas.ByOperatorQuery, req).operatorId) });
      });
      app.post(`${API}/cells`, ...writers, async (req, res) => {
        await changed(res, 201, await network.createCell(parseBody(schemas.CellBody, req)));
      });
      app.get(`${API}/cells/:id`, ...readers, async (req, res) => {
        res.json(presentCell(await network.cell(parseParams(schemas.IdParams, req).id)));
      });
      app.patch(`${API}/cells/:id`, ...writers, async (req, res) => {
        const { id } = parseParams(schemas.IdParams, req);
        await changed(res, 200, await network.updateCell(id, parseBody(schemas.CellPatch, req)));
      });
      app.delete(`${API}/cells/:id`, ...writers, async (req, res) => {
        await network.deleteCell(parseParams(schemas.IdParams, req).id);
        await changed(res, 204);
      });

      // Slices
      app.get(`${API}/slices`, ...readers, async (req, res) => {
        res.json({ slices: await network.listSlices(parseQuery(schemas.ByOperatorQuery, req).operatorId) });
      });
      app.post(`${API}/slices`, ...writers, async (req, res) => {
        await changed(res, 201, await network.createSlice(parseBody(schemas.SliceBody, req)));
      });
      app.get(`${API}/slices/:id`, ...readers, async (req, res) => {
        res.json(presentSlice(await network.slice(parseParams(schemas.IdParams, req).id)));
      });
      app.patch(`${API}/slices/:id`, ...writers, async (req, res) => {
        const { id } = parseParams(schemas.IdParams, req);
        await changed(res, 200, await network.updateSlice(id, parseBody(schemas.SlicePatch, req)));
      });
      app.delete(`${API}/slices/:id`, ...writers, async (req, res) => {
        await network.deleteSlice(parseParams(schemas.IdParams, req).id);
        await changed(res, 204);
      });

      // Tracking areas: which slices each one offers
      app.get(`${API}/operators/:id/tracking-areas`, ...readers, async (req, res) => {
        res.json({ trackingAreas: await network.listTrackingAreas(parseParams(schemas.IdParams, req).id) });
      });
      app.get(`${API}/operators/:id/tracking-areas/:tac`, ...readers, async (req, res) => {
        const { id, tac } = parseParams(schemas.TrackingAreaParams, req);
        res.json(await network.trackingArea(id, tac));
      });
      app.put(`${API}/operators/:id/tracking-areas/:tac`, ...writers, async (req, res) => {
        const { id, tac } = parseParams(schemas.TrackingAreaParams, req);
        const { trackingArea, created } = await network.putTrackingArea(
          id,
          tac,
          parseBody(schemas.TrackingAreaBody, req),
        );
        await changed(res, created ? 201 : 200, trackingArea);
      });
      app.delete(`${API}/operators/:id/tracking-areas/:tac`, ...writers, async (req, res) => {
        const { id, tac } = parseParams(schemas.TrackingAreaParams, req);
        await network.deleteTrackingArea(id, tac);
        await changed(res, 204);
      });

      // Subscribers
      app.get(`${API}/subscribers`, ...readers, async (req, res) => {
        res.json({ subscribers: await network.listSubscribers(parseQuery(schemas.SubscribersQuery, req)) });
      });
      app.post(`${API}/subscribers`, ...writers, async (req, res) => {
        res.status(201).json(await network.createSubscriber(parseBody(schemas.SubscriberBody, req)));
      });
      app.get(`${API}/subscribers/:supi`, ...readers, async (req, res) => {
        res.json(presentSubscriber(await network.subscriber(parseParams(schemas.SupiParams, req).supi)));
      });
      app.put(`${API}/subscribers/:supi/slices`, ...writers, async (req, res) => {
        const { supi } = parseParams(schemas.SupiParams, req);
        res.json(await network.setSubscription(supi, parseBody(schemas.SubscriptionBody, req)));
      });
      app.delete(`${API}/subscribers/:supi`, ...writers, async (req, res) => {
        await network.deleteSubscriber(parseParams(schemas.SupiParams, req).supi);
        res.status(204).end();
      });

      // Slice selection (NSSF): reads only, so viewers may ask too.
      app.post(`${API}/nssai/select`, ...readers, async (req, res) => {
        const { supi, requested, tai } = parseBody(schemas.SelectBody, req);
        const subscriber = await network.subscriber(supi);
        const operator = (await network.listOperators()).find(
          (o) => o.plmnId.mcc === tai.plmnId.mcc && o.plmnId.mnc === tai.plmnId.mnc,
        );
        if (!operator) throw new HttpProblem(404, `no operator with PLMN ${tai.plmnId.mcc}-${tai.plmnId.mnc}`);
        if (operator.id !== subscriber.operatorId) {
          throw new HttpProblem(
            409,
            `${supi} is not a subscriber of the PLMN of this tracking area; roaming is not supported`,
          );
        }
        await network.trackingArea(operator.id, tai.tac);
        const selection = selectNssai({
          requested,
          configured: new Set((await network.listSlices(operator.id)).map((slice) => slice.key)),
          subscribed: subscriber.slices.map((entry) => ({
            snssai: entry.slice.sd === null ? { sst: entry.slice.sst } : { sst: entry.slice.sst, sd: entry.slice.sd },
            isDefault: entry.isDefault,
          })),
          offered: await network.offeredIn(operator.id, tai.tac),
        });
        selections.inc({
          result: selection.allowed.length === 0 ? 'none' : selection.defaultsUsed ? 'defaults' : 'requested',
        });
        res.json({
          supi,
          tai,
          allowedNssai: selection.allowed,
          rejectedNssai: selection.rejected,
          defaultsUsed: selection.defaultsUsed,
        });
      });

      // PDU sessions
      app.post(`${API}/sessions`, ...writers, async (req, res) => {
        const body = parseBody(schemas.SessionBody, req);
        const idempotencyKey = schemas.IdempotencyKey.safeParse(req.get('idempotency-key'));
        if (!idempotencyKey.success) {
          throw new HttpProblem(400, 'the Idempotency-Key header must be 1 to 255 visible ASCII characters');
        }
        try {
          const { session, created } = await sessions.admit({
            ...body,
            by: (req.principal as NonNullable<Request['principal']>).subject,
            idempotencyKey: idempotencyKey.data,
          });
          if (created) admissions.inc({ outcome: 'admitted' });
          await changed(res, created ? 201 : 200, session);
        } catch (error) {
          if (error instanceof AdmissionRefused) admissions.inc({ outcome: error.reason });
          throw error;
        }
      });
      app.get(`${API}/sessions`, ...readers, async (req, res) => {
        const query = parseQuery(schemas.SessionsQuery, req);
        res.json({
          sessions: await sessions.list({
            ...query,
            active: query.active === undefined ? undefined : query.active === 'true',
          }),
        });
      });
      app.get(`${API}/sessions/:id`, ...readers, async (req, res) => {
        res.json(await sessions.session(parseParams(schemas.IdParams, req).id));
      });
      app.delete(`${API}/sessions/:id`, ...writers, async (req, res) => {
        const { session, released } = await sessions.release(parseParams(schemas.IdParams, req).id);
        if (released) {
          releases.inc();
          await summary.invalidate();
        }
        res.json(session);
      });

      // KPIs: a stream; the summary picks them up within its TTL (no invalidation per sample).
      app.post(`${API}/kpis`, ...writers, async (req, res) => {
        const result = await kpis.ingest([parseBody(schemas.KpiBody, req)]);
        kpiSamples.inc(result.accepted);
        res.status(201).json(result);
      });
      app.post(`${API}/kpis/batch`, ...writers, async (req, res) => {
        const result = await kpis.ingest(parseBody(schemas.KpiBatchBody, req).samples);
        kpiSamples.inc(result.accepted);
        res.status(201).json(result);
      });

      app.get(`${API}/summary`, ...readers, async (_req, res) => {
        const { summary: current, cached } = await summary.get();
        summaryReads.inc({ cache: cached ? 'hit' : 'miss' });
        res.set('cache-control', 'no-store').set('x-cache', cached ? 'hit' : 'miss');
        res.json(current);
      });

      app.use(errors);
    },
  });
  return Object.assign(service, {
    database,
    redis,
    network,
    sessions,
    kpis,
    summary,
    ready: bootstrap.settled,
  });
}

/** KPI batches of 1,000 samples with their slices fit well within this. */
const DEFAULTS_BODY_LIMIT = '1mb';
