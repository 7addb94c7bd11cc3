// The network state summary — per slice its sessions, reserved bitrate and p95 latency against
// its budget; per cell its sessions and latest load — built from Postgres and cached in Redis.
//
// Cache keys carry a generation: `summary:<gen>`. A write that changes what the summary shows
// bumps `summary:gen`, so the next read misses, and a rebuild that began before the write can
// only fill the old generation's key, never serve stale data as new. On a miss one rebuild
// runs: within a process concurrent misses share one promise, and across replicas a Redis lock
// (`SET NX PX`) elects one builder while the others wait for its result. If Redis is away
// the summary is built directly, uncached.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@azora/service-kit';
import type { Redis } from 'ioredis';
import type { PrismaClient } from './db.ts';
import { presentSnssai, type Snssai, sliceType } from './snssai.ts';

export interface SliceState {
  id: string;
  operator: string;
  snssai: Snssai;
  key: string;
  type: string;
  name: string;
  activeSessions: number;
  maxSessions: number;
  reservedBitrateKbps: number;
  guaranteedBitrateKbps: number;
  latencyBudgetMs: number;
  /** p95 of the slice's latency samples in the window; null without samples. */
  p95LatencyMs: number | null;
  latencySamples: number;
  /** The p95 latency is above the budget. */
  latencyBreached: boolean;
}

export interface CellState {
  id: string;
  operator: string;
  name: string;
  tac: string;
  band: string;
  activeSessions: number;
  maxSessions: number;
  /** The latest KPI report in the window; null without one. */
  latest: { observedAt: string; loadPercent: number; throughputMbps: number; latencyMs: number } | null;
}

export interface NetworkSummary {
  generatedAt: string;
  windowSeconds: number;
  slices: SliceState[];
  cells: CellState[];
  /** Keys of the slices whose p95 latency breaches their budget. */
  breaches: string[];
}

export async function buildSummary(prisma: PrismaClient, windowSeconds: number, now = new Date()) {
  const since = new Date(now.getTime() - windowSeconds * 1000);
  const slices = await prisma.$queryRaw<
    {
      id: string;
      operator: string;
      sst: number;
      sd: string | null;
      snssai: string;
      name: string;
      active_sessions: number;
      max_sessions: number;
      reserved_bitrate_kbps: number;
      guaranteed_bitrate_kbps: number;
      latency_budget_ms: number;
      p95: number | null;
      samples: number;
    }[]
  >`
    SELECT s."id"::text, o."name" AS "operator", s."sst", s."sd", s."snssai", s."name",
           s."active_sessions", s."max_sessions", s."reserved_bitrate_kbps", s."guaranteed_bitrate_kbps",
           s."latency_budget_ms", k."p95", k."samples"
      FROM "slices" s
      JOIN "operators" o ON o."id" = s."operator_id"
      CROSS JOIN LATERAL (
        SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY "latency_ms") AS "p95", count(*)::int AS "samples"
          FROM "slice_kpis" WHERE "slice_id" = s."id" AND "observed_at" > ${since.toISOString()}::timestamptz
      ) k
     ORDER BY o."name", s."sst", s."sd" NULLS FIRST`;
  const cells = await prisma.$queryRaw<
    {
      id: string;
      operator: string;
      name: string;
      tac: string;
      band: string;
      active_sessions: number;
      max_sessions: number;
      observed_at: Date | null;
      load_percent: number | null;
      throughput_mbps: number | null;
      latency_ms: number | null;
    }[]
  >`
    SELECT c."id"::text, o."name" AS "operator", c."name", c."tac", c."band", c."active_sessions", c."max_sessions",
           k."observed_at", k."load_percent", k."throughput_mbps", k."latency_ms"
      FROM "cells" c
      JOIN "operators" o ON o."id" = c."operator_id"
      LEFT JOIN LATERAL (
        SELECT "observed_at", "load_percent", "throughput_mbps", "latency_ms" FROM "cell_kpis"
         WHERE "cell_id" = c."id" AND "observed_at" > ${since.toISOString()}::timestamptz
         ORDER BY "observed_at" DESC LIMIT 1
      ) k ON true
     ORDER BY o."name", c."name"`;
  const sliceStates: SliceState[] = slices.map((row) => {
    const p95 = row.p95 === null ? null : Number(row.p95);
    return {
      id: row.id,
      operator: row.operator,
      snssai: presentSnssai(row.sst, row.sd),
      key: row.snssai,
      type: sliceType(row.sst),
      name: row.name,
      activeSessions: row.active_sessions,
      maxSessions: row.max_sessions,
      reservedBitrateKbps: row.reserved_bitrate_kbps,
      guaranteedBitrateKbps: row.guaranteed_bitrate_kbps,
      latencyBudgetMs: row.latency_budget_ms,
      p95LatencyMs: p95,
      latencySamples: row.samples,
      latencyBreached: p95 !== null && p95 > row.latency_budget_ms,
    };
  });
  return {
    generatedAt: now.toISOString(),
    windowSeconds,
    slices: sliceStates,
    cells: cells.map((row) => ({
      id: row.id,
      operator: row.operator,
      name: row.name,
      tac: row.tac,
      band: row.band,
      activeSessions: row.active_sessions,
      maxSessions: row.max_sessions,
      latest:
        row.observed_at === null
          ? null
          : {
              observedAt: row.observed_at.toISOString(),
              loadPercent: Number(row.load_percent),
              throughputMbps: Number(row.throughput_mbps),
              latencyMs: Number(row.latency_ms),
            },
    })),
    breaches: sliceStates.filter((slice) => slice.latencyBreached).map((slice) => `${slice.operator}/${slice.key}`),
  } satisfies NetworkSummary;
}

