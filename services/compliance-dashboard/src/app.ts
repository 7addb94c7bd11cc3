// The compliance dashboard: the posture of every jurisdiction service and the IoT
// integration in one overview, read live from their APIs, with alerts a DPO acknowledges.
// The dashboard's own database holds nothing but those acknowledgements.
import { fileURLToPath } from 'node:url';
import { isDatabaseUnavailable, migrate } from '@azora/compliance-core';
import {
  type Auth,
  createAuth,
  createLogger,
  createMetrics,
  createService,
  type HealthCheck,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  requireStarted,
  retryingStartup,
  type Service,
  ServiceClient,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request } from 'express';
import pg from 'pg';
import { type Acknowledgement, AcknowledgementStore } from './acknowledgements.ts';
import { Aggregator, type DerivedAlert, type Snapshot } from './aggregate.ts';
import { DEFAULTS } from './config.ts';
import { iotUpstream, regimeUpstreams, SERVICE_NAME } from './upstreams.ts';

export { SERVICE_NAME };

const API = `/api/${SERVICE_NAME}`;
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export interface DashboardOptions {
  version?: string;
  databaseUrl: string;
  databasePoolMax?: number;
  /** Roles dpo (acknowledges), operator and auditor (read). Default: none accepted. */
  auth?: Auth;
  /** Sent as `x-api-key` on every upstream call: a key with the auditor role there. */
  apiKey: string;
  /** Base URLs by catalog name; a service not listed is reached at the catalog's default. */
  upstreamUrls?: Record<string, string>;
  upstreamTimeoutMs?: number;
  cacheTtlMs?: number;
  deadlineWarningHours?: number;
  logger?: Logger;
  bodyLimit?: string;
  otlpEndpoint?: string;
  /** The clock deadlines are judged by (tests move it). */
  now?: () => Date;
}

export type DashboardService = Service & {
  readonly aggregator: Aggregator;
  readonly pool: pg.Pool;
  /** Resolves once the database is migrated, after start(). */
  readonly ready: () => Promise<void>;
};

export interface AlertView extends DerivedAlert {
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  note: string | null;
}

const schemas = {
  alertId: z.object({
    id: z
      .string()
      .max(300, { error: 'must be at most 300 characters' })
      .regex(/^(overdue|deadline|iot):[A-Za-z0-9_.:-]+$/, {
        error: 'must be an alert id: overdue:…, deadline:… or iot:…',
      }),
  }),
  acknowledge: z.strictObject({ note: z.string().trim().min(1).max(2000).optional() }),
};

function withAcknowledgement(alert: DerivedAlert, ack: Acknowledgement | undefined): AlertView {
  return {
    ...alert,
    acknowledgedBy: ack?.acknowledgedBy ?? null,
    acknowledgedAt: ack?.acknowledgedAt ?? null,
    note: ack?.note ?? null,
  };
}

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

