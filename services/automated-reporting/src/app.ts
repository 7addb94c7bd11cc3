// The automated-reporting service: its HTTP API over the reporting domain (reporting.ts),
// on its own Postgres database, with the scheduler and the retention sweeper as resources
// that start after the migrations and stop on shutdown. Building it listens on nothing.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isDatabaseUnavailable, migrate } from '@azora/compliance-core';
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
  retryingStartup,
  type Service,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import pg from 'pg';
import { CronError, checkTimeZone, nextRun, validateCron } from './cron.ts';
import { createPdfRenderer, type PdfRenderer } from './pdf.ts';
import { createReporting, type Reporting } from './reporting.ts';
import {
  FORMATS,
  type Format,
  getReport,
  getSchedule,
  latestRuns,
  listReports,
  listSchedules,
  type ReportRow,
  type Schedule,
  seedSchedules,
  updateSchedule,
} from './store.ts';
import { createUpstreams, type JurisdictionService, jurisdictionService, type Upstreams } from './upstreams.ts';

export const MIGRATIONS_DIR = new URL('../prisma/migrations', import.meta.url).pathname;
const API = '/api/automated-reporting';
/** On-demand reports generating or waiting for the renderer at once; more get 503. */
const MAX_PENDING_ON_DEMAND = 4;

export interface ReportingServiceOptions {
  version: string;
  databaseUrl: string;
  databasePoolMax?: number;
  reportsDir: string;
  timeZone?: string;
  /** Base URLs by catalog name: `compliance-dashboard` and the seven jurisdiction services. */
  upstreamUrls: Record<string, string>;
  complianceApiKey?: string;
  upstreamTimeoutMs?: number;
  chromiumPath: string;
  pdfTimeoutMs?: number;
  chromiumIdleMs?: number;
  /** Default true; tests drive `reporting.tick()` themselves. */
  schedulerEnabled?: boolean;
  schedulerIntervalMs?: number;
  sweepIntervalMs?: number;
  auth?: Auth;
  logger?: Logger;
  bodyLimit?: string;
  otlpEndpoint?: string;
  /** The clock (tests move it). */
  now?: () => Date;
  /** In place of the real upstream clients (unused by the tests, which run real servers). */
  upstreams?: Upstreams;
  instanceId?: string;
}

export type ReportingService = Service & {
  readonly pool: pg.Pool;
  readonly reporting: Reporting;
  readonly pdf: PdfRenderer;
  /** Resolves once the database is migrated and seeded, after start(). */
  readonly ready: () => Promise<void>;
};

