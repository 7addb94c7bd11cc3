// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { addressedBy, defaultUrl, urlVariable } from '@azora/catalog';
import { authConfigShape, configDefaults, redisConfigShape, z } from '@azora/service-kit';
import { ISSUE_KINDS } from './issues.ts';
import { SELF } from './targets.ts';

const whole = (min: number, max: number, fallback: number, unit = '') => {
  const error = { error: `must be a whole number${unit} from ${min} to ${max}` };
  return z.coerce.number(error).int(error).min(min, error).max(max, error).default(fallback);
};
const ms = (min: number, max: number, fallback: number) => whole(min, max, fallback, ' of milliseconds');
const ratio = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' })
    .max(1, { error: 'must be a number from 0 to 1' })
    .default(fallback);
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback)
    .transform((value) => value === 'true' || value === '1');
const httpUrl = (fallback: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
    .default(fallback);

/** `AI_SENTIMENT_URL`, …: where each watched service is, from the catalog. */
function serviceUrlShape() {
  const shape: Record<string, ReturnType<typeof httpUrl>> = {};
  for (const upstream of addressedBy(SELF)) shape[urlVariable(upstream.name)] = httpUrl(defaultUrl(upstream.name));
  return shape;
}

export const configShape = {
  /** Spans, issues and recovery actions. Migrations are applied at start. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/azora_tracing_recovery'),
  DATABASE_POOL_MAX: whole(1, 100, 5),
  /** REDIS_URL, REDIS_KEY_PREFIX: the per-minute span aggregates. */
  ...redisConfigShape('tracing-recovery:'),
  /** JWT_SECRET, API_KEYS: roles operator and admin trigger recovery (POST /issues/:id/recover). */
  ...authConfigShape(),
  /** Largest OTLP export request accepted, in bytes (after gzip decompression too); larger ones get 413. */
  OTLP_MAX_BODY_BYTES: whole(1024, 64 * 1024 * 1024, 4 * 1024 * 1024),
  /** Spans older than this are deleted by the sweeper. */
  SPAN_RETENTION_HOURS: whole(1, 24 * 90, 24),
  /** At most this many spans are kept; the oldest go first. */
  SPAN_MAX_ROWS: whole(1000, 100_000_000, 1_000_000),
  SWEEP_INTERVAL_MS: ms(0, 86_400_000, 60_000),
  /** How long the per-minute aggregates stay in Redis. */
  AGGREGATE_RETENTION_HOURS: whole(1, 24 * 30, 6),
  /** Catalog names of the deployed services, comma-separated (like main-app); unset: the whole catalog. */
  DEPLOYED_SERVICES: z.string().max(4000).optional(),
  /** Infrastructure checked directly besides Postgres (DATABASE_URL's server) and Redis (REDIS_URL's): unset, not checked. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL')
    .optional(),
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be an mqtt:// URL')
    .optional(),
  /** Pause between detection rounds; 0 runs rounds only when an alert arrives. */
  POLL_INTERVAL_MS: ms(0, 3_600_000, 5000),
  PROBE_TIMEOUT_MS: ms(100, 60_000, 2000),
  /** Consecutive failed readiness polls before a service's "down" issue opens. */
  FAILURES_TO_OPEN: whole(1, 100, 2),
  /** A service not yet seen ready since start-up is not "down" for this long (a stack coming up). */
  STARTUP_GRACE_MS: ms(0, 3_600_000, 180_000),
  ERROR_RATE_THRESHOLD: ratio(0.05),
  LATENCY_P95_THRESHOLD_MS: whole(1, 600_000, 1000),
  /** Server spans needed in the window before the error-rate and latency thresholds are judged. */
  THRESHOLD_MIN_REQUESTS: whole(1, 1_000_000, 20),
  THRESHOLD_WINDOW_MINUTES: whole(1, 360, 5),
  /** Issue kinds the detector recovers by itself (comma-separated); others wait for an operator or the scheduler. */
  RECOVER_KINDS: z
    .string()
    .default('down')
    .transform((value) =>
      value
        .split(',')
        .map((kind) => kind.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ISSUE_KINDS.filter((kind) => kind !== 'infrastructure_down') as ['down']))),
  /** Where restarts go: docker (the Engine socket), dev (the pnpm dev control API), none, or auto (dev when DEV_CONTROL_URL is set, else docker when the socket exists). */
  RUNTIME: z.enum(['auto', 'docker', 'dev', 'none']).default('auto'),
  DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
  /** Only containers of this compose project are restarted (label com.docker.compose.project). */
  COMPOSE_PROJECT: z.string().max(200).optional(),
  DOCKER_STOP_TIMEOUT_SECONDS: whole(0, 300, 10),
  DEV_CONTROL_URL: z
    .string()
    .regex(
      /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/,
      'must be http://127.0.0.1:<port> (the control API listens on loopback)',
    )
    .optional(),
  DEV_CONTROL_TOKEN: z.string().min(16, 'must be the token pnpm dev generated').optional(),
  /** Record what would be done, do nothing. */
  DRY_RUN: flag('false'),
  /** Restarts allowed per service per RESTART_WINDOW_MS. */
  RESTART_BUDGET: whole(0, 1000, 3),
  RESTART_WINDOW_MS: ms(1000, 86_400_000, 15 * 60_000),
  /** Wait after the first attempt on an issue before the next; doubles per attempt up to the maximum. */
  RECOVERY_BACKOFF_MS: ms(0, 3_600_000, 30_000),
  RECOVERY_BACKOFF_MAX_MS: ms(0, 86_400_000, 10 * 60_000),
  /** How long a claim on an issue lasts: the detector renews its own every round. */
  CLAIM_LEASE_MS: ms(1000, 3_600_000, 60_000),
  /** When set, POST /alerts needs `Authorization: Bearer <token>` (Alertmanager's http_config.authorization). */
  ALERT_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Demo spans, an issue and a recovery record in an empty database (`pnpm dev` sets it). */
  DEMO_SEED: flag('false'),
  ...serviceUrlShape(),
};

export const DEFAULTS = configDefaults(configShape);
