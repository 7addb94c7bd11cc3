// Request bodies and parameters. Strict: unknown fields are a 400, and every message says
// what is wrong with which field. Addresses, prefixes and hosts come out normalised.
import { z } from '@azora/service-kit';
import { MAX_MSISDN_DIGITS, type Rule } from './classifier.ts';
import { normalizeHost, parseHostPattern, parsePathPrefix } from './host.ts';
import { type Address, formatAddress, type Parsed, parseAddress, parsePrefix } from './ip.ts';

export const MAX_BATCH = 1000;
export const MAX_PREFIXES_PER_OPERATOR = 20_000;
/** A flow's bytes: at most 1 TiB (one flow; a month's quota may be larger). */
export const MAX_FLOW_BYTES = 2 ** 40;

// Only a non-object is "not an object"; unknown keys keep zod's message naming them.
const OBJECT = {
  error: (issue: { code?: string }) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined),
};

/** A value for an error message: quoted, and cut short when long (a 10,000-character host). */
const quote = (text: string) =>
  JSON.stringify(text.length > 60 ? `${text.slice(0, 40)}…` : text) +
  (text.length > 60 ? ` (${text.length} characters)` : '');

/** A string checked (and normalised) by one of the parsers, whose error follows the quoted value. */
const parsed = <T>(what: string, parse: (text: string) => Parsed<T>) =>
  z.string({ error: `must be a string (${what})` }).transform((text, ctx) => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: `${quote(text)} ${result.error}` });
    return z.NEVER;
  });

export const Id = (what: string) =>
  z
    .string({ error: `must be a string (the ${what} id)` })
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      `must be 1–64 letters, digits, dots, hyphens or underscores, starting with a letter or digit (the ${what} id)`,
    );

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const unique = <T>(values: T[]) => [...new Set(values)];

export const OperatorBody = z.strictObject(
  {
    name: text(200),
    country: z
      .string({ error: 'must be a string (ISO 3166-1 alpha-2 country code)' })
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as ZA')
      .transform((value) => value.toUpperCase()),
    mccMnc: z
      .string({ error: 'must be a string of 5 or 6 digits (MCC + MNC)' })
      .regex(/^\d{5,6}$/, 'must be 5 or 6 digits: the 3-digit MCC and 2- or 3-digit MNC, e.g. 65501'),
    prefixes: z
      .array(parsed('an IPv4 or IPv6 CIDR prefix', parsePrefix), { error: 'must be an array of CIDR prefixes' })
      .max(MAX_PREFIXES_PER_OPERATOR, `must contain at most ${MAX_PREFIXES_PER_OPERATOR} prefixes`)
      .default([])
      .transform((prefixes) => unique(prefixes.map((prefix) => prefix.text))),
    msisdnPrefixes: z
      .array(
        z
          .string({ error: 'must be a string of digits' })
          .regex(
            new RegExp(`^\\d{1,${MAX_MSISDN_DIGITS}}$`),
            `must be 1–${MAX_MSISDN_DIGITS} digits (an MSISDN prefix in international form without +, e.g. 2782)`,
          ),
        { error: 'must be an array of MSISDN prefixes' },
      )
      .max(1000, 'must contain at most 1000 MSISDN prefixes')
      .default([])
      .transform(unique),
  },
  OBJECT,
);

const Timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2025-01-01T00:00:00Z' });

export const RuleBody = z
  .strictObject(
    {
      operator: Id('operator'),
      ratingGroup: z
        .number({ error: 'must be a whole number from 0 to 4294967295 (a 3GPP rating group)' })
        .int('must be a whole number from 0 to 4294967295 (a 3GPP rating group)')
        .min(0, 'must be a whole number from 0 to 4294967295 (a 3GPP rating group)')
        .max(4_294_967_295, 'must be a whole number from 0 to 4294967295 (a 3GPP rating group)'),
      hosts: z
        .array(parsed('a host name or *.domain', parseHostPattern), { error: 'must be an array of host names' })
        .min(1, 'must contain at least one host')
        .max(100, 'must contain at most 100 hosts')
        .transform((hosts) => unique(hosts.map((host) => host.text))),
      pathPrefixes: z
        .array(parsed('a path prefix', parsePathPrefix), { error: 'must be an array of path prefixes' })
        .max(50, 'must contain at most 50 path prefixes')
        .default([])
        .transform((prefixes) => (prefixes.includes('/') ? [] : unique(prefixes))),
      validFrom: Timestamp.optional(),
      validUntil: Timestamp.optional(),
      monthlyQuotaBytes: z
        .number({ error: 'must be a whole number of bytes' })
        .int('must be a whole number of bytes')
        .min(0, 'must not be negative')
        .max(Number.MAX_SAFE_INTEGER, `must be at most ${Number.MAX_SAFE_INTEGER}`)
        .optional(),
    },
    OBJECT,
  )
  .refine((rule) => !rule.validFrom || !rule.validUntil || Date.parse(rule.validFrom) < Date.parse(rule.validUntil), {
    message: 'must be later than validFrom',
    path: ['validUntil'],
  });

