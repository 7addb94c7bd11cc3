// The service's settings and their defaults, declared once: main.ts loads them from the
// environment; the builder's own defaults are these same constants.
import { mongoConfigShape } from '@azora/mongo';
import { authConfigShape, configDefaults, z } from '@azora/service-kit';
import { STEPS } from './ledger.ts';

const milliseconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const configShape = {
  /** MONGODB_URI: the ledger's database (a standalone mongod is enough: no transactions are used). */
  ...mongoConfigShape('azora_mint'),
  /** JWT_SECRET, API_KEYS: roles minter, user, auditor, admin. */
  ...authConfigShape(),
  /** How often the sweeper looks for entries left pending (ms). */
  SWEEPER_INTERVAL_MS: milliseconds(100, 60_000, 2000),
  /** An entry pending longer than this is recovered by the sweeper (ms); requests finish well within it. */
  SWEEPER_WINDOW_MS: milliseconds(500, 3_600_000, 10_000),
  /** How often the invariants are checked for the metric and alert (ms); 0 only on GET invariants. */
  INVARIANT_CHECK_INTERVAL_MS: milliseconds(0, 86_400_000, 30_000),
  /** Flat fee in base units charged to the sender of each transfer, paid to the fees account. */
  TRANSFER_FEE: z
    .string()
    .regex(/^(0|[1-9]\d{0,24})$/, 'must be a whole number of base units (digits only)')
    .default('0')
    .transform((value) => BigInt(value)),
  /** Create demo wallets with balances in an empty ledger at start-up (`pnpm dev` sets it). */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  /**
   * Fault injection for the crash-recovery tests only: the process kills itself (SIGKILL)
   * right after this step of the first entry it runs. Never set it in a deployment.
   */
  CRASH_AFTER_STEP: z.enum(STEPS).optional(),
};

export const DEFAULTS = configDefaults(configShape);
