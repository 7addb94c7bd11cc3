// A jurisdiction service: the routes every regime shares, over its own Postgres database,
// with the regime's rule pack deciding deadlines, request types, lawful bases, breach
// obligations and controls. services/<regime>-compliance/src/main.ts is only this plus a pack.
import { createHash, createHmac } from 'node:crypto';
import {
  type Auth,
  createAuth,
  createLogger,
  createMetrics,
  createService,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  parseQuery,
  requireStarted,
  type Service,
  type z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request } from 'express';
import { type Canonical, canonicalEncoding } from '../audit/chain.ts';
import { type Database, openDatabase } from '../db/database.ts';
import type { Keyring } from '../identity/keys.ts';
import { type Finding, PII_TYPES, PiiInputTooLargeError, redact, scanPii } from '../pii/scanner.ts';
import type { RulePack } from '../regimes/types.ts';
import { assess, attestControl } from '../store/assessment.ts';
import { recentAudit, verifyAuditLog } from '../store/audit.ts';
import {
  breachCounts,
  changeBreachState,
  createBreach,
  getBreach,
  listBreaches,
  recordNotification,
} from '../store/breaches.ts';
import { checkConsent, consentHistory, recordConsent } from '../store/consents.ts';
import { type Idempotency, type StoreContext, StoreError } from '../store/context.ts';
import { activitiesCsv, createActivity, listActivities } from '../store/processing.ts';
import {
  completeInterim,
  completeRequest,
  createRequest,
  extendRequest,
  getRequest,
  listRequests,
  rejectRequest,
  requestCounts,
  revealRequestSubject,
  startRequest,
  verifyRequest,
} from '../store/requests.ts';
import { postgresBootstrap } from './bootstrap.ts';
import { COMPLIANCE_DEFAULTS } from './config.ts';
import { seedDemoData } from './demo-seed.ts';
import type { ComplianceExtension } from './extension.ts';
import { schemas } from './schemas.ts';

export interface ComplianceOptions {
  /** Catalog name, e.g. `lgpd-compliance`: routes live under `/api/<name>/`. */
  name: string;
  version: string;
  pack: RulePack;
  /** The regime's own routes, automatic controls and demo data, when it has any. */
  extension?: ComplianceExtension;
  databaseUrl: string;
  databasePoolMax?: number;
  identity: { hashKey: Buffer; keyring: Keyring };
  /** Roles dpo, operator, auditor. Default: none accepted (every route is 401). */
  auth?: Auth;
  logger?: Logger;
  demoSeed?: boolean;
  /** Hours after detection: the target for breach notifications the law sets no time for. */
  notificationTargetHours?: number;
  metricsRefreshMs?: number;
  bodyLimit?: string;
  otlpEndpoint?: string;
  /** The clock (tests move it). */
  now?: () => Date;
}

export type ComplianceService = Service & {
  readonly database: Database;
  readonly store: StoreContext;
  /** Resolves once the database is migrated (and seeded), after start(). */
  readonly ready: () => Promise<void>;
};

/** The numbers the compliance dashboard aggregates. */
async function summarize(ctx: StoreContext) {
  const [requests, breaches, assessment] = await Promise.all([requestCounts(ctx), breachCounts(ctx), assess(ctx)]);
  return {
    regime: ctx.pack.regime,
    name: ctx.pack.name,
    at: ctx.now().toISOString(),
    requests,
    breaches: breaches.byState,
    notifications: {
      pending: breaches.pending,
      missed: breaches.missed,
      pastTarget: breaches.pastTarget,
      nearestDeadline: breaches.nearestDeadline?.toISOString() ?? null,
    },
    score: assessment.score,
  };
}
type Summary = Awaited<ReturnType<typeof summarize>>;

/**
 * The optional `Idempotency-Key` of a create: a client that retries (a timeout, a dropped
 * connection) with the same key and body gets the first answer, not a second record.
 */
