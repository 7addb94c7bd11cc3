// The detector: every round it checks the infrastructure directly, polls each watched
// service's readiness, reads the span aggregates against the error-rate and p95 thresholds,
// finds each failing service's culprit (an infrastructure piece it needs, or a service it
// calls, that is down), opens, updates and closes issues, and hands the issues it may act on
// to the recoverer. One issue per root cause: the dependants of a piece that is down get
// none of their own, and nobody restarts them.
import type { Logger } from '@azora/service-kit';
import type { Aggregates } from './aggregates.ts';
import type { Evidence, Issue, IssueKind, IssueStore } from './issues.ts';
import type { Recoverer } from './recovery.ts';
import {
  type CheckedPiece,
  checkInfrastructure,
  type InfraTarget,
  type ProbeResult,
  probeReadiness,
  type Target,
} from './targets.ts';

export interface Thresholds {
  /** Error ratio above which a service gets an error_rate issue. */
  errorRate: number;
  /** p95 latency (ms) above which a service gets a latency issue. */
  p95Ms: number;
  /** Requests needed in the window before the thresholds are judged. */
  minRequests: number;
  windowMinutes: number;
}

export interface DetectorOptions {
  targets: readonly Target[];
  infrastructure: readonly InfraTarget[];
  issues: IssueStore;
  aggregates: Aggregates;
  recoverer: Recoverer;
  logger: Logger;
  thresholds: Thresholds;
  /** Consecutive failed polls before a service's down issue opens. */
  failuresToOpen: number;
  /**
   * A service not yet seen ready since the detector started is left alone this long: a
   * stack coming up (or a service on its first start-up migration) is not "down".
   */
  startupGraceMs?: number;
  probeTimeoutMs: number;
  /** Issue kinds the detector acts on by itself. */
  recoverKinds: ReadonlySet<IssueKind>;
  /** This instance's name in claims. */
  actor: string;
  /** How long the detector's claim on an issue it handles lasts (renewed every round). */
  claimLeaseMs: number;
  onRound?: (state: DetectorState) => void;
}

export interface ServiceState {
  name: string;
  ready: boolean | null;
  detail: string;
  consecutiveFailures: number;
  /** A piece or service that is down and explains this one's failure. */
  culprit: string | null;
  checkedAt: string | null;
  /** It has answered ready at least once since the detector started. */
  seenReady: boolean;
}

export interface InfraState {
  piece: CheckedPiece;
  up: boolean | null;
  detail: string;
  /** When it was first seen down in the current outage. */
  downSince: string | null;
  checkedAt: string | null;
  /** An outage not yet written as an issue (this service's own Postgres was down too), kept until it is. */
  unrecordedOutage: { since: string; until: string; detail: string } | null;
}

export interface DetectorState {
  rounds: number;
  lastRoundAt: string | null;
  lastRoundMs: number | null;
  services: ServiceState[];
  infrastructure: InfraState[];
}

const KIND_SUMMARY: Record<string, (subject: string, detail: string) => string> = {
  down: (s, d) => `${s} is down (${d})`,
  infrastructure_down: (s, d) => `${s} is down (${d})`,
  error_rate: (s, d) => `${s} answers too many errors (${d})`,
  latency: (s, d) => `${s} is slow (${d})`,
};

export class Detector {
  private readonly services = new Map<string, ServiceState>();
  private readonly infra = new Map<CheckedPiece, InfraState>();
  /** Pieces whose current outage has its issue written. */
  private readonly recordedOutages = new Set<CheckedPiece>();
  private rounds = 0;
  private lastRoundAt: string | null = null;
  private lastRoundMs: number | null = null;
  private running: Promise<void> | undefined;
  private again = false;

  private readonly options: DetectorOptions;
  private readonly startedAt = Date.now();

  constructor(options: DetectorOptions) {
    this.options = options;
    for (const target of options.targets) {
      this.services.set(target.name, {
        name: target.name,
        ready: null,
        detail: 'not checked yet',
        consecutiveFailures: 0,
        culprit: null,
        checkedAt: null,
        seenReady: false,
      });
    }
    for (const target of options.infrastructure) {
      this.infra.set(target.piece, {
        piece: target.piece,
        up: null,
        detail: 'not checked yet',
        downSince: null,
        checkedAt: null,
        unrecordedOutage: null,
      });
    }
  }

  get targets(): readonly Target[] {
    return this.options.targets;
  }

  state(): DetectorState {
    return {
      rounds: this.rounds,
      lastRoundAt: this.lastRoundAt,
      lastRoundMs: this.lastRoundMs,
      services: [...this.services.values()],
      infrastructure: [...this.infra.values()],
    };
  }

