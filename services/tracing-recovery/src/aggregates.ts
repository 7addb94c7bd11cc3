// Per-service request rate, errors and latency from server spans, in Redis: one hash per
// service per minute (`agg:<service>:<minute>`: count, errors, summed duration, and a
// latency histogram), expiring after the retention. Percentiles are estimated from the
// histogram by linear interpolation inside the bucket, as Prometheus' histogram_quantile does.
import type { Redis } from 'ioredis';
import type { SpanRow } from './otlp.ts';

/** Upper bounds of the latency buckets, in milliseconds (the last bucket is +Inf). */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;
const SERVICES_KEY = 'agg:services';
const MINUTE_MS = 60_000;

/** Spans that measure requests a service handled: SERVER and CONSUMER. */
const HANDLED_KINDS = new Set([2, 5]);

export interface MinuteStats {
  minute: string;
  requests: number;
  errors: number;
  avgMs: number | null;
}

export interface ServiceStats {
  service: string;
  windowMinutes: number;
  from: string;
  to: string;
  requests: number;
  errors: number;
  /** errors / requests, 0 when there were no requests. */
  errorRate: number;
  requestsPerSecond: number;
  avgMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  minutes: MinuteStats[];
}

function bucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/** The `p`-quantile (0–1) from bucket counts. */
export function quantile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (seen + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      // Past the last bound nothing is known but the lower bound.
      if (i >= LATENCY_BUCKETS_MS.length) return lower;
      const upper = LATENCY_BUCKETS_MS[i] as number;
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1] as number;
}

export class Aggregates {
  private readonly redis: Redis;
  private readonly ttlSeconds: number;

  constructor(redis: Redis, ttlSeconds: number) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
  }

  /** Adds the server spans of a batch to their service's minute buckets (one round trip). */
  async record(rows: readonly SpanRow[]): Promise<void> {
    const buckets = new Map<string, { service: string; n: number; err: number; sumUs: number; hist: number[] }>();
    const seen = new Map<string, number>();
    for (const row of rows) {
      if (!HANDLED_KINDS.has(row.kind)) continue;
      const minute = Math.floor(Number(row.startNs / 1_000_000n) / MINUTE_MS);
      const key = `agg:${row.service}:${minute}`;
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { service: row.service, n: 0, err: 0, sumUs: 0, hist: Array(LATENCY_BUCKETS_MS.length + 1).fill(0) };
        buckets.set(key, bucket);
      }
      bucket.n += 1;
      if (row.error) bucket.err += 1;
      bucket.sumUs += Math.round(row.durationMs * 1000);
      const index = bucketIndex(row.durationMs);
      bucket.hist[index] = (bucket.hist[index] ?? 0) + 1;
      seen.set(row.service, Math.max(seen.get(row.service) ?? 0, minute * MINUTE_MS));
    }
    if (buckets.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, bucket] of buckets) {
      pipeline.hincrby(key, 'n', bucket.n);
      if (bucket.err > 0) pipeline.hincrby(key, 'err', bucket.err);
      pipeline.hincrby(key, 'sumUs', bucket.sumUs);
      bucket.hist.forEach((count, i) => {
        if (count > 0) pipeline.hincrby(key, `b${i}`, count);
      });
      pipeline.expire(key, this.ttlSeconds);
    }
    for (const [service, at] of seen) pipeline.zadd(SERVICES_KEY, 'GT', at, service);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Services that sent server spans within the retention, with when they were last seen. */
  async services(): Promise<{ service: string; lastSeen: string }[]> {
    const since = Date.now() - this.ttlSeconds * 1000;
    const entries = await this.redis.zrangebyscore(SERVICES_KEY, since, '+inf', 'WITHSCORES');
    const out: { service: string; lastSeen: string }[] = [];
    for (let i = 0; i < entries.length; i += 2) {
      out.push({ service: entries[i] as string, lastSeen: new Date(Number(entries[i + 1])).toISOString() });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }

  /** The service's totals and per-minute series over the last `minutes` minutes (the current one included). */
  async stats(service: string, minutes: number, now = Date.now()): Promise<ServiceStats> {
    const last = Math.floor(now / MINUTE_MS);
    const first = last - minutes + 1;
    const pipeline = this.redis.pipeline();
    for (let minute = first; minute <= last; minute++) pipeline.hgetall(`agg:${service}:${minute}`);
    const results = (await pipeline.exec()) ?? [];
    const hist = Array(LATENCY_BUCKETS_MS.length + 1).fill(0) as number[];
    let requests = 0;
    let errors = 0;
    let sumUs = 0;
    const series: MinuteStats[] = [];
    results.forEach(([error, value], i) => {
      if (error) throw error;
      const hash = (value ?? {}) as Record<string, string>;
      const n = Number(hash.n ?? 0);
      const err = Number(hash.err ?? 0);
      const sum = Number(hash.sumUs ?? 0);
      requests += n;
      errors += err;
      sumUs += sum;
      for (let b = 0; b < hist.length; b++) hist[b] = (hist[b] as number) + Number(hash[`b${b}`] ?? 0);
      series.push({
        minute: new Date((first + i) * MINUTE_MS).toISOString(),
        requests: n,
        errors: err,
        avgMs: n > 0 ? sum / n / 1000 : null,
      });
    });
    const elapsedSeconds = (now - first * MINUTE_MS) / 1000;
    return {
      service,
      windowMinutes: minutes,
      from: new Date(first * MINUTE_MS).toISOString(),
      to: new Date(now).toISOString(),
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : 0,
      requestsPerSecond: elapsedSeconds > 0 ? requests / elapsedSeconds : 0,
      avgMs: requests > 0 ? sumUs / requests / 1000 : null,
      p50Ms: quantile(hist, 0.5),
      p95Ms: quantile(hist, 0.95),
      p99Ms: quantile(hist, 0.99),
      minutes: series,
    };
  }
}
