import { authFromConfig, createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createSnapshotService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);

const service = createSnapshotService({
  redisUrl: config.REDIS_URL,
  redisKeyPrefix: config.REDIS_KEY_PREFIX,
  postgresUrl: config.POSTGRES_URL,
  mongodbUri: config.MONGODB_URI,
  snapshotsDir: config.SNAPSHOTS_DIR,
  deployedServices: config.DEPLOYED_SERVICES,
  dataLocations: config.DATA_LOCATIONS,
  snapshotCron: config.SNAPSHOT_CRON,
  recoveryCron: config.RECOVERY_CRON,
  retentionKeep: config.RETENTION_KEEP,
  retentionDailyDays: config.RETENTION_DAILY_DAYS,
  lockTtlMs: config.LOCK_TTL_MS,
  timeoutMs: config.SNAPSHOT_TIMEOUT_MS,
  tracingRecoveryUrl: config.TRACING_RECOVERY_URL,
  recoveryApiKey: config.RECOVERY_API_KEY,
  pgDump: config.PG_DUMP,
  pgRestore: config.PG_RESTORE,
  auth: authFromConfig(config, logger),
  logger,
  demoSeed: config.DEMO_SEED,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
