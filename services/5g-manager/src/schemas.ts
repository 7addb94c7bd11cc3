// The shapes the HTTP API accepts. Strict objects: an unknown field is a 400, not silently dropped.
import { z } from '@azora/service-kit';
import { MAX_ALLOWED } from './nssf.ts';
import { SnssaiSchema, snssaiKey, snssaiList } from './snssai.ts';

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const whole = (min: number, max: number, what = 'a whole number') => {
  const error = { error: `must be ${what} from ${min} to ${max}` };
  return z.number(error).int(error).min(min, error).max(max, error);
};

const between = (min: number, max: number, what: string) => {
  const error = { error: `must be ${what} from ${min} to ${max}` };
  return z.number(error).min(min, error).max(max, error);
};

// Only a value that is not an object gets "must be a JSON object"; an unknown field keeps zod's own message naming it.
const object = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) });

export const Uuid = z
  .string({ error: 'must be an id (a UUID)' })
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'must be an id (a UUID)' })
  .transform((id) => id.toLowerCase());

export const Supi = z
  .string({ error: 'must be a SUPI: imsi- followed by 6 to 15 digits' })
  .regex(/^imsi-\d{6,15}$/, { error: 'must be a SUPI: imsi- followed by 6 to 15 digits' });

/** A 24-bit tracking area code, as 6 hexadecimal digits (TS 29.571 Tac), kept upper case. */
export const Tac = z
  .string({ error: 'must be a tracking area code: 6 hexadecimal digits' })
  .regex(/^[0-9A-Fa-f]{6}$/, { error: 'must be a tracking area code: 6 hexadecimal digits' })
  .transform((tac) => tac.toUpperCase());

const Mcc = z.string({ error: 'must be a mobile country code: 3 digits' }).regex(/^\d{3}$/, {
  error: 'must be a mobile country code: 3 digits',
});
const Mnc = z.string({ error: 'must be a mobile network code: 2 or 3 digits' }).regex(/^\d{2,3}$/, {
  error: 'must be a mobile network code: 2 or 3 digits',
});
const PlmnId = object({ mcc: Mcc, mnc: Mnc });

export const OperatorBody = object({ name: text(100), mcc: Mcc, mnc: Mnc });
export const OperatorPatch = object({ name: text(100) });

const Location = object({
  latitude: between(-90, 90, 'a latitude in degrees'),
  longitude: between(-180, 180, 'a longitude in degrees'),
});
const cellFields = {
  name: text(100),
  /** gNB ids are 22 to 32 bits long (TS 38.413). */
  gnbId: whole(0, 4_294_967_295, 'a gNB id: a whole number'),
  tac: Tac,
  band: z
    .string({ error: 'must be an NR band such as n78' })
    .regex(/^n([1-9]\d{0,2})$/, { error: 'must be an NR band such as n78' }),
  location: Location,
  maxSessions: whole(1, 10_000_000, 'a session capacity: a whole number'),
};
export const CellBody = object({ operatorId: Uuid, ...cellFields });
export const CellPatch = object(cellFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { error: 'must change at least one field' });

const Kbps = whole(1, 1_000_000_000, 'a bitrate in kbps: a whole number');
const sliceLimits = {
  name: text(100),
  guaranteedBitrateKbps: Kbps,
  maxBitrateKbps: Kbps,
  maxSessions: whole(1, 10_000_000, 'a session capacity: a whole number'),
  latencyBudgetMs: between(0.1, 60_000, 'a latency budget in milliseconds'),
};
export const SliceBody = object({ operatorId: Uuid, snssai: SnssaiSchema, ...sliceLimits }).refine(
  (slice) => slice.maxBitrateKbps <= slice.guaranteedBitrateKbps,
  { error: 'maxBitrateKbps must not exceed guaranteedBitrateKbps: no session could get it', path: ['maxBitrateKbps'] },
);
export const SlicePatch = object(sliceLimits)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { error: 'must change at least one field' });

