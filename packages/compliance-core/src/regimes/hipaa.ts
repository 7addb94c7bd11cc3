import { z } from '@azora/service-kit';
import { addMonths, localDate, startOfLocalDay } from '../deadlines/calendar.ts';
import { usFederalHolidays } from '../deadlines/holidays.ts';
import { addPeriod, type Calendar } from '../deadlines/period.ts';
import { type BreachObligation, ExtensionRefused, grantExtension, type RulePack, requireType } from './types.ts';

/** HIPAA counts calendar days; the federal holidays are listed for completeness (business days). */
export const US_EASTERN_CALENDAR: Calendar = {
  timeZone: 'America/New_York',
  holidays: usFederalHolidays,
  description:
    'Eastern time (America/New_York); HIPAA periods run in calendar days, business days exclude weekends and U.S. federal holidays',
};
const calendar = US_EASTERN_CALENDAR;
const days = (start: Date, amount: number) => addPeriod(start, { amount, unit: 'calendar_days' }, calendar);

/**
 * Days to act on each request, and the one extension allowed. Restriction (§164.522(a)) and
 * confidential communications (§164.522(b)) have no time set by the rule: this pack answers
 * them within 30 days (the access period) and allows no extension, as a policy of its own.
 */
const RESPONSE_DAYS: Record<string, { days: number; extensionDays: number | null; rule: string }> = {
  access: { days: 30, extensionDays: 30, rule: '45 CFR §164.524(b)(2)' },
  amendment: { days: 60, extensionDays: 30, rule: '45 CFR §164.526(b)(2)' },
  accounting: { days: 60, extensionDays: 30, rule: '45 CFR §164.528(c)(1)' },
  restriction: { days: 30, extensionDays: null, rule: '45 CFR §164.522(a)' },
  confidential_communications: { days: 30, extensionDays: null, rule: '45 CFR §164.522(b)' },
};

/** The accounting of disclosures covers the six years before the request (§164.528(a)(1)). */
export const ACCOUNTING_LOOK_BACK_YEARS = 6;
/** Start of the local day six years before `at`, New York time (Feb 29 → Feb 28). */
export function accountingLookBackFrom(at: Date): Date {
  return startOfLocalDay(
    addMonths(localDate(at, calendar.timeZone), -12 * ACCOUNTING_LOOK_BACK_YEARS),
    calendar.timeZone,
  );
}

/** The 50 states, the District of Columbia and the territories (AS, GU, MP, PR, VI). */
// biome-ignore format: rows of codes are easier to check than 56 lines
export const US_STATE_CODES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY',
  'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND',
  'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
  'DC', 'AS', 'GU', 'MP', 'PR', 'VI',
] as const;
const STATE_SET: ReadonlySet<string> = new Set(US_STATE_CODES);

/**
 * `details` of a HIPAA breach: how many of the affected individuals reside in each state or
 * territory (residents per state, which need not add up to affectedCount: residence may be
 * unknown for some). It decides the media notices of §164.406 (more than 500 in a state).
 */
