import { defaultUrl } from '@azora/catalog';
import { configDefaults, redisConfigShape, z } from '@azora/service-kit';

/** ai-chatbot's own variables and their defaults, declared once (main.ts reads them, the builder falls back to them). */
export const configShape = {
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
};

export const DEFAULTS = configDefaults(configShape);
