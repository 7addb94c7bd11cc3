/**
 * Conversations in Redis. Per session: a hash `session:<id>` (createdAt, updatedAt, and the
 * context as `ctx:<field>` entries) and a list `session:<id>:messages`. Both expire after
 * the TTL without a message. One Lua script appends a turn and merges context atomically, so
 * concurrent messages in one session never lose history.
 *
 * A session whose keys are gone (its TTL passed, or Redis lost its data) is never recreated
 * under the same id: `saveTurn` reports it, so the caller can tell the user it expired.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface StoredMessage {
  role: 'user' | 'assistant';
  text: string;
  at: string;
  intent?: string;
  confidence?: number;
}

export interface Session {
  id: string;
  createdAt: string;
  updatedAt: string;
  context: Record<string, unknown>;
  messages: StoredMessage[];
}

/** One exchange: the user's message, the reply, and the context fields to set. */
export interface Turn {
  text: string;
  receivedAt: string;
  reply: string;
  answeredAt: string;
  intent: string;
  confidence: number;
  context: Record<string, unknown>;
}

export interface SessionStoreOptions {
  ttlSeconds: number;
  /** Oldest messages beyond this many are dropped (SESSION_MAX_MESSAGES). */
  maxMessages: number;
  /** Makes ids for new sessions (default: random UUIDs). */
  newId?: () => string;
}

/** New ids tried before giving up; a taken random UUID is all but impossible. */
const CREATE_ATTEMPTS = 3;

const CONTEXT_FIELD = 'ctx:';

// KEYS: hash, list. ARGV: now, ttl, maxMessages, create (1/0), message count, messages…, context field/value pairs….
// Returns 0 when the session does not exist (or, with create, already exists); 1 otherwise.
const APPEND_SCRIPT = `
local exists = redis.call('EXISTS', KEYS[1])
if ARGV[4] == '1' then
  if exists == 1 then return 0 end
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[1])
elseif exists == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1])
local count = tonumber(ARGV[5])
for i = 6, 5 + count do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
for i = 6 + count, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
`;

interface ScriptedRedis extends Redis {
  chatbotAppend(hash: string, list: string, ...args: (string | number)[]): Promise<number>;
}

export class SessionStore {
  private readonly redis: ScriptedRedis;
  private readonly ttlSeconds: number;
  private readonly maxMessages: number;
  private readonly newId: () => string;

  constructor(redis: Redis, options: SessionStoreOptions) {
    redis.defineCommand('chatbotAppend', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.redis = redis as ScriptedRedis;
    this.ttlSeconds = options.ttlSeconds;
    this.maxMessages = options.maxMessages;
    this.newId = options.newId ?? randomUUID;
  }

  private keys(id: string): [string, string] {
    return [`session:${id}`, `session:${id}:messages`];
  }

  /** The session's context, or undefined when it does not exist (or expired). */
  async context(id: string): Promise<Record<string, unknown> | undefined> {
    const hash = await this.redis.hgetall(this.keys(id)[0]);
    return hash.createdAt === undefined ? undefined : contextOf(hash);
  }

  /**
   * Appends messages and sets context fields. With `create`, the session must not exist yet.
   * Returns false when the session is missing (expired meanwhile) or, with `create`, taken.
   */
  async append(
    id: string,
    messages: StoredMessage[],
    context: Record<string, unknown>,
    options: { create: boolean; now: string },
  ): Promise<boolean> {
    const [hash, list] = this.keys(id);
    const fields = Object.entries(context).flatMap(([key, value]) => [CONTEXT_FIELD + key, JSON.stringify(value)]);
    const result = await this.redis.chatbotAppend(
      hash,
      list,
      options.now,
      this.ttlSeconds,
      this.maxMessages,
      options.create ? '1' : '0',
      messages.length,
      ...messages.map((m) => JSON.stringify(m)),
      ...fields,
    );
    return result === 1;
  }

  /**
   * Saves a turn in session `id`, or in a new session when `id` is undefined, and returns the
   * session's id. Returns undefined when session `id` does not exist (never issued, expired,
   * or lost with Redis' data, also between reading its context and saving).
   */
  async saveTurn(id: string | undefined, turn: Turn): Promise<string | undefined> {
    const messages: StoredMessage[] = [
      { role: 'user', text: turn.text, at: turn.receivedAt },
      { role: 'assistant', text: turn.reply, at: turn.answeredAt, intent: turn.intent, confidence: turn.confidence },
    ];
    if (id !== undefined) {
      const saved = await this.append(id, messages, turn.context, { create: false, now: turn.receivedAt });
      return saved ? id : undefined;
    }
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const created = this.newId();
      if (await this.append(created, messages, turn.context, { create: true, now: turn.receivedAt })) return created;
    }
    throw new Error(`could not create a session: ${CREATE_ATTEMPTS} new ids were all taken`);
  }

  async get(id: string): Promise<Session | undefined> {
    const [hash, list] = this.keys(id);
    const [meta, messages] = await this.redis
      .multi()
      .hgetall(hash)
      .lrange(list, 0, -1)
      .exec()
      .then(
        (results) =>
          (results ?? []).map(([error, value]) => {
            if (error) throw error;
            return value;
          }) as [Record<string, string>, string[]],
      );
    if (meta.createdAt === undefined) return undefined;
    return {
      id,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt ?? meta.createdAt,
      context: contextOf(meta),
      messages: messages.map((m) => JSON.parse(m) as StoredMessage),
    };
  }
}

function contextOf(hash: Record<string, string>): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(hash)) {
    if (key.startsWith(CONTEXT_FIELD)) context[key.slice(CONTEXT_FIELD.length)] = JSON.parse(value);
  }
  return context;
}
