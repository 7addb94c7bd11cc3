// Request bodies and queries of the jurisdiction services' API, validated strictly: an unknown
// field, a wrong type or a bad date is a 400 that names the field.
import { z } from '@azora/service-kit';
import { startOfLocalDay } from '../deadlines/calendar.ts';
import { BREACH_STATES } from '../store/breaches.ts';
import { REQUEST_STATUSES } from '../store/requests.ts';
import { parseSubject, type SubjectRef } from '../store/subjects.ts';

/** A JSON object with exactly these fields: an unknown one is named in the 400. */
export const object = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : 'must be a JSON object',
  });

/** One line of text: no control characters. */
export const line = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

/** Free text: newlines and tabs allowed, other control characters not. */
const prose = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/(?![\n\r\t])\p{Cc}/u.test(value), 'must not contain control characters');

export const Subject = z
  .string({ error: 'must be a string like email:ana@example.com' })
  .transform((value, ctx): SubjectRef => {
    const parsed = parseSubject(value);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** 2026-02-30 parses (as March 2) in JavaScript; a real date survives the round trip. */
function isRealDate(value: string): boolean {
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value.slice(0, 10));
}

/**
 * An instant (ISO 8601 with Z or an offset), or a date alone, read as the start of that day in
 * the regime's time zone (a letter stamped 2026-12-04 arrived that day, wherever the clerk is).
 */
export function instant(timeZone: string) {
  return z.string({ error: 'must be an ISO 8601 date or date-time' }).transform((value, ctx) => {
    let date: Date | undefined;
    if (ISO_INSTANT.test(value) && isRealDate(value)) date = new Date(value);
    else if (ISO_DATE.test(value) && isRealDate(value)) date = startOfLocalDay(value, timeZone);
    if (!date || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an ISO 8601 date (2026-12-04) or date-time with Z or an offset',
      });
      return z.NEVER;
    }
    return date;
  });
}

/** An instant not in the future (a little clock skew allowed): when something happened. */
export function pastInstant(timeZone: string, now: () => Date) {
  return instant(timeZone).refine(
    (date) => date.getTime() <= now().getTime() + 5 * 60_000,
    'must not be in the future',
  );
}

const list = (max: number, item = line(200)) =>
  z.array(item, { error: 'must be an array of strings' }).max(max, `must have at most ${max} items`);

/**
 * The bodies and queries, for a regime in `timeZone`; `breachDetails` is the regime's schema
 * of a breach's `details` (absent: a breach takes none).
 */
export function schemas(timeZone: string, now: () => Date, breachDetails?: z.ZodType) {
  const past = pastInstant(timeZone, now);
  return {
    scan: object({
      text: z.string({ error: 'must be a string' }),
      redact: z.enum(['mask', 'hash', 'remove'], { error: 'must be mask, hash or remove' }).optional(),
    }),
    newRequest: object({
      type: line(64),
      subject: Subject,
      receivedAt: past.optional(),
      notes: prose(2000).optional(),
    }),
    listRequests: z.strictObject({
      status: z.enum(REQUEST_STATUSES, { error: `must be one of ${REQUEST_STATUSES.join(', ')}` }).optional(),
      overdue: z
        .enum(['true', 'false'], { error: 'must be true or false' })
        .transform((v) => v === 'true')
        .optional(),
      limit: z.coerce.number({ error: 'must be a whole number from 1 to 500' }).int().min(1).max(500).default(100),
    }),
    verify: object({ method: line(200), evidence: prose(2000).optional() }),
    start: object({}).optional(),
    extend: object({ reason: prose(2000), until: instant(timeZone).optional() }),
    complete: object({ summary: prose(4000), actions: list(50, line(500)).optional() }),
    reject: object({ reason: prose(2000) }),
    interim: object({ note: prose(2000).optional() }).optional(),
    consent: object({
      subject: Subject,
      purpose: line(200),
      lawfulBasis: line(64),
      action: z.enum(['given', 'withdrawn'], { error: 'must be given or withdrawn' }),
      at: past.optional(),
      source: line(200),
      evidence: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).optional(),
    }),
    consentCheck: z.strictObject({ subject: Subject, purpose: line(200), at: instant(timeZone).optional() }),
    consentHistory: z.strictObject({ subject: Subject }),
    activity: object({
      name: line(200),
      controller: line(200),
      purposes: list(50).min(1, 'must name at least one purpose'),
      lawfulBasis: line(64),
      dataCategories: list(100).min(1, 'must name at least one category of data'),
      subjectCategories: list(50).min(1, 'must name at least one category of data subjects'),
      recipients: list(100).default([]),
      transfers: z
        .array(object({ country: line(100), safeguard: line(200) }), {
          error: 'must be an array of {country, safeguard}',
        })
        .max(100)
        .default([]),
      retention: line(500),
    }),
    breach: object({
      title: line(200),
      description: prose(4000).optional(),
      detectedAt: past,
      containedAt: past.optional(),
      categories: list(50).min(1, 'must name at least one category of data'),
      affectedCount: z
        .number({ error: 'must be a whole number' })
        .int('must be a whole number')
        .min(0, 'must not be negative')
        .max(10_000_000_000, 'is implausibly large'),
      risk: z.enum(['low', 'medium', 'high'], { error: 'must be low, medium or high' }),
      details: breachDetails ?? z.undefined({ error: 'is not a field of a breach under this regime' }),
    }),
    listBreaches: z.strictObject({
      state: z.enum(BREACH_STATES, { error: `must be one of ${BREACH_STATES.join(', ')}` }).optional(),
      limit: z.coerce.number({ error: 'must be a whole number from 1 to 500' }).int().min(1).max(500).default(100),
    }),
    notification: object({ notifiedAt: past.optional(), reference: line(200).optional() }).optional(),
    breachState: object({ at: past.optional() }).optional(),
    control: object({ status: z.enum(['pass', 'fail'], { error: 'must be pass or fail' }), evidence: prose(4000) }),
    auditQuery: z.strictObject({
      limit: z.coerce.number({ error: 'must be a whole number from 1 to 500' }).int().min(1).max(500).default(50),
    }),
    id: z.object({ id: z.uuid({ error: 'must be an id (a UUID)' }) }),
  };
}
