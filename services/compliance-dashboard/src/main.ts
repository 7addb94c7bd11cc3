import { authFromConfig, createLogger, loadConfigOrExit, runService, serviceVersion } from '@azora/service-kit';
import { createDashboardService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';
import { iotUpstream, regimeUpstreams } from './upstreams.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const env = config as unknown as Record<string, string>;

const dashboard = createDashboardService({
  version: serviceVersion(new URL('../package.json', import.meta.url)),
  databaseUrl: config.DATABASE_URL,
  databasePoolMax: config.DATABASE_POOL_MAX,
  auth: authFromConfig(config, logger),
  apiKey: config.COMPLIANCE_API_KEY,
  upstreamUrls: Object.fromEntries(
    [...regimeUpstreams(), iotUpstream()].map((upstream) => [upstream.service, env[upstream.urlVariable] as string]),
  ),
  upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  cacheTtlMs: config.CACHE_TTL_MS,
  deadlineWarningHours: config.DEADLINE_WARNING_HOURS,
  logger,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(dashboard, { port: config.PORT, host: config.HOST });
