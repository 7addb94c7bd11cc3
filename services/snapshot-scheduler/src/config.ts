// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { defaultUrl, findService } from '@azora/catalog';
import { authConfigShape, configDefaults, redisConfigShape, z } from '@azora/service-kit';
import { Cron } from 'croner';
import { KINDS, type Kind } from './targets.ts';

const wholeNumber = (min: number, max: number, fallback: number, unit = '') => {
  const error = { error: `must be a whole number${unit} from ${min} to ${max}` };
  return z.coerce.number(error).int(error).min(min, error).max(max, error).default(fallback);
};

/** A cron expression croner accepts (5 fields, or 6 with seconds first), evaluated in UTC. */
const cron = (fallback: string) =>
  z
    .string()
    .refine((value) => {
      try {
        new Cron(value, { paused: true, timezone: 'UTC' }).stop();
        return true;
      } catch {
        return false;
      }
    }, 'must be a cron expression such as "*/5 * * * *" (minute hour day month weekday)')
    .default(fallback);

/** `a,b,c` → names of catalog services; an unknown name is a configuration error. */
const serviceList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .refine((names) => names.every((name) => findService(name)), {
    error: (issue) =>
      `names a service that is not in the catalog: ${(issue.input as string[]).filter((n) => !findService(n)).join(', ')}`,
  });

/** `service/kind=name` entries, comma-separated: where a service's data lives when the naming rule does not say. */
const overrides = z
  .string()
  .transform((value, ctx) => {
    const result = new Map<string, string>();
    for (const raw of value.split(',').map((entry) => entry.trim())) {
      if (!raw) continue;
      const match = /^([a-z0-9-]+)\/([a-z]+)=(.+)$/.exec(raw);
      const [, service = '', kind = '', name = ''] = match ?? [];
      if (!match || !findService(service) || !KINDS.includes(kind as Kind)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry "${raw}" must look like service/kind=name with a catalog service and kind postgres, redis or mongodb`,
        });
        return z.NEVER;
      }
      result.set(`${service}/${kind}`, name);
    }
    return result;
  })
  .optional();

export const configShape = {
  /** JWT_SECRET, API_KEYS: roles operator (take snapshots) and admin (take and restore). */
  ...authConfigShape(),
  /** REDIS_URL: the server holding the services' keys and this scheduler's lock; REDIS_KEY_PREFIX: the lock's keys. */
  ...redisConfigShape('snapshot-scheduler:'),
  /** The Postgres server (credentials may be in it); each service's database is `azora_<name>`. */
  POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .default('postgres://postgres@127.0.0.1:5432'),
  /** The MongoDB server; each service's database is its name with underscores. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URL')
    .default('mongodb://127.0.0.1:27017'),
  /** The snapshot volume. */
  SNAPSHOTS_DIR: z.string().min(1).default('snapshots'),
  /** When snapshots are taken (UTC). */
  SNAPSHOT_CRON: cron('0 * * * *'),
  /** When tracing-recovery's open issues are checked and unhandled ones recovered (UTC). */
  RECOVERY_CRON: cron('*/5 * * * *'),
  /** Snapshots kept per service and kind, newest first… */
  RETENTION_KEEP: wholeNumber(1, 10_000, 24),
  /** …plus the newest of each of the last D days (UTC). */
  RETENTION_DAILY_DAYS: wholeNumber(0, 3650, 7),
  TRACING_RECOVERY_URL: z.url().default(defaultUrl('tracing-recovery')),
  /** The key this scheduler sends to tracing-recovery (an operator key there); unset: no recovery triggers. */
  RECOVERY_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Only these catalog services are snapshotted (all that store data when unset). */
  DEPLOYED_SERVICES: serviceList.optional(),
  /** Exceptions to the naming rules, e.g. `azora-mint/mongodb=azora_azora_mint,ai-chatbot/redis=chatbot:`. */
  DATA_LOCATIONS: overrides,
  /** The leader lock's lease; a dead leader is replaced after at most this long. */
  LOCK_TTL_MS: wholeNumber(1000, 600_000, 15_000, ' of milliseconds'),
  /** Longest a single snapshot or restore may take. */
  SNAPSHOT_TIMEOUT_MS: wholeNumber(10_000, 86_400_000, 1_800_000, ' of milliseconds'),
  PG_DUMP: z.string().min(1).default('pg_dump'),
  PG_RESTORE: z.string().min(1).default('pg_restore'),
  /** Take a first round of snapshots as soon as this replica leads (`pnpm dev` sets it). */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
};

export const DEFAULTS = configDefaults(configShape);
