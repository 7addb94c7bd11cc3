/** The contract of a regime's rule pack, as the jurisdiction services call it. */
import type { z } from '@azora/service-kit';
import { localDate } from '../deadlines/calendar.ts';
import type { Calendar } from '../deadlines/period.ts';

/** The regimes the jurisdiction services implement, by id. */
export const REGIMES = ['gdpr', 'ccpa', 'lgpd', 'hipaa', 'sox', 'pipeda', 'popia'] as const;
export type Regime = (typeof REGIMES)[number];

export type BreachRisk = 'low' | 'medium' | 'high';

export interface RequestTypeRule {
  type: string;
  label: string;
  legalReference: string;
}

export interface LawfulBasis {
  id: string;
  label: string;
  legalReference: string;
}

export interface InterimDeadline {
  name: string;
  label: string;
  legalReference: string;
  dueAt: Date;
}

export interface BreachObligation {
  /**
   * Who is told, one obligation each: 'authority', 'individuals', or the regime's own
   * ('hhs', 'media:CA'…): lowercase letters, digits, '_' and ':' (it is a URL segment).
   */
  recipient: string;
  recipientName: string;
  legalReference: string;
  /**
   * null = "without undue delay" / "as soon as reasonably possible": no time in the law; the
   * service then tracks the deployment's own target (NOTIFICATION_TARGET_HOURS) instead.
   */
  dueAt: Date | null;
}

export interface ControlRule {
  id: string;
  title: string;
  legalReference: string;
  /**
   * Computed from the data by the service instead of attested by a person: one of the core's
   * checks, or the name of a check the regime's extension provides (`ComplianceExtension.checks`).
   */
  automatic?: 'no_overdue_requests' | 'no_missed_breach_notifications' | 'processing_records_kept' | (string & {});
}

/** An extension the regime does not allow; the message says why, in words a DPO understands. */
export class ExtensionRefused extends Error {
  override name = 'ExtensionRefused';
}

export interface ExtensionInput {
  originalDueAt: Date;
  currentDueAt: Date;
  count: number;
  until?: Date;
}

export interface Breach {
  detectedAt: Date;
  risk: BreachRisk;
  affectedCount: number;
  /** The regime's own facts about the breach, as validated by its `breachDetails` schema. */
  details?: unknown;
}

export interface RulePack {
  regime: Regime;
  name: string;
  calendar: Calendar;
  requestTypes: readonly RequestTypeRule[];
  lawfulBases: readonly LawfulBasis[];
  /** GDPR: the response clock starts when identity is verified (the service recomputes dueAt then). */
  pausesWhileVerifying: boolean;
  /** Statutory due date of the complete answer to a request of this type received (or verified) at `start`. */
  dueAt(type: string, start: Date): Date;
  /** Intermediate deadlines: CCPA receipt confirmation, LGPD simplified answer; [] when none. */
  interim(type: string, receivedAt: Date): InterimDeadline[];
  /** Start of the period a request covers (CCPA know: 12 months before receipt), else null. */
  lookBackFrom(type: string, receivedAt: Date): Date | null;
  /** null when the regime allows no extension (LGPD). */
  extension: { maxCount: number; description: string; legalReference: string } | null;
  /**
   * The new due date of an extension. `originalDueAt` is the first statutory due date, `currentDueAt`
   * the present one, `count` extensions already granted; `until` optional requested date (default:
   * the maximum allowed). Throws ExtensionRefused when not allowed: no extension in the regime, count
   * reached, until beyond the maximum, or until not after currentDueAt.
   */
  extend(type: string, input: ExtensionInput): Date;
  breachObligations(breach: Breach): BreachObligation[];
  /**
   * The regime's facts a breach record carries (`details` in POST …/breaches), validated by the
   * service; required when the schema does not accept undefined. Absent: no details accepted.
   */
  breachDetails?: z.ZodType;
  controls: readonly ControlRule[];
}

/** Throws a plain Error for a request type the regime does not know (the service validates first). */
export function requireType(pack: { name: string; requestTypes: readonly RequestTypeRule[] }, type: string): void {
  if (!pack.requestTypes.some((rule) => rule.type === type)) {
    throw new Error(`"${type}" is not a request type under ${pack.name}`);
  }
}

/** The common checks of an extension once the regime allows one for the type: count, ceiling, direction. */
export function grantExtension(
  input: ExtensionInput,
  limits: { maxCount: number; maximum: Date; timeZone: string; rule: string },
): Date {
  const { maxCount, maximum, timeZone, rule } = limits;
  const day = (instant: Date) => localDate(instant, timeZone);
  if (!Number.isInteger(input.count) || input.count < 0) throw new Error(`invalid extension count ${input.count}`);
  if (input.count >= maxCount) {
    const times = maxCount === 1 ? 'once' : `${maxCount} times`;
    throw new ExtensionRefused(`The deadline has already been extended ${times}, which is all ${rule} allows.`);
  }
  const until = input.until ?? maximum;
  if (until.getTime() > maximum.getTime()) {
    throw new ExtensionRefused(
      `${rule} allows the deadline to be extended to ${day(maximum)} at the latest; ${day(until)} is beyond it.`,
    );
  }
  if (until.getTime() <= input.currentDueAt.getTime()) {
    throw new ExtensionRefused(
      input.currentDueAt.getTime() >= maximum.getTime()
        ? `The deadline (${day(input.currentDueAt)}) is already at the latest date ${rule} allows.`
        : `An extension must move the deadline later than the current one (${day(input.currentDueAt)}).`,
    );
  }
  return until;
}
