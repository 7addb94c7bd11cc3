/**
 * AZR amounts: integers of base units (1 AZR = 10^18), bigint in code and canonical
 * decimal strings on the wire and in the database — never a float.
 */
import { z } from '@azora/service-kit';

export const DECIMALS = 18;
export const BASE_UNITS_PER_AZR = 10n ** BigInt(DECIMALS);
/** At most 1,000,000 AZR in circulation. */
export const SUPPLY_CAP = 1_000_000n * BASE_UNITS_PER_AZR;
/** The cap has 25 digits; a longer string cannot be a valid amount. */
const MAX_DIGITS = SUPPLY_CAP.toString().length;

/**
 * A positive amount of base units as a canonical decimal string: digits only, no sign,
 * exponent, fraction, spaces or leading zero, at most the supply cap.
 */
export const Amount = z
  .string({ error: 'must be a string of base units (1 AZR = 10^18), e.g. "1500000000000000000"' })
  .max(MAX_DIGITS, `must be at most ${MAX_DIGITS} digits (the supply cap is ${SUPPLY_CAP} base units)`)
  .regex(/^\d+$/, 'must be a whole number of base units written with digits only (no sign, point, exponent or spaces)')
  .regex(/^(0|[1-9]\d*)$/, 'must not have leading zeros')
  .transform((value) => BigInt(value))
  .refine((value) => value > 0n, 'must be greater than zero')
  .refine((value) => value <= SUPPLY_CAP, `must be at most the supply cap (${SUPPLY_CAP} base units)`);

/** Base units as whole AZR with up to 18 decimals, for logs and dashboards: 1500000000000000000n → "1.5". */
export function formatAzr(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const magnitude = units < 0n ? -units : units;
  const whole = magnitude / BASE_UNITS_PER_AZR;
  const fraction = (magnitude % BASE_UNITS_PER_AZR).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
