import { authFromConfig, createLogger, createRedisClient, loadConfigOrExit, runService } from '@azora/service-kit';
import { createZeroRatingService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);
const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const zeroRating = createZeroRatingService({
  redis: createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }),
  logger,
  auth: authFromConfig(config, logger),
  versionCheckIntervalMs: config.VERSION_CHECK_INTERVAL_MS,
  demoSeed: config.DEMO_SEED,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(zeroRating, { port: config.PORT, host: config.HOST });
