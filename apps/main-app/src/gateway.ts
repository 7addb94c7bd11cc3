/**
 * The API gateway: `/api/<apiPrefix>/...` goes, path and query unchanged, to the catalog
 * service with that prefix, at the host and port the catalog route names and nowhere
 * else. Bodies stream through untouched in both directions (vision uploads, large JSON),
 * with a size cap, a timeout for the upstream's answer, and the caller's trace carried
 * on. Failures become problem+json naming the service.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import type { ServiceEntry } from '@azora/catalog';
import { type Logger, problem, propagationHeaders, sendProblem } from '@azora/service-kit';
import type { RequestHandler } from 'express';

export interface GatewayRoute {
  entry: ServiceEntry;
  /** Base URL, e.g. `http://ai-vision:3013`. */
  url: string;
  deployed: boolean;
}

export interface GatewayOptions {
  /** By apiPrefix. */
  routes: ReadonlyMap<string, GatewayRoute>;
  /** Milliseconds to wait for an upstream's response headers, and between body chunks. */
  timeoutMs: number;
  /** Largest request body forwarded, in bytes. */
  maxBodyBytes: number;
  logger: Logger;
  metrics: GatewayMetrics;
  /**
   * Forward a path outside `/api/<prefix>/` to one route: `{ prefix: 'ai-website-builder',
   * mount: ['sites'] }` sends `/sites/...` to the website builder, checked like API paths.
   * Without it the route is the request's `:prefix` and the mount `/api/<prefix>/`.
   */
  fixed?: { prefix: string; mount: readonly string[] };
}

export interface GatewayMetrics {
  requests: { inc(labels: { upstream: string; outcome: string }): void };
  duration: { startTimer(labels: { upstream: string }): () => unknown };
}

// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    result[name] = value;
  }
  return result;
}

function appendForwardedFor(existing: string | string[] | undefined, address: string | undefined): string {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return [previous, address].filter(Boolean).join(', ');
}

/**
 * Why a request target is not forwarded, or null when it is a plain path inside
 * `/api/<prefix>/` (or inside `mount`, e.g. `['sites']` for `/sites/`). Only origin-form
 * targets (`/path?query`) are: an absolute-form one (`http://host/...`) names a host of its
 * own. A path must mean the same to every reader, so dot segments (`..`, `%2e%2e`, `..;`),
 * encoded slashes and backslashes are refused rather than resolved: servers and URL
 * parsers disagree on them.
 */
export function refusedTarget(
  target: string,
  prefix: string,
  mount: readonly string[] = ['api', prefix],
): string | null {
  const inside = `/${mount.join('/')}/`;
  if (!target.startsWith('/') || target.startsWith('//')) {
    return 'the request target must be a path like /api/<service>/...; absolute URLs (http://host/...) are not forwarded';
  }
  if (!/^[\x21-\x7e]*$/.test(target) || target.includes('#')) {
    return 'the request target must be printable ASCII without a fragment (#)';
  }
  const path = target.split('?', 1)[0] as string;
  if (path.includes('\\')) return 'the path contains a backslash';
  const segments: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return `the path segment "${segment}" is not valid percent-encoding`;
    }
    if (/[/\\]|%(2e|2f|5c)/i.test(decoded)) {
      return `the path segment "${segment}" hides an encoded slash, backslash or dot`;
    }
    // `..;x` is a dot segment to servers that strip path parameters.
    if (['.', '..'].includes(decoded.split(';', 1)[0] as string)) {
      return `the path segment "${segment}" is a dot segment; the gateway does not resolve . or .. (paths stay inside ${inside})`;
    }
    segments.push(decoded);
  }
  // The first segment as Express routes it (case-insensitively), the rest exactly.
  const outside = mount.some((part, i) => (i === 0 ? segments[0]?.toLowerCase() !== part : segments[i] !== part));
  if (outside) return `the path is not inside ${inside}`;
  return null;
}

/** Where a route's requests go: its origin, and the request options every request to it shares. */
interface UpstreamTarget {
  origin: string;
  send: typeof httpRequest;
  options: RequestOptions;
}

type Outcome = 'ok' | 'unreachable' | 'timeout' | 'not_deployed' | 'too_large' | 'aborted';

/** How long an idle upstream connection is kept when the upstream announces no keep-alive timeout. */
const IDLE_UPSTREAM_SOCKET_MS = 4000;

