import type { Request, RequestHandler } from 'express';
import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';
import { HttpRequestStats } from './http-stats.ts';

/** Label used when no route matched (unknown paths, or errors raised before routing). */
export const UNMATCHED_ROUTE = '<unmatched>';

/** Latency buckets in seconds: fine below 100 ms, where most requests land. */
export const DEFAULT_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsOptions {
  service: string;
  /** Process and Node.js runtime metrics (default true). */
  collectDefaults?: boolean;
  durationBuckets?: number[];
  /** How often the event-loop lag histogram samples, in ms (default: eventLoopSampleMs()). */
  eventLoopSampleMs?: number;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /** Records every request under its route template once the response ends. */
  readonly middleware: RequestHandler;
  /** Serves the registry in Prometheus text format. */
  readonly handler: RequestHandler;
  counter<L extends string = string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L>;
  gauge<L extends string = string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L>;
  histogram<L extends string = string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L>;
}

function templateOf(baseUrl: string, path: unknown): string {
  if (typeof path === 'string') return `${baseUrl}${path}` || '/';
  if (path instanceof RegExp) return `${baseUrl}${path.source}`;
  if (Array.isArray(path)) return `${baseUrl}${path.join('|')}`;
  return UNMATCHED_ROUTE;
}

const ROUTE_TEMPLATE = Symbol('azora.routeTemplate');
const ROUTE = Symbol('azora.route');
const tracked = new WeakSet<object>();

type TrackedRequest = Request & { [ROUTE_TEMPLATE]?: string; [ROUTE]?: unknown };

/**
 * Makes requests remember the route template they match (`/api/items/:id`), never the
 * raw path, so an id in a URL cannot create a new time series. The template is taken
 * when the router assigns `req.route`, because by the time an error reaches an app-level
 * handler the router has already restored `req.baseUrl` to the app's. The accessor is
 * installed once on the app's request prototype, which keeps request objects' shape stable.
 */
function trackRouteTemplates(req: Request): void {
  const prototype = Object.getPrototypeOf(req) as object;
  if (tracked.has(prototype)) return;
  tracked.add(prototype);
  Object.defineProperty(prototype, 'route', {
    configurable: true,
    get(this: TrackedRequest) {
      return this[ROUTE];
    },
    set(this: TrackedRequest, value: { path?: unknown } | undefined) {
      this[ROUTE] = value;
      this[ROUTE_TEMPLATE] = templateOf(this.baseUrl, value?.path);
    },
  });
}

/** The route template a request matched, once routed (for spans and logs). */
export function routeTemplateOf(req: Request): string {
  return (req as TrackedRequest)[ROUTE_TEMPLATE] ?? UNMATCHED_ROUTE;
}

/** METRICS_EVENT_LOOP_SAMPLE_MS's default and range (the service kit's config checks it too). */
export const EVENT_LOOP_SAMPLE_MS = { default: 10, min: 1, max: 60_000 } as const;

/**
 * How often the event-loop lag histogram samples, in ms: `METRICS_EVENT_LOOP_SAMPLE_MS`, else
 * prom-client's 10. Its lag figures are the intervals between samples (about this long when
 * the loop is idle), so images keep 10. Each sample wakes the process: at 10 ms an idle service
 * spends about 5 ms of CPU a second on it, which pnpm dev's 21 services on two cores feel,
 * so pnpm dev sets 100 (a stall still delays the pending sample by its whole length).
 */
export function eventLoopSampleMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.METRICS_EVENT_LOOP_SAMPLE_MS;
  if (value === undefined || value === '') return EVENT_LOOP_SAMPLE_MS.default;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < EVENT_LOOP_SAMPLE_MS.min || ms > EVENT_LOOP_SAMPLE_MS.max)
    throw new Error(
      `METRICS_EVENT_LOOP_SAMPLE_MS is ${JSON.stringify(value)}; it takes whole milliseconds, ${EVENT_LOOP_SAMPLE_MS.min} to ${EVENT_LOOP_SAMPLE_MS.max}`,
    );
  return ms;
}

export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.collectDefaults ?? true)
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: options.eventLoopSampleMs ?? eventLoopSampleMs(),
    });

  const registers = [registry];
  const http = new HttpRequestStats(options.durationBuckets ?? DEFAULT_DURATION_BUCKETS);
  registry.registerMetric(
    http.counter('http_requests_total', 'HTTP requests handled, by route template and status code'),
  );
  registry.registerMetric(
    http.histogram(
      'http_request_duration_seconds',
      'HTTP request duration in seconds, by route template and status code',
    ),
  );

  const middleware: RequestHandler = (req, res, next) => {
    trackRouteTemplates(req);
    const started = performance.now();
    res.once('close', () => {
      // A client that hangs up before the response is sent is recorded as 499, as nginx does.
      const status = res.writableFinished ? String(res.statusCode) : '499';
      http.observe(req.method, routeTemplateOf(req), status, (performance.now() - started) / 1000);
    });
    next();
  };

  const handler: RequestHandler = async (_req, res) => {
    res.set('content-type', registry.contentType);
    res.send(await registry.metrics());
  };

  return {
    registry,
    middleware,
    handler,
    counter: (config) => new Counter({ ...config, registers }),
    gauge: (config) => new Gauge({ ...config, registers }),
    histogram: (config) => new Histogram({ ...config, registers }),
  };
}
