// Operators, rules and usage in Redis. Every write is one Lua script, so it is atomic: two
// operators can never both claim a prefix, a rule never names a deleted operator, and each
// change bumps the table version and announces it on the changes channel in the same step
// (replicas rebuild from the message, or from the version when they missed it). Usage is
// counted by one script that checks the quota and increments in one step, so concurrent
// flows can never push a subscriber past it.
//
// Keys (under the client's key prefix):
//   operators                     hash    id → operator JSON
//   rules                         hash    id → rule JSON
//   prefix-owner                  hash    canonical CIDR → operator id
//   msisdn-owner                  hash    MSISDN prefix → operator id
//   version                       string  bumped by every change
//   usage:<subscriber>:<YYYY-MM>  hash    rule id → bytes zero-rated that month
//   demo:seeded                   string  set once by the demo seed
// Channel (not prefixed by ioredis, so the prefix is added here): <prefix>changes
import { type Redis, ReplyError } from 'ioredis';
import type { Operator, Rule } from './classifier.ts';

/** Redis did not answer (down, unreachable, timed out): the request may be retried. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** A write the current data refuses (a prefix another operator owns, an operator with rules…). */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

/** The rule names an operator that does not exist. */
export class UnknownOperatorError extends Error {
  override name = 'UnknownOperatorError';
}

// KEYS: operators, prefix-owner, msisdn-owner, version. ARGV: id, json, channel, number of
// prefixes, the prefixes, then the MSISDN prefixes. Returns {'conflict', kind, value, owner}
// or {'created'|'updated', version}.
const PUT_OPERATOR = `
local id, json, channel, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
for i = 5, #ARGV do
  local owners = KEYS[2]
  local kind = 'prefix'
  if i > 4 + count then owners = KEYS[3]; kind = 'msisdn prefix' end
  local owner = redis.call('HGET', owners, ARGV[i])
  if owner and owner ~= id then return {'conflict', kind, ARGV[i], owner} end
end
local previous = redis.call('HGET', KEYS[1], id)
if previous then
  local old = cjson.decode(previous)
  for _, prefix in ipairs(old.prefixes) do redis.call('HDEL', KEYS[2], prefix) end
  for _, prefix in ipairs(old.msisdnPrefixes) do redis.call('HDEL', KEYS[3], prefix) end
end
for i = 5, #ARGV do
  if i > 4 + count then redis.call('HSET', KEYS[3], ARGV[i], id) else redis.call('HSET', KEYS[2], ARGV[i], id) end
end
redis.call('HSET', KEYS[1], id, json)
local version = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', channel, version)
if previous then return {'updated', version} end
return {'created', version}
`;

// KEYS: operators, prefix-owner, msisdn-owner, version, rules. ARGV: id, channel.
// Returns {'missing'}, {'conflict', rule count, first rule id} or {'deleted', version}.
const DELETE_OPERATOR = `
local id, channel = ARGV[1], ARGV[2]
local previous = redis.call('HGET', KEYS[1], id)
if not previous then return {'missing'} end
local count, first = 0, nil
for _, json in ipairs(redis.call('HVALS', KEYS[5])) do
  local rule = cjson.decode(json)
  if rule.operator == id then
    count = count + 1
    if not first or rule.id < first then first = rule.id end
  end
end
if count > 0 then return {'conflict', count, first} end
local old = cjson.decode(previous)
for _, prefix in ipairs(old.prefixes) do redis.call('HDEL', KEYS[2], prefix) end
for _, prefix in ipairs(old.msisdnPrefixes) do redis.call('HDEL', KEYS[3], prefix) end
redis.call('HDEL', KEYS[1], id)
local version = redis.call('INCR', KEYS[4])
redis.call('PUBLISH', channel, version)
return {'deleted', version}
`;

