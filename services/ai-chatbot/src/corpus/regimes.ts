/**
 * The privacy and compliance regimes the platform has a service for, with the deadlines the
 * assistant quotes. Each fact names its source so it can be checked.
 */
export type RegimeId = 'gdpr' | 'ccpa' | 'lgpd' | 'pipeda' | 'hipaa' | 'popia' | 'sox';

export interface Regime {
  id: RegimeId;
  /** How the assistant names it. */
  name: string;
  /** The catalog service that handles it. */
  service: string;
  /** Words that mean this regime in a question (lower case, whole words). */
  aliases: readonly string[];
  /** How long an organisation has to answer a data subject's access request. */
  accessDeadline: string;
  /** When a personal-data breach must be reported. */
  breachNotice: string;
}

export const REGIMES: readonly Regime[] = [
  {
    id: 'gdpr',
    name: 'GDPR (EU)',
    service: 'gdpr-compliance',
    aliases: ['gdpr', 'uk gdpr', 'general data protection regulation', 'eu', 'europe', 'european'],
    accessDeadline:
      'Under the GDPR you must answer an access request without undue delay and at the latest within one month of receiving it. ' +
      'Where requests are complex or numerous you may extend that by two further months, but you have to tell the person ' +
      'within the first month and explain why (Art. 12(3)).',
    breachNotice:
      'Under the GDPR a personal-data breach goes to the supervisory authority without undue delay and, where feasible, ' +
      'within 72 hours of becoming aware of it (Art. 33); the people affected are told without undue delay when the breach ' +
      'is likely to result in a high risk to them (Art. 34).',
  },
  {
    id: 'ccpa',
    name: 'CCPA/CPRA (California)',
    service: 'ccpa-compliance',
    aliases: ['ccpa', 'cpra', 'california', 'californian'],
    accessDeadline:
      'Under the CCPA/CPRA you have 45 calendar days to respond to a request to know, delete or correct, and you may extend ' +
      'that once by another 45 days (90 in total) if you tell the consumer within the first 45. Receipt must be confirmed ' +
      'within 10 business days, and opt-outs of sale or sharing are honoured within 15 business days.',
    breachNotice:
      "California's breach law (Civil Code 1798.82) requires notifying affected residents in the most expedient time " +
      'possible and without unreasonable delay, and sending a sample notice to the Attorney General when more than 500 ' +
      'residents are affected; the CCPA adds a private right of action for breaches caused by a lack of reasonable security.',
  },
  {
    id: 'lgpd',
    name: 'LGPD (Brazil)',
    service: 'lgpd-compliance',
    aliases: ['lgpd', 'brazil', 'brazilian'],
    accessDeadline:
      'Under the LGPD a complete access declaration is due within 15 days of the request (Art. 19, II); a simplified ' +
      'confirmation can be given immediately.',
    breachNotice:
      'Under the LGPD a security incident that may cause relevant risk or damage is reported to the ANPD and to the data ' +
      'subjects within 3 business days of becoming aware of it (ANPD Resolution CD/ANPD 15/2024).',
  },
  {
    id: 'pipeda',
    name: 'PIPEDA (Canada)',
    service: 'pipeda-compliance',
    aliases: ['pipeda', 'canada', 'canadian'],
    accessDeadline:
      'Under PIPEDA you must respond to an access request within 30 days of receiving it. You can extend by up to 30 more ' +
      'days (or longer to convert the information to an alternative format), telling the person within the first 30 days ' +
      'and reminding them they may complain to the Privacy Commissioner (s. 8(3)–(4)).',
    breachNotice:
      'Under PIPEDA a breach that creates a real risk of significant harm is reported to the Privacy Commissioner and to ' +
      'the affected individuals as soon as feasible, and every breach is recorded and the record kept for 24 months.',
  },
  {
    id: 'hipaa',
    name: 'HIPAA (US health data)',
    service: 'hipaa-compliance',
    aliases: ['hipaa', 'phi', 'protected health information'],
    accessDeadline:
      'Under HIPAA a covered entity must act on a request for access to protected health information within 30 days of ' +
      'receiving it, with one extension of up to 30 more days if it tells the individual in writing, with the reason, ' +
      'within the first 30 days (45 CFR 164.524).',
    breachNotice:
      'Under HIPAA affected individuals are notified without unreasonable delay and no later than 60 calendar days after ' +
      'discovery; breaches of 500 or more people also go to HHS (and prominent media in the state) within 60 days, smaller ' +
      'ones to HHS within 60 days of the end of the calendar year.',
  },
  {
    id: 'popia',
    name: 'POPIA (South Africa)',
    service: 'south-african-compliance',
    aliases: ['popia', 'popi', 'paia', 'south africa', 'south african'],
    accessDeadline:
      'Under POPIA access requests follow PAIA (POPIA s. 23): a private body must decide within 30 days of the request and ' +
      'may extend once by up to 30 more days, with notice and reasons to the requester (PAIA ss. 56–57).',
    breachNotice:
      'Under POPIA a compromise of personal information is reported to the Information Regulator and to the data subjects ' +
      'as soon as reasonably possible after it is discovered (s. 22).',
  },
  {
    id: 'sox',
    name: 'SOX (US financial controls)',
    service: 'sox-compliance',
    aliases: ['sox', 'sarbanes oxley', 'sarbox'],
    accessDeadline:
      'SOX gives people no right of access to their data, so there is no access-request deadline. Its clocks concern ' +
      'financial reporting: CEO/CFO certifications with each periodic report (s. 302), an annual assessment of internal ' +
      'controls (s. 404), and audit work papers kept for seven years (s. 802).',
    breachNotice:
      'SOX has no personal-data breach rule; a listed company discloses a material cybersecurity incident on SEC Form 8-K ' +
      '(Item 1.05) within four business days of deciding that it is material.',
  },
];

export function regimeById(id: string): Regime | undefined {
  return REGIMES.find((regime) => regime.id === id);
}
