import { type HealthCheck, healthRoutes } from '@azora/health';
import { createMetrics, routeTemplateOf, type ServiceMetrics } from '@azora/metrics';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { createLogger, requestLogger } from './logger.ts';
import { nowMs, SpanExporter, setActiveSpanExporter } from './otlp.ts';
import { notFoundHandler, problemHandler } from './problem.ts';
import { securityHeaders } from './security.ts';
import type { Closable } from './server.ts';
import { currentTrace, traceMiddleware } from './trace.ts';

export interface ServiceOptions {
  /** The catalog name; used as the `service` label and in logs. */
  name: string;
  version: string;
  /** Readiness checks (database ping, broker connected, model loaded…). */
  checks?: readonly HealthCheck[];
  /** Registers the service's own routes. */
  routes: (app: Express, kit: { metrics: ServiceMetrics; logger: Logger }) => void;
  /**
   * Registers routes before the JSON body parser, for handlers that read the raw request
   * stream themselves (a gateway that forwards bodies untouched). They still get trace
   * ids, logs, metrics, security headers and problem+json errors.
   */
  rawRoutes?: (app: Express, kit: { metrics: ServiceMetrics; logger: Logger }) => void;
  logger?: Logger;
  /** Largest accepted JSON body (default `1mb`). */
  bodyLimit?: string;
  /** OTLP/HTTP collector base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans are exported when set. */
  otlpEndpoint?: string;
  /** What the service runs beside its routes; started by `start()`, closed on shutdown. */
  resources?: readonly Resource[];
  /**
   * The registry, when the builder creates it first (`createMetrics({ service: name })`)
   * to give domain objects their metrics before the service exists; default a new one.
   */
  metrics?: ServiceMetrics;
  /** Paths that answer as `/health/ready` too, for probes configured with an older path. */
  readyAliases?: readonly string[];
}

/**
 * Something a service runs beside its routes: a timer, a worker pool, a client. A builder
 * only declares it; `start` runs when the service starts (runService, or a test calling
 * `service.start()`), `close` on shutdown, in reverse order of declaration.
 */
export interface Resource extends Closable {
  /** Starts the timers, workers or connections; awaited before the server listens. */
  start?: () => Promise<unknown> | unknown;
}

/** Set by the server when it starts draining, so readiness answers 503 from then on. */
export interface Lifecycle {
  shuttingDown: boolean;
}

export interface Service {
  readonly name: string;
  readonly app: Express;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** The kit's (the span exporter) and then the service's own resources. */
  readonly resources: Resource[];
  /** Starts every resource, once, in order. Building a service starts nothing. */
  readonly start: () => Promise<void>;
}

/**
 * Builds a service's Express app with the platform contract: trace and request ids,
 * request logs, HTTP metrics, security headers, `/health`, `/health/ready`, `/metrics`,
 * JSON body parsing with a size limit, the service's routes, and problem+json errors.
 * Building does not listen; `startServer` does.
 */
export function createService(options: ServiceOptions): Service {
  const logger = options.logger ?? createLogger(options.name);
  const metrics = options.metrics ?? createMetrics({ service: options.name });
  const lifecycle: Lifecycle = { shuttingDown: false };
  const app = express();

  app.disable('x-powered-by');
  // Express hashes every response body to make an ETag; for JSON answers computed per
  // request that costs about a third of a fast endpoint's throughput and buys nothing.
  app.set('etag', false);
  // req.ip and friends ignore x-forwarded-*: a client could forge them. The rate limiter
  // reads them only from the proxies TRUST_PROXY names.
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  const resources: Resource[] = [];

  app.use(traceMiddleware);
  app.use(requestLogger(logger));
  app.use(metrics.middleware);
  if (options.otlpEndpoint) {
    const exporter = new SpanExporter({
      endpoint: options.otlpEndpoint,
      service: options.name,
      version: options.version,
      logger,
    });
    setActiveSpanExporter(exporter);
    resources.push({ name: 'span exporter', close: () => exporter.shutdown() });
    app.use(serverSpans(exporter, new Set(['/health', '/health/ready', '/metrics', ...(options.readyAliases ?? [])])));
  }
  app.use(securityHeaders);

  app.use(
    healthRoutes({
      service: options.name,
      version: options.version,
      checks: options.checks ?? [],
      isShuttingDown: () => lifecycle.shuttingDown,
      readyAliases: options.readyAliases,
    }),
  );
  app.get('/metrics', metrics.handler);

  options.rawRoutes?.(app, { metrics, logger });
  app.use(express.json({ limit: options.bodyLimit ?? '1mb' }));
  options.routes(app, { metrics, logger });

  app.use(notFoundHandler);
  app.use(problemHandler(logger));

  resources.push(...(options.resources ?? []));
  let started: Promise<void> | undefined;
  const start = () => {
    started ??= (async () => {
      for (const resource of resources) await resource.start?.();
    })();
    return started;
  };

  return { name: options.name, app, metrics, logger, lifecycle, resources, start };
}

/**
 * Records a server span for every request once its response ends, but for the probes'
 * (`probePaths`: health checks every few seconds and Prometheus' scrapes), which would
 * bury the traces worth reading and cost every probe an export.
 */
function serverSpans(exporter: SpanExporter, probePaths: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const trace = currentTrace();
    if (!trace?.sampled || probePaths.has(req.path)) {
      next();
      return;
    }
    const startMs = nowMs();
    res.once('close', () => {
      const route = routeTemplateOf(req);
      const status = res.writableFinished ? res.statusCode : 499;
      exporter.record({
        traceId: trace.traceId,
        spanId: trace.spanId,
        parentSpanId: trace.parentSpanId,
        name: `${req.method} ${route}`,
        kind: 'server',
        startMs,
        endMs: nowMs(),
        attributes: {
          'http.request.method': req.method,
          'http.route': route,
          'url.path': req.path,
          'http.response.status_code': status,
        },
        error: status >= 500,
      });
    });
    next();
  };
}
