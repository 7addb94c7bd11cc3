// One round of the dashboard: every jurisdiction service's summary, assessment, open
// requests and breaches, and the IoT integration's summary, fetched in parallel, each call
// with a timeout. A service that does not answer (or answers nonsense) is unreachable: it
// shows no numbers at all rather than old or invented ones. Rounds are cached for a short
// TTL, and requests arriving during a round wait for that round instead of starting more.
import { type Logger, type ServiceClient, UpstreamError, z } from '@azora/service-kit';
import type { RegimeUpstream } from './upstreams.ts';

const count = z.number().int().min(0);
const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date-time');

/** What the dashboard reads of a jurisdiction service's answers (other fields are ignored). */
const schemas = {
  summary: z.object({
    regime: z.string(),
    name: z.string(),
    requests: z.object({ open: count, overdue: count }),
    breaches: z.record(z.string(), count),
    notifications: z.object({ pending: count, missed: count, nearestDeadline: instant.nullable() }),
    score: z.number(),
  }),
  assessment: z.object({
    score: z.number(),
    assessedAt: instant,
    controls: z.array(z.object({ id: z.string(), title: z.string(), status: z.string(), evidence: z.string() })),
    reasons: z.array(z.object({ points: z.number(), reason: z.string() })),
  }),
  requests: z.object({
    requests: z.array(
      z.object({
        id: z.string(),
        typeLabel: z.string(),
        status: z.string(),
        dueAt: instant,
        clockPaused: z.boolean(),
        overdue: z.boolean(),
      }),
    ),
  }),
  breaches: z.object({
    breaches: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        detectedAt: instant,
        obligations: z.array(
          z.object({
            recipient: z.string(),
            recipientName: z.string(),
            dueAt: instant.nullable(),
            targetAt: instant.nullable(),
            notifiedAt: instant.nullable(),
          }),
        ),
      }),
    ),
  }),
  iot: z.object({
    devices: z.object({ total: count, online: count, offline: count }),
    messages: z.object({ accepted: count, rejected: z.record(z.string(), count) }),
    findings: z.object({
      open: count,
      byKind: z.record(z.string(), count),
      recent: z.array(
        z.object({
          id: z.string(),
          deviceId: z.string(),
          kind: z.string(),
          regime: z.string(),
          detectedAt: instant,
          summary: z.string(),
        }),
      ),
    }),
  }),
};

/** Open request statuses: each is listed (the services filter by one status at a time). */
const OPEN_STATUSES = ['received', 'identity_verified', 'in_progress'] as const;
/** The most a list call returns (the services' own maximum). */
const LIST_LIMIT = 500;

export type IotSummary = z.infer<typeof schemas.iot>;

export interface ReachableRegime {
  service: string;
  regime: string;
  name: string;
  reachable: true;
  fetchedAt: string;
  score: number;
  reasons: string[];
  requests: { open: number; overdue: number };
  breaches: Record<string, number>;
  notifications: { pending: number; missed: number; nextDueAt: string | null };
  failingControls: { id: string; title: string; evidence: string }[];
  /** The IoT integration's recent findings under this regime. */
  iotFindings: IotSummary['findings']['recent'];
  /** True when the service had more open requests or breaches than the dashboard lists. */
  timelineTruncated: boolean;
}

export interface UnreachableRegime {
  service: string;
  regime: string;
  name: string;
  reachable: false;
  error: string;
  lastSuccessAt: string | null;
}

export type RegimeEntry = ReachableRegime | UnreachableRegime;

export interface Deadline {
  service: string;
  regime: string;
  kind: 'request' | 'breach_notification';
  /** The request's id, or `<breachId>:<recipient>`. */
  id: string;
  dueAt: string;
  label: string;
  /** Past due and not done. */
  overdue: boolean;
}

export type AlertKind = 'overdue' | 'deadline' | 'iot';

export interface DerivedAlert {
  id: string;
  kind: AlertKind;
  service: string;
  message: string;
  since: string;
}

export interface Snapshot {
  generatedAt: string;
  regimes: RegimeEntry[];
  deadlines: Deadline[];
  iot:
    | ({ reachable: true; fetchedAt: string } & IotSummary)
    | { reachable: false; error: string; lastSuccessAt: string | null };
  alerts: DerivedAlert[];
}

export interface UpstreamClient {
  upstream: RegimeUpstream;
  client: ServiceClient;
}

