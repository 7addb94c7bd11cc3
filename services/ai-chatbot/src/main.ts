import { createLogger, createRedisClient, loadConfigOrExit, runService } from '@azora/service-kit';
import { createChatbotService, SERVICE_NAME } from './app.ts';
import { configShape } from './config.ts';

const config = loadConfigOrExit(SERVICE_NAME, configShape);

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });

const service = await createChatbotService({
  redis,
  sentimentUrl: config.AI_SENTIMENT_URL,
  sentimentTimeoutMs: config.SENTIMENT_TIMEOUT_MS,
  sessionTtlSeconds: config.SESSION_TTL_SECONDS,
  maxMessages: config.SESSION_MAX_MESSAGES,
  maxTextLength: config.MAX_TEXT_LENGTH,
  handoffThreshold: config.HANDOFF_SENTIMENT_THRESHOLD,
  logger,
  bodyLimit: config.BODY_LIMIT,
  otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
});

await runService(service, { port: config.PORT, host: config.HOST });
