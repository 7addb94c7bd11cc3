import { defaultUrl } from '@azora/catalog';
import { createLogger, createRedisClient, loadConfigOrExit, redisConfigShape, runService, z } from '@azora/service-kit';
import { createChatbotService, SERVICE_NAME } from './app.ts';

const config = loadConfigOrExit(SERVICE_NAME, {
  ...redisConfigShape('chatbot:'),
  AI_SENTIMENT_URL: z.url().default(defaultUrl('ai-sentiment')),
  SENTIMENT_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(800),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  SESSION_MAX_MESSAGES: z.coerce.number().int().min(2).max(10_000).default(200),
  MAX_TEXT_LENGTH: z.coerce.number().int().min(1).max(100_000).default(2000),
  HANDOFF_SENTIMENT_THRESHOLD: z.coerce.number().min(-1).max(0).default(-0.6),
});

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

await runService(service, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  resources: [{ name: 'redis', close: () => redis.quit() }],
});
