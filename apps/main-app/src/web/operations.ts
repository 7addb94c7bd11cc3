// The Operations page's rules, apart from React: who is offered Recover, Snapshot now and
// Restore, what a recovery's answer or refusal says in words, the labels of issue kinds and
// outcomes, and what a snapshot or a restore did.
import type { ApiError, OpsIssue, RecoveryAction, RestoreResult, SnapshotOutcome, SnapshotSummary } from './api.ts';
import { listInWords } from './compliance.ts';
import { formatInZone, zoneName } from './privacy.ts';
import { formatBytes } from './reports.ts';
import { formatMs } from './traces.ts';

/** How often the page asks both services again. */
export const REFRESH_MS = 5000;
/** Issues and recovery actions shown (newest first). */
export const RECENT = 20;
/** Snapshots shown (newest first). */
export const SNAPSHOTS_SHOWN = 50;

export const ISSUE_KIND_LABELS: Record<string, string> = {
  down: 'Down',
  infrastructure_down: 'Infrastructure down',
  error_rate: 'Error rate',
  latency: 'Latency',
  alert: 'Alert',
};

export const OUTCOME_LABELS: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  dry_run: 'Dry run',
  budget_exhausted: 'Budget exhausted',
  skipped: 'Skipped',
  unsupported: 'Unsupported',
};

/** The badge an outcome wears: green done, red failed, amber held back by a guard rail, grey the rest. */
export function outcomeTone(outcome: string): 'ready' | 'down' | 'degraded' | 'not_deployed' {
  if (outcome === 'succeeded') return 'ready';
  if (outcome === 'failed') return 'down';
  if (outcome === 'budget_exhausted' || outcome === 'skipped') return 'degraded';
  return 'not_deployed';
}

/** "open_issue" → "Open issue", for a kind or outcome the page has no label for. */
export const labelOf = (labels: Record<string, string>, value: string) =>
  labels[value] ?? `${value.charAt(0).toUpperCase()}${value.slice(1).replace(/_/g, ' ')}`;

const has = (roles: readonly string[] | null, ...wanted: string[]) =>
  roles === null || wanted.some((role) => roles.includes(role));

/** Recovering an issue is for an operator or an admin on tracing-recovery; offered too when it could not say the roles. */
export const mayRecover = (roles: readonly string[] | null) => has(roles, 'operator', 'admin');
/** Taking a snapshot now is for an operator or an admin on snapshot-scheduler; offered too when it could not say. */
export const maySnapshot = (roles: readonly string[] | null) => has(roles, 'operator', 'admin');
/** Restoring a snapshot is for an admin on snapshot-scheduler; offered too when it could not say. */
export const mayRestore = (roles: readonly string[] | null) => has(roles, 'admin');

/** What a credential may be offered here. */
export interface OpsControls {
  recover: boolean;
  snapshot: boolean;
  restore: boolean;
}

/** The roles each service answered to `GET me`; null when it could not say. */
export interface OpsRoles {
  tracing: readonly string[] | null;
  snapshots: readonly string[] | null;
}

/**
 * The controls offered, by the roles each service answered (`roles.tracing` for Recover,
 * `roles.snapshots` for Snapshot now and Restore; null when it could not say: then offered, and
 * the service decides). Nothing is offered signed out. A refusal (403: the roles changed since)
 * takes its control away; a refusal to take a snapshot means neither operator nor admin there,
 * so no restoring either.
 */
export function opsControls(
  signedIn: boolean,
  roles: OpsRoles,
  refused: { recover: boolean; snapshot: boolean; restore: boolean },
): OpsControls {
  if (!signedIn) return { recover: false, snapshot: false, restore: false };
  return {
    recover: !refused.recover && mayRecover(roles.tracing),
    snapshot: !refused.snapshot && maySnapshot(roles.snapshots),
    restore: !refused.restore && !refused.snapshot && mayRestore(roles.snapshots),
  };
}

/** Whether someone holds a live claim on the issue at `now` (an expired lease is nobody's). */
export const claimHolder = (issue: Pick<OpsIssue, 'claimedBy' | 'claimedUntil'>, now: number): string | null =>
  issue.claimedBy && issue.claimedUntil && Date.parse(issue.claimedUntil) > now ? issue.claimedBy : null;

/** Who a trigger or claim is, as people say it: "operator e2e-operator", "the detector (host:1)". */
export function actorInWords(actor: string): string {
  if (actor.startsWith('operator:')) return `operator ${actor.slice('operator:'.length)}`;
  if (actor.startsWith('detector@')) return `the detector (${actor.slice('detector@'.length)})`;
  return actor;
}

const at = (iso: string, timeZone: string) =>
  Number.isNaN(Date.parse(iso)) ? iso : `${formatInZone(iso, timeZone)} ${zoneName(iso, timeZone)}`;

/** What the page says after Recover was answered with an action. */
export function recoveredNotice(action: Pick<RecoveryAction, 'service' | 'action' | 'outcome' | 'detail'>): string {
  const what = `${action.action === 'restart' ? 'Restart' : labelOf({}, action.action)} of ${action.service}`;
  const detail = action.detail ? `: ${action.detail}` : '.';
  if (action.outcome === 'dry_run') return `${what} recorded as a dry run, nothing was done${detail}`;
  return `${what} ${action.outcome === 'succeeded' ? 'succeeded' : labelOf(OUTCOME_LABELS, action.outcome).toLowerCase()}${detail}`;
}

