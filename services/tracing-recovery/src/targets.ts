// What the detector watches: every deployed catalog service (DEPLOYED_SERVICES, like
// main-app; the whole catalog when unset) at its `<SERVICE>_URL` (the catalog's default
// otherwise), and the infrastructure those services need, checked directly.
import { connect } from 'node:net';
import { defaultUrl, findService, type Infrastructure, SERVICES, urlVariable } from '@azora/catalog';

export const SELF = 'tracing-recovery';

export interface Target {
  name: string;
  /** Base URL, no trailing slash. */
  url: string;
  readyPath: string;
  infrastructure: readonly Infrastructure[];
  /** Catalog services it calls ('*' left out: a caller of everything blames nobody). */
  calls: readonly string[];
}

/** Infrastructure the detector can check over the network. */
export const CHECKED_PIECES = ['postgres', 'redis', 'mongodb', 'mqtt'] as const;
export type CheckedPiece = (typeof CHECKED_PIECES)[number];

export interface InfraTarget {
  piece: CheckedPiece;
  host: string;
  port: number;
}

/**
 * The watched services: `deployed` (catalog or package names, comma-separated) or the whole
 * catalog, without tracing-recovery itself. Unknown names are returned apart, for the log.
 */
export function resolveTargets(
  deployed: string | undefined,
  env: Record<string, string | undefined>,
): { targets: Target[]; unknown: string[] } {
  const names =
    deployed === undefined
      ? SERVICES.map((s) => s.name)
      : deployed
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean);
  const unknown: string[] = [];
  const targets: Target[] = [];
  for (const name of new Set(names)) {
    const entry = findService(name) ?? SERVICES.find((s) => s.package === name);
    if (!entry) {
      unknown.push(name);
      continue;
    }
    if (entry.name === SELF) continue;
    targets.push({
      name: entry.name,
      url: (env[urlVariable(entry.name)] ?? defaultUrl(entry.name)).replace(/\/+$/, ''),
      readyPath: entry.health.ready,
      infrastructure: entry.infrastructure,
      calls: entry.calls.filter((call) => call !== '*'),
    });
  }
  return { targets, unknown };
}

const DEFAULT_PORTS: Record<CheckedPiece, number> = { postgres: 5432, redis: 6379, mongodb: 27017, mqtt: 1883 };

/** host:port of a piece from its URL (postgres://, redis://, mongodb://, mqtt://). */
export function infraTarget(piece: CheckedPiece, url: string): InfraTarget {
  const parsed = new URL(url);
  // mongodb:// may list several hosts; the first one is checked.
  const host = parsed.hostname || '127.0.0.1';
  return { piece, host: host.replace(/^\[|\]$/g, ''), port: Number(parsed.port) || DEFAULT_PORTS[piece] };
}

export interface ProbeResult {
  ok: boolean;
  /** HTTP status, when the service answered. */
  status?: number;
  /** Why it failed: connection refused, timeout, the readiness body's failed checks. */
  detail: string;
  ms: number;
}

/** GET the service's readiness path: ok on 200. */
export async function probeReadiness(target: Target, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const res = await fetch(`${target.url}${target.readyPath}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    const ms = performance.now() - started;
    if (res.status === 200) return { ok: true, status: 200, detail: 'ready', ms };
    return { ok: false, status: res.status, detail: failedChecks(text) ?? `readiness answered ${res.status}`, ms };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { ok: false, detail: `unreachable: ${reason}`, ms: performance.now() - started };
  }
}

/** "not ready: postgres (connection refused), redis (timeout)" from a kit readiness body. */
function failedChecks(body: string): string | undefined {
  try {
    const report = JSON.parse(body) as { checks?: Record<string, { status?: string; error?: string }> };
    const failed = Object.entries(report.checks ?? {}).filter(([, check]) => check.status === 'fail');
    if (failed.length === 0) return undefined;
    return `not ready: ${failed.map(([name, check]) => `${name}${check.error ? ` (${check.error})` : ''}`).join(', ')}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks a piece directly: a TCP connect, and for Redis a PING (any answer, even an
 * authentication error, means the server is there). Always settles within `timeoutMs`:
 * a peer that accepts and then closes without a word (docker-proxy while its container
 * stops, a server shutting down) is down, and a round of the detector waits on this.
 */
export function checkInfrastructure(target: InfraTarget, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    let settled = false;
    const done = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ok, detail, ms: performance.now() - started });
    };
    // A deadline, not socket.setTimeout: that one is about idleness, and never fires once the socket has closed.
    const deadline = setTimeout(
      () => done(false, `no answer from ${target.host}:${target.port} within ${timeoutMs} ms`),
      timeoutMs,
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(false, `${target.host}:${target.port}: ${error.code ?? error.message}`),
    );
    socket.once('close', () => done(false, `${target.host}:${target.port} closed the connection without answering`));
    socket.once('connect', () => {
      if (target.piece !== 'redis') return done(true, `accepting connections on ${target.host}:${target.port}`);
      socket.write('PING\r\n');
      socket.once('data', (data) => {
        const line = data.toString('utf8').split('\r\n')[0] ?? '';
        if (line.startsWith('+') || line.startsWith('-')) done(true, `answered PING: ${line.slice(0, 60)}`);
        else done(false, `unexpected answer to PING: ${line.slice(0, 60)}`);
      });
    });
  });
}
