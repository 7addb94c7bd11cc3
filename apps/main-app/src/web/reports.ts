// The Reports page's rules, apart from React: what a schedule edit sends (only what changed),
// which field a refusal belongs to, who is offered which control, how a partial report's
// failures read, and the name a downloaded file is saved under.
import type { ApiError, Report, ReportFormat, ReportSchedule, ScheduleChange, UpstreamFailure } from './api.ts';
import { listInWords } from './compliance.ts';
import { REGIMES } from './privacy.ts';

/** Reports asked for at a time; "Load more" asks for the next page with the service's `next` cursor. */
export const PAGE_SIZE = 10;

export const FORMATS: readonly { format: ReportFormat; label: string }[] = [
  { format: 'pdf', label: 'PDF' },
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
];

export const KIND_LABELS: Record<string, string> = { scheduled: 'Scheduled', 'on-demand': 'On demand' };
export const RUN_LABELS: Record<string, string> = { done: 'Done', failed: 'Failed', running: 'Running' };

/** The schedule edit form as typed. */
export interface ScheduleDraft {
  cron: string;
  timeZone: string;
  enabled: boolean;
}
export type ScheduleField = keyof ScheduleDraft;
export type ScheduleErrors = Partial<Record<ScheduleField, string>>;

export const draftOf = (schedule: Pick<ReportSchedule, 'cron' | 'timeZone' | 'enabled'>): ScheduleDraft => ({
  cron: schedule.cron,
  timeZone: schedule.timeZone,
  enabled: schedule.enabled,
});

/**
 * What to send for the edit: only the fields that changed (null when none did), or what to
 * fill in first. Whether a cron expression or a zone is valid is the service's to say (its 400
 * names the problem, see `scheduleErrors`).
 */
export function scheduleChange(
  schedule: Pick<ReportSchedule, 'cron' | 'timeZone' | 'enabled'>,
  draft: ScheduleDraft,
): { ok: true; change: ScheduleChange | null } | { ok: false; errors: ScheduleErrors } {
  const cron = draft.cron.trim().replace(/\s+/g, ' ');
  const timeZone = draft.timeZone.trim();
  const errors: ScheduleErrors = {};
  if (!cron) errors.cron = 'Enter a cron expression: five fields, e.g. 0 6 * * * for 06:00 every day.';
  if (!timeZone) errors.timeZone = 'Enter a time zone, e.g. Europe/London or UTC.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const change: ScheduleChange = {
    ...(cron !== schedule.cron ? { cron } : {}),
    ...(timeZone !== schedule.timeZone ? { timeZone } : {}),
    ...(draft.enabled !== schedule.enabled ? { enabled: draft.enabled } : {}),
  };
  return { ok: true, change: Object.keys(change).length > 0 ? change : null };
}

/** "invalid cron…" → "Invalid cron…". */
export const sentence = (text: string) => (text ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text);

/**
 * A refused schedule edit, field by field: the service's per-field errors when it lists them
 * (a body of the wrong shape), else its one message, put beside the time zone or the cron
 * expression when it is about one of them; anything else is for the whole form.
 */
export function scheduleErrors(error: Pick<ApiError, 'status' | 'message' | 'errors'>): {
  fields: ScheduleErrors;
  other: boolean;
} {
  const fields: ScheduleErrors = {};
  for (const item of error.errors) {
    const field = item.path as ScheduleField;
    if ((field === 'cron' || field === 'timeZone' || field === 'enabled') && !fields[field]) {
      fields[field] = sentence(item.message);
    }
  }
  if (Object.keys(fields).length > 0 || error.status !== 400)
    return { fields, other: Object.keys(fields).length === 0 };
  if (/time zone/i.test(error.message)) return { fields: { timeZone: sentence(error.message) }, other: false };
  if (/cron expression/i.test(error.message)) return { fields: { cron: sentence(error.message) }, other: false };
  return { fields, other: true };
}

/**
 * Generating is for a dpo or an operator. `roles`: what the service answered to `GET me`; null
 * when it could not say, and then offered, and the service decides.
 */
export const mayGenerate = (roles: readonly string[] | null) =>
  roles === null || roles.includes('dpo') || roles.includes('operator');
/** Changing a schedule is for a dpo; offered too when the service could not say the roles. */
export const mayEditSchedules = (roles: readonly string[] | null) => roles === null || roles.includes('dpo');

/**
 * The controls the page offers, by the roles the service answered (null: it could not say). A
 * refusal (the roles changed since) takes its control away; a refusal to generate means neither
 * dpo nor operator, so not a dpo either: no editing.
 */
export function reportControls(
  roles: readonly string[] | null,
  refused: { generate: boolean; edit: boolean },
): { generate: boolean; edit: boolean } {
  return {
    generate: !refused.generate && mayGenerate(roles),
    edit: !refused.edit && !refused.generate && mayEditSchedules(roles),
  };
}

/** A service as people know it: "GDPR (gdpr-compliance)", "the compliance dashboard". */
export function upstreamName(service: string): string {
  if (service === 'compliance-dashboard') return 'the compliance dashboard';
  const regime = REGIMES.find((r) => r.service === service);
  return regime ? `${regime.label} (${service})` : service;
}

/** The regimes a report covered, as labels: "LGPD, HIPAA", or "all seven". */
export function regimesInWords(services: readonly string[]): string {
  if (REGIMES.every((r) => services.includes(r.service))) return `all ${REGIMES.length}`;
  return services.map((service) => REGIMES.find((r) => r.service === service)?.label ?? service).join(', ');
}

/** What the page says once a report is generated: complete, or partial and who did not answer. */
export function generatedNotice(report: Pick<Report, 'status' | 'upstreamErrors'>): string {
  if (report.upstreamErrors.length === 0) return 'Report generated: complete.';
  const failed = failedServices(report.upstreamErrors);
  return `Report generated, partial: ${listInWords(failed.map(upstreamName))} did not answer.`;
}

/** The services that failed, each once, in order. */
export const failedServices = (failures: readonly UpstreamFailure[]) => [...new Set(failures.map((f) => f.service))];

/** The next page appended, leaving out reports already shown (one generated meanwhile, say). */
export function appendPage(shown: readonly Report[], page: readonly Report[]): Report[] {
  const ids = new Set(shown.map((r) => r.id));
  return [...shown, ...page.filter((r) => !ids.has(r.id))];
}

/**
 * The file name from a Content-Disposition header (`filename*=UTF-8''…` preferred over
 * `filename="…"`), without any folder part; null when there is none.
 */
export function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended?.[2]) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
    name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  }
  const base = name?.split(/[/\\]/).pop()?.trim();
  return base && base !== '.' && base !== '..' ? base : null;
}

/** The name the service gives a report's file, for when its header cannot be read (another origin). */
export const fallbackFilename = (
  report: Pick<Report, 'schedule' | 'scheduledFor' | 'generatedAt'>,
  format: ReportFormat,
) =>
  `azora-report-${report.schedule ?? 'on-demand'}-${(report.scheduledFor ?? report.generatedAt).slice(0, 10)}.${format}`;

/** 512 B, 12.3 kB, 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
