import { createLogger, createRedisClient, loadConfigOrExit, redisConfigShape, runService, z } from '@azora/service-kit';
import { createPersonalizationService, SERVICE_NAME } from './app.ts';

const config = loadConfigOrExit(SERVICE_NAME, {
  ...redisConfigShape('personalization:'),
  /** Rebuild the model this often; 0 rebuilds only on POST /api/personalization/model/rebuild. */
  MODEL_REBUILD_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
});

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
const personalization = createPersonalizationService({
  redis,
  logger,
  rebuildIntervalMs: config.MODEL_REBUILD_INTERVAL_MS,
  demoSeed: config.DEMO_SEED,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

// Give the first model a few seconds before listening, so a healthy start is ready at
// once; with Redis away, listen anyway (liveness does not depend on it) and keep trying.
const firstModel = personalization.start().then(() => personalization.models.rebuild().done);
await Promise.race([firstModel.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);

await runService(personalization.service, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
});
