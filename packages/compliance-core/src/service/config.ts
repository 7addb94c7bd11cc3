// The settings of a jurisdiction service, declared once: its main.ts loads them from the
// environment; createComplianceService falls back to these same defaults.
import { authConfigShape, configDefaults, z } from '@azora/service-kit';
import { identityConfigShape } from '../identity/keys.ts';

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default(fallback)
    .transform((value) => value === 'true' || value === '1');

/** `gdpr-compliance` → `postgres://postgres@127.0.0.1:5432/azora_gdpr_compliance`. */
export function defaultDatabaseUrl(serviceName: string): string {
  return `postgres://postgres@127.0.0.1:5432/azora_${serviceName.replaceAll('-', '_')}`;
}

export function complianceConfigShape(serviceName: string) {
  return {
    /** The service's own Postgres database; migrations are applied to it at start. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default(defaultDatabaseUrl(serviceName)),
    /**
     * Connections in the pool. `pnpm dev` sets 1 on the embedded PGlite, whose socket server
     * runs every connection in one session (two open transactions there would interleave).
     */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** JWT_SECRET, API_KEYS: roles dpo (all), operator (requests and consents), auditor (read only). */
    ...authConfigShape(),
    /** IDENTIFIER_HASH_KEY (base64, 32 bytes) and ENCRYPTION_KEYS (`id:base64,...`, current first). */
    ...identityConfigShape(),
    /** Seed demo requests, consents, records and a breach into an empty database (`pnpm dev` sets it). */
    DEMO_SEED: flag('false'),
    /**
     * The organisation's own target, in hours after detection, for breach notifications the law
     * sets no time for ("without undue delay", POPIA's "as soon as reasonably possible").
     */
    NOTIFICATION_TARGET_HOURS: z.coerce.number().int().min(1).max(8760).default(72),
    /** How long the counts behind /metrics and summary may be cached (ms). */
    METRICS_REFRESH_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  };
}

export const COMPLIANCE_DEFAULTS = configDefaults(complianceConfigShape('compliance'));
