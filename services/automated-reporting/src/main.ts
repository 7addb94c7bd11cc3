// The entry point: settings from the environment, then the service, served until SIGTERM.
import { mkdir } from 'node:fs/promises';
import { urlVariable } from '@azora/catalog';
import { DEFAULT_CHROMIUM_PATH } from '@azora/chromium';
import { authFromConfig, createLogger, loadConfigOrExit, runService, serviceVersion } from '@azora/service-kit';
import { createReportingService } from './app.ts';
import { configShape, SERVICE_NAME, UPSTREAM_SERVICES } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
if (!config.COMPLIANCE_API_KEY) {
  logger.warn(
    'COMPLIANCE_API_KEY is not set: the dashboard and the jurisdiction services will refuse this service (401), and reports will list them as failed',
  );
}
await mkdir(config.REPORTS_DIR, { recursive: true });
const env = config as unknown as Record<string, string>;

const service = createReportingService({
  version: serviceVersion(new URL('../package.json', import.meta.url)),
  databaseUrl: config.DATABASE_URL,
  databasePoolMax: config.DATABASE_POOL_MAX,
  reportsDir: config.REPORTS_DIR,
  timeZone: config.REPORTS_TIME_ZONE,
  upstreamUrls: Object.fromEntries(UPSTREAM_SERVICES.map((service) => [service, env[urlVariable(service)] as string])),
  complianceApiKey: config.COMPLIANCE_API_KEY,
  upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  chromiumPath: config.PUPPETEER_EXECUTABLE_PATH ?? config.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH,
  pdfTimeoutMs: config.PDF_TIMEOUT_MS,
  chromiumIdleMs: config.CHROMIUM_IDLE_MS,
  schedulerEnabled: config.SCHEDULER_ENABLED,
  schedulerIntervalMs: config.SCHEDULER_INTERVAL_MS,
  sweepIntervalMs: config.SWEEP_INTERVAL_MS,
  auth: authFromConfig(config, logger),
  logger,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
