import { createLogger, loadConfigOrExit, runService, z } from '@azora/service-kit';
import { createVisionService, SERVICE_NAME } from './app.ts';
import { DetectorPool } from './detector-pool.ts';

const config = loadConfigOrExit(SERVICE_NAME, {
  MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().min(10_000).max(268_402_689).default(50_000_000),
  VISION_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  VISION_QUEUE_LIMIT: z.coerce.number().int().min(0).max(1000).default(16),
  NEAR_DUPLICATE_THRESHOLD: z.coerce.number().int().min(0).max(64).default(10),
});

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
// One inference worker per slot of the work queue: the event loop never runs a model.
const detector = new DetectorPool({ size: config.VISION_CONCURRENCY, logger });
const service = createVisionService({
  logger,
  detector,
  maxImageBytes: config.MAX_IMAGE_BYTES,
  maxImagePixels: config.MAX_IMAGE_PIXELS,
  concurrency: config.VISION_CONCURRENCY,
  queueLimit: config.VISION_QUEUE_LIMIT,
  nearDuplicateThreshold: config.NEAR_DUPLICATE_THRESHOLD,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

// Listen at once (liveness answers); readiness turns 200 when every worker has loaded the models.
await runService(service, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [{ name: 'models', close: () => detector.close() }],
});
detector.load().then(
  () => logger.info(detector.status(), 'models loaded'),
  (error: unknown) => logger.error({ err: error }, 'models failed to load; readiness stays 503'),
);