// KEYS: rules, operators, version. ARGV: id, json, operator id, channel.
const PUT_RULE = `
local id, json, operator, channel = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HEXISTS', KEYS[2], operator) == 0 then return {'unknown-operator'} end
local created = redis.call('HSET', KEYS[1], id, json)
local version = redis.call('INCR', KEYS[3])
redis.call('PUBLISH', channel, version)
if created == 1 then return {'created', version} end
return {'updated', version}
`;

// KEYS: rules, version. ARGV: id, channel.
const DELETE_RULE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'missing'} end
local version = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[2], version)
return {'deleted', version}
`;

// The quota check and the increment, in one step. KEYS: the usage hash. ARGV: rule id,
// bytes, quota (-1: none), ttl seconds. A flow is zero-rated only when all of its bytes fit:
// used + bytes <= quota; with bytes 0 it asks whether anything is left (used < quota).
// Returns {1, used after} when zero-rated (and counted), {0, used} when the quota is exhausted.
const ACCOUNT = `
local rule, bytes, quota, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local used = tonumber(redis.call('HGET', KEYS[1], rule) or '0')
if quota >= 0 and (used + bytes > quota or (bytes == 0 and used >= quota)) then return {0, used} end
if bytes > 0 then
  used = redis.call('HINCRBY', KEYS[1], rule, bytes)
  redis.call('EXPIRE', KEYS[1], ttl)