export function createDashboardService(options: DashboardOptions): DashboardService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULTS.UPSTREAM_TIMEOUT_MS;
  const urlOf = (service: string, fallback: string) => options.upstreamUrls?.[service] ?? fallback;

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.databasePoolMax ?? 5 });
  pool.on('error', (error) => logger.warn({ err: error }, 'an idle Postgres connection failed'));
  const acknowledgements = new AcknowledgementStore(pool);

  const metrics = createMetrics({ service: SERVICE_NAME });
  const duration = metrics.histogram({
    name: 'compliance_dashboard_upstream_request_duration_seconds',
    help: 'Calls to the jurisdiction services and the IoT integration, by upstream, endpoint and outcome',
    labelNames: ['upstream', 'endpoint', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  });

  const regimes = regimeUpstreams().map((upstream) => ({
    upstream,
    client: new ServiceClient({
      service: upstream.service,
      baseUrl: urlOf(upstream.service, upstream.defaultUrl),
      timeoutMs,
    }),
  }));
  const iot = iotUpstream();
  const aggregator = new Aggregator({
    regimes,
    iot: {
      service: iot.service,
      apiPrefix: iot.apiPrefix,
      client: new ServiceClient({ service: iot.service, baseUrl: urlOf(iot.service, iot.defaultUrl), timeoutMs }),
    },
    apiKey: options.apiKey,
    cacheTtlMs: options.cacheTtlMs ?? DEFAULTS.CACHE_TTL_MS,
    deadlineWarningMs: (options.deadlineWarningHours ?? DEFAULTS.DEADLINE_WARNING_HOURS) * 3_600_000,
    now,
    logger,
    observe: (upstream, endpoint, outcome, seconds) => duration.observe({ upstream, endpoint, outcome }, seconds),
  });

  const bootstrap = retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the database (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(pool, MIGRATIONS_DIR);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    },
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });

  /** The whole picture: the cached round plus the acknowledgements as they stand now. */
  async function overview(snapshot: Snapshot) {
    const acks = await acknowledgements.find(snapshot.alerts.map((alert) => alert.id));
    const unreachable = snapshot.regimes.some((r) => !r.reachable) || !snapshot.iot.reachable;
    return {
      generatedAt: snapshot.generatedAt,
      status: unreachable ? ('degraded' as const) : ('ok' as const),
      regimes: snapshot.regimes,
      deadlines: snapshot.deadlines,
      iot: snapshot.iot,
      alerts: snapshot.alerts.map((alert) => withAcknowledgement(alert, acks.get(alert.id))),
    };
  }

  // Gauges read the cached round when Prometheus scrapes (a scrape costs a round at most once per TTL).
  const latest = async () => {
    try {
      return await overview(await aggregator.current());
    } catch (error) {
      logger.warn({ err: error }, 'could not build the overview for /metrics');
      return undefined;
    }
  };
  metrics.gauge({
    name: 'compliance_dashboard_regime_reachable',
    help: 'Whether the jurisdiction service answered the latest round (1) or not (0)',
    labelNames: ['regime'] as const,
    async collect() {
      const snapshot = await aggregator.current();
      this.reset();
      for (const entry of snapshot.regimes) this.set({ regime: entry.regime }, entry.reachable ? 1 : 0);
    },
  });
  metrics.gauge({
    name: 'compliance_dashboard_regime_score',
    help: 'The regime’s assessment score, 0–100, from its service; absent while it is unreachable',
    labelNames: ['regime'] as const,
    async collect() {
      const snapshot = await aggregator.current();
      this.reset();
      for (const entry of snapshot.regimes) if (entry.reachable) this.set({ regime: entry.regime }, entry.score);
    },
  });
  metrics.gauge({
    name: 'compliance_dashboard_iot_reachable',
    help: 'Whether the IoT integration answered the latest round (1) or not (0)',
    async collect() {
      this.set((await aggregator.current()).iot.reachable ? 1 : 0);
    },
  });
  const alertGauge = (state: 'open' | 'acknowledged', help: string) =>
    metrics.gauge({
      name: `compliance_dashboard_alerts_${state}`,
      help,
      labelNames: ['kind'] as const,
      async collect() {
        const current = bootstrap.done ? await latest() : undefined;
        this.reset();
        if (!current) return;
        for (const kind of ['overdue', 'deadline', 'iot'] as const) {
          const alerts = current.alerts.filter((a) => a.kind === kind);
          this.set({ kind }, alerts.filter((a) => (a.acknowledgedAt !== null) === (state === 'acknowledged')).length);
        }
      },
    });
  alertGauge(
    'open',
    'Alerts (overdue requests, approaching or missed notification deadlines, IoT findings) not acknowledged',
  );
  alertGauge('acknowledged', 'Alerts still standing that a DPO has acknowledged');

  const upstreamChecks: HealthCheck[] = [...regimes.map((r) => r.upstream.service), iot.service].map((service) => ({
    name: service,
    required: false,
    timeoutMs: timeoutMs + 1000,
    check: async () => {
      const snapshot = await aggregator.current();
      const entry = service === iot.service ? snapshot.iot : snapshot.regimes.find((r) => r.service === service);
      if (!entry?.reachable) throw new Error(entry && 'error' in entry ? entry.error : `${service} is unreachable`);
      return 'score' in entry ? { score: entry.score, fetchedAt: entry.fetchedAt } : { fetchedAt: entry.fetchedAt };
    },
  }));

  const ready = requireStarted(
    bootstrap,
    'the service is starting (connecting to Postgres and applying migrations); try again shortly',
  );
  const readers = [...auth.requireRole('dpo', 'operator', 'auditor'), ready];
  const dpo = [...auth.requireRole('dpo'), ready];

  const service = createService({
    name: SERVICE_NAME,
    version: options.version ?? '0.0.0',
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '16kb',
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
          if (!bootstrap.done) throw new Error('migrations are not applied yet');
          return { pool: { total: pool.totalCount, idle: pool.idleCount } };
        },
      },
      ...upstreamChecks,
    ],
    resources: [{ name: 'postgres', close: () => pool.end() }, bootstrap],
    routes: (app) => {
      // Who the caller is: the console shows the Acknowledge button to a dpo only.
      app.get(`${API}/me`, ...auth.whoAmI);
      app.get(`${API}/overview`, ...readers, async (_req, res) => {
        res.set('cache-control', 'no-store');
        res.json(await overview(await aggregator.current()));
      });

      app.post(`${API}/alerts/:id/acknowledge`, ...dpo, async (req: Request, res) => {
        const { id } = parseParams(schemas.alertId, req);
        const input = req.body === undefined ? {} : parseBody(schemas.acknowledge, req);
        const snapshot = await aggregator.current();
        const alert = snapshot.alerts.find((a) => a.id === id);
        if (!alert) {
          throw new HttpProblem(
            404,
            `no current alert "${id}": it may have been resolved, or its service is unreachable right now`,
          );
        }
        const { acknowledgement } = await acknowledgements.acknowledge({
          alertId: id,
          by: (req.principal as NonNullable<Request['principal']>).subject,
          note: input.note,
          at: now(),
        });
        res.json(withAcknowledgement(alert, acknowledgement));
      });
      app.use(databaseErrors);
    },
  });
  return Object.assign(service, { aggregator, pool, ready: bootstrap.settled });
}
