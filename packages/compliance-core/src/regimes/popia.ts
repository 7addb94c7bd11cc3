import { addDays, dayOfWeek, endOfLocalDay, localDate, pad } from '../deadlines/calendar.ts';
import { easterSunday } from '../deadlines/holidays.ts';
import type { Calendar } from '../deadlines/period.ts';
import { ExtensionRefused, grantExtension, type RulePack, requireType } from './types.ts';

const TIME_ZONE = 'Africa/Johannesburg';
const SUNDAY = 0;

/**
 * Days proclaimed public holidays under s.2A of the Public Holidays Act (elections, and the
 * days the President declared): they are not in the Act's schedule, so they are listed here.
 */
export const PROCLAIMED_HOLIDAYS: readonly string[] = [
  '2016-08-03', // local government elections
  '2019-05-08', // national and provincial elections
  '2021-11-01', // local government elections
  '2023-12-15', // declared: Rugby World Cup victory
  '2024-05-29', // national and provincial elections
];

/**
 * South African public holidays (Public Holidays Act 36 of 1994, Schedule 1) falling in `year`:
 * New Year's Day, Human Rights Day, Good Friday, Family Day (Easter Monday), Freedom Day,
 * Workers' Day, Youth Day, National Women's Day, Heritage Day, Day of Reconciliation, Christmas
 * Day and the Day of Goodwill; s.2(1): a public holiday on a Sunday makes the Monday after a
 * public holiday too. Days proclaimed under s.2A are added from PROCLAIMED_HOLIDAYS.
 */
export function southAfricanPublicHolidays(year: number): string[] {
  const fixed = (month: number, day: number) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  const easter = easterSunday(year);
  const scheduled = [
    fixed(1, 1), // New Year's Day
    fixed(3, 21), // Human Rights Day
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Family Day
    fixed(4, 27), // Freedom Day
    fixed(5, 1), // Workers' Day
    fixed(6, 16), // Youth Day
    fixed(8, 9), // National Women's Day
    fixed(9, 24), // Heritage Day
    fixed(12, 16), // Day of Reconciliation
    fixed(12, 25), // Christmas Day
    fixed(12, 26), // Day of Goodwill
  ];
  const mondays = scheduled.filter((day) => dayOfWeek(day) === SUNDAY).map((day) => addDays(day, 1));
  const proclaimed = PROCLAIMED_HOLIDAYS.filter((day) => day.startsWith(`${pad(year, 4)}-`));
  // Christmas on a Sunday moves to Monday 26 December, already a holiday: a Monday moved onto
  // a Monday (or a new year's holiday in the next year) does not add a day here.
  return [...new Set([...scheduled, ...mondays, ...proclaimed])]
    .filter((day) => day.startsWith(`${pad(year, 4)}-`))
    .sort();
}

export const SOUTH_AFRICA_CALENDAR: Calendar = {
  timeZone: TIME_ZONE,
  holidays: southAfricanPublicHolidays,
  description:
    'South African time (Africa/Johannesburg); days counted under the Interpretation Act 33 of 1957 s.4: the ' +
    'first day excluded, the last included unless it is a Sunday or a public holiday (Public Holidays Act 36 of 1994)',
};
const calendar = SOUTH_AFRICA_CALENDAR;

const holidayYears = new Map<number, ReadonlySet<string>>();
function isPublicHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  let set = holidayYears.get(year);
  if (!set) {
    set = new Set(southAfricanPublicHolidays(year));
    holidayYears.set(year, set);
  }
  return set.has(date);
}

/**
 * The end of a period of `days` days begun at `start`, as the Interpretation Act 33 of 1957
 * s.4 counts it: the first day (the day of `start`, Johannesburg time) excluded, the last
 * included — unless it is a Sunday or a public holiday, when the period runs to the end of the
 * next day that is neither. Saturdays count like any other day.
 */
export function saDaysEnd(start: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new Error(`a period needs a whole, non-negative number of days`);
  return endOfLocalDay(saLastDay(localDate(start, TIME_ZONE), days), TIME_ZONE);
}

function saLastDay(first: string, days: number): string {
  let last = addDays(first, days);
  while (dayOfWeek(last) === SUNDAY || isPublicHoliday(last)) last = addDays(last, 1);
  return last;
}

/**
 * Days to decide each request, and the extension allowed. PAIA s.25(1) sets 30 days for access
 * (s.26: one extension of up to 30 days). POPIA sets no time for a correction or deletion
 * (s.24: "as soon as reasonably practicable") nor for an objection (s.11(3)); this pack answers
 * them within PAIA's 30 days as a policy of its own, without extension. An objection to direct
 * marketing (s.11(3)(b)) is honoured at once (s.11(4): the responsible party "may no longer
 * process"): by the end of the next day.
 */
const RESPONSE: Record<string, { days: number; extensible: boolean }> = {
  access: { days: 30, extensible: true },
  correction_deletion: { days: 30, extensible: false },
  objection: { days: 30, extensible: false },
  objection_direct_marketing: { days: 1, extensible: false },
};
export const PAIA_DECISION_DAYS = 30;
export const PAIA_EXTENSION_DAYS = 30;