end
return {1, used}
`;

type ScriptClient = Redis & {
  putOperator: (...args: (string | number)[]) => Promise<[string, ...(string | number)[]]>;
  deleteOperator: (...args: (string | number)[]) => Promise<[string, ...(string | number)[]]>;
  putRule: (...args: (string | number)[]) => Promise<[string, ...(string | number)[]]>;
  deleteRule: (...args: (string | number)[]) => Promise<[string, ...(string | number)[]]>;
  account: (...args: (string | number)[]) => Promise<[number, number]>;
};

export interface Snapshot {
  version: number;
  operators: Operator[];
  rules: Rule[];
}

export type WriteResult = { status: 'created' | 'updated' | 'deleted'; version: number };

/** Usage hashes live about 13 months: a year of history for GET usage. */
const USAGE_TTL_SECONDS = 400 * 86_400;

/** `2025-06` for the UTC month of `at`. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class Store {
  readonly redis: Redis;
  /** The pub/sub channel changes are announced on (the key prefix applied by hand). */
  readonly channel: string;
  private readonly scripts: ScriptClient;

  constructor(redis: Redis) {
    this.redis = redis;
    this.channel = `${redis.options.keyPrefix ?? ''}changes`;
    redis.defineCommand('putOperator', { numberOfKeys: 4, lua: PUT_OPERATOR });
    redis.defineCommand('deleteOperator', { numberOfKeys: 5, lua: DELETE_OPERATOR });
    redis.defineCommand('putRule', { numberOfKeys: 3, lua: PUT_RULE });
    redis.defineCommand('deleteRule', { numberOfKeys: 2, lua: DELETE_RULE });
    redis.defineCommand('account', { numberOfKeys: 1, lua: ACCOUNT });
    this.scripts = redis as ScriptClient;
  }

  /** Runs a Redis call, turning connection failures into StoreUnavailableError (script errors stay). */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      throw new StoreUnavailableError(`Redis is unavailable: ${(error as Error).message}`, { cause: error });
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async version(): Promise<number> {
    return Number((await this.call(() => this.redis.get('version'))) ?? 0);
  }

  /** Version, operators and rules read in one transaction: a consistent picture. */
  async snapshot(): Promise<Snapshot> {
    const replies = await this.call(() =>
      this.redis.multi().get('version').hgetall('operators').hgetall('rules').exec(),
    );
    if (!replies) throw new StoreUnavailableError('the snapshot transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const [version, operators, rules] = replies.map(([, value]) => value) as [
      string | null,
      Record<string, string>,
      Record<string, string>,
    ];
    return {
      version: Number(version ?? 0),
      operators: Object.values(operators)
        .map((json) => JSON.parse(json) as Operator)
        .sort(byId),
      rules: Object.values(rules)
        .map((json) => JSON.parse(json) as Rule)
        .sort(byId),
    };
  }

  async getOperator(id: string): Promise<Operator | undefined> {
    const json = await this.call(() => this.redis.hget('operators', id));
    return json ? (JSON.parse(json) as Operator) : undefined;
  }

  async getRule(id: string): Promise<Rule | undefined> {
    const json = await this.call(() => this.redis.hget('rules', id));
    return json ? (JSON.parse(json) as Rule) : undefined;
  }

  async putOperator(operator: Operator): Promise<WriteResult> {
    const reply = await this.call(() =>
      this.scripts.putOperator(
        'operators',
        'prefix-owner',
        'msisdn-owner',
        'version',
        operator.id,
        JSON.stringify(operator),
        this.channel,
        operator.prefixes.length,
        ...operator.prefixes,
        ...operator.msisdnPrefixes,
      ),
    );
    if (reply[0] === 'conflict') {
      const [, kind, value, owner] = reply;
      throw new StoreConflictError(`${kind} ${value} already belongs to operator ${owner}`);
    }
    return { status: reply[0] as 'created' | 'updated', version: Number(reply[1]) };
  }

  /** Undefined when there is no such operator. */
  async deleteOperator(id: string): Promise<WriteResult | undefined> {
    const reply = await this.call(() =>
      this.scripts.deleteOperator('operators', 'prefix-owner', 'msisdn-owner', 'version', 'rules', id, this.channel),
    );
    if (reply[0] === 'missing') return undefined;
    if (reply[0] === 'conflict') {
      const [, count, first] = reply;
      throw new StoreConflictError(
        `operator ${id} still has ${count} rule${Number(count) === 1 ? '' : 's'} (${first}${Number(count) > 1 ? ', …' : ''}); delete them first`,
      );
    }
    return { status: 'deleted', version: Number(reply[1]) };
  }

  async putRule(rule: Rule): Promise<WriteResult> {
    const reply = await this.call(() =>
      this.scripts.putRule('rules', 'operators', 'version', rule.id, JSON.stringify(rule), rule.operator, this.channel),
    );
    if (reply[0] === 'unknown-operator') throw new UnknownOperatorError(`there is no operator ${rule.operator}`);
    return { status: reply[0] as 'created' | 'updated', version: Number(reply[1]) };
  }

  async deleteRule(id: string): Promise<WriteResult | undefined> {
    const reply = await this.call(() => this.scripts.deleteRule('rules', 'version', id, this.channel));
    if (reply[0] === 'missing') return undefined;
    return { status: 'deleted', version: Number(reply[1]) };
  }

  /**
   * Counts `bytes` of a zero-rated flow for the subscriber, month and rule, if they fit in
   * `quota` (null: no quota). Atomic: check and increment are one script.
   */
  async account(
    subscriber: string,
    month: string,
    rule: string,
    bytes: number,
    quota: number | null,
  ): Promise<{ zeroRated: boolean; used: number }> {
    const [zeroRated, used] = await this.call(() =>
      this.scripts.account(`usage:${subscriber}:${month}`, rule, bytes, quota ?? -1, USAGE_TTL_SECONDS),
    );
    return { zeroRated: zeroRated === 1, used: Number(used) };
  }

  /** Bytes zero-rated per rule for the subscriber in the month. */
  async usage(subscriber: string, month: string): Promise<Map<string, number>> {
    const hash = await this.call(() => this.redis.hgetall(`usage:${subscriber}:${month}`));
    return new Map(Object.entries(hash).map(([rule, bytes]) => [rule, Number(bytes)]));
  }

  /** Sets `key` only if it is not set yet; true when this call set it. */
  async claim(key: string, value: string): Promise<boolean> {
    return (await this.call(() => this.redis.set(key, value, 'NX'))) === 'OK';
  }
}
