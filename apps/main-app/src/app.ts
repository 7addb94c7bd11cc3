import { defaultUrl, getService, SERVICES, urlVariable } from '@azora/catalog';
import {
  createLogger,
  createService,
  type HealthCheck,
  type Logger,
  type Service,
  serviceVersion,
} from '@azora/service-kit';
import { zeroRatingTag } from '@azora/zero-rating-middleware';
import { DEFAULTS, SERVICE_NAME } from './config.ts';
import { corsHandler } from './cors.ts';
import { type GatewayRoute, gatewayHandler } from './gateway.ts';
import { type ConsoleConfig, consoleRoutes, hasBuild, type WebOptions } from './spa.ts';
import { StatusPoller, type Upstream } from './status.ts';

export { SERVICE_NAME };
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));

export interface MainAppOptions {
  logger?: Logger;
  /**
   * Upstream base URLs by `<SERVICE>_URL` variable name (usually `process.env`); a service
   * without one is reached at the catalog's localhost port.
   */
  env?: Record<string, string | undefined>;
  /** Package names of the deployed services; undefined means every catalog service. */
  deployed?: ReadonlySet<string>;
  /** Upstream answer timeout in ms (default 15 000). */
  timeoutMs?: number;
  /** Largest request body the gateway forwards, in bytes (default 12 MiB). */
  maxBodyBytes?: number;
  /** Status board polling interval (default 5000 ms) and per-probe timeout (default 2000 ms). */
  pollIntervalMs?: number;
  probeTimeoutMs?: number;
  /** What the console's pages call; '' (default) is the page's own origin. */
  apiBase?: string;
  /** Origins (e.g. `https://console.example.com`) whose pages may call the API cross-origin. */
  corsOrigins?: readonly string[];
  /** Where the console comes from; without it only the API is served. */
  web?: WebOptions;
  bodyLimit?: string;
  otlpEndpoint?: string;
  /**
   * A key zero-rating accepts (viewer is enough): when zero-rating is deployed, every API
   * answer and published site is tagged `X-Azora-Zero-Rated` from its classifier.
   */
  zeroRatingApiKey?: string;
}

export interface MainApp extends Service {
  readonly poller: StatusPoller;
  readonly routes: ReadonlyMap<string, GatewayRoute>;
}

const self = getService(SERVICE_NAME);

/** Where the website builder serves published sites (`/sites/<subdomain>/`); the gateway forwards them. */
export const PUBLISHED_SITES = { service: 'ai-website-builder', mount: 'sites' } as const;

/** Every other catalog service with its base URL and whether it is deployed. */
export function resolveUpstreams(
  env: Record<string, string | undefined>,
  deployed: ReadonlySet<string> | undefined,
): Upstream[] {
  return SERVICES.filter((entry) => entry.name !== SERVICE_NAME).map((entry) => ({
    entry,
    url: (env[urlVariable(entry.name)] || defaultUrl(entry.name)).replace(/\/+$/, ''),
    deployed: deployed === undefined || deployed.has(entry.package),
  }));
}