/**
 * Why Recover did nothing, in words: refused (422: no runtime, a dependency is the culprit, the
 * budget is spent), or not now (409: someone else holds the issue, it closed, backing off).
 */
export function recoverRefusal(
  issue: Pick<OpsIssue, 'subject'>,
  error: Pick<ApiError, 'status' | 'message'>,
  timeZone: string,
): string {
  const reason = error.message;
  if (error.status === 422) return `${issue.subject} was not restarted: ${reason}.`;
  if (error.status === 409) {
    const held = /is being handled by (.+) until (\S+)$/.exec(reason);
    if (held?.[1] && held[2]) {
      return `Not now: ${actorInWords(held[1])} is handling this issue until ${at(held[2], timeZone)}. Try again after that.`;
    }
    const closed = /is closed \((.+)\)$/.exec(reason);
    if (closed) return `Nothing to do: the issue is already closed (${closed[1]}).`;
    const backing = /^(backing off after .+): the next attempt is allowed at (\S+)$/.exec(reason);
    if (backing?.[1] && backing[2]) {
      return `Not yet: ${backing[1]}; the next attempt is allowed at ${at(backing[2], timeZone)}.`;
    }
    return `Not now: ${reason}.`;
  }
  if (error.status === 404) return 'This issue no longer exists.';
  return reason;
}

/** "3 tables", "12 keys", "2 collections, 40 documents". */
export function contentsInWords(contents: Record<string, number>): string {
  const parts = Object.entries(contents).map(([what, n]) => {
    const singular = what.endsWith('s') ? what.slice(0, -1) : what;
    return `${n} ${n === 1 ? singular : what}`;
  });
  return parts.join(', ') || 'nothing';
}

const TRIGGER_LABELS: Record<string, string> = {
  schedule: 'Scheduled',
  manual: 'Snapshot now',
  'demo-seed': 'First round (demo)',
};
export const triggerLabel = (trigger: string) => labelOf(TRIGGER_LABELS, trigger);

/** "lgpd-compliance's Postgres". */
export const dataName = (service: string, kind: string) =>
  `${service}'s ${kind === 'postgres' ? 'Postgres' : kind === 'redis' ? 'Redis' : kind === 'mongodb' ? 'MongoDB' : kind}`;

/** What the page says after Snapshot now: each target's outcome, the ones taken with their size. */
export function snapshotNotice(outcomes: readonly SnapshotOutcome[]): string {
  if (outcomes.length === 0) return 'No snapshot was taken: nothing matched.';
  const taken = outcomes.flatMap((o) =>
    o.outcome === 'success' ? [`${dataName(o.service, o.kind)} (${formatBytes(o.snapshot.totalBytes)})`] : [],
  );
  const others = outcomes.flatMap((o) =>
    o.outcome === 'success' ? [] : [`${dataName(o.service, o.kind)} ${o.outcome} (${o.reason})`],
  );
  const parts = [
    taken.length > 0 ? `Snapshot${taken.length === 1 ? '' : 's'} taken: ${listInWords(taken)}.` : '',
    others.length > 0 ? `Not taken: ${others.join('; ')}.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** The outcomes a refused Snapshot now carries (a 502 when some failed, a 503 when leadership was lost). */
export function outcomesOf(body: unknown): SnapshotOutcome[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const outcomes = (body as { outcomes?: unknown }).outcomes;
  return Array.isArray(outcomes) ? (outcomes as SnapshotOutcome[]) : null;
}

/** What the page says after a restore. */
export function restoredNotice(result: RestoreResult): string {
  return `Restored ${dataName(result.service, result.kind)} snapshot into ${result.target} in ${formatMs(result.durationMs)}: ${contentsInWords(result.restored)}.`;
}

/** The target typed in the restore confirmation, or why it cannot be one (Postgres and MongoDB database names, Redis key prefixes). */
export function restoreTarget(
  snapshot: Pick<SnapshotSummary, 'kind' | 'database'>,
  typed: string,
): { ok: true; target: string } | { ok: false; error: string } {
  const target = typed.trim();
  if (!target) return { ok: false, error: `Name where to restore, e.g. ${snapshot.database}.` };
  if (snapshot.kind === 'postgres' && !/^[a-z_][a-z0-9_]{0,62}$/.test(target)) {
    return {
      ok: false,
      error: 'A Postgres database name is lower-case letters, digits and _ (at most 63), starting with a letter or _.',
    };
  }
  if (target.length > 100) return { ok: false, error: `At most 100 characters; this is ${target.length}.` };
  return { ok: true, target };
}

/** The service's refusal of a restore target ("target: …"), for the field, or null when it is about something else. */
export function restoreTargetError(error: Pick<ApiError, 'status' | 'message'>): string | null {
  if (error.status !== 400) return null;
  const match = /^target: (.+)$/.exec(error.message);
  return match?.[1] ? `${match[1].charAt(0).toUpperCase()}${match[1].slice(1)}.` : null;
}
