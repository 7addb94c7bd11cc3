import { authFromConfig, createLogger, createRedisClient, loadConfigOrExit, runService } from '@azora/service-kit';
import { createPersonalizationService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const personalization = createPersonalizationService({
  redis: createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
  logger,
  rebuildIntervalMs: config.MODEL_REBUILD_INTERVAL_MS,
  demoSeed: config.DEMO_SEED,
  auth: authFromConfig(config, logger),
  rateLimit: { limit: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, trustProxy: config.TRUST_PROXY },
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(personalization, {
  port: config.PORT,
  host: config.HOST,
});
