// The service's settings, declared once: main.ts loads them from the environment and the
// builder (app.ts) falls back to the same defaults.
import { defaultUrl, urlVariable } from '@azora/catalog';
import { authConfigShape, configDefaults, z } from '@azora/service-kit';
import { CronError, checkTimeZone } from './cron.ts';
import { JURISDICTIONS } from './upstreams.ts';

export const SERVICE_NAME = 'automated-reporting';
export const UPSTREAM_SERVICES = ['compliance-dashboard', ...JURISDICTIONS.map((j) => j.service)] as const;

const whole = (min: number, max: number, fallback: number) => {
  const error = { error: `must be a whole number from ${min} to ${max}` };
  return z.coerce.number(error).int(error).min(min, error).max(max, error).default(fallback);
};
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback)
    .transform((value) => value === 'true' || value === '1');

/** `<SERVICE>_URL` for the dashboard and each jurisdiction service, defaulting to the catalog's port. */
function upstreamUrlShape() {
  return Object.fromEntries(
    UPSTREAM_SERVICES.map((service) => [
      urlVariable(service),
      z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(defaultUrl(service)),
    ]),
  ) as Record<string, z.ZodDefault<z.ZodURL>>;
}

export const configShape = {
  /** The service's own Postgres database: schedules, runs, report metadata. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/azora_automated_reporting'),
  DATABASE_POOL_MAX: whole(1, 100, 10),
  /** JWT_SECRET, API_KEYS: roles dpo (everything), operator (generate, read), auditor (read). */
  ...authConfigShape(),
  /** The reports volume: <dir>/<report id>/report.{json,csv,pdf}. */
  REPORTS_DIR: z.string().min(1).default('data/reports'),
  /** The time zone the default schedules are seeded in, and on-demand reports are dated in. */
  REPORTS_TIME_ZONE: z
    .string()
    .default('UTC')
    .superRefine((zone, ctx) => {
      try {
        checkTimeZone(zone);
      } catch (error) {
        if (error instanceof CronError) ctx.addIssue({ code: 'custom', message: error.message });
      }
    }),
  /** A key whose role is auditor on the dashboard and the jurisdiction services. */
  COMPLIANCE_API_KEY: z.string().min(1).optional(),
  UPSTREAM_TIMEOUT_MS: whole(100, 120_000, 5000),
  ...upstreamUrlShape(),
  /** Debian's chromium; CHROMIUM_PATH is read when PUPPETEER_EXECUTABLE_PATH is not set. */
  PUPPETEER_EXECUTABLE_PATH: z.string().min(1).optional(),
  CHROMIUM_PATH: z.string().min(1).optional(),
  PDF_TIMEOUT_MS: whole(1000, 300_000, 30_000),
  /** Chromium is closed after this long without a report (0: kept running). */
  CHROMIUM_IDLE_MS: whole(0, 86_400_000, 60_000),
  /** How often the scheduler looks for a due slot (a slot runs within this of its time). */
  SCHEDULER_INTERVAL_MS: whole(1000, 3_600_000, 30_000),
  /** false: this replica serves the API only and runs no schedule. */
  SCHEDULER_ENABLED: flag('true'),
  SWEEP_INTERVAL_MS: whole(10_000, 86_400_000, 3_600_000),
};

export const DEFAULTS = configDefaults(configShape);