export interface SummaryCacheOptions {
  redis: Redis;
  build: () => Promise<NetworkSummary>;
  /** How long a built summary is served (ms); 0: never cached, built on every read. */
  ttlMs: number;
  /** How long a builder holds the rebuild lock at most (ms); default 10 s. */
  lockMs?: number;
  /** How long a reader waits for another replica's rebuild before building itself (ms); default 5 s. */
  waitMs?: number;
  logger: Logger;
  onBuild?: () => void;
}

const GENERATION = 'summary:gen';
// Deletes the lock only if it is still ours.
const UNLOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class SummaryCache {
  private readonly inflight = new Map<string, Promise<NetworkSummary>>();

  private readonly options: SummaryCacheOptions;

  constructor(options: SummaryCacheOptions) {
    this.options = options;
  }

  /** The cached summary, or a fresh one built once however many ask at the same time. */
  async get(): Promise<{ summary: NetworkSummary; cached: boolean }> {
    const { redis } = this.options;
    if (this.options.ttlMs === 0) return { summary: await this.build(), cached: false };
    let generation: string;
    try {
      generation = (await redis.get(GENERATION)) ?? '0';
      const hit = await redis.get(`summary:${generation}`);
      if (hit) return { summary: JSON.parse(hit) as NetworkSummary, cached: true };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'Redis is unavailable: building the network summary uncached');
      return { summary: await this.build(), cached: false };
    }
    let pending = this.inflight.get(generation);
    if (!pending) {
      pending = this.rebuild(generation).finally(() => this.inflight.delete(generation));
      this.inflight.set(generation, pending);
    }
    return { summary: await pending, cached: false };
  }

  /** Makes the next read rebuild (a write changed what the summary shows). */
  async invalidate(): Promise<void> {
    try {
      await this.options.redis.incr(GENERATION);
    } catch (error) {
      // Nothing is served from Redis while it is away, and the TTL bounds what it held.
      this.options.logger.warn({ err: error }, 'could not invalidate the cached network summary');
    }
  }

  private async build(): Promise<NetworkSummary> {
    this.options.onBuild?.();
    return this.options.build();
  }

  private async rebuild(generation: string): Promise<NetworkSummary> {
    const { redis, ttlMs } = this.options;
    const key = `summary:${generation}`;
    const lock = `summary:lock:${generation}`;
    const deadline = Date.now() + (this.options.waitMs ?? 5000);
    const token = randomUUID();
    for (;;) {
      if (await redis.set(lock, token, 'PX', this.options.lockMs ?? 10_000, 'NX')) {
        try {
          // Another builder may have finished between our miss and our lock.
          const hit = await redis.get(key);
          if (hit) return JSON.parse(hit) as NetworkSummary;
          const summary = await this.build();
          await redis.set(key, JSON.stringify(summary), 'PX', ttlMs);
          return summary;
        } finally {
          await redis.eval(UNLOCK, 1, lock, token).catch(() => {});
        }
      }
      // Someone else is building: wait for its result, or take over if it gave up.
      await sleep(20);
      const hit = await redis.get(key);
      if (hit) return JSON.parse(hit) as NetworkSummary;
      if (Date.now() > deadline) {
        this.options.logger.warn('waited too long for another replica to rebuild the network summary; building here');
        return this.build();
      }
    }
  }
}
