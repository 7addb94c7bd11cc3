import { addMonths, localDate, startOfLocalDay } from '../deadlines/calendar.ts';
import { US_FEDERAL_CALENDAR } from '../deadlines/holidays.ts';
import { addPeriod } from '../deadlines/period.ts';
import { type BreachObligation, ExtensionRefused, grantExtension, type RulePack, requireType } from './types.ts';

const calendar = US_FEDERAL_CALENDAR;
/** Requests answered within 45 days, extendable once, confirmed within 10 business days. */
const FULL_RESPONSE = new Set(['know', 'delete', 'correct']);

/** The CCPA as amended by the CPRA (Cal. Civ. Code §1798.100 ff.) and its regulations (Cal. Code Regs. tit. 11). */
export const CCPA: RulePack = {
  regime: 'ccpa',
  name: 'CCPA/CPRA (California)',
  calendar,
  requestTypes: [
    { type: 'know', label: 'Right to know / access', legalReference: 'Cal. Civ. Code §1798.110, §1798.115' },
    { type: 'delete', label: 'Right to delete', legalReference: 'Cal. Civ. Code §1798.105' },
    { type: 'correct', label: 'Right to correct', legalReference: 'Cal. Civ. Code §1798.106' },
    {
      type: 'opt_out_sale_sharing',
      label: 'Right to opt out of sale or sharing',
      legalReference: 'Cal. Civ. Code §1798.120',
    },
    {
      type: 'limit_sensitive',
      label: 'Right to limit use and disclosure of sensitive personal information',
      legalReference: 'Cal. Civ. Code §1798.121',
    },
  ],
  // CCPA has no Art. 6-style list of lawful bases: these are the notice and consent grounds it relies on.
  lawfulBases: [
    {
      id: 'notice_at_collection',
      label: 'Collected under a notice at collection (no consent needed)',
      legalReference: 'Cal. Civ. Code §1798.100(a); 11 CCR §7012',
    },
    {
      id: 'opt_in_consent',
      label: 'Opt-in consent (sale/sharing of minors’ data, financial incentives)',
      legalReference: 'Cal. Civ. Code §1798.120(c), §1798.125(b); 11 CCR §7016',
    },
    {
      id: 'business_purpose',
      label: 'Use for a business purpose',
      legalReference: 'Cal. Civ. Code §1798.140(e)',
    },
    {
      id: 'service_provider_contract',
      label: 'Processed on behalf of a business under a service provider or contractor contract',
      legalReference: 'Cal. Civ. Code §1798.140(ag), §1798.140(j); 11 CCR §7051',
    },
  ],
  pausesWhileVerifying: false,
  dueAt(type, start) {
    requireType(CCPA, type);
    return FULL_RESPONSE.has(type)
      ? addPeriod(start, { amount: 45, unit: 'calendar_days' }, calendar)
      : addPeriod(start, { amount: 15, unit: 'business_days' }, calendar);
  },
  interim(type, receivedAt) {
    requireType(CCPA, type);
    if (!FULL_RESPONSE.has(type)) return [];
    return [
      {
        name: 'confirmation',
        label: 'Confirm receipt and explain how the request will be processed',
        legalReference: '11 CCR §7021(a)',
        dueAt: addPeriod(receivedAt, { amount: 10, unit: 'business_days' }, calendar),
      },
    ];
  },
  lookBackFrom(type, receivedAt) {
    requireType(CCPA, type);
    if (type !== 'know') return null;
    // From the start of the same local day 12 months before receipt.
    return startOfLocalDay(addMonths(localDate(receivedAt, calendar.timeZone), -12), calendar.timeZone);
  },
  extension: {
    maxCount: 1,
    description:
      'Once, by up to 45 additional calendar days when reasonably necessary, for requests to know, delete or ' +
      'correct; the consumer must be told within the first 45 days.',
    legalReference: 'Cal. Civ. Code §1798.130(a)(2); 11 CCR §7021(b)',
  },
  extend(type, input) {
    requireType(CCPA, type);
    if (!FULL_RESPONSE.has(type)) {
      throw new ExtensionRefused(
        'Opt-out and limit requests cannot be extended: they must be honoured within 15 business days (11 CCR §7026(f), §7027(g)).',
      );
    }
    const maximum = addPeriod(input.originalDueAt, { amount: 45, unit: 'calendar_days' }, calendar);
    return grantExtension(input, {
      maxCount: 1,
      maximum,
      timeZone: calendar.timeZone,
      rule: 'Cal. Civ. Code §1798.130(a)(2)',
    });
  },
  breachObligations({ risk, affectedCount }) {
    const obligations: BreachObligation[] = [];
    if (risk === 'low') return obligations;
    obligations.push({
      recipient: 'individuals',
      recipientName: 'the California residents affected',
      legalReference: 'Cal. Civ. Code §1798.82(a)',
      dueAt: null, // "in the most expedient time possible and without unreasonable delay"
    });
    // §1798.82(f): the Attorney General gets a sample copy when more than 500 residents are notified.
    if (affectedCount > 500) {
      obligations.push({
        recipient: 'authority',
        recipientName: 'the California Attorney General',
        legalReference: 'Cal. Civ. Code §1798.82(f)',
        dueAt: null,
      });
    }
    return obligations;
  },
  controls: [
    {
      id: 'notice_at_collection',
      title: 'A notice at collection is given',
      legalReference: 'Cal. Civ. Code §1798.100(a); 11 CCR §7012',
    },
    {
      id: 'do_not_sell_link',
      title: 'A "Do Not Sell or Share My Personal Information" link is offered',
      legalReference: 'Cal. Civ. Code §1798.135(a); 11 CCR §7013',
    },
    {
      id: 'dsr_on_time',
      title: 'Consumer requests are answered within the time limit',
      legalReference: 'Cal. Civ. Code §1798.130(a)(2)',
      automatic: 'no_overdue_requests',
    },
    {
      id: 'breach_notification',
      title: 'Residents (and the Attorney General above 500) are notified of security breaches',
      legalReference: 'Cal. Civ. Code §1798.82',
      automatic: 'no_missed_breach_notifications',
    },
    {
      id: 'request_records',
      title: 'Records of consumer requests and responses are kept for 24 months',
      legalReference: '11 CCR §7101',
      automatic: 'processing_records_kept',
    },
    {
      id: 'service_provider_contracts',
      title: 'Service providers and contractors are bound by the required contract terms',
      legalReference: 'Cal. Civ. Code §1798.100(d); 11 CCR §7051',
    },
    {
      id: 'staff_training',
      title: 'Staff handling consumer inquiries are trained on the CCPA requirements',
      legalReference: 'Cal. Civ. Code §1798.130(a)(6); 11 CCR §7100',
    },
  ],
};
