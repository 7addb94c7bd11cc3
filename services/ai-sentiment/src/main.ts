import { createLogger, loadConfigOrExit, runService, z } from '@azora/service-kit';
import { createSentimentService, SERVICE_NAME } from './app.ts';

const config = loadConfigOrExit(SERVICE_NAME, {
  MAX_TEXT_LENGTH: z.coerce.number().int().min(1).max(100_000).default(10_000),
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

const service = createSentimentService({
  logger: createLogger(SERVICE_NAME, config.LOG_LEVEL),
  maxTextLength: config.MAX_TEXT_LENGTH,
  maxBatchSize: config.MAX_BATCH_SIZE,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
