/**
 * The status board's data: every catalog service's readiness, polled in the background
 * (never per request) so the board answers instantly and upstreams see one probe per
 * interval however many browsers are open. The console's own row comes from its own
 * readiness checks, run at each poll.
 */
import type { ServiceEntry } from '@azora/catalog';
import { type HealthCheck, type Logger, runChecks } from '@azora/service-kit';

export type ServiceState = 'ready' | 'degraded' | 'down' | 'not_deployed' | 'pending';

export interface ServiceStatus {
  name: string;
  group: string;
  description: string;
  apiPrefix: string;
  port: number;
  deployed: boolean;
  state: ServiceState;
  /** Round trip of the last readiness probe, in milliseconds. */
  latencyMs: number | null;
  /** From the upstream's readiness body. */
  version: string | null;
  /** When the last probe finished (ISO 8601). */
  checkedAt: string | null;
  /** Why the service is not ready: unreachable, timed out, or its failing checks. */
  detail: string | null;
}

export interface StatusReport {
  generatedAt: string;
  pollIntervalMs: number;
  summary: Record<ServiceState, number> & { total: number };
  services: ServiceStatus[];
}

export interface Upstream {
  entry: ServiceEntry;
  url: string;
  deployed: boolean;
}

export interface StatusPollerOptions {
  upstreams: Upstream[];
  /**
   * The console itself: its row comes from running its own readiness checks at each poll,
   * after the probes (so a check on the upstreams sees this round's answers).
   */
  self: { entry: ServiceEntry; version: string; checks?: readonly HealthCheck[] };
  intervalMs: number;
  timeoutMs: number;
  logger?: Logger;
}

interface ReadinessBody {
  status?: unknown;
  version?: unknown;
  reason?: unknown;
  checks?: Record<string, { status?: unknown; error?: unknown }>;
}

function failingChecks(body: ReadinessBody): string | null {
  const failing = Object.entries(body.checks ?? {})
    .filter(([, check]) => check?.status === 'fail')
    .map(([name, check]) => (typeof check.error === 'string' ? `${name}: ${check.error}` : name));
  return failing.length > 0 ? failing.join('; ') : null;
}

/** Probes `<url>/health/ready` once and classifies the answer. */
export async function probe(
  upstream: Upstream,
  timeoutMs: number,
): Promise<Pick<ServiceStatus, 'state' | 'latencyMs' | 'version' | 'detail'>> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(`${upstream.url}${upstream.entry.health.ready}`, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    const text = await response.text();
    const latencyMs = latency();
    let body: ReadinessBody = {};
    try {
      body = JSON.parse(text) as ReadinessBody;
    } catch {
      // A readiness answer that is not JSON still tells up from down by its status.
    }
    const version = typeof body.version === 'string' ? body.version : null;
    if (response.ok) {
      const degraded = body.status === 'degraded';
      return {
        state: degraded ? 'degraded' : 'ready',
        latencyMs,
        version,
        detail: degraded ? failingChecks(body) : null,
      };
    }
    const reason = typeof body.reason === 'string' ? body.reason : failingChecks(body);
    return {
      state: 'down',
      latencyMs,
      version,
      detail: `not ready (${response.status})${reason ? `: ${reason}` : ''}`,
    };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return {
      state: 'down',
      latencyMs: null,
      version: null,
      detail: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `unreachable at ${upstream.url}${code ? ` (${code})` : ''}`,
    };
  }
}

/** Runs the console's own readiness checks once, timed like a probe, and classifies them. */
export async function checkSelf(
  checks: readonly HealthCheck[],
  timeoutMs: number,
): Promise<Pick<ServiceStatus, 'state' | 'latencyMs' | 'detail'>> {
  const started = performance.now();
  const report = await runChecks(checks.map((check) => ({ timeoutMs, ...check })));
  const failed = Object.entries(report.checks).filter(([, result]) => result.status === 'fail');
  return {
    state: report.status === 'not_ready' ? 'down' : report.status,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    detail: failed.length > 0 ? failed.map(([name, result]) => `${name}: ${result.error}`).join('; ') : null,
  };
}