function idempotencyOf(req: Request): Idempotency | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpProblem(400, 'the Idempotency-Key header must be 1 to 255 visible ASCII characters');
  }
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.path}\n${canonicalEncoding(req.body as Canonical)}`)
    .digest('hex');
  return { key, fingerprint };
}

/** The body of a step whose fields are all optional: none sent is `{}`, a sent one is validated. */
function optionalBody<T extends object>(schema: z.ZodType<T | undefined>, req: Request): Partial<T> {
  return req.body === undefined ? {} : (parseBody(schema, req) ?? {});
}

const storeErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof StoreError) return next(new HttpProblem(error.status, error.message));
  if (error instanceof PiiInputTooLargeError) return next(new HttpProblem(413, error.message));
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

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'P1001',
  'P1017',
  'P2024',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database|not currently accepting connections|the database system is (starting up|shutting down)/i;

/**
 * Connection refused or lost, pool exhausted, server shutting down: worth a retry, not a 500.
 * Prisma wraps the driver's error; its code sits in `meta.driverAdapterError.cause`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  type Failure = {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
  };
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop() as Failure | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (UNAVAILABLE_CODES.has(String(e.code ?? '')) || String(e.code ?? '').startsWith('08')) return true;
    if (UNAVAILABLE_MESSAGE.test(String(e.message ?? ''))) return true;
    pending.push(e.cause, e.meta?.driverAdapterError?.cause);
  }
  return false;
}

export function createComplianceService(options: ComplianceOptions): ComplianceService {
  const { pack, name, extension } = options;
  const API = `/api/${name}`;
  const logger = options.logger ?? createLogger(name);
  const auth = options.auth ?? createAuth({});
  const now = options.now ?? (() => new Date());
  const database = openDatabase({ url: options.databaseUrl, max: options.databasePoolMax });
  const ctx: StoreContext = {
    prisma: database.prisma,
    pack,
    identity: options.identity,
    now,
    notificationTargetHours: options.notificationTargetHours ?? COMPLIANCE_DEFAULTS.NOTIFICATION_TARGET_HOURS,
    controlChecks: extension?.checks,
  };
  const body = schemas(pack.calendar.timeZone, now, pack.breachDetails);
  // Hash-mode redaction: stable per deployment, never equal to the identifier lookup hashes.
  const redactionKey = createHmac('sha256', options.identity.hashKey).update('pii-redaction').digest();

  const metrics = createMetrics({ service: name });
  const regime = pack.regime;
  const scans = metrics.counter({
    name: 'compliance_pii_scans_total',
    help: 'PII scans run',
    labelNames: ['regime'] as const,
  });
  const findings = metrics.counter({
    name: 'compliance_pii_findings_total',
    help: 'PII found by scans, by type',
    labelNames: ['regime', 'type'] as const,
  });
  scans.inc({ regime }, 0);
  for (const type of extension?.scannerTypes ?? PII_TYPES) findings.inc({ regime, type }, 0);
  const scan = extension?.scanner ?? scanPii;

  // The gauges read one summary, cached for METRICS_REFRESH_MS so a scrape costs a few counts.
  const refreshMs = options.metricsRefreshMs ?? COMPLIANCE_DEFAULTS.METRICS_REFRESH_MS;
  let cached: { summary: Summary; at: number } | undefined;
  let refreshing: Promise<Summary | undefined> | undefined;
  const currentSummary = async (): Promise<Summary | undefined> => {
    if (!bootstrap.done) return undefined;
    if (cached && Date.now() - cached.at < refreshMs) return cached.summary;
    refreshing ??= summarize(ctx)
      .then((summary) => {
        cached = { summary, at: Date.now() };
        return summary;
      })
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'could not count requests and breaches for /metrics');
        return cached?.summary;
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  const gauge = (
    metric: string,
    help: string,
    read: (summary: Summary, set: (value: number, labels?: Record<string, string>) => void) => void,
    labelNames: string[] = [],
  ) =>
    metrics.gauge({
      name: metric,
      help,
      labelNames: ['regime', ...labelNames],
      async collect() {
        const summary = await currentSummary();
        this.reset();
        if (summary) read(summary, (value, labels = {}) => this.set({ regime, ...labels }, value));
      },
    });
  gauge('compliance_requests_open', 'Data subject requests not yet completed or rejected', (s, set) =>
    set(s.requests.open),
  );
  gauge('compliance_requests_overdue', 'Open requests past their statutory due date (clock running)', (s, set) =>
    set(s.requests.overdue),
  );
  gauge(
    'compliance_breaches',
    'Breach incidents by state',
    (s, set) => {
      for (const [state, count] of Object.entries(s.breaches)) set(count, { state });
    },
    ['state'],
  );
  gauge(
    'compliance_notification_deadlines_missed',
    'Required breach notifications past their deadline and not made',
    (s, set) => set(s.notifications.missed),
  );
  gauge(
    'compliance_notification_targets_missed',
    'Breach notifications the law sets no time for, not made by the target (NOTIFICATION_TARGET_HOURS)',
    (s, set) => set(s.notifications.pastTarget),
  );
  gauge(
    'compliance_notification_deadline_seconds',
    'Seconds until the nearest deadline of a breach notification not yet made (negative: past); absent when none',
    (s, set) => {
      if (s.notifications.nearestDeadline) set((Date.parse(s.notifications.nearestDeadline) - now().getTime()) / 1000);
    },
  );
  gauge(
    'compliance_score',
    'Assessment score, 0–100, computed from controls, overdue requests and missed notifications',
    (s, set) => set(s.score),
  );

  const bootstrap = postgresBootstrap({
    database,
    logger,
    prepare: async () => {
      if (!options.demoSeed || (await ctx.prisma.auditEntry.count()) > 0) return;
      await seedDemoData(ctx, logger);
      await extension?.seed?.(ctx, logger);
    },
  });
  const ready = requireStarted(
    bootstrap,
    'the service is starting (connecting to Postgres and applying migrations); try again shortly',
  );
  const readers = [...auth.requireRole('dpo', 'operator', 'auditor'), ready];
  const staff = [...auth.requireRole('dpo', 'operator'), ready];
  const dpo = [...auth.requireRole('dpo'), ready];
  const auditors = [...auth.requireRole('dpo', 'auditor'), ready];
  const actor = (req: Request) => (req.principal as NonNullable<Request['principal']>).subject;
  const id = (req: Request) => parseParams(body.id, req).id;

  const service = createService({
    name,
    version: options.version,
    logger,
    metrics,
    // A PII scan takes up to 1 MiB of text; JSON escaping can make that a little longer.
    bodyLimit: options.bodyLimit ?? '2mb',
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
    ],
    resources: [{ name: 'postgres', close: () => database.close() }, bootstrap],
    routes: (app) => {
      app.get(`${API}/regime`, ...readers, (_req, res) => {
        res.json({
          regime: pack.regime,
          name: pack.name,
          timeZone: pack.calendar.timeZone,
          calendar: pack.calendar.description,
          requestTypes: pack.requestTypes,
          lawfulBases: pack.lawfulBases,
          extension: pack.extension,
          pausesWhileVerifying: pack.pausesWhileVerifying,
          controls: pack.controls,
        });
      });

      app.get(`${API}/me`, ...auth.whoAmI);

      app.post(`${API}/pii/scan`, ...auth.requireRole('dpo', 'operator', 'auditor'), (req, res) => {
        const input = parseBody(body.scan, req);
        const found = scan(input.text);
        scans.inc({ regime });
        for (const finding of found) findings.inc({ regime, type: finding.type });
        res.json({
          findings: found.map(({ type, start, end, confidence }) => ({ type, start, end, confidence })),
          // redact() only reads a finding's type for the hash token and the card/IBAN mask: any name works.
          ...(input.redact
            ? { redacted: redact(input.text, found as readonly Finding[], input.redact, { key: redactionKey }) }
            : {}),
        });
      });

      app.post(`${API}/requests`, ...staff, async (req, res) => {
        const input = parseBody(body.newRequest, req);
        res.status(201).json(await createRequest(ctx, actor(req), input, idempotencyOf(req)));
      });
      app.get(`${API}/requests`, ...readers, async (req, res) => {
        res.json({ requests: await listRequests(ctx, parseQuery(body.listRequests, req)) });
      });
      app.get(`${API}/requests/:id`, ...readers, async (req, res) => {
        res.json(await getRequest(ctx, id(req)));
      });
      // The identifier in the clear, for those who answer requests (not auditors); audited.
      app.get(`${API}/requests/:id/subject`, ...staff, async (req, res) => {
        res.json(await revealRequestSubject(ctx, actor(req), id(req)));
      });
      app.post(`${API}/requests/:id/verify`, ...staff, async (req, res) => {
        res.json(await verifyRequest(ctx, actor(req), id(req), parseBody(body.verify, req)));
      });
      app.post(`${API}/requests/:id/start`, ...staff, async (req, res) => {
        optionalBody(body.start, req);
        res.json(await startRequest(ctx, actor(req), id(req)));
      });
      app.post(`${API}/requests/:id/extend`, ...staff, async (req, res) => {
        res.json(await extendRequest(ctx, actor(req), id(req), parseBody(body.extend, req)));
      });
      app.post(`${API}/requests/:id/complete`, ...staff, async (req, res) => {
        res.json(await completeRequest(ctx, actor(req), id(req), parseBody(body.complete, req)));
      });
      app.post(`${API}/requests/:id/reject`, ...staff, async (req, res) => {
        res.json(await rejectRequest(ctx, actor(req), id(req), parseBody(body.reject, req)));
      });
      app.post(`${API}/requests/:id/interim/:name`, ...staff, async (req, res) => {
        const input = optionalBody(body.interim, req);
        res.json(await completeInterim(ctx, actor(req), id(req), String(req.params.name), input));
      });

      app.post(`${API}/consents`, ...staff, async (req, res) => {
        res.status(201).json(await recordConsent(ctx, actor(req), parseBody(body.consent, req), idempotencyOf(req)));
      });
      app.get(`${API}/consents/check`, ...readers, async (req, res) => {
        res.json(await checkConsent(ctx, parseQuery(body.consentCheck, req)));
      });
      app.get(`${API}/consents`, ...readers, async (req, res) => {
        res.json({ consents: await consentHistory(ctx, parseQuery(body.consentHistory, req).subject) });
      });

      app.post(`${API}/processing-activities`, ...dpo, async (req, res) => {
        res.status(201).json(await createActivity(ctx, actor(req), parseBody(body.activity, req)));
      });
      app.get(`${API}/processing-activities`, ...readers, async (_req, res) => {
        res.json({ controller: null, regime, activities: await listActivities(ctx) });
      });
      app.get(`${API}/processing-activities.csv`, ...readers, async (_req, res) => {
        res
          .type('text/csv; charset=utf-8')
          .attachment(`${name}-processing-activities.csv`)
          .send(activitiesCsv(await listActivities(ctx)));
      });

      app.post(`${API}/breaches`, ...dpo, async (req, res) => {
        res.status(201).json(await createBreach(ctx, actor(req), parseBody(body.breach, req), idempotencyOf(req)));
      });
      app.get(`${API}/breaches`, ...readers, async (req, res) => {
        res.json({ breaches: await listBreaches(ctx, parseQuery(body.listBreaches, req)) });
      });
      app.get(`${API}/breaches/:id`, ...readers, async (req, res) => {
        res.json(await getBreach(ctx, id(req)));
      });
      app.post(`${API}/breaches/:id/notifications/:recipient`, ...dpo, async (req, res) => {
        const input = optionalBody(body.notification, req);
        res.json(await recordNotification(ctx, actor(req), id(req), String(req.params.recipient), input));
      });
      app.post(`${API}/breaches/:id/contain`, ...dpo, async (req, res) => {
        const input = optionalBody(body.breachState, req);
        res.json(await changeBreachState(ctx, actor(req), id(req), 'contained', input.at));
      });
      app.post(`${API}/breaches/:id/close`, ...dpo, async (req, res) => {
        const input = optionalBody(body.breachState, req);
        res.json(await changeBreachState(ctx, actor(req), id(req), 'closed', input.at));
      });

      app.get(`${API}/audit`, ...auditors, async (req, res) => {
        res.json({ entries: await recentAudit(ctx.prisma, parseQuery(body.auditQuery, req).limit) });
      });
      app.get(`${API}/audit/verify`, ...auditors, async (_req, res) => {
        res.json(await verifyAuditLog(ctx.prisma));
      });

      app.get(`${API}/assessment`, ...readers, async (_req, res) => {
        res.json(await assess(ctx));
      });
      app.put(`${API}/assessment/controls/:control`, ...dpo, async (req, res) => {
        res.json(await attestControl(ctx, actor(req), String(req.params.control), parseBody(body.control, req)));
      });

      app.get(`${API}/summary`, ...readers, async (_req, res) => {
        res.json(await summarize(ctx));
      });

      extension?.routes(app, {
        api: API,
        ctx,
        auth,
        metrics,
        ready,
        actor,
        id,
        idempotencyOf,
        optionalBody,
      });
      app.use(storeErrors);
    },
  });
  return Object.assign(service, { database, store: ctx, ready: bootstrap.settled });
}
