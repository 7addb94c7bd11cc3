// S-NSSAI (single network slice selection assistance information, 3GPP TS 23.003 §28.4):
// an 8-bit slice/service type (SST) and an optional 24-bit slice differentiator (SD), carried
// on the wire as in TS 29.571 — {"sst": 1, "sd": "0000A1"} — and kept as one key ("1-0000A1").
import { z } from '@azora/service-kit';

export interface Snssai {
  sst: number;
  /** Six hexadecimal digits, upper case; absent when the slice has no differentiator. */
  sd?: string;
}

/** The standardised slice/service types (TS 23.501 §5.15.2.2); 128–255 are operator-specific. */
export const SLICE_TYPES: Readonly<Record<number, string>> = {
  1: 'eMBB',
  2: 'URLLC',
  3: 'MIoT',
  4: 'V2X',
  5: 'HMTC',
};

export function sliceType(sst: number): string {
  return SLICE_TYPES[sst] ?? (sst >= 128 ? 'operator-specific' : 'unassigned');
}

/** "1" or "1-0000A1". */
export function snssaiKey(snssai: Snssai): string {
  return snssai.sd === undefined ? String(snssai.sst) : `${snssai.sst}-${snssai.sd}`;
}

export function presentSnssai(sst: number, sd: string | null): Snssai {
  return sd === null ? { sst } : { sst, sd };
}

const SST_ERROR = 'must be a slice/service type: a whole number from 1 to 255 (1 eMBB, 2 URLLC, 3 MIoT, 4 V2X)';

export const SnssaiSchema = z.strictObject(
  {
    sst: z.number({ error: SST_ERROR }).int({ error: SST_ERROR }).min(1, { error: SST_ERROR }).max(255, {
      error: SST_ERROR,
    }),
    sd: z
      .string({ error: 'must be a slice differentiator: 6 hexadecimal digits' })
      .regex(/^[0-9A-Fa-f]{6}$/, { error: 'must be a slice differentiator: 6 hexadecimal digits' })
      .transform((sd) => sd.toUpperCase())
      .refine((sd) => sd !== 'FFFFFF', {
        error: 'FFFFFF is reserved (it means "no slice differentiator"): leave sd out instead',
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'must be an S-NSSAI: {"sst": 1..255, "sd"?: "6 hex digits"}' : undefined,
  },
);

/** A list of S-NSSAIs with no S-NSSAI twice. */
export function snssaiList(options: { min: number; max: number; what: string }) {
  return z
    .array(SnssaiSchema, { error: `must be a list of S-NSSAIs (${options.what})` })
    .min(options.min, { error: `must list at least ${options.min} S-NSSAI (${options.what})` })
    .max(options.max, { error: `must list at most ${options.max} S-NSSAIs (${options.what})` })
    .refine((list) => new Set(list.map(snssaiKey)).size === list.length, {
      error: 'must not list the same S-NSSAI twice',
    });
}
