import { createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createVisionService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';
import { DetectorPool } from './detector-pool.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);

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

// Listens at once (liveness answers); readiness turns 200 when every worker has loaded the models.
await runService(service, { port: config.PORT, host: config.HOST });
