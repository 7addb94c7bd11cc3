// The Privacy page's rules: which services it talks to, the subject and received date it
// sends, dates shown in a chosen time zone, and the text a PII scan's findings point at.
import type { PiiFinding } from './api.ts';

/** `dataSubjects`: the regime has data-subject requests and consents (SOX governs financial controls, not people's data). */
export const REGIMES = [
  { regime: 'gdpr', label: 'GDPR', service: 'gdpr-compliance', dataSubjects: true },
  { regime: 'ccpa', label: 'CCPA', service: 'ccpa-compliance', dataSubjects: true },
  { regime: 'lgpd', label: 'LGPD', service: 'lgpd-compliance', dataSubjects: true },
  { regime: 'hipaa', label: 'HIPAA', service: 'hipaa-compliance', dataSubjects: true },
  { regime: 'sox', label: 'SOX', service: 'sox-compliance', dataSubjects: false },
  { regime: 'pipeda', label: 'PIPEDA', service: 'pipeda-compliance', dataSubjects: true },
  { regime: 'popia', label: 'POPIA', service: 'south-african-compliance', dataSubjects: true },
] as const;
export type RegimeId = (typeof REGIMES)[number]['regime'];

/** Whether the page shows data-subject requests (and consents) for the regime. */
export const hasDataSubjects = (regime: RegimeId) => REGIMES.find((r) => r.regime === regime)?.dataSubjects ?? true;

/** The gateway path of a regime's service: its routes live under `/api/<service>/`. */
export const serviceBase = (regime: RegimeId) => `/api/${serviceOf(regime)}`;
export const serviceOf = (regime: RegimeId) =>
  (REGIMES.find((r) => r.regime === regime) ?? REGIMES[0]).service as string;

export const REDACTIONS = [
  { id: 'mask', label: 'Mask', hint: 'keep the shape, hide the characters' },
  { id: 'hash', label: 'Hash', hint: 'a stable token in place of each value' },
  { id: 'remove', label: 'Remove', hint: 'cut the values out' },
] as const;
export type Redaction = (typeof REDACTIONS)[number]['id'];

/** Who a request is about: the kinds offered, and `other` for any further one. */
export const SUBJECT_KINDS = [
  { id: 'email', label: 'Email address' },
  { id: 'phone', label: 'Phone number' },
  { id: 'customer_id', label: 'Customer id' },
  { id: 'national_id', label: 'National id (CPF, SSN…)' },
  { id: 'other', label: 'Other…' },
] as const;

const KIND = /^[a-z][a-z0-9_-]{0,39}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{5,}$/;

export type SubjectResult = { ok: true; subject: string } | { ok: false; field: 'kind' | 'value'; error: string };

/**
 * The `subject` the service takes (`<kind>:<value>`), or what is wrong with the fields; `who` is
 * the person as the message asking for the identifier names them.
 */
