import { configDefaults, z } from '@azora/service-kit';

/** ai-vision's own variables and their defaults, declared once (main.ts reads them, the builder falls back to them). */
export const configShape = {
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
};

export const DEFAULTS = configDefaults(configShape);
