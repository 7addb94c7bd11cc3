import { authFromConfig, createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createFiveGService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);

const service = createFiveGService({
  databaseUrl: config.DATABASE_URL,
  databasePoolMax: config.DATABASE_POOL_MAX,
  redisUrl: config.REDIS_URL,
  redisKeyPrefix: config.REDIS_KEY_PREFIX,
  auth: authFromConfig(config, logger),
  logger,
  demoSeed: config.DEMO_SEED,
  summaryTtlMs: config.SUMMARY_TTL_MS,
  kpiWindowSeconds: config.KPI_WINDOW_SECONDS,
  kpiRetentionHours: config.KPI_RETENTION_HOURS,
  admissionWaitMs: config.ADMISSION_WAIT_MS,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