  /** The piece or service that is down and explains `service`'s failure, from the latest round. */
  culpritOf(service: string): string | undefined {
    const target = this.options.targets.find((t) => t.name === service);
    if (!target) return undefined;
    for (const piece of target.infrastructure) {
      if (this.infra.get(piece as CheckedPiece)?.up === false) return piece;
    }
    for (const upstream of target.calls) {
      if (this.services.get(upstream)?.ready === false) return upstream;
    }
    return undefined;
  }

  isWatched(service: string): boolean {
    return this.services.has(service);
  }

  /** Runs a round now (after the one under way, if any); resolves when it is done. */
  async round(): Promise<void> {
    if (this.running) {
      this.again = true;
      await this.running;
      if (!this.again) return; // a round that started after our request has covered it
    }
    this.again = false;
    this.running = this.runRound().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async runRound(): Promise<void> {
    const started = performance.now();
    const at = new Date().toISOString();
    const { options } = this;

    const [infraResults, probeResults] = await Promise.all([
      Promise.all(options.infrastructure.map((target) => checkInfrastructure(target, options.probeTimeoutMs))),
      Promise.all(options.targets.map((target) => probeReadiness(target, options.probeTimeoutMs))),
    ]);

    options.infrastructure.forEach((target, i) => {
      const result = infraResults[i] as ProbeResult;
      const state = this.infra.get(target.piece) as InfraState;
      if (result.ok && state.downSince && !this.recordedOutages.has(state.piece)) {
        state.unrecordedOutage = { since: state.downSince, until: at, detail: state.detail };
      }
      if (result.ok) this.recordedOutages.delete(state.piece);
      state.downSince = result.ok ? null : (state.downSince ?? at);
      state.up = result.ok;
      state.detail = result.detail;
      state.checkedAt = at;
    });
    options.targets.forEach((target, i) => {
      const result = probeResults[i] as ProbeResult;
      const state = this.services.get(target.name) as ServiceState;
      state.ready = result.ok;
      state.seenReady ||= result.ok;
      state.detail = result.detail;
      state.checkedAt = at;
      state.consecutiveFailures = result.ok ? 0 : state.consecutiveFailures + 1;
    });
    for (const state of this.services.values())
      state.culprit = state.ready ? null : (this.culpritOf(state.name) ?? null);

    // Writing issues needs this service's own Postgres; a round that cannot write still
    // leaves the live picture in state(), and the next round writes what is still true.
    try {
      const open = new Map(
        (await options.issues.openIssues()).map((issue) => [`${issue.subject}|${issue.kind}`, issue]),
      );
      await this.updateInfrastructureIssues(open, at);
      await this.updateServiceIssues(open, at);
      await this.updateSpanIssues(open, at);
      await this.act();
    } catch (error) {
      options.logger.warn({ err: error }, 'detection round could not record issues; will retry next round');
    }
    this.rounds += 1;
    this.lastRoundAt = at;
    this.lastRoundMs = performance.now() - started;
    options.onRound?.(this.state());
  }

  private async updateInfrastructureIssues(open: Map<string, Issue>, at: string) {
    const { issues } = this.options;
    for (const state of this.infra.values()) {
      const dependants = this.options.targets.filter((t) => t.infrastructure.includes(state.piece)).map((t) => t.name);
      if (state.up === false) {
        const affected = [...this.services.values()].filter((s) => s.culprit === state.piece).map((s) => s.name);
        await issues.report({
          subject: state.piece,
          subjectType: 'infrastructure',
          kind: 'infrastructure_down',
          summary: `${state.piece} is down (${state.detail}); ${affected.length} dependant service${affected.length === 1 ? '' : 's'} failing, none restarted`,
          evidence: {
            at,
            source: 'infrastructure',
            detail: state.detail,
            downSince: state.downSince,
            affected,
            dependants,
          },
          at: state.downSince ? new Date(state.downSince) : undefined,
        });
        this.recordedOutages.add(state.piece);
      } else if (state.up && state.unrecordedOutage) {
        // The outage ended before it could be written: write it now, opened and closed.
        const outage = state.unrecordedOutage;
        await issues.report({
          subject: state.piece,
          subjectType: 'infrastructure',
          kind: 'infrastructure_down',
          summary: `${state.piece} was down from ${outage.since} to ${outage.until} (${outage.detail})`,
          evidence: {
            at: outage.until,
            source: 'infrastructure',
            detail: outage.detail,
            downSince: outage.since,
            dependants,
          },
          at: new Date(outage.since),
        });
        await issues.close(state.piece, 'infrastructure_down', `${state.piece} is reachable again`, {
          at,
          source: 'infrastructure',
          detail: state.detail,
        });
        state.unrecordedOutage = null;
      } else if (state.up && open.has(`${state.piece}|infrastructure_down`)) {
        await issues.close(state.piece, 'infrastructure_down', `${state.piece} is reachable again`, {
          at,
          source: 'infrastructure',
          detail: state.detail,
        });
      }
    }
  }

  private async updateServiceIssues(open: Map<string, Issue>, at: string) {
    const { issues, failuresToOpen } = this.options;
    const inGrace = Date.now() - this.startedAt < (this.options.startupGraceMs ?? 0);
    for (const state of this.services.values()) {
      const existing = open.get(`${state.name}|down`);
      // Still starting up (never ready yet, within the grace): not an issue yet.
      if (!existing && !state.ready && !state.seenReady && inGrace) continue;
      if (state.ready) {
        if (existing) {
          await issues.close(state.name, 'down', 'ready again', { at, source: 'readiness', detail: state.detail });
        }
        continue;
      }
      const evidence: Evidence = {
        at,
        source: 'readiness',
        detail: state.detail,
        consecutiveFailures: state.consecutiveFailures,
        culprit: state.culprit,
      };
      if (state.culprit) {
        // Only an issue already open (an alert opened it) hears about the culprit; none is opened.
        if (existing) {
          await issues.report({
            subject: state.name,
            subjectType: 'service',
            kind: 'down',
            summary: `${state.name} is failing because ${state.culprit} is down`,
            evidence,
            culprit: state.culprit,
          });
        }
        continue;
      }
      if (existing || state.consecutiveFailures >= failuresToOpen) {
        const { issue } = await issues.report({
          subject: state.name,
          subjectType: 'service',
          kind: 'down',
          summary: KIND_SUMMARY.down?.(state.name, state.detail) ?? state.detail,
          evidence,
          culprit: null,
        });
        open.set(`${state.name}|down`, issue);
      }
    }
  }

  private async updateSpanIssues(open: Map<string, Issue>, at: string) {
    const { issues, aggregates, thresholds } = this.options;
    for (const target of this.options.targets) {
      let stats: Awaited<ReturnType<Aggregates['stats']>>;
      try {
        stats = await aggregates.stats(target.name, thresholds.windowMinutes);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'span aggregates unavailable (Redis); thresholds not judged');
        return;
      }
      const enough = stats.requests >= thresholds.minRequests;
      const checks: { kind: IssueKind; bad: boolean; detail: string }[] = [
        {
          kind: 'error_rate',
          bad: enough && stats.errorRate > thresholds.errorRate,
          detail: `${(stats.errorRate * 100).toFixed(1)}% errors of ${stats.requests} requests in ${thresholds.windowMinutes} min, threshold ${(thresholds.errorRate * 100).toFixed(1)}%`,
        },
        {
          kind: 'latency',
          bad: enough && (stats.p95Ms ?? 0) > thresholds.p95Ms,
          detail: `p95 ${Math.round(stats.p95Ms ?? 0)} ms over ${stats.requests} requests in ${thresholds.windowMinutes} min, threshold ${thresholds.p95Ms} ms`,
        },
      ];
      for (const check of checks) {
        const existing = open.get(`${target.name}|${check.kind}`);
        const culprit = this.culpritOf(target.name) ?? null;
        if (check.bad) {
          const { issue } = await issues.report({
            subject: target.name,
            subjectType: 'service',
            kind: check.kind,
            summary: KIND_SUMMARY[check.kind]?.(target.name, check.detail) ?? check.detail,
            evidence: {
              at,
              source: 'spans',
              detail: check.detail,
              requests: stats.requests,
              errors: stats.errors,
              p95Ms: stats.p95Ms,
            },
            culprit,
          });
          open.set(`${target.name}|${check.kind}`, issue);
        } else if (existing) {
          await issues.close(target.name, check.kind, 'back under the threshold', {
            at,
            source: 'spans',
            detail: check.detail,
          });
          open.delete(`${target.name}|${check.kind}`);
        }
      }
    }
  }

  /** Acts on the open service issues of the kinds it recovers, holding a claim while it does. */
  private async act() {
    const { issues, recoverer, recoverKinds, actor, claimLeaseMs, logger } = this.options;
    for (const issue of await issues.openIssues()) {
      if (issue.subjectType !== 'service' || !recoverKinds.has(issue.kind) || !this.isWatched(issue.subject)) continue;
      const service = this.services.get(issue.subject);
      // A down issue whose service is ready again is closed next round; nothing to do.
      if (issue.kind === 'down' && service?.ready) continue;
      if (this.culpritOf(issue.subject)) continue;
      const { claimed } = await issues.claim(issue.id, actor, claimLeaseMs);
      if (!claimed) continue; // someone else is handling it
      const result = await recoverer.recover(issue, actor);
      if (result.status === 'refused') {
        // Budget exhausted or no runtime: leave the issue to an operator or the scheduler.
        await issues.release(issue.id, actor);
        logger.warn({ service: issue.subject, kind: issue.kind, reason: result.reason }, 'recovery refused');
      } else if (result.status === 'acted') {
        logger.info(
          { service: issue.subject, kind: issue.kind, outcome: result.action.outcome, detail: result.action.detail },
          'recovery action',
        );
      }
    }
  }
}
