// The PHI fields a record holds, and the minimum necessary rule (45 CFR §164.502(b),
// §164.514(d)) as a fixed table: role → the purposes it may read PHI for → the fields each
// purpose allows, and how much of a field (diagnosis codes without their descriptions, the
// city/state/ZIP of an address).
import { z } from '@azora/service-kit';
import { instant, line, object } from '../../service/schemas.ts';

export const PHI_FIELDS = [
  'name',
  'dateOfBirth',
  'address',
  'phone',
  'email',
  'ssn',
  'medicalRecordNumber',
  'healthPlanNumber',
  'diagnoses',
  'medications',
  'clinicalNotes',
  'billingCodes',
  'insurance',
  'appointments',
] as const;
export type PhiField = (typeof PHI_FIELDS)[number];

export const PURPOSES = ['treatment', 'payment', 'health_care_operations', 'research', 'individual_access'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** The roles an extension adds to the core's dpo, operator and auditor. */
export const HIPAA_ROLES = {
  clinician: 'Treats patients: reads and writes their full PHI for treatment',
  billing: 'Bills payers: reads the PHI needed for payment (no clinical notes, diagnosis codes only)',
  front_desk: 'Schedules visits: reads name, date of birth, phone and appointments for health care operations',
  researcher: 'Reads a limited data set (no direct identifiers) for research',
} as const;

/** full = the field as stored; codes = diagnosis codes only; city_state_zip = address without street. */
export type FieldView = 'full' | 'codes' | 'city_state_zip';

interface PurposeRule {
  legalReference: string;
  fields: Partial<Record<PhiField, FieldView>>;
}

const everything = Object.fromEntries(PHI_FIELDS.map((field) => [field, 'full'])) as Record<PhiField, FieldView>;

/** role → purpose → fields allowed. The roles are tried in this order. */
export const MINIMUM_NECESSARY: Readonly<Record<string, Partial<Record<Purpose, PurposeRule>>>> = {
  clinician: {
    // §164.502(b)(2)(i): the minimum necessary standard does not apply to disclosures for treatment.
    treatment: { legalReference: '45 CFR §164.502(b)(2)(i), §164.506(c)', fields: everything },
  },
  billing: {
    payment: {
      legalReference: '45 CFR §164.506(c), §164.514(d)(2)',
      fields: {
        name: 'full',
        dateOfBirth: 'full',
        address: 'full',
        healthPlanNumber: 'full',
        insurance: 'full',
        billingCodes: 'full',
        diagnoses: 'codes',
      },
    },
  },
  front_desk: {
    health_care_operations: {
      legalReference: '45 CFR §164.506(c), §164.514(d)(2)',
      fields: { name: 'full', dateOfBirth: 'full', phone: 'full', appointments: 'full' },
    },
  },
  researcher: {
    // §164.514(e)(2): a limited data set keeps dates, city, state and ZIP, and no direct identifiers.
    research: {
      legalReference: '45 CFR §164.514(e)',
      fields: {
        dateOfBirth: 'full',
        address: 'city_state_zip',
        diagnoses: 'full',
        medications: 'full',
        billingCodes: 'full',
      },
    },
  },
  dpo: {
    // The individual's own right of access covers the designated record set (§164.524(a)).
    individual_access: { legalReference: '45 CFR §164.524', fields: everything },
  },
};
export const READER_ROLES = Object.keys(MINIMUM_NECESSARY);

/** The rule that lets a caller holding `roles` read for `purpose`, or undefined. */
export function ruleFor(roles: readonly string[], purpose: Purpose) {
  for (const role of READER_ROLES) {
    const rule = roles.includes(role) ? MINIMUM_NECESSARY[role]?.[purpose] : undefined;
    if (rule) return { role, rule };
  }
  return undefined;
}

/** The purposes the caller's roles may read PHI for, for the 403's message, in the caller's role order. */
export function purposesOf(roles: readonly string[]): string[] {
  return roles
    .filter((role) => READER_ROLES.includes(role))
    .flatMap((role) => Object.keys(MINIMUM_NECESSARY[role] ?? {}).map((purpose) => `${purpose} (as ${role})`));
}

export function policyView() {
  return Object.entries(MINIMUM_NECESSARY).map(([role, purposes]) => ({
    role,
    description: (HIPAA_ROLES as Record<string, string>)[role] ?? 'Privacy officer: the individual’s right of access',
    purposes: Object.entries(purposes).map(([purpose, rule]) => ({
      purpose,
      legalReference: rule?.legalReference,
      fields: Object.entries(rule?.fields ?? {}).map(([field, view]) => ({ field, view })),
    })),
  }));
}

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/(?![\n\r\t])\p{Cc}/u.test(value), 'must not contain control characters');
const localDateSchema = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= '1900-01-01';
  }, 'must be a real date from 1900 on');
const array = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item, { error: 'must be an array' }).max(max, `must have at most ${max} items`);

/** The value schema of each PHI field (time zone: for appointment times given as dates). */
export function phiFieldSchemas(timeZone: string) {
  return {
    name: line(200),
    dateOfBirth: localDateSchema,
    address: object({
      line1: line(200),
      line2: line(200).optional(),
      city: line(100),
      state: line(50),
      postalCode: line(20),
    }),
    phone: line(50),
    email: line(254),
    ssn: z
      .string({ error: 'must be a string' })
      .regex(/^\d{3}-?\d{2}-?\d{4}$/, 'must be a social security number (123-45-6789)'),
    medicalRecordNumber: line(64),
    healthPlanNumber: line(64),
    diagnoses: array(object({ code: line(20), description: line(500).optional() }), 100),
    medications: array(line(200), 100),
    clinicalNotes: text(20_000),
    billingCodes: array(line(20), 100),
    insurance: object({ payer: line(200), memberId: line(64), groupNumber: line(64).optional() }),
    appointments: array(
      object({
        at: instant(timeZone).transform((d) => d.toISOString()),
        department: line(200),
        with: line(200).optional(),
      }),
      100,
    ),
  } satisfies Record<PhiField, z.ZodType>;
}

/** The part of a field a view shows. */
export function applyView(field: PhiField, view: FieldView, value: unknown): unknown {
  if (view === 'codes' && field === 'diagnoses' && Array.isArray(value)) {
    return value.map((diagnosis: { code: string }) => ({ code: diagnosis.code }));
  }
  if (view === 'city_state_zip' && field === 'address' && value && typeof value === 'object') {
    const { city, state, postalCode } = value as Record<string, unknown>;
    return { city, state, postalCode };
  }
  return value;
}
