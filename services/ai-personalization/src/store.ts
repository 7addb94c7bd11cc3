// Items, events and users' histories in Redis. Every write is one Lua script, so it is
// atomic: concurrent duplicates of an event id are accepted exactly once, and an item's
// category index never disagrees with the item.
//
// Keys (under the client's key prefix):
//   items                  hash   id → item JSON
//   items:all              zset   every item id (score 0: ordered by id)
//   items:category-of      hash   id → category
//   items:category:<name>  zset   item ids of one category
//   events                 list   accepted events (JSON), in arrival order
//   events:ids             set    event ids seen (for idempotency)
//   users                  zset   user → number of accepted events
//   user:<id>              hash   item → summed event weights (the user's history)
import { type Redis, ReplyError } from 'ioredis';
import { type CatalogItem, EVENT_WEIGHTS, type EventType } from './model.ts';

/** Redis did not answer (down, unreachable, timed out): the request may be retried. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export interface NewEvent {
  /** The client's id for the event: a retry with the same id is a duplicate. */
  id: string;
  user: string;
  item: string;
  type: EventType;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

export type StoredEvent = NewEvent;

export interface EventsResult {
  accepted: number;
  duplicates: number;
  /** Accepted events by type. */
  acceptedTypes: Partial<Record<EventType, number>>;
}

const PUT_ITEM = `
local id, json, category, prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local previous = redis.call('HGET', KEYS[2], id)
if previous and previous ~= category then
  redis.call('ZREM', prefix .. 'items:category:' .. previous, id)
end
redis.call('HSET', KEYS[1], id, json)
redis.call('HSET', KEYS[2], id, category)
redis.call('ZADD', KEYS[3], 0, id)
redis.call('ZADD', KEYS[4], 0, id)
if previous then return 0 end
return 1
`;

// ARGV: prefix, then 5 per event: id, user, item, weight, JSON.
// Returns one character per event: '1' accepted, '0' duplicate.
const ADD_EVENTS = `
local prefix = ARGV[1]
local result = {}
for base = 2, #ARGV, 5 do
  local id, user, item, weight, json = ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  if redis.call('SADD', KEYS[1], id) == 1 then
    redis.call('RPUSH', KEYS[2], json)
    redis.call('HINCRBY', prefix .. 'user:' .. user, item, weight)
    redis.call('ZINCRBY', KEYS[3], 1, user)
    result[#result + 1] = '1'
  else
    result[#result + 1] = '0'
  end
end
return table.concat(result)
`;

type ScriptClient = Redis & {
  putItem: (...args: string[]) => Promise<number>;
  addEvents: (...args: string[]) => Promise<string>;
};

export class Store {
  readonly redis: Redis;
  readonly #prefix: string;
  readonly #scripts: ScriptClient;

  constructor(redis: Redis) {
    this.redis = redis;
    this.#prefix = redis.options.keyPrefix ?? '';
    redis.defineCommand('putItem', { numberOfKeys: 4, lua: PUT_ITEM });
    redis.defineCommand('addEvents', { numberOfKeys: 3, lua: ADD_EVENTS });
    this.#scripts = redis as ScriptClient;
  }

  async ping(): Promise<void> {
    await guard(() => this.redis.ping());
  }