export function gatewayHandler(options: GatewayOptions): RequestHandler {
  const { routes, timeoutMs, maxBodyBytes, logger, metrics } = options;
  // Reused upstream connections: a new TCP connection per forwarded request costs more than the request.
  // An idle connection is dropped a second before the upstream's announced keep-alive timeout
  // (`Keep-Alive: timeout=5`), so a request never goes out on one the upstream is closing at
  // that moment (a 502 ECONNRESET); Node's agent honours the hint only under its own `timeout`.
  const reuse = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: IDLE_UPSTREAM_SOCKET_MS };
  const agents = { 'http:': new HttpAgent(reuse), 'https:': new HttpsAgent(reuse) };
  // Each route's origin as request options, worked out once rather than per request.
  const targets = new Map<GatewayRoute, UpstreamTarget>();
  for (const route of routes.values()) {
    const base = new URL(route.url);
    const https = base.protocol === 'https:';
    const { protocol, hostname, port } = urlToHttpOptions(base);
    targets.set(route, {
      origin: base.origin,
      send: https ? httpsRequest : httpRequest,
      options: { protocol, hostname, port, agent: https ? agents['https:'] : agents['http:'] },
    });
  }

  return (req, res) => {
    const prefix = options.fixed?.prefix ?? String(req.params.prefix ?? '');
    const refused = refusedTarget(req.originalUrl, prefix, options.fixed?.mount);
    if (refused) {
      sendProblem(res, problem(400, refused, { instance: req.originalUrl }));
      return;
    }
    const route = routes.get(prefix);
    if (!route) {
      sendProblem(
        res,
        problem(404, `no service serves /api/${prefix}/ (known prefixes: ${[...routes.keys()].sort().join(', ')})`, {
          instance: req.originalUrl,
        }),
      );
      return;
    }
    const { entry } = route;
    const count = (outcome: Outcome) => metrics.requests.inc({ upstream: entry.name, outcome });

    if (!route.deployed) {
      // Not a passing outage: asking again will not bring it.
      count('not_deployed');
      sendProblem(
        res,
        problem(404, `${entry.name} is not part of this deployment`, {
          instance: req.originalUrl,
          upstream: entry.name,
          failure: 'not_deployed',
        }),
      );
      return;
    }

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      count('too_large');
      // The client is still sending; close the connection rather than read what we refuse.
      res.setHeader('connection', 'close');
      sendProblem(
        res,
        problem(413, `request body is ${declared} bytes; the gateway forwards at most ${maxBodyBytes} bytes`, {
          instance: req.originalUrl,
          upstream: entry.name,
        }),
      );
      return;
    }

    // The catalog route's origin, with the request's own path and query (checked above).
    const target = targets.get(route) as UpstreamTarget;
    const path = req.originalUrl;
    const headers = forwardable(req.headers);
    Object.assign(headers, propagationHeaders());
    headers['x-forwarded-for'] = appendForwardedFor(req.headers['x-forwarded-for'], req.socket.remoteAddress);
    headers['x-forwarded-proto'] ??= req.protocol;
    if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;

    const stopTimer = metrics.duration.startTimer({ upstream: entry.name });
    let settled = false;
    const fail = (status: number, outcome: Outcome, detail: string, error?: unknown) => {
      if (settled) {
        // The answer is already streaming: a stalled or broken upstream can only cut it short.
        if (outcome === 'timeout' || outcome === 'aborted') {
          upstream.destroy();
          res.destroy();
        }
        return;
      }
      settled = true;
      count(outcome);
      upstream.destroy();
      if (outcome === 'aborted') return;
      logger.warn({ upstream: entry.name, url: `${target.origin}${path}`, outcome, err: error }, detail);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (outcome === 'too_large') res.setHeader('connection', 'close');
      if (status === 503) res.setHeader('retry-after', '5');
      sendProblem(res, problem(status, detail, { instance: req.originalUrl, upstream: entry.name, failure: outcome }));
    };

    const upstream = target.send({ ...target.options, path, method: req.method, headers, timeout: timeoutMs });

    upstream.on('timeout', () =>
      fail(504, 'timeout', `${entry.name} did not answer within ${timeoutMs} ms`, new Error('upstream timeout')),
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      fail(502, 'unreachable', `${entry.name} is unreachable at ${route.url} (${error.code ?? error.message})`, error);
    });
    upstream.on('response', (answer: IncomingMessage) => {
      if (settled) {
        answer.resume();
        return;
      }
      settled = true;
      count('ok');
      stopTimer();
      res.status(answer.statusCode ?? 502);
      for (const [name, value] of Object.entries(forwardable(answer.headers))) {
        if (value !== undefined) res.setHeader(name, value);
      }
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });

    // A client that goes away takes its upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) {
        if (!settled) fail(499, 'aborted', 'client closed the request');
        upstream.destroy();
      }
    });

    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        req.unpipe(upstream);
        req.resume();
        fail(413, 'too_large', `request body is over ${maxBodyBytes} bytes, the most the gateway forwards`);
      }
    });
    req.on('aborted', () => fail(499, 'aborted', 'client aborted the request body'));
    req.pipe(upstream);
  };
}