/** `+27821234567` or `27821234567` → `27821234567`. */
const Msisdn = z
  .string({ error: 'must be a string (the subscriber number)' })
  .regex(
    new RegExp(`^\\+?\\d{5,${MAX_MSISDN_DIGITS}}$`),
    `must be an MSISDN: 5–${MAX_MSISDN_DIGITS} digits in international form, optionally with a leading +`,
  )
  .transform((value) => value.replace(/^\+/, ''));

export const FlowBody = z
  .strictObject(
    {
      clientIp: parsed('an IPv4 or IPv6 address', parseAddress).optional(),
      msisdn: Msisdn.optional(),
      host: parsed('a host name', normalizeHost),
      path: z
        .string({ error: 'must be a string (the request path)' })
        .max(8192, 'must be at most 8192 characters')
        .regex(/^\//, 'must start with "/"')
        .optional(),
      bytes: z
        .number({ error: 'must be a whole number of bytes' })
        .int('must be a whole number of bytes')
        .min(0, 'must not be negative')
        .max(MAX_FLOW_BYTES, `must be at most ${MAX_FLOW_BYTES} (1 TiB) for one flow`)
        .optional(),
    },
    OBJECT,
  )
  .refine((flow) => flow.clientIp !== undefined || flow.msisdn !== undefined, {
    message: 'a flow needs clientIp or msisdn (or both) to find the subscriber’s operator',
  });

export type FlowInput = z.infer<typeof FlowBody>;

export const BatchBody = z.strictObject(
  {
    flows: z
      .array(FlowBody, { error: 'must be an array of flows' })
      .min(1, 'must contain at least one flow')
      .max(MAX_BATCH, `must contain at most ${MAX_BATCH} flows; split larger batches`),
  },
  OBJECT,
);

export const OperatorParams = z.object({ id: Id('operator') });
export const RuleParams = z.object({ id: Id('rule') });

/** An MSISDN (digits, optional +) or an IP address, as classify names subscribers. */
export const SubscriberParams = z.object({
  subscriber: z.string().transform((value, ctx) => {
    if (/^\+?\d{5,15}$/.test(value)) return value.replace(/^\+/, '');
    const address = parseAddress(value);
    if (address.ok) return subscriberOf({ address: address.value });
    ctx.addIssue({ code: 'custom', message: 'must be an MSISDN (5–15 digits) or an IPv4/IPv6 address' });
    return z.NEVER;
  }),
});

export const UsageQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM')
    .optional(),
});

export const RulesQuery = z.strictObject({ operator: Id('operator').optional() });

/** Who usage is counted for: the MSISDN when known, else the address in canonical text. */
export function subscriberOf(flow: { msisdn?: string; address?: Address }): string {
  if (flow.msisdn !== undefined) return flow.msisdn;
  return formatAddress(flow.address as Address);
}

/** The stored rule for a validated body: dates in canonical ISO form, absent fields null. */
export function toRule(id: string, body: z.infer<typeof RuleBody>, updatedAt: string): Rule {
  return {
    id,
    operator: body.operator,
    ratingGroup: body.ratingGroup,
    hosts: body.hosts,
    pathPrefixes: body.pathPrefixes,
    validFrom: body.validFrom ? new Date(body.validFrom).toISOString() : null,
    validUntil: body.validUntil ? new Date(body.validUntil).toISOString() : null,
    monthlyQuotaBytes: body.monthlyQuotaBytes ?? null,
    updatedAt,
  };
}
