import { configDefaults, z } from '@azora/service-kit';

/** ai-sentiment's own variables and their defaults, declared once (main.ts reads them, the builder falls back to them). */
export const configShape = {
  MAX_TEXT_LENGTH: z.coerce.number().int().min(1).max(100_000).default(10_000),
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
};

export const DEFAULTS = configDefaults(configShape);