const scheduleBody = z
  .strictObject({
    cron: z.string().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
    timeZone: z.string().min(1).max(100).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'send at least one of cron, enabled, timeZone');

const reportBody = z.strictObject({
  schedule: z.string().min(1).max(100).optional(),
  regimes: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
});

const listQuery = z.strictObject({
  schedule: z.string().min(1).max(100).optional(),
  kind: z.enum(['scheduled', 'on-demand']).optional(),
  /** The `next` of the previous page. */
  cursor: z
    .string()
    .max(200)
    .transform((value, ctx) => {
      const [at, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
      const generatedAt = new Date(at ?? '');
      if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(generatedAt.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page (its "next")' });
        return z.NEVER;
      }
      return { generatedAt, id };
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const idParams = z.object({ id: z.uuid('must be a report id (a UUID)') });

const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

function reportView(report: ReportRow) {
  return {
    id: report.id,
    schedule: report.scheduleId,
    kind: report.kind,
    scheduledFor: report.scheduledFor?.toISOString() ?? null,
    generatedAt: report.generatedAt.toISOString(),
    requestedBy: report.requestedBy,
    status: report.status,
    regimes: report.regimes,
    formats: Object.fromEntries(
      FORMATS.map((format) => [
        format,
        {
          bytes: report.formats[format].bytes,
          sha256: report.formats[format].sha256,
          url: `${API}/reports/${report.id}/report.${format}`,
        },
      ]),
    ),
    upstreamErrors: report.upstreamErrors,
    expiresAt: report.expiresAt.toISOString(),
  };
}

const errors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof CronError) return next(new HttpProblem(400, error.message));
  if (isDatabaseUnavailable(error)) {
    return next(
      new HttpProblem(503, 'the database (Postgres) is unavailable; retry shortly', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  }
  next(error);
};

export function createReportingService(options: ReportingServiceOptions): ReportingService {
  const name = 'automated-reporting';
  const logger = options.logger ?? createLogger(name);
  const auth = options.auth ?? createAuth({});
  const now = options.now ?? (() => new Date());
  const timeZone = options.timeZone ?? 'UTC';
  const metrics = createMetrics({ service: name });
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.databasePoolMax ?? 10,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', () => {});
  const pdf = createPdfRenderer({
    executablePath: options.chromiumPath,
    timeoutMs: options.pdfTimeoutMs ?? 30_000,
    idleMs: options.chromiumIdleMs,
    logger,
  });
  const upstreams =
    options.upstreams ??
    createUpstreams({
      urls: options.upstreamUrls,
      apiKey: options.complianceApiKey,
      timeoutMs: options.upstreamTimeoutMs ?? 5000,
    });
  const reporting = createReporting({
    pool,
    upstreams,
    pdf,
    reportsDir: options.reportsDir,
    metrics,
    logger,
    now,
    timeZone,
    instanceId: options.instanceId,
  });

  // The scheduler and sweeper loops: one pass at a time each; the first pass right after the
  // migrations, which is when a slot missed during downtime is run (once).
  const loops: { timer?: NodeJS.Timeout; running?: Promise<unknown> }[] = [];
  let loopsClosed = false;
  const loop = (what: string, intervalMs: number, pass: () => Promise<unknown>, signal: AbortSignal) => {
    if (loopsClosed) return;
    const state: { timer?: NodeJS.Timeout; running?: Promise<unknown> } = {};
    loops.push(state);
    const run = () => {
      if (signal.aborted || loopsClosed || state.running) return;
      state.running = pass()
        .catch((error: unknown) => logger.error({ err: error }, `${what} failed; trying again next time`))
        .finally(() => {
          state.running = undefined;
        });
    };
    run();
    state.timer = setInterval(run, intervalMs);
    state.timer.unref();
  };

  const bootstrap = retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the database (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(pool, MIGRATIONS_DIR);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
      await seedSchedules(pool, timeZone, now());
    },
    onPrepared: (signal) => {
      if (options.schedulerEnabled !== false) {
        loop('the scheduler', options.schedulerIntervalMs ?? 30_000, reporting.tick, signal);
      }
      loop('the retention sweeper', options.sweepIntervalMs ?? 3_600_000, reporting.sweep, signal);
    },
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });

  const whenReady: RequestHandler = (_req, _res, next) => {
    if (!bootstrap.done) {
      throw new HttpProblem(503, 'the service is still connecting to its database; retry shortly', {
        headers: { 'retry-after': '2' },
      });
    }
    next();
  };
  const readers = [...auth.requireRole('dpo', 'operator', 'auditor'), whenReady];
  let pendingOnDemand = 0;

  async function scheduleView(schedule: Schedule, lastRun: Awaited<ReturnType<typeof latestRuns>> | undefined) {
    const run = lastRun?.get(schedule.id);
    return {
      id: schedule.id,
      name: schedule.name,
      cron: schedule.cron,
      timeZone: schedule.timeZone,
      enabled: schedule.enabled,
      retention: schedule.retention,
      nextRunAt: schedule.enabled ? (nextRun(schedule.cron, schedule.timeZone, now())?.toISOString() ?? null) : null,
      lastRun: run
        ? {
            scheduledFor: run.scheduledFor.toISOString(),
            status: run.status,
            reportId: run.reportId,
            error: run.error,
          }
        : null,
      updatedAt: schedule.updatedAt.toISOString(),
    };
  }

  const service = createService({
    name,
    version: options.version,
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '16kb',
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      {
        name: 'postgres',
        check: async () => {
          if (!bootstrap.done) throw new Error('migrations not applied yet (connecting to Postgres)');
          await pool.query('SELECT 1');
        },
      },
      { name: 'chromium', check: () => pdf.check() },
      // Upstreams never make the service unready: a report records what failed. The detail
      // shows which are answering now.
      {
        name: 'upstreams',
        required: false,
        timeoutMs: 3000,
        check: async () => {
          const results = await Promise.all(
            Object.entries(options.upstreamUrls).map(async ([upstream, url]) => {
              const ok = await fetch(`${url.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2000) }).then(
                (res) => res.ok,
                () => false,
              );
              return [upstream, ok] as const;
            }),
          );
          const down = results.filter(([, ok]) => !ok).map(([upstream]) => upstream);
          if (down.length > 0) throw new Error(`degraded: not answering: ${down.join(', ')}`);
          return { answering: results.length };
        },
      },
    ],
    // Closed in reverse: the loops first (a report being generated finishes), then the
    // start-up, Chromium, and the pool last.
    resources: [
      { name: 'postgres', close: () => pool.end() },
      { name: 'chromium', close: () => pdf.close() },
      bootstrap,
      {
        name: 'scheduler',
        close: async () => {
          loopsClosed = true;
          for (const state of loops) clearInterval(state.timer);
          await Promise.all(loops.map((state) => state.running));
        },
      },
    ],
    routes: (app) => {
      // Who the caller is: the console offers only the actions the caller's roles allow.
      app.get(`${API}/me`, ...auth.whoAmI);
      app.get(`${API}/schedules`, ...readers, async (_req, res) => {
        const [schedules, runs] = await Promise.all([listSchedules(pool), latestRuns(pool)]);
        res.json({ schedules: await Promise.all(schedules.map((s) => scheduleView(s, runs))) });
      });

      app.put(`${API}/schedules/:id`, ...auth.requireRole('dpo'), whenReady, async (req, res) => {
        const { id } = parseParams(z.object({ id: z.string().max(100) }), req);
        const body = parseBody(scheduleBody, req);
        const current = await getSchedule(pool, id);
        if (!current) throw new HttpProblem(404, `no schedule "${id}"`);
        if (body.timeZone !== undefined) checkTimeZone(body.timeZone);
        validateCron(body.cron ?? current.cron, body.timeZone ?? current.timeZone);
        const updated = (await updateSchedule(pool, id, body, now())) as Schedule;
        logger.info({ schedule: id, by: req.principal?.subject, change: body }, 'schedule changed');
        res.json(await scheduleView(updated, await latestRuns(pool)));
      });

      app.post(`${API}/reports`, ...auth.requireRole('dpo', 'operator'), whenReady, async (req, res) => {
        const body = req.body === undefined ? {} : parseBody(reportBody, req);
        let schedule: Schedule | undefined;
        if (body.schedule !== undefined) {
          schedule = await getSchedule(pool, body.schedule);
          if (!schedule) throw new HttpProblem(400, `unknown schedule "${body.schedule}"`);
        }
        let regimes: JurisdictionService[] | undefined;
        if (body.regimes) {
          const unknown = body.regimes.filter((r) => !jurisdictionService(r));
          if (unknown.length > 0) {
            throw new HttpProblem(
              400,
              `unknown regime ${unknown.map((u) => `"${u}"`).join(', ')} (known: gdpr, hipaa, sox, ccpa, pipeda, lgpd, popia, or their service names)`,
            );
          }
          regimes = [...new Set(body.regimes.map((r) => jurisdictionService(r) as JurisdictionService))];
        }
        // Reports are rendered one at a time: a few may wait, more are refused rather than left to time out.
        if (pendingOnDemand >= MAX_PENDING_ON_DEMAND) {
          throw new HttpProblem(503, `${pendingOnDemand} reports are being generated already; retry shortly`, {
            headers: { 'retry-after': '5' },
          });
        }
        pendingOnDemand += 1;
        const report = await reporting
          .generate({ schedule, regimes, requestedBy: req.principal?.subject })
          .finally(() => {
            pendingOnDemand -= 1;
          });
        res.status(201).location(`${API}/reports/${report.id}`).json(reportView(report));
      });

      app.get(`${API}/reports`, ...readers, async (req, res) => {
        const query = parseQuery(listQuery, req);
        const reports = await listReports(pool, {
          scheduleId: query.schedule,
          kind: query.kind,
          after: query.cursor,
          limit: query.limit,
        });
        const last = reports.at(-1);
        const next =
          reports.length === query.limit && last
            ? Buffer.from(`${last.generatedAt.toISOString()}|${last.id}`).toString('base64url')
            : null;
        res.json({ reports: reports.map(reportView), next });
      });

      app.get(`${API}/reports/:id`, ...readers, async (req, res) => {
        const { id } = parseParams(idParams, req);
        const report = await getReport(pool, id);
        if (!report) throw new HttpProblem(404, `no report "${id}" (it may have expired)`);
        res.json(reportView(report));
      });

      app.get(`${API}/reports/:id/report.:format`, ...readers, async (req, res) => {
        const { id, format } = parseParams(
          idParams.extend({ format: z.enum(FORMATS, 'must be json, csv or pdf') }),
          req,
        );
        const report = await getReport(pool, id);
        if (!report) throw new HttpProblem(404, `no report "${id}" (it may have expired)`);
        const stored = report.formats[format];
        const path = join(options.reportsDir, stored.file);
        const found = await stat(path).catch(() => undefined);
        if (!found)
          throw new HttpProblem(410, `the ${format} file of report "${id}" is missing from the reports volume`);
        const day = (report.scheduledFor ?? report.generatedAt).toISOString().slice(0, 10);
        res.set({
          'content-type': CONTENT_TYPES[format],
          'content-length': String(found.size),
          'content-disposition': `attachment; filename="azora-report-${report.scheduleId ?? 'on-demand'}-${day}.${format}"`,
          'x-content-sha256': stored.sha256,
        });
        await new Promise<void>((resolve, reject) => {
          const stream = createReadStream(path);
          stream.on('error', (error: NodeJS.ErrnoException) => {
            // Swept between the stat and the open: the same answer as a missing file.
            if (error.code === 'ENOENT' && !res.headersSent) {
              for (const header of ['content-length', 'content-disposition', 'x-content-sha256'])
                res.removeHeader(header);
              reject(new HttpProblem(410, `the ${format} file of report "${id}" is missing from the reports volume`));
            } else {
              reject(error);
            }
          });
          res.on('close', resolve);
          stream.pipe(res);
        });
      });

      app.use(errors);
    },
  });

  return Object.assign(service, { pool, reporting, pdf, ready: () => bootstrap.settled() });
}
