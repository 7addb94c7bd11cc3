// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { defaultDatabaseUrl } from '@azora/compliance-core';
import { authConfigShape, configDefaults, redisConfigShape, z } from '@azora/service-kit';

const whole = (min: number, max: number, fallback: number, unit: string) => {
  const error = { error: `must be a whole number of ${unit} from ${min} to ${max}` };
  return z.coerce.number(error).int(error).min(min, error).max(max, error).default(fallback);
};

export const configShape = {
  /** The service's own Postgres database; migrations are applied to it at start. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default(defaultDatabaseUrl('5g-manager')),
  /** Connections in the pool (1 on the embedded PGlite of `pnpm dev`). */
  DATABASE_POOL_MAX: whole(1, 100, 10, 'connections'),
  /** REDIS_URL, REDIS_KEY_PREFIX: the network summary's cache. */
  ...redisConfigShape('azora:5g-manager:'),
  /** JWT_SECRET, API_KEYS: roles operator and admin (write), viewer (read). */
  ...authConfigShape(),
  /** Seed a demo operator, cells, the four slice types and subscribers at start-up (`pnpm dev` sets it). */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  /** How long the network summary is served from Redis before it is rebuilt (ms). */
  SUMMARY_TTL_MS: whole(0, 600_000, 5000, 'milliseconds'),
  /** The window over which slice p95 latency and a cell's latest KPIs are taken (seconds). */
  KPI_WINDOW_SECONDS: whole(10, 86_400, 300, 'seconds'),
  /** KPI samples older than this are deleted (hours). */
  KPI_RETENTION_HOURS: whole(1, 8760, 24, 'hours'),
  /** How long an admission (or any query) may wait for a database connection, and its transaction run, before a 503 (ms). */
  ADMISSION_WAIT_MS: whole(100, 60_000, 10_000, 'milliseconds'),
};

export const DEFAULTS = configDefaults(configShape);
