import { createLogger, loadConfigOrExit, runService } from '@azora/service-kit';
import { createSentimentService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);

const service = createSentimentService({
  logger: createLogger(SERVICE_NAME, config.LOG_LEVEL),
  maxTextLength: config.MAX_TEXT_LENGTH,
  maxBatchSize: config.MAX_BATCH_SIZE,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
