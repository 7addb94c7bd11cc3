import { z } from '@azora/service-kit';
import { addDays, addMonths, dayOfWeek, endOfLocalDay, localDate, nthWeekday, pad } from '../deadlines/calendar.ts';
import { easterSunday } from '../deadlines/holidays.ts';
import type { Calendar } from '../deadlines/period.ts';
import { type BreachObligation, grantExtension, type RulePack, requireType } from './types.ts';

const TIME_ZONE = 'America/Toronto';
const MONDAY = 1;

/**
 * The federal holidays of the Interpretation Act (R.S.C. 1985, c. I-21), s. 35(1), other than
 * Sunday (every Sunday is one too; `isHoliday` below adds it): New Year's Day, Good Friday,
 * Easter Monday, Victoria Day (the Monday before May 25), Canada Day, Labour Day (first Monday
 * of September), the National Day for Truth and Reconciliation (September 30, from 2021),
 * Thanksgiving (second Monday of October, by proclamation), Remembrance Day, Christmas Day; and
 * s. 35(2): New Year's Day, Canada Day, the National Day for Truth and Reconciliation or
 * Remembrance Day falling on a Sunday makes the Monday a holiday as well. Provincial days
 * (Ontario's Family Day, Civic Holiday) are not holidays of the federal Act and are left out;
 * Saturday is not a holiday under the Act.
 */
export function canadaFederalHolidays(year: number): string[] {
  const date = (month: number, day: number) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const easter = easterSunday(year);
  const days = [
    date(1, 1),
    addDays(easter, -2),
    addDays(easter, 1),
    addDays(date(5, 25), -(((dayOfWeek(date(5, 25)) - MONDAY + 6) % 7) + 1)),
    date(7, 1),
    nthWeekday(year, 9, MONDAY, 1),
    nthWeekday(year, 10, MONDAY, 2),
    date(11, 11),
    date(12, 25),
  ];
  if (year >= 2021) days.push(date(9, 30));
  const sundayShifted = [date(1, 1), date(7, 1), date(11, 11), ...(year >= 2021 ? [date(9, 30)] : [])];
  for (const day of sundayShifted) if (dayOfWeek(day) === 0) days.push(addDays(day, 1));
  return [...new Set(days)].sort();
}

export const CANADA_FEDERAL_CALENDAR: Calendar = {
  timeZone: TIME_ZONE,
  holidays: canadaFederalHolidays,
  description:
    'Calendar days in America/Toronto; a time limit ending on a Sunday or a federal holiday (Interpretation Act ' +
    's. 35) runs to the next day that is not a holiday (s. 26)',
};
const calendar = CANADA_FEDERAL_CALENDAR;

/** Sunday or a holiday of the Interpretation Act, s. 35. */
export function isCanadianHoliday(date: string): boolean {
  return dayOfWeek(date) === 0 || canadaFederalHolidays(Number(date.slice(0, 4))).includes(date);
}

/**
 * How the 30 days of s. 8(3) are counted (Interpretation Act, R.S.C. 1985, c. I-21):
 * s. 27(5): in a period "after"/"within" a number of days from a day, the first day (the day
 * of receipt) is excluded and the last included; the period ends at the end of that day
 * (23:59:59.999 in Toronto). s. 26: a time limit that ends on a holiday (Sunday or a s. 35
 * day) ends instead on the next day that is not a holiday. Calendar days otherwise: a
 * Saturday is a day like any other.
 */
export function pipedaDeadline(startDate: string, days: number): Date {
  let day = addDays(startDate, days);
  while (isCanadianHoliday(day)) day = addDays(day, 1);
  return endOfLocalDay(day, TIME_ZONE);
}

const RESPONSE_DAYS = 30;
const EXTENSION_DAYS = 30;

// ---------------------------------------------------------------------------------------------
// RROSH: real risk of significant harm (s. 10.1(1), (7), (8)).