export const TrackingAreaBody = object({
  name: text(100).optional(),
  slices: snssaiList({ min: 0, max: 64, what: 'the slices this tracking area offers' }),
});

const subscription = {
  subscribedSnssais: snssaiList({ min: 1, max: 16, what: 'subscribed S-NSSAIs' }),
  defaultSnssais: snssaiList({ min: 1, max: MAX_ALLOWED, what: 'default S-NSSAIs' }),
};
const defaultsAreSubscribed = (value: {
  subscribedSnssais: { sst: number; sd?: string }[];
  defaultSnssais: { sst: number; sd?: string }[];
}) => {
  const subscribed = new Set(value.subscribedSnssais.map(snssaiKey));
  return value.defaultSnssais.every((snssai) => subscribed.has(snssaiKey(snssai)));
};
const defaultsError = { error: 'every default S-NSSAI must also be subscribed', path: ['defaultSnssais'] };
export const SubscriberBody = object({ supi: Supi, operatorId: Uuid, ...subscription }).refine(
  defaultsAreSubscribed,
  defaultsError,
);
export const SubscriptionBody = object(subscription).refine(defaultsAreSubscribed, defaultsError);

export const SelectBody = object({
  supi: Supi,
  requested: snssaiList({ min: 0, max: MAX_ALLOWED, what: 'the requested NSSAI' }).default([]),
  tai: object({ plmnId: PlmnId, tac: Tac }),
});

export const SessionBody = object({
  supi: Supi,
  snssai: SnssaiSchema,
  cellId: Uuid,
  bitrateKbps: Kbps,
});

const KpiSample = object({
  cellId: Uuid,
  observedAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
    .transform((value) => new Date(value))
    .optional(),
  loadPercent: between(0, 100, 'a load in percent'),
  throughputMbps: between(0, 10_000_000, 'a throughput in Mbit/s'),
  latencyMs: between(0, 600_000, 'a latency in milliseconds'),
  slices: z
    .array(
      object({
        snssai: SnssaiSchema,
        throughputMbps: between(0, 10_000_000, 'a throughput in Mbit/s'),
        latencyMs: between(0, 600_000, 'a latency in milliseconds'),
      }),
      { error: 'must be a list of per-slice KPIs' },
    )
    .max(64, { error: 'must list at most 64 slices' })
    .refine((list) => new Set(list.map((entry) => snssaiKey(entry.snssai))).size === list.length, {
      error: 'must not list the same S-NSSAI twice',
    })
    .optional(),
});
export const KpiBody = KpiSample;
export const KPI_BATCH_MAX = 1000;
export const KpiBatchBody = object({
  samples: z
    .array(KpiSample, { error: 'must be a list of KPI samples' })
    .min(1, { error: 'must hold at least one sample' })
    .max(KPI_BATCH_MAX, { error: `must hold at most ${KPI_BATCH_MAX} samples` }),
});

const Limit = (fallback: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int({ error: `must be a whole number from 1 to ${max}` })
    .min(1, { error: `must be a whole number from 1 to ${max}` })
    .max(max, { error: `must be a whole number from 1 to ${max}` })
    .default(fallback);

export const ByOperatorQuery = z.strictObject({ operatorId: Uuid.optional() });
export const SubscribersQuery = z.strictObject({
  operatorId: Uuid.optional(),
  limit: Limit(100, 1000),
  after: Supi.optional(),
});
export const SessionsQuery = z.strictObject({
  supi: Supi.optional(),
  sliceId: Uuid.optional(),
  cellId: Uuid.optional(),
  active: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  limit: Limit(100, 1000),
});

export const IdParams = z.object({ id: Uuid });
export const SupiParams = z.object({ supi: Supi });
export const TrackingAreaParams = z.object({ id: Uuid, tac: Tac });

/** `Idempotency-Key`: optional on admissions, 1–255 visible ASCII characters. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'the Idempotency-Key header must be 1 to 255 visible ASCII characters' })
  .optional();
