import { BlockList, isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { wholeNumber } from './config.ts';
import { HttpProblem } from './problem.ts';

// The names Express's `trust proxy` knows for the usual ranges.
const NAMED_RANGES = new Map<string, [string, number, 'ipv4' | 'ipv6'][]>([
  [
    'loopback',
    [
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ],
  ],
  [
    'linklocal',
    [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  ],
  [
    'uniquelocal',
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
  ],
]);

/**
 * Parses `TRUST_PROXY`: comma-separated addresses, subnets (`10.0.0.0/8`) and the names
 * `loopback`, `linklocal`, `uniquelocal`. Empty trusts no proxy.
 */
export function parseTrustedProxies(value: string): BlockList {
  const list = new BlockList();
  for (const entry of value.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const named = NAMED_RANGES.get(entry);
    if (named) {
      for (const [network, prefix, type] of named) list.addSubnet(network, prefix, type);
      continue;
    }
    const [address = '', bits, ...rest] = entry.split('/');
    const version = isIP(address);
    const max = version === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
    if (version === 0 || rest.length > 0 || !(prefix <= max)) {
      throw new Error(
        `"${entry}" is not an IP address, a subnet like 10.0.0.0/8, or one of loopback, linklocal, uniquelocal`,
      );
    }
    list.addSubnet(address, prefix, version === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** `::ffff:127.0.0.1` (an IPv4 client of a dual-stack socket) as `127.0.0.1`. */
function plainAddress(address: string): string {
  const mapped = address.startsWith('::ffff:') ? address.slice(7) : '';
  return isIP(mapped) === 4 ? mapped : address;
}

/**
 * What one client is counted as: its IPv4 address, or the /64 of its IPv6 address — one
 * subscriber usually holds a whole /64 and could otherwise change address per request.
 */
function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('::');
  const groupsOf = (text: string) => (text ? text.split(':') : []);
  const [first, last] = [groupsOf(head), groupsOf(tail ?? '')];
  // `::` stands for as many zero groups as are missing.
  const zeros = tail === undefined ? [] : Array(Math.max(0, 8 - first.length - last.length)).fill('0');
  return `${[...first, ...zeros, ...last]
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  const version = isIP(address);
  return version !== 0 && trusted.check(address, version === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the peer's, unless the peer is a trusted proxy — then the last
 * `x-forwarded-for` entry, the one that proxy added (main-app's gateway appends the
 * address it saw). Entries before it are whatever the client sent and are never believed.
 */
export function clientAddress(req: Request, trusted: BlockList): string {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  if (!isTrusted(trusted, peer)) return peer;
  const added = plainAddress(req.get('x-forwarded-for')?.split(',').at(-1)?.trim() ?? '');
  return isIP(added) === 0 ? peer : added;
}

const DEFAULT_LIMIT = 120;
const DEFAULT_WINDOW_MS = 60_000;

/**
 * `RATE_LIMIT_MAX` requests per `RATE_LIMIT_WINDOW_MS` from one client, and
 * `TRUST_PROXY`, the proxies whose `x-forwarded-for` is believed (see clientAddress).
 * Spread into the shape given to `loadConfig`.
 */
export function rateLimitConfigShape() {
  return {
    RATE_LIMIT_MAX: wholeNumber(1, 1_000_000).default(DEFAULT_LIMIT),
    RATE_LIMIT_WINDOW_MS: wholeNumber(1000, 86_400_000, ' of milliseconds').default(DEFAULT_WINDOW_MS),
    TRUST_PROXY: z
      .string()
      .default('')
      .superRefine((value, ctx) => {
        try {
          parseTrustedProxies(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
  };
}

export interface RateLimitOptions {
  /** Requests one client may make per window (default 120). */
  limit?: number;
  /** Default 60 000: a minute. */
  windowMs?: number;
  /** Proxies whose `x-forwarded-for` is believed, as `TRUST_PROXY` (default: none). */
  trustProxy?: string;
  /**
   * Where the counters live: in Redis, shared by every replica of the service, when given;
   * else in this process's memory, so that each replica allows `limit` on its own.
   */
  redis?: Redis;
  /** Keeps the counters of several limiters on one Redis apart (default `requests`). */
  name?: string;
  /** Told (once a window) when Redis does not answer and the count falls back to memory. */
  logger?: Logger;
}

/**
 * A per-client rate limit over fixed windows aligned to the clock (so that replicas agree
 * on them): beyond `limit` requests in a window the client gets 429 problem+json with
 * `Retry-After`, the seconds until the next window. While Redis does not answer, each
 * replica counts in its own memory: the limit still holds, per replica, and requests are
 * neither failed nor slowed by the limiter.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const { limit = DEFAULT_LIMIT, windowMs = DEFAULT_WINDOW_MS, redis, name = 'requests' } = options;
  const trusted = parseTrustedProxies(options.trustProxy ?? '');
  // In memory only the current window's counts are kept.
  const counts = new Map<string, number>();
  let countedWindow = -1;
  let warnedWindow = -1;

  function countInMemory(client: string, window: number): number {
    if (window !== countedWindow) {
      counts.clear();
      countedWindow = window;
    }
    const used = (counts.get(client) ?? 0) + 1;
    counts.set(client, used);
    return used;
  }

  async function count(client: string, window: number, resetMs: number): Promise<number> {
    if (!redis) return countInMemory(client, window);
    try {
      const key = `ratelimit:${name}:${window}:${client}`;
      const replies = await redis
        .multi()
        .incr(key)
        .pexpire(key, resetMs + 1000)
        .exec();
      const [error, used] = replies?.[0] ?? [new Error('the transaction was aborted')];
      if (error) throw error;
      return used as number;
    } catch (error) {
      if (warnedWindow !== window) {
        warnedWindow = window;
        options.logger?.warn({ err: error }, 'rate limit counted in memory: Redis did not answer');
      }
      return countInMemory(client, window);
    }
  }

  return async (req, _res, next) => {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const resetMs = (window + 1) * windowMs - now;
    const used = await count(clientKey(clientAddress(req, trusted)), window, resetMs);
    if (used > limit) {
      const retry = Math.max(1, Math.ceil(resetMs / 1000));
      throw new HttpProblem(
        429,
        `too many requests: at most ${limit} per ${windowMs / 1000} s from one client; retry in ${retry} s`,
        { headers: { 'retry-after': String(retry) } },
      );
    }
    next();
  };
}
