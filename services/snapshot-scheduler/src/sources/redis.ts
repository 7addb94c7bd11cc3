/**
 * Redis: the keys under a service's prefix, each exported with DUMP (Redis's own
 * serialisation: every type, encoding kept) and its expiry, one JSON line per key:
 * `{"k": key after the prefix, "v": DUMP payload, "e": absolute expiry in ms or null}`,
 * key and payload in base64. The server's RDB file is not reachable from another
 * container; this export is. Restore clears the target prefix, then RESTOREs every key
 * (REPLACE, ABSTTL): keys whose expiry passed since the snapshot stay gone.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import type { Draft, Manifest } from '../store.ts';
import { type SnapshotResult, type Source, SourceError } from './source.ts';

const FILE = 'keys.ndjson';
const BATCH = 500;

interface KeyLine {
  k: string;
  v: string;
  e: number | null;
}

const globEscape = (prefix: string) => prefix.replace(/[*?[\]\\]/g, '\\$&');

export class RedisSource implements Source {
  readonly kind = 'redis' as const;
  readonly #redis: Redis;

  /** `redis`: a client of its own without a key prefix (long exports must not delay the lock's renewals). */
  constructor(redis: Redis) {
    this.#redis = redis;
  }

  invalidTarget(name: string): string | undefined {
    return name.length > 0 && name.length <= 100 && !/[\s*?[\]\\]/.test(name)
      ? undefined
      : 'a Redis target must be a key prefix of 1 to 100 characters without spaces or glob characters';
  }

  async #version(): Promise<string> {
    const info = await this.#redis.info('server');
    return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
  }

  async check() {
    return { server: `redis ${await this.#version()}` };
  }

  async #keys(prefix: string, onBatch: (keys: Buffer[]) => Promise<void>, signal?: AbortSignal): Promise<void> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      signal?.throwIfAborted();
      const [next, keys] = await this.#redis.scanBuffer(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000);
      cursor = String(next);
      // SCAN may return a key twice; each is handled once.
      const fresh = keys.filter((key) => {
        const id = key.toString('base64');
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length > 0) await onBatch(fresh);
    } while (cursor !== '0');
  }

  async snapshot(prefix: string, draft: Draft, signal: AbortSignal): Promise<SnapshotResult> {
    const version = await this.#version();
    const prefixBytes = Buffer.byteLength(prefix);
    const out = createWriteStream(draft.path(FILE));
    const closed = once(out, 'close');
    let count = 0;
    try {
      await this.#keys(
        prefix,
        async (keys) => {
          for (let i = 0; i < keys.length; i += BATCH) {
            const batch = keys.slice(i, i + BATCH);
            const pipeline = this.#redis.pipeline();
            for (const key of batch) pipeline.dumpBuffer(key).pttl(key);
            const results = (await pipeline.exec()) ?? [];
            const now = Date.now();
            for (const [index, key] of batch.entries()) {
              const [dumpError, dump] = results[index * 2] ?? [];
              const [ttlError, ttl] = results[index * 2 + 1] ?? [];
              if (dumpError || ttlError) throw dumpError ?? ttlError;
              // Deleted or expired between SCAN and DUMP: not part of the snapshot.
              if (!dump || Number(ttl) === -2) continue;
              const line: KeyLine = {
                k: key.subarray(prefixBytes).toString('base64'),
                v: (dump as Buffer).toString('base64'),
                e: Number(ttl) > 0 ? now + Number(ttl) : null,
              };
              if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
              count++;
            }
          }
        },
        signal,
      );
    } finally {
      out.end();
      await closed;
    }
    await draft.addFile(FILE);
    return { format: 'redis-dump-ndjson', source: { server: 'redis', version }, contents: { keys: count } };
  }

  async restore(_manifest: Manifest, file: (name: string) => string, target: string, signal: AbortSignal) {
    // Read (and check) the whole export before touching the target.
    const lines: KeyLine[] = [];
    const reader = createInterface({ input: createReadStream(file(FILE)), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of reader) {
      if (!text) continue;
      const line = JSON.parse(text) as KeyLine;
      if (typeof line.k !== 'string' || typeof line.v !== 'string') {
        throw new SourceError(`${FILE} holds a line that is not a key export`);
      }
      lines.push(line);
    }

    let removed = 0;
    await this.#keys(
      target,
      async (keys) => {
        removed += await this.#redis.unlink(...keys);
      },
      signal,
    );

    const targetBytes = Buffer.from(target);
    const now = Date.now();
    let restored = 0;
    let expired = 0;
    for (let i = 0; i < lines.length; i += BATCH) {
      signal.throwIfAborted();
      const pipeline = this.#redis.pipeline();
      for (const line of lines.slice(i, i + BATCH)) {
        if (line.e !== null && line.e <= now) {
          expired++;
          continue;
        }
        const key = Buffer.concat([targetBytes, Buffer.from(line.k, 'base64')]);
        const value = Buffer.from(line.v, 'base64');
        if (line.e === null) pipeline.restore(key, 0, value, 'REPLACE');
        else pipeline.restore(key, line.e, value, 'REPLACE', 'ABSTTL');
        restored++;
      }
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    }
    return { keys: restored, expired, removed };
  }

  async close(): Promise<void> {}
}
