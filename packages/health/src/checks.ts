/**
 * Readiness checks: each dependency check runs with its own timeout, so a hung
 * database cannot hang the probe. Required checks decide readiness; optional ones
 * only mark the service as degraded.
 */

export interface HealthCheck {
  /** Short name shown in the readiness body, e.g. `postgres`, `redis`, `model`. */
  name: string;
  /**
   * Resolves when the dependency is usable (optionally with a JSON-safe detail, such
   * as a model's age) and rejects when it is not. The signal aborts on timeout.
   */
  check: (signal: AbortSignal) => Promise<unknown>;
  /** A failing required check makes the service not ready (503). Default true. */
  required?: boolean;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

export type CheckStatus = 'pass' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  required: boolean;
  latencyMs: number;
  detail?: unknown;
  error?: string;
}

export type ReadinessStatus = 'ready' | 'degraded' | 'not_ready';

export interface ReadinessReport {
  status: ReadinessStatus;
  checks: Record<string, CheckResult>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

class CheckTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

async function runCheck(check: HealthCheck): Promise<CheckResult> {
  const required = check.required ?? true;
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // Promise.resolve().then() turns a synchronous throw into a rejection.
    const detail = await Promise.race([Promise.resolve().then(() => check.check(controller.signal)), timeout]);
    return withDetail({ status: 'pass', required, latencyMs: elapsed(started) }, detail);
  } catch (error) {
    return { status: 'fail', required, latencyMs: elapsed(started), error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

function withDetail(result: CheckResult, detail: unknown): CheckResult {
  return detail === undefined ? result : { ...result, detail };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Runs every check concurrently and summarises them. */
export async function runChecks(checks: readonly HealthCheck[]): Promise<ReadinessReport> {
  const names = new Set<string>();
  for (const check of checks) {
    if (names.has(check.name)) throw new Error(`duplicate health check name "${check.name}"`);
    names.add(check.name);
  }
  const results = await Promise.all(checks.map(runCheck));
  const entries = checks.map((check, i) => [check.name, results[i] as CheckResult] as const);
  const failedRequired = results.some((r) => r.status === 'fail' && r.required);
  const failedOptional = results.some((r) => r.status === 'fail' && !r.required);
  const status: ReadinessStatus = failedRequired ? 'not_ready' : failedOptional ? 'degraded' : 'ready';
  return { status, checks: Object.fromEntries(entries) };
}