export const RROSH_LEVELS = ['low', 'medium', 'high'] as const;
export type RroshLevel = (typeof RROSH_LEVELS)[number];
export const RROSH_OUTCOMES = ['real_risk', 'no_real_risk'] as const;
export type RroshOutcome = (typeof RROSH_OUTCOMES)[number];

/**
 * The factors the assessment records (s. 10.1(8): sensitivity and probability of misuse, and
 * any other prescribed factor), each with what it means and how it moves the probability of
 * misuse in `rroshOutcome`.
 */
export const RROSH_FACTORS = {
  malicious_intent: 'Caused by someone acting deliberately (theft, intrusion, extortion): probability +1 level',
  data_misused: 'There is evidence the information has been misused: probability is high, whatever else applies',
  encrypted:
    'The information was encrypted or otherwise unintelligible and the key was not compromised: probability is low ' +
    '(unless misuse is shown)',
  data_recovered:
    'The information was recovered (or destroyed) before it could be read or copied: probability −1 level',
  long_exposure: 'The information was exposed for an extended time (days or more): probability +1 level',
  publicly_exposed: 'The information was posted or reachable publicly (internet, public place): probability +1 level',
} as const;
export type RroshFactor = keyof typeof RROSH_FACTORS;

/** "Significant harm" as s. 10.1(7) lists it: the harms an assessment may say it considered. */
export const SIGNIFICANT_HARMS = {
  bodily_harm: 'Bodily harm',
  humiliation: 'Humiliation',
  reputation: 'Damage to reputation or relationships',
  loss_of_opportunity: 'Loss of employment, business or professional opportunities',
  financial_loss: 'Financial loss',
  identity_theft: 'Identity theft',
  credit_record: 'Negative effects on the credit record',
  property: 'Damage to or loss of property',
} as const;
export type SignificantHarm = keyof typeof SIGNIFICANT_HARMS;

const LEVEL: Record<RroshLevel, number> = { low: 0, medium: 1, high: 2 };

/**
 * The documented rule. First the probability of misuse, moved by the factors: data_misused →
 * high; else encrypted → low; else the stated level +1 for each of malicious_intent,
 * long_exposure, publicly_exposed and −1 for data_recovered, kept within low…high. Then a real
 * risk of significant harm exists when the sensitivity is medium or high AND the (adjusted)
 * probability is medium or high:
 *
 *   sensitivity \ probability   low            medium         high
 *   low                         no_real_risk   no_real_risk   no_real_risk
 *   medium                      no_real_risk   real_risk      real_risk
 *   high                        no_real_risk   real_risk      real_risk
 */
export function rroshOutcome(input: {
  sensitivity: RroshLevel;
  probabilityOfMisuse: RroshLevel;
  factors: readonly RroshFactor[];
}): { probability: RroshLevel; outcome: RroshOutcome } {
  const has = (factor: RroshFactor) => input.factors.includes(factor);
  let probability: RroshLevel;
  if (has('data_misused')) probability = 'high';
  else if (has('encrypted')) probability = 'low';
  else {
    const raised = ['malicious_intent', 'long_exposure', 'publicly_exposed'].filter((f) => has(f as RroshFactor));
    const level = LEVEL[input.probabilityOfMisuse] + raised.length - (has('data_recovered') ? 1 : 0);
    probability = RROSH_LEVELS[Math.max(0, Math.min(2, level))] as RroshLevel;
  }
  const real = LEVEL[input.sensitivity] >= 1 && LEVEL[probability] >= 1;
  return { probability, outcome: real ? 'real_risk' : 'no_real_risk' };
}

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/(?![\n\r\t])\p{Cc}/u.test(value), 'must not contain control characters');
const level = z.enum(RROSH_LEVELS, { error: 'must be low, medium or high' });
const strict = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : 'must be a JSON object',
  });
const uniqueList = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z
    .array(z.enum(values, { error: `must be one of ${values.join(', ')}` }), { error: `must be an array of ${what}` })
    .max(values.length, `must have at most ${values.length} items`)
    .refine((items) => new Set(items).size === items.length, 'must not repeat an item');

