import { BRAZIL_CALENDAR } from '../deadlines/holidays.ts';
import { addPeriod } from '../deadlines/period.ts';
import { ExtensionRefused, type RulePack, requireType } from './types.ts';

const calendar = BRAZIL_CALENDAR;
/** Art. 19 I: the simplified answer (immediately) applies to confirmation and access. */
const SIMPLIFIED = new Set(['confirmation', 'access']);

/** The LGPD (Lei nº 13.709/2018) and ANPD Resolution CD/ANPD nº 15/2024 on security incidents. */
export const LGPD: RulePack = {
  regime: 'lgpd',
  name: 'LGPD (Brazil)',
  calendar,
  requestTypes: [
    { type: 'confirmation', label: 'Confirmation that processing exists', legalReference: 'LGPD Art. 18 I' },
    { type: 'access', label: 'Access to the data', legalReference: 'LGPD Art. 18 II' },
    {
      type: 'correction',
      label: 'Correction of incomplete, inaccurate or outdated data',
      legalReference: 'LGPD Art. 18 III',
    },
    {
      type: 'anonymization_blocking_deletion',
      label: 'Anonymization, blocking or deletion of unnecessary, excessive or unlawfully processed data',
      legalReference: 'LGPD Art. 18 IV',
    },
    { type: 'portability', label: 'Portability to another provider', legalReference: 'LGPD Art. 18 V' },
    { type: 'deletion', label: 'Deletion of data processed with consent', legalReference: 'LGPD Art. 18 VI' },
    {
      type: 'sharing_information',
      label: 'Information on the public and private entities the data is shared with',
      legalReference: 'LGPD Art. 18 VII',
    },
    {
      type: 'consent_refusal_information',
      label: 'Information on the possibility of refusing consent and its consequences',
      legalReference: 'LGPD Art. 18 VIII',
    },
    { type: 'consent_revocation', label: 'Revocation of consent', legalReference: 'LGPD Art. 18 IX' },
    {
      type: 'review_automated_decision',
      label: 'Review of decisions taken solely on automated processing',
      legalReference: 'LGPD Art. 20',
    },
  ],
  lawfulBases: [
    { id: 'consent', label: 'Consent of the data subject', legalReference: 'LGPD Art. 7 I' },
    { id: 'legal_obligation', label: 'Legal or regulatory obligation', legalReference: 'LGPD Art. 7 II' },
    {
      id: 'public_administration',
      label: 'Public policies of the public administration',
      legalReference: 'LGPD Art. 7 III',
    },
    { id: 'research', label: 'Studies by a research body', legalReference: 'LGPD Art. 7 IV' },
    { id: 'contract', label: 'Performance of a contract', legalReference: 'LGPD Art. 7 V' },
    { id: 'legal_proceedings', label: 'Exercise of rights in legal proceedings', legalReference: 'LGPD Art. 7 VI' },
    { id: 'protection_of_life', label: 'Protection of life or physical safety', legalReference: 'LGPD Art. 7 VII' },
    {
      id: 'health_protection',
      label: 'Protection of health by health professionals',
      legalReference: 'LGPD Art. 7 VIII',
    },
    { id: 'legitimate_interests', label: 'Legitimate interests', legalReference: 'LGPD Art. 7 IX' },
    { id: 'credit_protection', label: 'Protection of credit', legalReference: 'LGPD Art. 7 X' },
  ],
  pausesWhileVerifying: false,
  dueAt(type, start) {
    requireType(LGPD, type);
    return addPeriod(start, { amount: 15, unit: 'calendar_days' }, calendar);
  },
  interim(type, receivedAt) {
    requireType(LGPD, type);
    if (!SIMPLIFIED.has(type)) return [];
    return [
      {
        name: 'simplified',
        label: 'Simplified answer, immediately (by the end of the day of receipt)',
        legalReference: 'LGPD Art. 19 I',
        dueAt: addPeriod(receivedAt, { amount: 0, unit: 'calendar_days' }, calendar),
      },
    ];
  },
  lookBackFrom(type) {
    requireType(LGPD, type);
    return null;
  },
  extension: null,
  extend(type) {
    requireType(LGPD, type);
    throw new ExtensionRefused('The LGPD allows no extension: the complete answer is due within 15 days (Art. 19 II).');
  },
  breachObligations({ detectedAt, risk }) {
    if (risk === 'low') return [];
    const dueAt = addPeriod(detectedAt, { amount: 3, unit: 'business_days' }, calendar);
    return [
      {
        recipient: 'authority',
        recipientName: 'ANPD',
        legalReference: 'LGPD Art. 48; Resolution CD/ANPD nº 15/2024, Art. 6',
        dueAt,
      },
      {
        recipient: 'individuals',
        recipientName: 'the data subjects affected',
        legalReference: 'LGPD Art. 48; Resolution CD/ANPD nº 15/2024, Art. 9',
        dueAt: new Date(dueAt),
      },
    ];
  },
  controls: [
    {
      id: 'dpo_designated',
      title: 'An encarregado (DPO) is appointed and publicly identified',
      legalReference: 'LGPD Art. 41',
    },
    {
      id: 'records_of_processing',
      title: 'Records of processing operations are kept',
      legalReference: 'LGPD Art. 37',
      automatic: 'processing_records_kept',
    },
    {
      id: 'dsr_on_time',
      title: 'Data subject requests are answered within the time limit',
      legalReference: 'LGPD Art. 19',
      automatic: 'no_overdue_requests',
    },
    {
      id: 'breach_notification',
      title: 'Security incidents are notified to the ANPD and data subjects within 3 business days',
      legalReference: 'LGPD Art. 48; Resolution CD/ANPD nº 15/2024',
      automatic: 'no_missed_breach_notifications',
    },
    {
      id: 'security_measures',
      title: 'Security, technical and administrative measures protect the data',
      legalReference: 'LGPD Art. 46',
    },
    {
      id: 'ripd',
      title: 'A data protection impact report (RIPD) is prepared when required',
      legalReference: 'LGPD Art. 38',
    },
  ],
};
