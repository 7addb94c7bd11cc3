/**
 * One active scheduler at a time: a lease in Redis (`SET NX PX`) carrying a fencing token
 * from a counter that only grows (`INCR`). The holder renews the lease while it lives;
 * a holder that dies without releasing is replaced once the lease expires. Every action
 * carries the token of the lease it was started under and asks `fence(token)` right
 * before its effect (a manifest made visible, a recovery triggered, a snapshot deleted):
 * one Lua script checks, atomically, that no newer token was issued and that the lease is
 * still this holder's — and extends it — so a holder that was paused past its lease (GC,
 * SIGSTOP, a slow disk) finds its late write refused instead of racing the new leader.
 */
import type { Logger } from '@azora/service-kit';
import type { Redis } from 'ioredis';

// KEYS[1] lease, KEYS[2] token counter; ARGV[1] instance, ARGV[2] lease ms. → new token, or 0.
const ACQUIRE = `
if redis.call('set', KEYS[1], 'acquiring', 'NX', 'PX', ARGV[2]) then
  local token = redis.call('incr', KEYS[2])
  redis.call('set', KEYS[1], token .. ' ' .. ARGV[1], 'PX', ARGV[2])
  return token
end
return 0`;

// KEYS[1] lease; ARGV[1] holder value, ARGV[2] lease ms. → 1 renewed, 0 not the holder.
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
return 0`;

// KEYS[1] lease, KEYS[2] token counter; ARGV[1] token, ARGV[2] holder value, ARGV[3] lease ms.
// → 1 when the token is the newest issued and its lease still held (the lease is extended), else 0.
const FENCE = `
if tonumber(redis.call('get', KEYS[2]) or '0') ~= tonumber(ARGV[1]) then return 0 end
if redis.call('get', KEYS[1]) ~= ARGV[2] then return 0 end
redis.call('pexpire', KEYS[1], ARGV[3])
return 1`;

// KEYS[1] lease; ARGV[1] holder value. → 1 released, 0 not the holder.
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

export interface LeaderLockOptions {
  /** A client without a key prefix: the keys are named in full here. */
  redis: Redis;
  /** Prefix of the lock's two keys (`<prefix>leader`, `<prefix>fencing-token`). */
  keyPrefix: string;
  /** This replica: host, pid and a random part. */
  instance: string;
  ttlMs: number;
  logger: Logger;
  /** Called when this replica becomes the leader or stops being it. */
  onChange?: (leader: boolean, token: number | undefined) => void;
}

export interface LeaderInfo {
  instance: string;
  token: number;
  /** Milliseconds left on the lease. */
  expiresInMs: number;
}

/** A refused action: this replica is not (or no longer) the leader. */
export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
}

export class LeaderLock {
  readonly #options: LeaderLockOptions;
  readonly #leaseKey: string;
  readonly #counterKey: string;
  #token: number | undefined;
  #renewedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(options: LeaderLockOptions) {
    this.#options = options;
    this.#leaseKey = `${options.keyPrefix}leader`;
    this.#counterKey = `${options.keyPrefix}fencing-token`;
  }

  get instance(): string {
    return this.#options.instance;
  }

  get isLeader(): boolean {
    return this.#token !== undefined;
  }

  /** The fencing token of the lease this replica holds. */
  get token(): number | undefined {
    return this.#token;
  }

  #holder(token: number): string {
    return `${token} ${this.#options.instance}`;
  }

  #set(token: number | undefined): void {
    if (token === this.#token) return;
    const was = this.#token;
    this.#token = token;
    if (token !== undefined) this.#options.logger.info({ token }, 'this replica is now the active scheduler');
    else this.#options.logger.warn({ token: was }, 'this replica is no longer the active scheduler');
    this.#options.onChange?.(token !== undefined, token);
  }

  /** Acquires the lease when it is free, or renews it when held. */
  async tick(): Promise<void> {
    const { redis, ttlMs } = this.#options;
    try {
      if (this.#token === undefined) {
        const token = Number(await redis.eval(ACQUIRE, 2, this.#leaseKey, this.#counterKey, this.instance, ttlMs));
        if (token > 0) {
          this.#renewedAt = Date.now();
          this.#set(token);
        }
        return;
      }
      const renewed = await redis.eval(RENEW, 1, this.#leaseKey, this.#holder(this.#token), ttlMs);
      if (Number(renewed) === 1) this.#renewedAt = Date.now();
      else this.#set(undefined);
    } catch (error) {
      // Redis unreachable: the lease cannot be confirmed; once it has surely run out, step down.
      if (this.#token !== undefined && Date.now() - this.#renewedAt >= ttlMs) this.#set(undefined);
      this.#options.logger.warn({ err: error }, 'the leader lock could not be checked');
    }
  }

  /** Tries at once, then acquires or renews every third of the lease. */
  start(): void {
    if (this.#timer) return;
    const run = () => {
      this.#ticking ??= this.tick().finally(() => {
        this.#ticking = undefined;
      });
    };
    run();
    this.#timer = setInterval(run, Math.max(100, Math.floor(this.#options.ttlMs / 3)));
    this.#timer.unref();
  }

  /** Waits for the first attempt (tests, start-up). */
  async settled(): Promise<void> {
    await this.#ticking;
  }

  /** Stops renewing; `release` gives the lease up at once so another replica takes over without waiting. */
  async stop({ release = true } = {}): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    const token = this.#token;
    if (token === undefined) return;
    if (release) {
      await this.#options.redis.eval(RELEASE, 1, this.#leaseKey, this.#holder(token)).catch(() => {});
    }
    this.#set(undefined);
  }

  /**
   * True when `token` is still the newest token issued and its lease is still held by this
   * replica (and then the lease is extended): the check every action makes right before its effect.
   */
  async fence(token: number): Promise<boolean> {
    const { redis, ttlMs } = this.#options;
    const ok = Number(await redis.eval(FENCE, 2, this.#leaseKey, this.#counterKey, token, this.#holder(token), ttlMs));
    if (ok === 1) {
      if (this.#token === token) this.#renewedAt = Date.now();
      return true;
    }
    if (this.#token === token) this.#set(undefined);
    return false;
  }

  /** As fence, but throws NotLeaderError when refused. */
  async assert(token: number, action: string): Promise<void> {
    if (!(await this.fence(token))) {
      throw new NotLeaderError(`${action} refused: fencing token ${token} is stale (another replica leads now)`);
    }
  }

  /** Who holds the lease now, from Redis. */
  async leader(): Promise<LeaderInfo | undefined> {
    const { redis } = this.#options;
    const [value, ttl] = await Promise.all([redis.get(this.#leaseKey), redis.pttl(this.#leaseKey)]);
    const match = value ? /^(\d+) (.+)$/.exec(value) : null;
    if (!match) return undefined;
    return { token: Number(match[1]), instance: match[2] ?? '', expiresInMs: Math.max(0, ttl) };
  }
}
