import {
  authConfigShape,
  authFromConfig,
  createLogger,
  createRedisClient,
  loadConfigOrExit,
  rateLimitConfigShape,
  redisConfigShape,
  runService,
  z,
} from '@azora/service-kit';
import { createPersonalizationService, SERVICE_NAME } from './app.ts';

const config = loadConfigOrExit(SERVICE_NAME, {
  ...redisConfigShape('personalization:'),
  /** JWT_SECRET, API_KEYS: catalogue writes, rebuilds and the user list need `operator` or `admin`. */
  ...authConfigShape(),
  /** RATE_LIMIT_MAX events per RATE_LIMIT_WINDOW_MS from one client; TRUST_PROXY: the gateway's address. */
  ...rateLimitConfigShape(),
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
  auth: authFromConfig(config, logger),
  rateLimit: { limit: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS, trustProxy: config.TRUST_PROXY },
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