export class StatusPoller {
  private readonly statuses = new Map<string, ServiceStatus>();
  private readonly options: StatusPollerOptions;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(options: StatusPollerOptions) {
    this.options = options;
    const { self } = options;
    this.statuses.set(self.entry.name, { ...describe(self.entry, true), state: 'pending', version: self.version });
    for (const upstream of options.upstreams) {
      this.statuses.set(upstream.entry.name, {
        ...describe(upstream.entry, upstream.deployed),
        state: upstream.deployed ? 'pending' : 'not_deployed',
      });
    }
  }

  /** Polls now and then every interval until stopped. */
  start(): void {
    if (this.timer || this.stopped) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One round of probes of every deployed service; concurrent callers share the round. */
  poll(): Promise<void> {
    this.current ??= this.pollAll().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async pollAll(): Promise<void> {
    const deployed = this.options.upstreams.filter((upstream) => upstream.deployed);
    await Promise.all(
      deployed.map(async (upstream) => {
        let result = await probe(upstream, this.options.timeoutMs);
        const previous = this.statuses.get(upstream.entry.name);
        // One slow probe of a service that was answering (busy with a long request, say)
        // makes it degraded; it is down when the next probe is slow too.
        if (
          result.state === 'down' &&
          result.detail?.startsWith('no answer within') &&
          previous &&
          answeredReady(previous)
        ) {
          result = { ...result, state: 'degraded', detail: `slow: ${result.detail}` };
        }
        this.record(upstream.entry, result);
      }),
    );
    const { self } = this.options;
    const result = await checkSelf(self.checks ?? [], this.options.timeoutMs);
    this.record(self.entry, { ...result, version: self.version });
  }

  private record(entry: ServiceEntry, result: Pick<ServiceStatus, 'state' | 'latencyMs' | 'version' | 'detail'>): void {
    const previous = this.statuses.get(entry.name);
    if (previous?.state !== result.state && previous?.state !== 'pending') {
      this.options.logger?.info(
        { upstream: entry.name, from: previous?.state, to: result.state, detail: result.detail },
        'service state changed',
      );
    }
    this.statuses.set(entry.name, { ...describe(entry, true), ...result, checkedAt: new Date().toISOString() });
  }

  /** The latest statuses; waits for the first round when nothing has been probed yet. */
  async report(): Promise<StatusReport> {
    if ([...this.statuses.values()].some((status) => status.state === 'pending')) await this.poll();
    const services = [...this.statuses.values()];
    const summary = { ready: 0, degraded: 0, down: 0, not_deployed: 0, pending: 0, total: services.length };
    for (const service of services) summary[service.state] += 1;
    return { generatedAt: new Date().toISOString(), pollIntervalMs: this.options.intervalMs, summary, services };
  }

  /**
   * Whether each probed deployed service answered its last readiness probe with 200
   * (ready or degraded); exported as `platform_service_ready{target}` for the alert rules.
   */
  readiness(): Array<{ name: string; ready: boolean }> {
    return [...this.statuses.values()]
      .filter((s) => s.deployed && s.state !== 'pending')
      .map((s) => ({ name: s.name, ready: answeredReady(s) }));
  }

  /** Deployed upstreams that were down at the last probe (the console itself is not one). */
  down(): string[] {
    return [...this.statuses.values()]
      .filter((s) => s.state === 'down' && s.name !== this.options.self.entry.name)
      .map((s) => s.name);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The last probe got a 200 from `/health/ready` (a slow probe that timed out did not). */
function answeredReady(status: ServiceStatus): boolean {
  return status.state === 'ready' || (status.state === 'degraded' && !status.detail?.startsWith('slow'));
}

function describe(entry: ServiceEntry, deployed: boolean) {
  return {
    name: entry.name,
    group: entry.group,
    description: entry.description,
    apiPrefix: entry.apiPrefix,
    port: entry.port,
    deployed,
    latencyMs: null,
    version: null,
    checkedAt: null,
    detail: deployed ? null : 'not part of this deployment',
  };
}