export interface AggregatorOptions {
  regimes: UpstreamClient[];
  iot: { service: string; apiPrefix: string; client: ServiceClient };
  apiKey: string;
  cacheTtlMs: number;
  /** A notification due within this window (or past due) raises a deadline alert. */
  deadlineWarningMs: number;
  now: () => Date;
  logger: Logger;
  /** Called once per upstream call, for the duration histogram. */
  observe?: (upstream: string, endpoint: string, outcome: string, seconds: number) => void;
}

function describeFailure(error: unknown): string {
  if (error instanceof UpstreamError) return error.message;
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return `answered with an unexpected body (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export class Aggregator {
  private cached: { snapshot: Snapshot; at: number } | undefined;
  private inflight: Promise<Snapshot> | undefined;
  private readonly lastSuccess = new Map<string, string>();
  private readonly reachable = new Map<string, boolean>();
  /** Upstream rounds run so far (tests and the TTL check read it). */
  rounds = 0;

  private readonly options: AggregatorOptions;

  constructor(options: AggregatorOptions) {
    this.options = options;
  }

  /** Logs an upstream going away or coming back, once per change rather than once per round. */
  private noteReachability(service: string, reachable: boolean, error?: string) {
    const was = this.reachable.get(service);
    this.reachable.set(service, reachable);
    if (was === reachable) return;
    if (reachable) {
      if (was === false) this.options.logger.info({ upstream: service }, 'upstream answers again');
    } else {
      this.options.logger.warn({ upstream: service, error }, 'upstream unreachable: shown as such until it answers');
    }
  }

  /** The latest round if younger than the TTL; otherwise the round under way, or a new one. */
  current(): Promise<Snapshot> {
    if (this.cached && performance.now() - this.cached.at < this.options.cacheTtlMs) {
      return Promise.resolve(this.cached.snapshot);
    }
    this.inflight ??= this.round().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async get<T>(client: ServiceClient, service: string, endpoint: string, path: string, schema: z.ZodType<T>) {
    const started = performance.now();
    let outcome = 'ok';
    try {
      const response = await client.call<unknown>(path, { headers: { 'x-api-key': this.options.apiKey } });
      const parsed = schema.safeParse(response.body);
      if (!parsed.success) {
        outcome = 'bad_body';
        throw parsed.error;
      }
      return parsed.data;
    } catch (error) {
      if (error instanceof UpstreamError) outcome = error.failure;
      throw error;
    } finally {
      this.options.observe?.(service, endpoint, outcome, (performance.now() - started) / 1000);
    }
  }

  private async fetchRegime({ upstream, client }: UpstreamClient) {
    const api = `/api/${upstream.apiPrefix}`;
    const get = <T>(endpoint: string, path: string, schema: z.ZodType<T>) =>
      this.get(client, upstream.service, endpoint, `${api}/${path}`, schema);
    const [summary, assessment, breaches, ...lists] = await Promise.all([
      get('summary', 'summary', schemas.summary),
      get('assessment', 'assessment', schemas.assessment),
      get('breaches', `breaches?limit=${LIST_LIMIT}`, schemas.breaches),
      ...OPEN_STATUSES.map((status) =>
        get('requests', `requests?status=${status}&limit=${LIST_LIMIT}`, schemas.requests),
      ),
    ]);
    return { summary, assessment, breaches: breaches.breaches, openRequests: lists.flatMap((list) => list.requests) };
  }

  private async round(): Promise<Snapshot> {
    this.rounds += 1;
    const { regimes, iot } = this.options;
    const [regimeResults, iotResult] = await Promise.all([
      Promise.allSettled(regimes.map((entry) => this.fetchRegime(entry))),
      Promise.allSettled([
        this.get(iot.client, iot.service, 'summary', `/api/${iot.apiPrefix}/summary`, schemas.iot),
      ]).then(([result]) => result as PromiseSettledResult<IotSummary>),
    ]);
    const now = this.options.now();
    const fetchedAt = now.toISOString();

    const iotState: Snapshot['iot'] =
      iotResult.status === 'fulfilled'
        ? { reachable: true, fetchedAt, ...iotResult.value }
        : {
            reachable: false,
            error: describeFailure(iotResult.reason),
            lastSuccessAt: this.lastSuccess.get(iot.service) ?? null,
          };
    if (iotResult.status === 'fulfilled') this.lastSuccess.set(iot.service, fetchedAt);
    this.noteReachability(
      iot.service,
      iotResult.status === 'fulfilled',
      'error' in iotState ? iotState.error : undefined,
    );
    const findings = iotResult.status === 'fulfilled' ? iotResult.value.findings.recent : [];

    const entries: RegimeEntry[] = [];
    const deadlines: Deadline[] = [];
    const alerts: DerivedAlert[] = [];
    const warnUntil = now.getTime() + this.options.deadlineWarningMs;

    regimes.forEach(({ upstream }, index) => {
      const result = regimeResults[index] as PromiseSettledResult<Awaited<ReturnType<Aggregator['fetchRegime']>>>;
      const { service, regime, name } = upstream;
      if (result.status === 'rejected') {
        const error = describeFailure(result.reason);
        this.noteReachability(service, false, error);
        entries.push({
          service,
          regime,
          name,
          reachable: false,
          error,
          lastSuccessAt: this.lastSuccess.get(service) ?? null,
        });
        return;
      }
      this.noteReachability(service, true);
      this.lastSuccess.set(service, fetchedAt);
      const { summary, assessment, breaches, openRequests } = result.value;
      entries.push({
        service,
        regime,
        name: summary.name,
        reachable: true,
        fetchedAt,
        score: assessment.score,
        reasons: assessment.reasons.map((r) => `−${r.points} points: ${r.reason}`),
        requests: summary.requests,
        breaches: summary.breaches,
        notifications: {
          pending: summary.notifications.pending,
          missed: summary.notifications.missed,
          nextDueAt: summary.notifications.nearestDeadline,
        },
        failingControls: assessment.controls
          .filter((c) => c.status === 'fail')
          .map(({ id, title, evidence }) => ({ id, title, evidence })),
        iotFindings: findings.filter((f) => f.regime === regime),
        // More open requests or breaches than one list call returns: the timeline shows the first ones.
        timelineTruncated: openRequests.length < summary.requests.open || breaches.length >= LIST_LIMIT,
      });

      for (const request of openRequests) {
        deadlines.push({
          service,
          regime,
          kind: 'request',
          id: request.id,
          dueAt: request.dueAt,
          label: `${summary.name}: ${request.typeLabel} request due${request.clockPaused ? ' (clock paused until identity is verified)' : ''}`,
          overdue: request.overdue,
        });
        if (request.overdue) {
          alerts.push({
            id: `overdue:${service}:${request.id}`,
            kind: 'overdue',
            service,
            message: `${summary.name}: ${request.typeLabel} request ${request.id} is past its due date (${request.dueAt})`,
            since: request.dueAt,
          });
        }
      }
      for (const breach of breaches) {
        for (const obligation of breach.obligations) {
          const due = obligation.dueAt ?? obligation.targetAt;
          if (obligation.notifiedAt !== null || due === null) continue;
          const overdue = Date.parse(due) < now.getTime();
          const what = obligation.dueAt === null ? 'target (no statutory deadline)' : 'deadline';
          deadlines.push({
            service,
            regime,
            kind: 'breach_notification',
            id: `${breach.id}:${obligation.recipient}`,
            dueAt: due,
            label: `${summary.name}: notify ${obligation.recipientName} of breach “${breach.title}” (${what})`,
            overdue,
          });
          if (Date.parse(due) <= warnUntil) {
            alerts.push({
              id: `deadline:${service}:${breach.id}:${obligation.recipient}`,
              kind: 'deadline',
              service,
              message: `${summary.name}: notification of ${obligation.recipientName} for breach “${breach.title}” ${
                overdue ? `missed its ${what} (${due})` : `is due by ${due}`
              }`,
              since: breach.detectedAt,
            });
          }
        }
      }
    });

    for (const finding of findings) {
      alerts.push({
        id: `iot:${finding.id}`,
        kind: 'iot',
        service: iot.service,
        message: `IoT finding (${finding.kind}, ${finding.regime}) on device ${finding.deviceId}: ${finding.summary}`,
        since: finding.detectedAt,
      });
    }

    deadlines.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt) || a.id.localeCompare(b.id));
    alerts.sort((a, b) => Date.parse(a.since) - Date.parse(b.since) || a.id.localeCompare(b.id));
    const snapshot: Snapshot = { generatedAt: fetchedAt, regimes: entries, deadlines, iot: iotState, alerts };
    this.cached = { snapshot, at: performance.now() };
    return snapshot;
  }
}