export function subjectFrom(
  kind: string,
  otherKind: string,
  value: string,
  who = 'the person the request is from',
): SubjectResult {
  const chosen = kind === 'other' ? otherKind.trim().toLowerCase() : kind;
  if (!KIND.test(chosen)) {
    return {
      ok: false,
      field: 'kind',
      error: 'Name the kind of identifier in lowercase letters, digits, - or _ (e.g. loyalty_card).',
    };
  }
  const trimmed = value.trim();
  if (!trimmed) return { ok: false, field: 'value', error: `Enter the identifier of ${who}.` };
  if (chosen === 'email' && !EMAIL.test(trimmed)) {
    return { ok: false, field: 'value', error: 'An email address looks like ana@example.com.' };
  }
  if (chosen === 'phone' && !PHONE.test(trimmed)) {
    return { ok: false, field: 'value', error: 'A phone number has digits, best with its country code: +55 11 …' };
  }
  return { ok: true, subject: `${chosen}:${chosen === 'phone' ? trimmed.replace(/[ ().-]/g, '') : trimmed}` };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function localParts(instant: Date, timeZone: string): LocalParts {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date of `instant` in `timeZone`, 'YYYY-MM-DD'. */
export function localDateIn(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** 'YYYY-MM-DD HH:mm' in `timeZone`, for a due date read the same by everyone in that zone. */
export function formatInZone(iso: string, timeZone: string): string {
  const p = localParts(new Date(iso), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The zone's short name at `iso` ("GMT-3", "PST", "CET"), for a label next to a time. */
export function zoneName(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(new Date(iso));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** The viewer's own time zone, as the browser knows it. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The first instant of the local day `date` ('YYYY-MM-DD') in `timeZone`, as an ISO string:
 * what the console sends as `receivedAt` for a request received that day, so the service
 * counts the day the regime's own calendar says. DST-correct: where a zone skips midnight,
 * the day starts at its first existing minute. Null for a date that does not exist.
 */
export function startOfLocalDay(date: string, timeZone: string): string | null {
  const match = DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utcMidnight = Date.UTC(year, month - 1, day);
  const check = new Date(utcMidnight);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  // Zone offsets lie within ±14 h: the day starts somewhere in (midnight UTC − 14 h, + 14 h].
  // Find the earliest minute whose local date is `date`, refining from the offset's guess.
  const offsetAt = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
  };
  let guess = utcMidnight - offsetAt(utcMidnight);
  guess = utcMidnight - offsetAt(guess);
  // Midnight may not exist (a DST jump at 00:00): step to the first minute of the day.
  while (localDateIn(new Date(guess), timeZone) < date) guess += 60_000;
  while (localDateIn(new Date(guess - 60_000), timeZone) === date) guess -= 60_000;
  return new Date(guess).toISOString();
}

export interface TextSegment {
  text: string;
  /** The finding this piece of the text is, when it is one. */
  finding?: PiiFinding;
}

/**
 * The scanned text cut into plain pieces and found values, in order, for highlighting.
 * Findings are code-unit ranges, `end` exclusive; overlapping or out-of-range ones are
 * clipped so every character shows once.
 */
export function segmentText(text: string, findings: readonly PiiFinding[]): TextSegment[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: TextSegment[] = [];
  let at = 0;
  for (const finding of sorted) {
    const start = Math.max(at, Math.min(finding.start, text.length));
    const end = Math.min(Math.max(finding.end, start), text.length);
    if (end <= start) continue;
    if (start > at) segments.push({ text: text.slice(at, start) });
    segments.push({ text: text.slice(start, end), finding });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}

/** What a person can do to a request in each status (the service decides for real: 409 otherwise). */
export type RequestAction = 'verify' | 'start' | 'complete' | 'reject';

export function actionsFor(status: string): RequestAction[] {
  switch (status) {
    case 'received':
      return ['verify', 'reject'];
    case 'identity_verified':
      return ['start', 'complete', 'reject'];
    case 'in_progress':
      return ['complete', 'reject'];
    default:
      return [];
  }
}

export const STATUS_LABELS: Record<string, string> = {
  received: 'Received',
  identity_verified: 'Identity verified',
  in_progress: 'In progress',
  completed: 'Completed',
  rejected: 'Rejected',
};

/** Roles that may file and act on requests; the auditor reads only. */
export const canWrite = (roles: readonly string[]) => roles.includes('dpo') || roles.includes('operator');

/** Whether the roles include any of `wanted`. */
export const hasRole = (roles: readonly string[], ...wanted: string[]) => wanted.some((role) => roles.includes(role));

const DAY_MS = 86_400_000;
/** How close a business associate agreement's review is: past its date, within `soonDays`, or later. */
export type ReviewState = 'overdue' | 'soon' | 'ok';

export function reviewState(reviewDueAt: string, now: Date, soonDays = 30): ReviewState {
  const due = new Date(reviewDueAt).getTime();
  if (due < now.getTime()) return 'overdue';
  return due - now.getTime() <= soonDays * DAY_MS ? 'soon' : 'ok';
}

/** The steps a SOX change offers in each status (who may take them is the service's call: 403 otherwise). */
export type ChangeStep = 'approve' | 'reject' | 'deploy';

export function changeStepsFor(status: string): ChangeStep[] {
  if (status === 'requested') return ['approve', 'reject'];
  if (status === 'approved') return ['deploy'];
  return [];
}

/** SOX severities, the gravest first. */
export const SEVERITY_ORDER = ['material_weakness', 'significant_deficiency', 'deficiency'] as const;
export const SEVERITY_LABELS: Record<string, string> = {
  material_weakness: 'Material weakness',
  significant_deficiency: 'Significant deficiency',
  deficiency: 'Deficiency',
};

/** The open deficiencies grouped by severity, gravest first, each group oldest first; empty groups left out. */
export function openBySeverity<T extends { severity: string; status: string; identifiedAt: string }>(
  deficiencies: readonly T[],
): { severity: string; items: T[] }[] {
  const open = deficiencies.filter((d) => d.status === 'open');
  const known: readonly string[] = SEVERITY_ORDER;
  const severities = [...SEVERITY_ORDER, ...new Set(open.map((d) => d.severity).filter((s) => !known.includes(s)))];
  return severities
    .map((severity) => ({
      severity,
      items: open.filter((d) => d.severity === severity).sort((a, b) => a.identifiedAt.localeCompare(b.identifiedAt)),
    }))
    .filter((group) => group.items.length > 0);
}

export interface OfficerFields {
  name: string;
  email: string;
  phone: string;
  registrationNumber: string;
  /** 'YYYY-MM-DD', or empty while not registered. */
  registeredOn: string;
}
export type OfficerField = keyof OfficerFields;
export type OfficerResult =
  | {
      ok: true;
      officer: {
        name: string;
        email: string;
        phone: string;
        registrationNumber: string | null;
        registeredAt: string | null;
      };
    }
  | { ok: false; errors: Partial<Record<OfficerField, string>> };

/**
 * The POPIA Information Officer as the service takes it, or what is wrong with the fields. The
 * registration number and date go together (both once the Regulator registered the officer);
 * the date is the start of that day in `timeZone`.
 */
export function officerFrom(fields: OfficerFields, timeZone: string): OfficerResult {
  const name = fields.name.trim();
  const email = fields.email.trim();
  const phone = fields.phone.trim();
  const registrationNumber = fields.registrationNumber.trim();
  const registeredAt = fields.registeredOn ? startOfLocalDay(fields.registeredOn, timeZone) : null;
  const errors: Partial<Record<OfficerField, string>> = {};
  if (!name) errors.name = 'Enter the Information Officer’s name.';
  if (!EMAIL.test(email)) errors.email = 'An email address looks like thandi@example.co.za.';
  if (!PHONE.test(phone)) errors.phone = 'A phone number has digits, best with its country code: +27 …';
  if (fields.registeredOn && !registeredAt) errors.registeredOn = 'Enter the date as YYYY-MM-DD.';
  if (registrationNumber && !fields.registeredOn)
    errors.registeredOn = 'Give the date the Regulator registered the officer.';
  if (!registrationNumber && fields.registeredOn)
    errors.registrationNumber = 'Give the Regulator’s registration number.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    officer: { name, email, phone, registrationNumber: registrationNumber || null, registeredAt },
  };
}