  /** Creates or replaces an item; true when it is new. */
  async putItem(item: CatalogItem): Promise<boolean> {
    const json = JSON.stringify(item);
    const created = await guard(() =>
      this.#scripts.putItem(
        'items',
        'items:category-of',
        'items:all',
        `items:category:${item.category}`,
        item.id,
        json,
        item.category,
        this.#prefix,
      ),
    );
    return created === 1;
  }

  async getItem(id: string): Promise<CatalogItem | undefined> {
    const json = await guard(() => this.redis.hget('items', id));
    return json === null ? undefined : (JSON.parse(json) as CatalogItem);
  }

  /** Items by id, in the order asked; undefined for ids that are not in the catalogue. */
  async getItems(ids: readonly string[]): Promise<(CatalogItem | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await guard(() => this.redis.hmget('items', ...ids));
    return values.map((json) => (json === null ? undefined : (JSON.parse(json) as CatalogItem)));
  }

  async listItems(options: { limit: number; offset: number; category?: string }) {
    const key = options.category === undefined ? 'items:all' : `items:category:${options.category}`;
    const [ids, total] = await guard(() =>
      Promise.all([this.redis.zrange(key, options.offset, options.offset + options.limit - 1), this.redis.zcard(key)]),
    );
    const items = (await this.getItems(ids)).filter((item): item is CatalogItem => item !== undefined);
    return { items, total };
  }

  async countItems(): Promise<number> {
    return guard(() => this.redis.hlen('items'));
  }

  /** Every item, read in pages (for model builds). */
  async allItems(): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    let cursor = '0';
    do {
      const [next, entries] = await guard(() => this.redis.hscan('items', cursor, 'COUNT', 1000));
      cursor = next;
      for (let i = 1; i < entries.length; i += 2) items.push(JSON.parse(entries[i] as string) as CatalogItem);
    } while (cursor !== '0');
    // HSCAN order is arbitrary; a stable order keeps builds deterministic.
    return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Stores events atomically. An event whose id was seen before is a duplicate and
   * changes nothing, so a client may retry a batch safely.
   */
  async addEvents(events: readonly NewEvent[]): Promise<EventsResult> {
    const args: string[] = [this.#prefix];
    for (const event of events) {
      args.push(event.id, event.user, event.item, String(EVENT_WEIGHTS[event.type]), JSON.stringify(event));
    }
    const flags = await guard(() => this.#scripts.addEvents('events:ids', 'events', 'users', ...args));
    const result: EventsResult = { accepted: 0, duplicates: 0, acceptedTypes: {} };
    events.forEach((event, i) => {
      if (flags[i] === '1') {
        result.accepted++;
        result.acceptedTypes[event.type] = (result.acceptedTypes[event.type] ?? 0) + 1;
      } else {
        result.duplicates++;
      }
    });
    return result;
  }

  async countEvents(): Promise<number> {
    return guard(() => this.redis.llen('events'));
  }

  /** Events in arrival order, from `start` (inclusive) to `stop` (inclusive, -1 = last). */
  async events(start = 0, stop = -1): Promise<StoredEvent[]> {
    const values = await guard(() => this.redis.lrange('events', start, stop));
    return values.map((json) => JSON.parse(json) as StoredEvent);
  }

  /** A user's summed event weights per item (empty for a user never seen). */
  async history(user: string): Promise<Map<string, number>> {
    const hash = await guard(() => this.redis.hgetall(`user:${user}`));
    return new Map(Object.entries(hash).map(([item, weight]) => [item, Number(weight)]));
  }

  /** Known users, most active first. */
  async topUsers(limit: number): Promise<{ id: string; events: number }[]> {
    const flat = await guard(() => this.redis.zrevrange('users', 0, limit - 1, 'WITHSCORES'));
    const users: { id: string; events: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) users.push({ id: flat[i] as string, events: Number(flat[i + 1]) });
    return users;
  }

  /** Every user's history, read in pipelined batches (for model builds). */
  async allHistories(batchSize = 500): Promise<Map<string, Map<string, number>>> {
    const users = await guard(() => this.redis.zrange('users', 0, -1));
    const histories = new Map<string, Map<string, number>>();
    for (let start = 0; start < users.length; start += batchSize) {
      const batch = users.slice(start, start + batchSize);
      const pipeline = this.redis.pipeline();
      for (const user of batch) pipeline.hgetall(`user:${user}`);
      const replies = (await guard(() => pipeline.exec())) ?? [];
      replies.forEach(([error, hash], i) => {
        if (error) throw error;
        const history = new Map(Object.entries(hash as Record<string, string>).map(([item, w]) => [item, Number(w)]));
        histories.set(batch[i] as string, history);
      });
    }
    return histories;
  }

  /** Sets `key` once (SET NX); true for the caller that set it. */
  async claim(key: string, value: string): Promise<boolean> {
    return (await guard(() => this.redis.set(key, value, 'NX'))) === 'OK';
  }
}

/** Redis answering with an error is a bug (rethrown); Redis not answering is unavailability. */
async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new StoreUnavailableError(`Redis is unavailable: ${(error as Error).message}`, { cause: error });
  }
}