export function createMainApp(options: MainAppOptions = {}): MainApp {
  const upstreams = resolveUpstreams(options.env ?? {}, options.deployed);
  const routes = new Map(upstreams.map((upstream) => [upstream.entry.apiPrefix, upstream]));
  const config: ConsoleConfig = { apiBase: (options.apiBase ?? '').replace(/\/+$/, '') };
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  // Behind `/health/ready`, and run by the poller for main-app's own row on the board.
  const checks: HealthCheck[] = [
    ...(options.web?.kind === 'static'
      ? [
          {
            name: 'console',
            check: async () => {
              const dir = (options.web as { dir: string }).dir;
              if (!hasBuild(dir)) throw new Error(`no console build at ${dir}`);
              return { dir };
            },
          },
        ]
      : []),
    {
      // Upstreams being down degrades the console; it still serves everything else.
      name: 'upstreams',
      required: false,
      check: async () => {
        const down = poller.down();
        if (down.length > 0) throw new Error(`down: ${down.join(', ')}`);
        return { deployed: upstreams.filter((u) => u.deployed).length };
      },
    },
  ];
  const poller = new StatusPoller({
    upstreams,
    self: { entry: self, version: VERSION, checks },
    intervalMs: options.pollIntervalMs ?? DEFAULTS.STATUS_POLL_INTERVAL_MS,
    timeoutMs: options.probeTimeoutMs ?? DEFAULTS.STATUS_PROBE_TIMEOUT_MS,
    logger,
  });

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    bodyLimit: options.bodyLimit,
    otlpEndpoint: options.otlpEndpoint,
    checks,
    // Probing starts with the service, not when the app is built.
    resources: [{ name: 'status poller', start: () => poller.start(), close: () => poller.stop() }],
    rawRoutes: (app, { metrics }) => {
      if (options.corsOrigins?.length) app.use('/api', corsHandler(options.corsOrigins));
      const zeroRating = routes.get(getService('zero-rating').apiPrefix);
      if (options.zeroRatingApiKey && zeroRating?.deployed) {
        // Whether what the subscriber fetches here is free for them: the classifier's answer,
        // cached per flow, `unknown` when it does not answer in time; never a failed request.
        const tag = zeroRatingTag({
          url: zeroRating.url,
          apiKey: options.zeroRatingApiKey,
          onError: (error) => logger.debug({ err: error }, 'zero-rating did not classify a flow'),
        });
        app.use(['/api', `/${PUBLISHED_SITES.mount}`], tag);
      }
      metrics.gauge({
        name: 'platform_service_ready',
        help: 'Whether a service answered its last readiness probe with 200 (1) or not (0), by target service',
        labelNames: ['target'] as const,
        collect() {
          for (const { name, ready } of poller.readiness()) this.set({ target: name }, ready ? 1 : 0);
        },
      });
      app.get(`/api/${self.apiPrefix}/status`, async (_req, res) => {
        res.setHeader('cache-control', 'no-store');
        res.json(await poller.report());
      });

      const forwarding = {
        routes,
        timeoutMs: options.timeoutMs ?? DEFAULTS.GATEWAY_TIMEOUT_MS,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.GATEWAY_MAX_BODY_BYTES,
        logger,
        metrics: {
          requests: metrics.counter({
            name: 'gateway_requests_total',
            help: 'Requests the gateway handled, by upstream service and outcome',
            labelNames: ['upstream', 'outcome'] as const,
          }),
          duration: metrics.histogram({
            name: 'gateway_upstream_duration_seconds',
            help: 'Time until the upstream answered with response headers',
            labelNames: ['upstream'] as const,
          }),
        },
      };
      const gateway = gatewayHandler(forwarding);
      // The console's own API (`/api/platform/...`) is served above; the rest is forwarded.
      app.all('/api/:prefix{/*rest}', (req, res, next) => {
        if (req.params.prefix === self.apiPrefix) next();
        else gateway(req, res, next);
      });
      // The website builder's published sites, on the console's origin so the console can
      // open them: GET (and HEAD) of /sites/<subdomain>/..., and the POST of a site's contact
      // form, with the API's path checks. Nothing else is forwarded there.
      const sites = getService(PUBLISHED_SITES.service);
      const published = gatewayHandler({
        ...forwarding,
        fixed: { prefix: sites.apiPrefix, mount: [PUBLISHED_SITES.mount] },
      });
      app.get(`/${PUBLISHED_SITES.mount}/{*rest}`, published);
      app.post(`/${PUBLISHED_SITES.mount}/:subdomain/contact`, published);
    },
    routes: (app) => {
      if (options.web) consoleRoutes(app, options.web, config);
    },
  });

  return Object.assign(service, { poller, routes });
}