export const HipaaBreachDetails = z
  .strictObject(
    {
      residentsByState: z
        .record(
          z.string(),
          z
            .number({ error: 'must be a whole number of residents' })
            .int('must be a whole number of residents')
            .min(0, 'must not be negative')
            .max(1_000_000_000, 'is implausibly large'),
          { error: 'must be an object of state code → residents affected' },
        )
        .superRefine((record, ctx) => {
          for (const code of Object.keys(record)) {
            if (!STATE_SET.has(code)) {
              ctx.addIssue({
                code: 'custom',
                path: [code],
                message: `"${code.slice(0, 20)}" is not a U.S. state or territory code (two capital letters, e.g. NY, DC, PR)`,
              });
            }
          }
        }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : 'must be a JSON object {residentsByState}',
    },
  )
  .optional();
type Details = z.infer<typeof HipaaBreachDetails>;

/** The last day of the 60 after the end of the calendar year of discovery (§164.408(c)). */
export function annualLogDueAt(detectedAt: Date): Date {
  const year = localDate(detectedAt, calendar.timeZone).slice(0, 4);
  // Counted from December 31 as day 0: 2026 → 2027-03-01, 2027 → 2028-02-29 (a leap year).
  return days(startOfLocalDay(`${year}-12-31`, calendar.timeZone), 60);
}

/** HIPAA Privacy, Security and Breach Notification Rules (45 CFR Parts 160 and 164). */
export const HIPAA: RulePack = {
  regime: 'hipaa',
  name: 'HIPAA (United States)',
  calendar,
  requestTypes: [
    { type: 'access', label: 'Right of access to PHI', legalReference: '45 CFR §164.524' },
    { type: 'amendment', label: 'Right to amend PHI', legalReference: '45 CFR §164.526' },
    { type: 'accounting', label: 'Accounting of disclosures of PHI', legalReference: '45 CFR §164.528' },
    {
      type: 'restriction',
      label: 'Request for restriction of uses and disclosures',
      legalReference: '45 CFR §164.522(a)',
    },
    {
      type: 'confidential_communications',
      label: 'Request for confidential communications',
      legalReference: '45 CFR §164.522(b)',
    },
  ],
  // The permitted uses and disclosures of PHI.
  lawfulBases: [
    { id: 'treatment', label: 'Treatment', legalReference: '45 CFR §164.506(c)' },
    { id: 'payment', label: 'Payment', legalReference: '45 CFR §164.506(c)' },
    { id: 'health_care_operations', label: 'Health care operations', legalReference: '45 CFR §164.506(c)' },
    { id: 'individual', label: 'Disclosure to the individual', legalReference: '45 CFR §164.502(a)(1)(i)' },
    { id: 'authorization', label: 'Valid authorization of the individual', legalReference: '45 CFR §164.508' },
    { id: 'required_by_law', label: 'Required by law', legalReference: '45 CFR §164.512(a)' },
    { id: 'public_health', label: 'Public health activities', legalReference: '45 CFR §164.512(b)' },
    { id: 'health_oversight', label: 'Health oversight activities', legalReference: '45 CFR §164.512(d)' },
    {
      id: 'judicial_proceedings',
      label: 'Judicial and administrative proceedings',
      legalReference: '45 CFR §164.512(e)',
    },
    { id: 'law_enforcement', label: 'Law enforcement purposes', legalReference: '45 CFR §164.512(f)' },
    {
      id: 'serious_threat',
      label: 'To avert a serious threat to health or safety',
      legalReference: '45 CFR §164.512(j)',
    },
    {
      id: 'research',
      label: 'Research under an IRB/privacy board waiver or a limited data set agreement',
      legalReference: '45 CFR §164.512(i), §164.514(e)',
    },
  ],
  pausesWhileVerifying: false,
  dueAt(type, start) {
    requireType(HIPAA, type);
    return days(start, (RESPONSE_DAYS[type] as { days: number }).days);
  },
  interim(type) {
    requireType(HIPAA, type);
    return [];
  },
  lookBackFrom(type, receivedAt) {
    requireType(HIPAA, type);
    return type === 'accounting' ? accountingLookBackFrom(receivedAt) : null;
  },
  extension: {
    maxCount: 1,
    description:
      'Once, by up to 30 more days, for access, amendment and accounting requests, if the individual is told ' +
      'in writing within the first period of the reasons for the delay and the date of the answer.',
    legalReference: '45 CFR §164.524(b)(2)(iii), §164.526(b)(2), §164.528(c)(2)',
  },
  extend(type, input) {
    requireType(HIPAA, type);
    const rule = RESPONSE_DAYS[type] as (typeof RESPONSE_DAYS)[string];
    if (rule.extensionDays === null) {
      throw new ExtensionRefused(
        'Restriction and confidential communications requests are answered within 30 days without extension ' +
          `(${rule.rule} sets no time; this is the service's policy).`,
      );
    }
    return grantExtension(input, {
      maxCount: 1,
      maximum: days(input.originalDueAt, rule.extensionDays),
      timeZone: calendar.timeZone,
      rule: rule.rule,
    });
  },
  breachObligations({ detectedAt, risk, affectedCount, details }) {
    const obligations: BreachObligation[] = [];
    // §164.402(2): a low risk means the four-factor assessment showed a low probability that
    // the PHI was compromised: it is then not a breach to notify.
    if (risk === 'low') return obligations;
    obligations.push({
      recipient: 'individuals',
      recipientName: 'the individuals whose unsecured PHI was breached',
      legalReference: '45 CFR §164.404(b)',
      dueAt: days(detectedAt, 60),
    });
    obligations.push(
      affectedCount >= 500
        ? {
            recipient: 'hhs',
            recipientName: 'the Secretary of HHS (500 or more individuals: contemporaneously)',
            legalReference: '45 CFR §164.408(b)',
            dueAt: days(detectedAt, 60),
          }
        : {
            recipient: 'hhs',
            recipientName: 'the Secretary of HHS (fewer than 500: in the annual breach log)',
            legalReference: '45 CFR §164.408(c)',
            dueAt: annualLogDueAt(detectedAt),
          },
    );
    const residents = (details as Details)?.residentsByState ?? {};
    for (const code of US_STATE_CODES) {
      if ((residents[code] ?? 0) > 500) {
        obligations.push({
          recipient: `media:${code}`,
          recipientName: `prominent media outlets serving ${code} (more than 500 residents affected)`,
          legalReference: '45 CFR §164.406',
          dueAt: days(detectedAt, 60),
        });
      }
    }
    return obligations;
  },
  breachDetails: HipaaBreachDetails,
  controls: [
    {
      id: 'security_safeguards',
      title: 'Administrative, physical and technical safeguards of the Security Rule are in place',
      legalReference: '45 CFR §164.308, §164.310, §164.312',
    },
    {
      id: 'risk_analysis',
      title: 'An accurate and thorough risk analysis of ePHI is performed and kept current',
      legalReference: '45 CFR §164.308(a)(1)(ii)(A)',
    },
    {
      id: 'workforce_training',
      title: 'The workforce is trained on the policies and procedures for PHI',
      legalReference: '45 CFR §164.308(a)(5), §164.530(b)',
    },
    {
      id: 'minimum_necessary',
      title: 'Uses and disclosures are limited to the minimum necessary, by role',
      legalReference: '45 CFR §164.502(b), §164.514(d)',
    },
    {
      id: 'notice_of_privacy_practices',
      title: 'A notice of privacy practices is provided and posted',
      legalReference: '45 CFR §164.520',
    },
    {
      id: 'requests_on_time',
      title: 'Requests for access, amendment and accounting are answered within the time limit',
      legalReference: '45 CFR §164.524(b), §164.526(b), §164.528(c)',
      automatic: 'no_overdue_requests',
    },
    {
      id: 'breach_notification',
      title: 'Individuals, HHS and the media are notified of breaches of unsecured PHI in time',
      legalReference: '45 CFR §164.404–§164.408',
      automatic: 'no_missed_breach_notifications',
    },
    {
      id: 'baa_reviews_current',
      title: 'Every active business associate has a signed BAA whose review is not overdue',
      legalReference: '45 CFR §164.502(e), §164.504(e)',
      automatic: 'baa_reviews_current',
    },
  ],
};
