/**
 * Express middleware that tags each response with `X-Azora-Zero-Rated`: whether the
 * zero-rating service says the request's flow (client address, host, path) is zero-rated
 * for the subscriber's operator.
 *
 * Header values: `true`, `false`, or `unknown` when the classifier could not say — it did
 * not answer within `timeoutMs`, was unreachable, refused the call (bad credentials, a flow
 * it cannot classify) or answered something unreadable. The middleware never fails or
 * holds up the request it tags beyond `timeoutMs`: every outcome calls `next()` once.
 *
 * Answers are cached per flow for `cacheTtlMs`; an `unknown` only for `failureTtlMs`, so a
 * classifier that is down costs one timeout per flow per that window rather than one per
 * request. Concurrent requests for the same flow share one call. No bytes are sent: tagging
 * never counts usage, so a key with the `viewer` role is enough.
 */
import { ServiceClient } from '@azora/service-kit';
import type { Request, RequestHandler } from 'express';

export const ZERO_RATED_HEADER = 'X-Azora-Zero-Rated';

export type ZeroRatedValue = 'true' | 'false' | 'unknown';

/** What is classified: as the service's POST /api/zero-rating/classify takes it. */
export interface Flow {
  clientIp?: string;
  msisdn?: string;
  host: string;
  path?: string;
}

export interface ZeroRatingTagOptions {
  /** The zero-rating service's base URL, e.g. http://zero-rating:5001 (ZERO_RATING_URL). */
  url: string;
  /** Sent as `x-api-key` (any role that may read: viewer, service, operator, admin). */
  apiKey?: string;
  /** Sent as a bearer token instead of an API key. */
  token?: string;
  /** Longest wait for the classifier before tagging `unknown` (default 150 ms). */
  timeoutMs?: number;
  /** How long a `true`/`false` answer is reused for the same flow (default 60 s). */
  cacheTtlMs?: number;
  /** How long an `unknown` is reused before the classifier is asked again (default 5 s). */
  failureTtlMs?: number;
  /** Most flows kept in the cache; the oldest go first (default 10,000). */
  maxEntries?: number;
  /**
   * The flow of a request; undefined tags it `unknown` without a call. Default: the client
   * address (`req.ip`, which honours the app's `trust proxy`), `req.hostname` and `req.path`.
   */
  flow?: (req: Request) => Flow | undefined;
  /** Called with each failure (a timeout, an unreachable service), for logs. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_TIMEOUT_MS = 150;
export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_FAILURE_TTL_MS = 5000;
export const DEFAULT_MAX_ENTRIES = 10_000;

const defaultFlow = (req: Request): Flow | undefined =>
  req.ip && req.hostname ? { clientIp: req.ip, host: req.hostname, path: req.path } : undefined;

/** A time-limited cache that drops its oldest entries beyond `max`. */
class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, expires: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}

export interface ZeroRatingTagger extends RequestHandler {
  /** What the tagger would answer for a flow (cached, shared, never rejects). */
  classify: (flow: Flow) => Promise<ZeroRatedValue>;
  /** Flows cached now. */
  readonly cacheSize: number;
}

export function zeroRatingTag(options: ZeroRatingTagOptions): ZeroRatingTagger {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const failureTtlMs = options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS;
  const flowOf = options.flow ?? defaultFlow;
  const client = new ServiceClient({ service: 'zero-rating', baseUrl: options.url, timeoutMs });
  const headers: Record<string, string> = {};
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const cache = new ExpiringCache<ZeroRatedValue>(options.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const inFlight = new Map<string, Promise<ZeroRatedValue>>();

  async function askClassifier(flow: Flow): Promise<ZeroRatedValue> {
    try {
      const { body } = await client.call<{ zeroRated?: unknown }>('/api/zero-rating/classify', {
        method: 'POST',
        json: flow,
        headers,
      });
      if (typeof body?.zeroRated !== 'boolean') throw new Error('the classifier answered without a zeroRated flag');
      return body.zeroRated ? 'true' : 'false';
    } catch (error) {
      options.onError?.(error);
      return 'unknown';
    }
  }

  const keyOf = (flow: Flow) => JSON.stringify([flow.clientIp, flow.msisdn, flow.host, flow.path]);

  /** The classifier's answer for a flow not in the cache: one call, shared by concurrent requests. */
  function askShared(key: string, flow: Flow): Promise<ZeroRatedValue> {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = askClassifier(flow).then((value) => {
        cache.set(key, value, Date.now() + (value === 'unknown' ? failureTtlMs : cacheTtlMs));
        inFlight.delete(key);
        return value;
      });
      inFlight.set(key, pending);
    }
    return pending;
  }

  function classify(flow: Flow): Promise<ZeroRatedValue> {
    const key = keyOf(flow);
    const cached = cache.get(key, Date.now());
    return cached ? Promise.resolve(cached) : askShared(key, flow);
  }

  const middleware: RequestHandler = (req, res, next) => {
    let flow: Flow | undefined;
    try {
      flow = flowOf(req);
    } catch (error) {
      options.onError?.(error);
    }
    if (!flow) {
      res.setHeader(ZERO_RATED_HEADER, 'unknown');
      next();
      return;
    }
    // A cached answer tags the response at once, without a turn through the promise queue.
    const key = keyOf(flow);
    const cached = cache.get(key, Date.now());
    if (cached) {
      res.setHeader(ZERO_RATED_HEADER, cached);
      next();
      return;
    }
    askShared(key, flow).then((value) => {
      if (!res.headersSent) res.setHeader(ZERO_RATED_HEADER, value);
      next();
    });
  };

  return Object.defineProperties(middleware, {
    classify: { value: classify },
    cacheSize: { get: () => cache.size },
  }) as ZeroRatingTagger;
}
