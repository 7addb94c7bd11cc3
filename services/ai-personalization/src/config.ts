// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { authConfigShape, configDefaults, rateLimitConfigShape, redisConfigShape, z } from '@azora/service-kit';

export const configShape = {
  /** REDIS_KEY_PREFIX: so several services can share one server. */
  ...redisConfigShape('personalization:'),
  /** JWT_SECRET, API_KEYS: catalogue writes, rebuilds and the user list need `operator` or `admin`. */
  ...authConfigShape(),
  /** RATE_LIMIT_MAX events per RATE_LIMIT_WINDOW_MS from one client; TRUST_PROXY: the gateway's address. */
  ...rateLimitConfigShape(),
  /** Rebuild the model this often (ms); 0 rebuilds only on POST /api/personalization/model/rebuild. */
  MODEL_REBUILD_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** Fill an empty store with the demo catalogue at start-up. */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
};

export const DEFAULTS = configDefaults(configShape);
