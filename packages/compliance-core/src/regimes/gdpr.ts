import { EU_CALENDAR } from '../deadlines/holidays.ts';
import { addPeriod } from '../deadlines/period.ts';
import { type BreachObligation, grantExtension, type RulePack, requireType } from './types.ts';

const calendar = EU_CALENDAR;

/** The GDPR (Regulation (EU) 2016/679): answers within a month of verified receipt, extendable by two. */
export const GDPR: RulePack = {
  regime: 'gdpr',
  name: 'GDPR (EU)',
  calendar,
  requestTypes: [
    { type: 'access', label: 'Right of access', legalReference: 'GDPR Art. 15' },
    { type: 'rectification', label: 'Right to rectification', legalReference: 'GDPR Art. 16' },
    { type: 'erasure', label: 'Right to erasure ("right to be forgotten")', legalReference: 'GDPR Art. 17' },
    { type: 'restriction', label: 'Right to restriction of processing', legalReference: 'GDPR Art. 18' },
    { type: 'portability', label: 'Right to data portability', legalReference: 'GDPR Art. 20' },
    { type: 'objection', label: 'Right to object', legalReference: 'GDPR Art. 21' },
    {
      type: 'automated_decision',
      label: 'Right not to be subject to a decision based solely on automated processing',
      legalReference: 'GDPR Art. 22',
    },
  ],
  lawfulBases: [
    { id: 'consent', label: 'Consent of the data subject', legalReference: 'GDPR Art. 6(1)(a)' },
    { id: 'contract', label: 'Performance of a contract', legalReference: 'GDPR Art. 6(1)(b)' },
    { id: 'legal_obligation', label: 'Compliance with a legal obligation', legalReference: 'GDPR Art. 6(1)(c)' },
    { id: 'vital_interests', label: 'Protection of vital interests', legalReference: 'GDPR Art. 6(1)(d)' },
    {
      id: 'public_task',
      label: 'Task in the public interest or exercise of official authority',
      legalReference: 'GDPR Art. 6(1)(e)',
    },
    { id: 'legitimate_interests', label: 'Legitimate interests', legalReference: 'GDPR Art. 6(1)(f)' },
  ],
  pausesWhileVerifying: true,
  dueAt(type, start) {
    requireType(GDPR, type);
    return addPeriod(start, { amount: 1, unit: 'calendar_months' }, calendar);
  },
  interim(type) {
    requireType(GDPR, type);
    return [];
  },
  lookBackFrom(type) {
    requireType(GDPR, type);
    return null;
  },
  extension: {
    maxCount: 2,
    description:
      'By up to two further months where necessary, given the complexity and number of requests; the data ' +
      'subject must be told within the first month, with the reasons for the delay.',
    legalReference: 'GDPR Art. 12(3)',
  },
  extend(type, input) {
    requireType(GDPR, type);
    const maximum = addPeriod(input.originalDueAt, { amount: 2, unit: 'calendar_months' }, calendar);
    return grantExtension(input, { maxCount: 2, maximum, timeZone: calendar.timeZone, rule: 'GDPR Art. 12(3)' });
  },
  breachObligations({ detectedAt, risk }) {
    const obligations: BreachObligation[] = [];
    // Art. 33(1): no notification when the breach is unlikely to result in a risk (low).
    if (risk !== 'low') {
      obligations.push({
        recipient: 'authority',
        recipientName: 'the lead supervisory authority',
        legalReference: 'GDPR Art. 33(1)',
        dueAt: addPeriod(detectedAt, { amount: 72, unit: 'hours' }, calendar),
      });
    }
    if (risk === 'high') {
      obligations.push({
        recipient: 'individuals',
        recipientName: 'the data subjects concerned',
        legalReference: 'GDPR Art. 34(1)',
        dueAt: null,
      });
    }
    return obligations;
  },
  controls: [
    {
      id: 'records_of_processing',
      title: 'Records of processing activities are kept',
      legalReference: 'GDPR Art. 30',
      automatic: 'processing_records_kept',
    },
    {
      id: 'dsr_on_time',
      title: 'Data subject requests are answered within the time limit',
      legalReference: 'GDPR Art. 12(3)',
      automatic: 'no_overdue_requests',
    },
    {
      id: 'breach_notification',
      title: 'Personal data breaches are notified to the supervisory authority within 72 hours',
      legalReference: 'GDPR Art. 33',
      automatic: 'no_missed_breach_notifications',
    },
    {
      id: 'dpo_designated',
      title: 'A data protection officer is designated where required',
      legalReference: 'GDPR Art. 37',
    },
    { id: 'dpia', title: 'A DPIA is carried out before high-risk processing', legalReference: 'GDPR Art. 35' },
    {
      id: 'security_of_processing',
      title: 'Appropriate technical and organisational security measures are in place',
      legalReference: 'GDPR Art. 32',
    },
    {
      id: 'processor_contracts',
      title: 'Processors act under a written contract with the Art. 28(3) terms',
      legalReference: 'GDPR Art. 28',
    },
  ],
};
