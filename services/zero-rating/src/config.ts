// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { authConfigShape, configDefaults, redisConfigShape, z } from '@azora/service-kit';

export const configShape = {
  /** REDIS_URL, REDIS_KEY_PREFIX: replicas that share a table share the prefix. */
  ...redisConfigShape('zero-rating:'),
  /**
   * JWT_SECRET, API_KEYS: operator and rule writes need `operator` or `admin`; reads need
   * `viewer`, `service`, `operator` or `admin`; classifying flows that carry bytes (usage is
   * counted) needs `service`, `operator` or `admin`.
   */
  ...authConfigShape(),
  /** How often each replica reads the table version, to catch a change message it missed (ms). */
  VERSION_CHECK_INTERVAL_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds from 50 to 60000' })
    .int('must be a whole number of milliseconds from 50 to 60000')
    .min(50, 'must be a whole number of milliseconds from 50 to 60000')
    .max(60_000, 'must be a whole number of milliseconds from 50 to 60000')
    .default(1000),
  /** Create the demo operators and education rules in an empty store at start-up (`pnpm dev` sets it). */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
};

export const DEFAULTS = configDefaults(configShape);