const FACTOR_IDS = Object.keys(RROSH_FACTORS) as [RroshFactor, ...RroshFactor[]];
const HARM_IDS = Object.keys(SIGNIFICANT_HARMS) as [SignificantHarm, ...SignificantHarm[]];

/** The RROSH assessment as stored in the breach's `details` (what the breach view shows). */
export interface PipedaBreachDetails {
  rrosh: {
    sensitivity: RroshLevel;
    probabilityOfMisuse: RroshLevel;
    /** The probability after the factors (the rule's first step). */
    adjustedProbability: RroshLevel;
    factors: RroshFactor[];
    harms: SignificantHarm[];
    rationale: string;
    /** What the rule gives. */
    computedOutcome: RroshOutcome;
    /** What the DPO recorded: the computed outcome unless a different one was given. */
    outcome: RroshOutcome;
    overridden: boolean;
  };
  /** s. 10.2(1): organisations or government institutions that may be able to reduce the risk of harm. */
  organizations: string[];
}

/**
 * `details` of a PIPEDA breach: `{ rrosh: { sensitivity, probabilityOfMisuse, factors, harms?,
 * rationale, outcome? }, organizations? }`. The outcome is computed (`rroshOutcome`); an
 * `outcome` different from it is the DPO's own finding and is recorded with both, the rationale
 * (always required) being the reason.
 */
export const PipedaBreachDetailsSchema = strict({
  rrosh: strict({
    sensitivity: level,
    probabilityOfMisuse: level,
    factors: uniqueList(FACTOR_IDS, 'factors'),
    harms: uniqueList(HARM_IDS, 'harms').optional(),
    rationale: text(4000),
    outcome: z.enum(RROSH_OUTCOMES, { error: 'must be real_risk or no_real_risk' }).optional(),
  }),
  organizations: z
    .array(text(200), { error: 'must be an array of strings' })
    .max(50, 'must have at most 50 items')
    .optional(),
}).transform(({ rrosh, organizations }): PipedaBreachDetails => {
  const { probability, outcome } = rroshOutcome(rrosh);
  const recorded = rrosh.outcome ?? outcome;
  return {
    rrosh: {
      sensitivity: rrosh.sensitivity,
      probabilityOfMisuse: rrosh.probabilityOfMisuse,
      adjustedProbability: probability,
      factors: rrosh.factors,
      harms: rrosh.harms ?? [],
      rationale: rrosh.rationale,
      computedOutcome: outcome,
      outcome: recorded,
      overridden: recorded !== outcome,
    },
    organizations: organizations ?? [],
  };
});

/** The recorded outcome of a stored breach's assessment (null when it has none). */
export function recordedOutcome(details: unknown): RroshOutcome | null {
  const outcome = (details as { rrosh?: { outcome?: unknown } } | null | undefined)?.rrosh?.outcome;
  return outcome === 'real_risk' || outcome === 'no_real_risk' ? outcome : null;
}

/** Breach records are kept 24 months from the day the breach is determined to have occurred (Regulations s. 6). */
export const BREACH_RECORD_MONTHS = 24;

/**
 * The end of the retention of a breach record: 24 months after the local (Toronto) day of
 * `detectedAt` — the day the organisation determined the breach occurred — counted like any
 * period of the Act (first day excluded, last included; the same day of the month, or the
 * month's last day when shorter), to the end of that day. Deletion is allowed after it.
 */
export function breachRecordKeptUntil(detectedAt: Date): Date {
  return endOfLocalDay(addMonths(localDate(detectedAt, TIME_ZONE), BREACH_RECORD_MONTHS), TIME_ZONE);
}

