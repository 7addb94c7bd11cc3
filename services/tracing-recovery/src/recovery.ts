// Recovery actions with guard rails: a restart budget per service per window, exponential
// backoff between attempts on one issue, nothing while a dependency is the culprit, a dry-run
// mode, and every decision that reaches the runtime (or would have) recorded with its outcome.
import type { Issue, IssueStore, Outcome, RecoveryAction } from './issues.ts';
import type { Runtime } from './runtime.ts';

export interface GuardRails {
  /** Restarts allowed per service within `windowMs`. */
  budget: number;
  windowMs: number;
  /** Wait after the first attempt on an issue; doubles with each further attempt. */
  backoffMs: number;
  backoffMaxMs: number;
  dryRun: boolean;
}

export type RecoverResult =
  | { status: 'acted'; action: RecoveryAction }
  /** Not now: backing off until `until`, or nothing to do. */
  | { status: 'deferred'; until: string; reason: string }
  | { status: 'refused'; reason: string; action?: RecoveryAction };

interface LabelledCounter {
  inc(labels: Record<string, string>): void;
}

export interface RecovererOptions {
  issues: IssueStore;
  runtime: Runtime | undefined;
  rails: GuardRails;
  /** The culprit that makes acting on `service` pointless right now (a dependency that is down). */
  culpritOf: (service: string) => string | undefined;
  actions: LabelledCounter;
  budgetExhausted: LabelledCounter;
  now?: () => Date;
}

/** Outcomes that count as attempts for the budget and the backoff (a dry run counts as the real one would). */
const ATTEMPTS: readonly Outcome[] = ['succeeded', 'failed', 'dry_run'];

export class Recoverer {
  private readonly options: RecovererOptions;

  constructor(options: RecovererOptions) {
    this.options = options;
  }

  get runtimeName(): string {
    return this.options.runtime?.name ?? 'none';
  }

  get rails(): GuardRails {
    return this.options.rails;
  }

  /** The wait before attempt number `attempt + 1`, after `attempt` attempts. */
  backoffAfter(attempt: number): number {
    const { backoffMs, backoffMaxMs } = this.options.rails;
    return Math.min(backoffMs * 2 ** Math.max(0, attempt - 1), backoffMaxMs);
  }

  /** Decides and, when the guard rails allow, restarts the issue's service. The caller holds the issue's claim. */
  async recover(issue: Issue, trigger: string): Promise<RecoverResult> {
    const { issues, rails } = this.options;
    const now = this.options.now?.() ?? new Date();
    if (issue.subjectType !== 'service') {
      return {
        status: 'refused',
        reason: `${issue.subject} is ${issue.subjectType}, not a service this runtime restarts`,
      };
    }
    const service = issue.subject;
    const culprit = this.options.culpritOf(service) ?? issue.culprit ?? undefined;
    if (culprit) {
      return {
        status: 'refused',
        reason: `${culprit} is down and is the culprit: restarting ${service} would not help`,
        action: await this.record(issue, trigger, 'skipped', `${culprit} is down: no action on ${service}`, 0, now),
      };
    }
    const attempts = await this.attempts(issue.id);
    if (attempts.count > 0 && attempts.last) {
      const until = attempts.last.getTime() + this.backoffAfter(attempts.count);
      if (now.getTime() < until) {
        return {
          status: 'deferred',
          until: new Date(until).toISOString(),
          reason: `backing off after ${attempts.count} attempt${attempts.count === 1 ? '' : 's'}`,
        };
      }
    }
    const used = await this.usedBudget(service, new Date(now.getTime() - rails.windowMs));
    if (used >= rails.budget) {
      const detail = `restart budget exhausted: ${used} of ${rails.budget} within ${Math.round(rails.windowMs / 60_000)} min`;
      const last = await issues.lastAction(issue.id);
      this.options.budgetExhausted.inc({ service });
      // Said once per issue while the budget stays exhausted, not once per round.
      const action =
        last?.outcome === 'budget_exhausted' && now.getTime() - Date.parse(last.createdAt) < rails.windowMs
          ? last
          : await this.record(issue, trigger, 'budget_exhausted', detail, attempts.count, now);
      return { status: 'refused', reason: detail, action };
    }
    const attempt = attempts.count + 1;
    const runtime = this.options.runtime;
    if (rails.dryRun) {
      const what = runtime ? `would restart ${service} through ${runtime.name}` : `would restart ${service}`;
      return {
        status: 'acted',
        action: await this.record(issue, trigger, 'dry_run', `DRY_RUN: ${what}`, attempt, now),
      };
    }
    if (!runtime) {
      const last = await issues.lastAction(issue.id);
      const action =
        last?.outcome === 'unsupported'
          ? last
          : await this.record(
              issue,
              trigger,
              'unsupported',
              'no runtime: neither a Docker socket nor DEV_CONTROL_URL',
              0,
              now,
            );
      return { status: 'refused', reason: action.detail ?? 'no runtime', action };
    }
    let outcome: Outcome = 'succeeded';
    let detail: string;
    let actionName = 'restart';
    try {
      const result = await runtime.restart(service);
      actionName = result.action;
      detail = result.detail;
    } catch (error) {
      outcome = 'failed';
      detail = (error as Error).message;
    }
    const action = await this.record(issue, trigger, outcome, detail, attempt, now, actionName, new Date());
    return { status: 'acted', action };
  }

  private async attempts(issueId: string): Promise<{ count: number; last: Date | null }> {
    const rows = await this.options.issues.actions({ issueId, limit: 1000 });
    const counted = rows.filter((row) => ATTEMPTS.includes(row.outcome));
    return { count: counted.length, last: counted[0] ? new Date(counted[0].createdAt) : null };
  }

  private async usedBudget(service: string, since: Date): Promise<number> {
    if (!this.options.rails.dryRun) return this.options.issues.attemptsSince(service, since);
    // In dry-run mode the simulated restarts spend the budget the real ones would.
    const rows = await this.options.issues.actions({ service, limit: 1000 });
    return rows.filter((row) => ATTEMPTS.includes(row.outcome) && Date.parse(row.createdAt) >= since.getTime()).length;
  }

  private async record(
    issue: Issue,
    trigger: string,
    outcome: Outcome,
    detail: string,
    attempt: number,
    createdAt: Date,
    action = 'restart',
    finishedAt: Date | null = createdAt,
  ): Promise<RecoveryAction> {
    const recorded = await this.options.issues.recordAction({
      issueId: issue.id,
      service: issue.subject,
      action,
      runtime: this.runtimeName,
      trigger,
      outcome,
      detail,
      attempt,
      createdAt,
      finishedAt,
    });
    this.options.actions.inc({ service: issue.subject, action, outcome });
    await this.options.issues.addEvidence(issue.id, {
      at: createdAt.toISOString(),
      source: 'recovery',
      outcome,
      action,
      attempt,
      trigger,
      detail,
    });
    return recorded;
  }
}
