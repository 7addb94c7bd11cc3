// The dashboard's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { authConfigShape, configDefaults, z } from '@azora/service-kit';
import { iotUpstream, regimeUpstreams } from './upstreams.ts';

const milliseconds = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number of milliseconds from ${min} to ${max}` })
    .int({ error: `must be a whole number of milliseconds from ${min} to ${max}` })
    .min(min, { error: `must be a whole number of milliseconds from ${min} to ${max}` })
    .max(max, { error: `must be a whole number of milliseconds from ${min} to ${max}` })
    .default(fallback);

const httpUrl = (fallback: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
    .default(fallback);

/** `GDPR_COMPLIANCE_URL`, …, `QUANTUM_IOT_INTEGRATION_URL`: each upstream's base URL, from the catalog. */
function upstreamUrlShape() {
  const shape: Record<string, ReturnType<typeof httpUrl>> = {};
  for (const upstream of [...regimeUpstreams(), iotUpstream()]) {
    shape[upstream.urlVariable] = httpUrl(upstream.defaultUrl);
  }
  return shape;
}

export const configShape = {
  /** The dashboard's own Postgres database: alert acknowledgements. Migrations are applied at start. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/azora_compliance_dashboard'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(5),
  /** JWT_SECRET, API_KEYS: roles dpo (acknowledges alerts), operator and auditor (read). */
  ...authConfigShape(),
  /**
   * The key the dashboard sends as `x-api-key` to the jurisdiction services and the IoT
   * integration: one of their API_KEYS entries, with the role auditor (read only).
   */
  COMPLIANCE_API_KEY: z.string().min(24, 'must be an API key of at least 24 characters'),
  /** How long one upstream call may take before that upstream counts as unreachable. */
  UPSTREAM_TIMEOUT_MS: milliseconds(50, 60_000, 2000),
  /** How long one round of upstream answers is reused before the next request refreshes it. */
  CACHE_TTL_MS: milliseconds(0, 600_000, 5000),
  /** A breach notification due within this many hours (or past due) raises a deadline alert. */
  DEADLINE_WARNING_HOURS: z.coerce
    .number({ error: 'must be a whole number of hours from 1 to 720' })
    .int({ error: 'must be a whole number of hours from 1 to 720' })
    .min(1, { error: 'must be a whole number of hours from 1 to 720' })
    .max(720, { error: 'must be a whole number of hours from 1 to 720' })
    .default(48),
  ...upstreamUrlShape(),
};

export const DEFAULTS = configDefaults(configShape);