/** PIPEDA (S.C. 2000, c. 5), Schedule 1 principles, and the Breach of Security Safeguards Regulations (SOR/2018-64). */
export const PIPEDA: RulePack = {
  regime: 'pipeda',
  name: 'PIPEDA (Canada)',
  calendar,
  requestTypes: [
    {
      type: 'access',
      label: 'Access to personal information, its use and disclosures',
      legalReference: 'PIPEDA s. 8; Schedule 1, Principle 4.9',
    },
    {
      type: 'correction',
      label: 'Correction or amendment of inaccurate or incomplete information',
      legalReference: 'PIPEDA Schedule 1, Principle 4.9.5',
    },
  ],
  lawfulBases: [
    {
      id: 'express_consent',
      label: 'Knowledge and express consent',
      legalReference: 'PIPEDA s. 6.1; Schedule 1, Principles 4.3, 4.3.6, 4.3.7',
    },
    {
      id: 'implied_consent',
      label: 'Knowledge and implied consent (less sensitive information, reasonable expectations)',
      legalReference: 'PIPEDA s. 6.1; Schedule 1, Principles 4.3.5, 4.3.6',
    },
    {
      id: 'collection_clearly_in_interest',
      label: 'Collection clearly in the interests of the individual, consent not obtainable in a timely way',
      legalReference: 'PIPEDA s. 7(1)(a)',
    },
    {
      id: 'collection_investigation',
      label: 'Collection for investigating a breach of an agreement or a contravention of law',
      legalReference: 'PIPEDA s. 7(1)(b)',
    },
    {
      id: 'journalistic_artistic_literary',
      label: 'Collection solely for journalistic, artistic or literary purposes',
      legalReference: 'PIPEDA s. 7(1)(c)',
    },
    {
      id: 'publicly_available',
      label: 'Publicly available information specified by the regulations',
      legalReference: 'PIPEDA s. 7(1)(d), 7(2)(c.1), 7(3)(h.1); SOR/2001-7',
    },
    {
      id: 'use_contravention_of_law',
      label: 'Use in investigating a contravention of law the organisation has reasonable grounds to suspect',
      legalReference: 'PIPEDA s. 7(2)(a)',
    },
    {
      id: 'use_emergency',
      label: 'Use in an emergency that threatens the life, health or security of an individual',
      legalReference: 'PIPEDA s. 7(2)(b)',
    },
    {
      id: 'use_statistics_research',
      label: 'Use for statistical or scholarly study or research (Commissioner informed)',
      legalReference: 'PIPEDA s. 7(2)(c)',
    },
    {
      id: 'disclosure_legal_counsel',
      label: 'Disclosure to a lawyer or notary representing the organisation',
      legalReference: 'PIPEDA s. 7(3)(a)',
    },
    {
      id: 'disclosure_debt_collection',
      label: 'Disclosure to collect a debt owed by the individual',
      legalReference: 'PIPEDA s. 7(3)(b)',
    },
    {
      id: 'disclosure_court_order',
      label: 'Disclosure required to comply with a subpoena, warrant or order, or rules of court',
      legalReference: 'PIPEDA s. 7(3)(c)',
    },
    {
      id: 'disclosure_government_lawful_authority',
      label: 'Disclosure to a government institution on its lawful authority (security, law enforcement)',
      legalReference: 'PIPEDA s. 7(3)(c.1)',
    },
    {
      id: 'disclosure_emergency',
      label: 'Disclosure to someone who needs it because of an emergency threatening life, health or security',
      legalReference: 'PIPEDA s. 7(3)(e)',
    },
    {
      id: 'disclosure_required_by_law',
      label: 'Disclosure required by law',
      legalReference: 'PIPEDA s. 7(3)(i)',
    },
  ],
  pausesWhileVerifying: false,
  dueAt(type, start) {
    requireType(PIPEDA, type);
    return pipedaDeadline(localDate(start, TIME_ZONE), RESPONSE_DAYS);
  },
  interim(type) {
    requireType(PIPEDA, type);
    return [];
  },
  lookBackFrom(type) {
    requireType(PIPEDA, type);
    return null;
  },
  extension: {
    maxCount: 1,
    description:
      'Once, by up to a further 30 days, where meeting the time limit would unreasonably interfere with the ' +
      "organisation's activities or consultations make it impracticable; the individual must be told within " +
      'the first 30 days, with the new time limit, the reasons and the right to complain to the Commissioner.',
    legalReference: 'PIPEDA s. 8(4), 8(5)',
  },
  extend(type, input) {
    requireType(PIPEDA, type);
    const maximum = pipedaDeadline(localDate(input.originalDueAt, TIME_ZONE), EXTENSION_DAYS);
    return grantExtension(input, { maxCount: 1, maximum, timeZone: TIME_ZONE, rule: 'PIPEDA s. 8(4)' });
  },
  /**
   * s. 10.1: every breach is recorded (s. 10.3); the report to the Commissioner (10.1(1)) and
   * the notice to individuals (10.1(3)) follow a real risk of significant harm as recorded in
   * the assessment, "as soon as feasible" (no fixed time: the service tracks its own target);
   * the organisations named as able to reduce the harm are notified too (10.2(1)).
   */
  breachObligations(breach) {
    const outcome = recordedOutcome(breach.details);
    if (outcome !== 'real_risk') return [];
    const obligations: BreachObligation[] = [
      {
        recipient: 'authority',
        recipientName: 'the Office of the Privacy Commissioner of Canada',
        legalReference: 'PIPEDA s. 10.1(1), (2); Breach of Security Safeguards Regulations s. 2',
        dueAt: null,
      },
      {
        recipient: 'individuals',
        recipientName: 'the individuals affected',
        legalReference: 'PIPEDA s. 10.1(3)–(6); Breach of Security Safeguards Regulations ss. 3–5',
        dueAt: null,
      },
    ];
    const organizations = (breach.details as { organizations?: unknown }).organizations;
    if (Array.isArray(organizations) && organizations.length > 0) {
      obligations.push({
        recipient: 'organizations',
        recipientName: `organisations that may reduce the risk of harm: ${organizations.join('; ')}`,
        legalReference: 'PIPEDA s. 10.2(1)',
        dueAt: null,
      });
    }
    return obligations;
  },
  breachDetails: PipedaBreachDetailsSchema,
  controls: [
    {
      id: 'accountability',
      title: 'Accountability: a designated individual is accountable and the processing is documented',
      legalReference: 'PIPEDA Schedule 1, Principle 4.1',
      automatic: 'processing_records_kept',
    },
    {
      id: 'identifying_purposes',
      title: 'Identifying purposes: purposes are identified at or before collection',
      legalReference: 'PIPEDA Schedule 1, Principle 4.2',
    },
    {
      id: 'consent',
      title: 'Consent: knowledge and meaningful consent are obtained, except where inappropriate',
      legalReference: 'PIPEDA s. 6.1; Schedule 1, Principle 4.3',
    },
    {
      id: 'limiting_collection',
      title: 'Limiting collection: only what the identified purposes need, by fair and lawful means',
      legalReference: 'PIPEDA Schedule 1, Principle 4.4',
    },
    {
      id: 'limiting_use_disclosure_retention',
      title: 'Limiting use, disclosure and retention: only for the purposes, kept only as long as needed',
      legalReference: 'PIPEDA Schedule 1, Principle 4.5',
    },
    {
      id: 'accuracy',
      title: 'Accuracy: information is as accurate, complete and up to date as its purposes need',
      legalReference: 'PIPEDA Schedule 1, Principle 4.6',
    },
    {
      id: 'safeguards',
      title: 'Safeguards: breaches are recorded and those with a real risk of significant harm reported and notified',
      legalReference: 'PIPEDA Schedule 1, Principle 4.7; s. 10.1, 10.3',
      automatic: 'pipeda_breach_reports_made',
    },
    {
      id: 'openness',
      title: 'Openness: policies and practices are readily available',
      legalReference: 'PIPEDA Schedule 1, Principle 4.8',
    },
    {
      id: 'individual_access',
      title: 'Individual access: requests are answered within 30 days (or the extended limit)',
      legalReference: 'PIPEDA s. 8(3), 8(4); Schedule 1, Principle 4.9',
      automatic: 'no_overdue_requests',
    },
    {
      id: 'challenging_compliance',
      title: 'Challenging compliance: complaints are received, investigated and answered',
      legalReference: 'PIPEDA Schedule 1, Principle 4.10',
    },
  ],
};