/** POPIA (Act 4 of 2013) with PAIA (Act 2 of 2000) for access: South Africa. */
export const POPIA: RulePack = {
  regime: 'popia',
  name: 'POPIA/PAIA (South Africa)',
  calendar,
  requestTypes: [
    {
      type: 'access',
      label: 'Access to a record of personal information (decided within 30 days)',
      legalReference: 'POPIA s.23; PAIA s.25(1), s.26',
    },
    {
      type: 'correction_deletion',
      label: 'Correction or deletion of personal information, or destruction or deletion of a record',
      legalReference: 'POPIA s.24',
    },
    {
      type: 'objection',
      label: 'Objection to processing on the grounds of s.11(1)(d) to (f)',
      legalReference: 'POPIA s.11(3)(a)',
    },
    {
      type: 'objection_direct_marketing',
      label: 'Objection to processing for direct marketing (other than by unsolicited electronic communications)',
      legalReference: 'POPIA s.11(3)(b), s.11(4), s.69',
    },
  ],
  lawfulBases: [
    { id: 'consent', label: 'The data subject consents', legalReference: 'POPIA s.11(1)(a)' },
    {
      id: 'contract',
      label: 'Necessary to conclude or perform a contract to which the data subject is party',
      legalReference: 'POPIA s.11(1)(b)',
    },
    {
      id: 'legal_obligation',
      label: 'Complies with an obligation imposed by law on the responsible party',
      legalReference: 'POPIA s.11(1)(c)',
    },
    {
      id: 'data_subject_legitimate_interest',
      label: 'Protects a legitimate interest of the data subject',
      legalReference: 'POPIA s.11(1)(d)',
    },
    {
      id: 'public_law_duty',
      label: 'Necessary for the proper performance of a public law duty by a public body',
      legalReference: 'POPIA s.11(1)(e)',
    },
    {
      id: 'legitimate_interests',
      label: 'Necessary for the legitimate interests of the responsible party or of a third party',
      legalReference: 'POPIA s.11(1)(f)',
    },
  ],
  pausesWhileVerifying: false,
  dueAt(type, start) {
    requireType(POPIA, type);
    return saDaysEnd(start, (RESPONSE[type] as { days: number }).days);
  },
  interim(type) {
    requireType(POPIA, type);
    return [];
  },
  lookBackFrom(type) {
    requireType(POPIA, type);
    return null;
  },
  extension: {
    maxCount: 1,
    description:
      'Access requests only: once, for a further period of not more than 30 days (counted from the end of the first ' +
      '30, as the Interpretation Act counts days), where the request is for a large number of records, needs a ' +
      'search elsewhere or consultation that cannot reasonably be finished in time, or the requester consents; ' +
      'the requester must be told within the first 30 days, with the reasons.',
    legalReference: 'PAIA s.26(1), s.26(2)',
  },
  extend(type, input) {
    requireType(POPIA, type);
    if (!RESPONSE[type]?.extensible) {
      throw new ExtensionRefused(
        'Only an access request can be extended (PAIA s.26); corrections, deletions and objections are answered within the period set.',
      );
    }
    const maximum = endOfLocalDay(saLastDay(localDate(input.originalDueAt, TIME_ZONE), PAIA_EXTENSION_DAYS), TIME_ZONE);
    return grantExtension(input, { maxCount: 1, maximum, timeZone: TIME_ZONE, rule: 'PAIA s.26(1)' });
  },
  // s.22(1): on reasonable grounds to believe personal information was accessed or acquired by an
  // unauthorised person, both are told "as soon as reasonably possible after the discovery" —
  // whatever the risk (s.22 has no risk threshold; s.22(3) only lets a law-enforcement body or the
  // Regulator delay the notice to data subjects). No time in the law: the service's target applies.
  breachObligations() {
    return [
      {
        recipient: 'authority',
        recipientName: 'the Information Regulator',
        legalReference: 'POPIA s.22(1)(a), s.22(2)',
        dueAt: null,
      },
      {
        recipient: 'individuals',
        recipientName: 'the data subjects concerned (unless their identity cannot be established)',
        legalReference: 'POPIA s.22(1)(b), s.22(4), s.22(5)',
        dueAt: null,
      },
    ];
  },
  // The eight conditions for the lawful processing of personal information (POPIA Chapter 3).
  controls: [
    {
      id: 'accountability',
      title: 'Accountability: an Information Officer is designated and registered with the Information Regulator',
      legalReference: 'POPIA s.8, s.55, s.56',
      automatic: 'information_officer_registered',
    },
    {
      id: 'processing_limitation',
      title: 'Processing limitation: lawful, minimal, on a s.11 ground, collected directly from the data subject',
      legalReference: 'POPIA ss.9–12',
    },
    {
      id: 'purpose_specification',
      title: 'Purpose specification: collected for a specific purpose, records kept no longer than necessary',
      legalReference: 'POPIA ss.13–14',
    },
    {
      id: 'further_processing_limitation',
      title: 'Further processing limitation: further processing compatible with the purpose of collection',
      legalReference: 'POPIA s.15',
    },
    {
      id: 'information_quality',
      title: 'Information quality: personal information complete, accurate, not misleading and updated',
      legalReference: 'POPIA s.16',
    },
    {
      id: 'openness',
      title: 'Openness: documentation of all processing operations maintained; data subjects notified',
      legalReference: 'POPIA ss.17–18',
      automatic: 'processing_records_kept',
    },
    {
      id: 'security_safeguards',
      title: 'Security safeguards: integrity and confidentiality secured; compromises notified (s.22)',
      legalReference: 'POPIA ss.19–22',
      automatic: 'security_compromises_notified',
    },
    {
      id: 'data_subject_participation',
      title: 'Data subject participation: access and correction requests answered in time',
      legalReference: 'POPIA ss.23–25; PAIA s.25',
      automatic: 'no_overdue_requests',
    },
  ],
};
