import { addDays, addMonths, daysInMonth, endOfLocalDay, localDate, pad } from '../deadlines/calendar.ts';
import { usFederalHolidays } from '../deadlines/holidays.ts';
import { type Calendar, isBusinessDay } from '../deadlines/period.ts';
import { ExtensionRefused, type RulePack, requireType } from './types.ts';

/** SEC filings are due by 5:30 p.m. Eastern on a business day: Washington, D.C. time, federal holidays. */
export const SOX_CALENDAR: Calendar = {
  timeZone: 'America/New_York',
  holidays: usFederalHolidays,
  description:
    'Eastern time (America/New_York); business days exclude weekends and U.S. federal holidays (SEC Rule 0-3)',
};

/**
 * The s.302 certification of a fiscal quarter is filed with that quarter's periodic report, so it
 * is due with the report. We take the large accelerated filer's deadlines: the Form 10-Q within
 * 40 days after the end of the first three fiscal quarters (Form 10-Q General Instruction A.1),
 * the Form 10-K within 60 days after the fiscal year end (fourth quarter; Form 10-K General
 * Instruction A). A deadline on a Saturday, Sunday or federal holiday moves to the next business
 * day (Exchange Act Rule 0-3(a)). Due at the end of that day, Eastern time.
 */
export const CERTIFICATION_DAYS = { quarterly: 40, annual: 60 } as const;

export const QUARTER = /^(\d{4})-Q([1-4])$/;

/** The due date of the s.302 certification of `quarter` ('2026-Q3'), whose period ends on `periodEnd` ('2026-09-30'). */
export function certificationDueAt(quarter: string, periodEnd: string): Date {
  const match = QUARTER.exec(quarter);
  if (!match) throw new Error(`"${quarter}" is not a fiscal quarter like 2026-Q3`);
  const days = match[2] === '4' ? CERTIFICATION_DAYS.annual : CERTIFICATION_DAYS.quarterly;
  let day = addDays(periodEnd, days);
  while (!isBusinessDay(day, SOX_CALENDAR)) day = addDays(day, 1);
  return endOfLocalDay(day, SOX_CALENDAR.timeZone);
}

/** The last day of a quarter of a fiscal year that is the calendar year: '2026-Q3' → '2026-09-30'. */
export function calendarQuarterEnd(quarter: string): string {
  const match = QUARTER.exec(quarter);
  if (!match) throw new Error(`"${quarter}" is not a fiscal quarter like 2026-Q3`);
  const year = Number(match[1]);
  const month = Number(match[2]) * 3;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(daysInMonth(year, month), 2)}`;
}

/** The latest calendar quarter wholly over at `at` (Eastern): on 2026-12-04, 2026-Q3. */
export function lastEndedQuarter(at: Date): { quarter: string; periodEnd: string } {
  const [year, month] = localDate(at, SOX_CALENDAR.timeZone).split('-').map(Number) as [number, number];
  const current = Math.ceil(month / 3);
  const quarter = current === 1 ? `${year - 1}-Q4` : `${year}-Q${current - 1}`;
  return { quarter, periodEnd: calendarQuarterEnd(quarter) };
}

/** Audit and review workpapers are kept seven years (SOX s.802, 18 U.S.C. §1520; 17 CFR 210.2-06). */
export const EVIDENCE_RETENTION_YEARS = 7;

/**
 * The last instant evidence collected at `collectedAt` must be kept: the end of the same local
 * date (Eastern) seven years later. Collected on 29 February, the anniversary does not exist in a
 * common year: we keep it through 1 March (the longer reading: deleting a day early is the risk).
 */
export function evidenceRetainUntil(collectedAt: Date): Date {
  const collected = localDate(collectedAt, SOX_CALENDAR.timeZone);
  let until = addMonths(collected, EVIDENCE_RETENTION_YEARS * 12);
  if (collected.endsWith('-02-29') && until.endsWith('-02-28')) until = addDays(until, 1);
  return endOfLocalDay(until, SOX_CALENDAR.timeZone);
}

/**
 * The Sarbanes-Oxley Act of 2002 (Pub. L. 107-204) and the SEC rules under it. It gives no
 * data-subject rights: no request types, no lawful bases, no extensions. What it governs is the
 * company's internal control over financial reporting, which the controls and the extension
 * (src/extensions/sox) track.
 */
export const SOX: RulePack = {
  regime: 'sox',
  name: 'Sarbanes-Oxley Act (US)',
  calendar: SOX_CALENDAR,
  requestTypes: [],
  lawfulBases: [],
  pausesWhileVerifying: false,
  dueAt(type) {
    requireType(SOX, type);
    throw new Error('unreachable');
  },
  interim(type) {
    requireType(SOX, type);
    return [];
  },
  lookBackFrom(type) {
    requireType(SOX, type);
    return null;
  },
  extension: null,
  extend(type) {
    requireType(SOX, type);
    throw new ExtensionRefused('The Sarbanes-Oxley Act gives no data-subject rights, so there is nothing to extend.');
  },
  /**
   * SOX sets no notification deadline. A cybersecurity incident is recorded here for the ICFR
   * evaluation (s.404) with no obligation computed: the SEC's Form 8-K Item 1.05 clock (four
   * business days) starts at the materiality determination, which a breach record (it carries
   * only detectedAt) does not have; counting from detection would show a false deadline.
   */
  breachObligations() {
    return [];
  },
  controls: [
    {
      id: 's302_certifications',
      title: 'The CEO and CFO certify each periodic report (s.302) by its filing deadline',
      legalReference: 'SOX s.302; 15 U.S.C. §7241; 17 CFR 240.13a-14',
      automatic: 'certifications_current',
    },
    {
      id: 's404_management_assessment',
      title: 'Management assesses the effectiveness of internal control over financial reporting (s.404(a))',
      legalReference: 'SOX s.404(a); 15 U.S.C. §7262; 17 CFR 240.13a-15(c)',
    },
    {
      id: 'no_material_weakness',
      title: 'No material weakness in internal control over financial reporting is open',
      legalReference: 'SOX s.404; 17 CFR 210.1-02(a)(4); PCAOB AS 2201',
      automatic: 'no_material_weakness',
    },
    {
      id: 'changes_segregated',
      title: 'Every deployed change was approved, and neither approved nor deployed by its requester',
      legalReference: 'SOX s.404; PCAOB AS 2201 ¶B (IT general controls: change management)',
      automatic: 'changes_segregated',
    },
    {
      id: 'evidence_retained',
      title: 'Audit evidence is retained for seven years, unaltered',
      legalReference: 'SOX s.802; 18 U.S.C. §1519, §1520; 17 CFR 210.2-06',
      automatic: 'evidence_retained',
    },
    {
      id: 'whistleblower_procedures',
      title: 'The audit committee has procedures for complaints and anonymous concerns about accounting or auditing',
      legalReference: 'SOX s.301(4); 15 U.S.C. §78j-1(m)(4); s.806',
    },
    {
      id: 'audit_log_integrity',
      title: "The audit log's hash chain verifies",
      legalReference: 'SOX s.802; 18 U.S.C. §1519',
      automatic: 'audit_chain_verifies',
    },
  ],
};
