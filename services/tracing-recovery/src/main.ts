import { authFromConfig, createLogger, loadConfigOrExit, runService, serviceVersion } from '@azora/service-kit';
import { createTracingService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';
import { resolveTargets } from './targets.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const { targets, unknown } = resolveTargets(config.DEPLOYED_SERVICES, config as unknown as Record<string, string>);
if (unknown.length > 0) logger.warn({ unknown }, 'DEPLOYED_SERVICES names services the catalog does not know; ignored');
logger.info({ watched: targets.map((t) => t.name), dryRun: config.DRY_RUN }, 'watching services');

const service = createTracingService({
  version: serviceVersion(new URL('../package.json', import.meta.url)),
  databaseUrl: config.DATABASE_URL,
  databasePoolMax: config.DATABASE_POOL_MAX,
  redisUrl: config.REDIS_URL,
  redisKeyPrefix: config.REDIS_KEY_PREFIX,
  auth: authFromConfig(config, logger),
  logger,
  otlpMaxBodyBytes: config.OTLP_MAX_BODY_BYTES,
  spanRetentionHours: config.SPAN_RETENTION_HOURS,
  spanMaxRows: config.SPAN_MAX_ROWS,
  sweepIntervalMs: config.SWEEP_INTERVAL_MS,
  aggregateRetentionHours: config.AGGREGATE_RETENTION_HOURS,
  targets,
  infrastructureUrls: {
    postgres: config.DATABASE_URL,
    redis: config.REDIS_URL,
    mongodb: config.MONGODB_URI,
    mqtt: config.MQTT_URL,
  },
  pollIntervalMs: config.POLL_INTERVAL_MS,
  probeTimeoutMs: config.PROBE_TIMEOUT_MS,
  failuresToOpen: config.FAILURES_TO_OPEN,
  startupGraceMs: config.STARTUP_GRACE_MS,
  errorRateThreshold: config.ERROR_RATE_THRESHOLD,
  latencyP95ThresholdMs: config.LATENCY_P95_THRESHOLD_MS,
  thresholdMinRequests: config.THRESHOLD_MIN_REQUESTS,
  thresholdWindowMinutes: config.THRESHOLD_WINDOW_MINUTES,
  recoverKinds: config.RECOVER_KINDS,
  runtime: config.RUNTIME,
  dockerSocket: config.DOCKER_SOCKET,
  composeProject: config.COMPOSE_PROJECT,
  dockerStopTimeoutSeconds: config.DOCKER_STOP_TIMEOUT_SECONDS,
  devControlUrl: config.DEV_CONTROL_URL,
  devControlToken: config.DEV_CONTROL_TOKEN,
  dryRun: config.DRY_RUN,
  restartBudget: config.RESTART_BUDGET,
  restartWindowMs: config.RESTART_WINDOW_MS,
  recoveryBackoffMs: config.RECOVERY_BACKOFF_MS,
  recoveryBackoffMaxMs: config.RECOVERY_BACKOFF_MAX_MS,
  claimLeaseMs: config.CLAIM_LEASE_MS,
  alertWebhookToken: config.ALERT_WEBHOOK_TOKEN,
  demoSeed: config.DEMO_SEED,
  bodyLimit: config.BODY_LIMIT,
});

await runService(service, { port: config.PORT, host: config.HOST });
