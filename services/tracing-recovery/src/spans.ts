// Spans in Postgres: batched inserts, recent-trace search, one trace as a tree, the service
// graph derived from parent/child spans across services, and bounded retention.
import type pg from 'pg';
import { type AttributeValue, SPAN_KINDS, type SpanRow } from './otlp.ts';

const NS_PER_MS = 1_000_000n;

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface SpanNode {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: (typeof SPAN_KINDS)[number];
  startTime: string;
  /** Milliseconds from the trace's first span: where the bar starts in a waterfall. */
  offsetMs: number;
  durationMs: number;
  depth: number;
  error: boolean;
  statusMessage: string | null;
  attributes: Record<string, AttributeValue>;
  children: SpanNode[];
}

export interface TraceView {
  traceId: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  services: string[];
  /** Spans without a parent in the trace (normally one). */
  roots: SpanNode[];
}

export interface DependencyEdge {
  caller: string;
  callee: string;
  calls: number;
  errors: number;
  avgDurationMs: number;
}

export interface TraceQuery {
  service?: string;
  minDurationMs?: number;
  error?: boolean;
  limit: number;
  /** Only traces that started at or after this time. */
  since: Date;
}

const msToNs = (ms: number) => BigInt(Math.round(ms)) * NS_PER_MS;
const nsToIso = (ns: string | bigint) => new Date(Number(BigInt(ns) / NS_PER_MS)).toISOString();

export class SpanStore {
  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Stores the rows in one statement; a span already stored is skipped. Returns how many were new. */
  async insert(rows: readonly SpanRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const columns: unknown[][] = Array.from({ length: 13 }, () => []);
    for (const row of rows) {
      const values = [
        row.traceId,
        row.spanId,
        row.parentSpanId,
        row.service,
        row.name,
        row.kind,
        row.startNs.toString(),
        row.endNs.toString(),
        row.durationMs,
        row.statusCode,
        row.statusMessage,
        row.error,
        JSON.stringify(row.attributes),
      ];
      for (const [i, value] of values.entries()) columns[i]?.push(value);
    }
    const result = await this.pool.query(
      `INSERT INTO "Span" ("traceId", "spanId", "parentSpanId", "service", "name", "kind", "startNs", "endNs",
         "durationMs", "statusCode", "statusMessage", "error", "attributes")
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bigint[],
         $8::bigint[], $9::float8[], $10::smallint[], $11::text[], $12::bool[], $13::jsonb[])
       ON CONFLICT ("traceId", "spanId") DO NOTHING`,
      columns,
    );
    return result.rowCount ?? 0;
  }

  /**
   * Recent traces, newest first, matching the filters. The candidates are the traces of the
   * newest matching spans (an index range scan, at most `limit` × 20 spans), so a search
   * costs the same with a million spans stored as with a thousand.
   */
  async search(query: TraceQuery): Promise<TraceSummary[]> {
    const since = (BigInt(query.since.getTime()) * NS_PER_MS).toString();
    const params: unknown[] = [since, query.limit, Math.min(query.limit * 20, 10_000)];
    const where = ['"startNs" >= $1::bigint'];
    const having: string[] = [];
    if (query.service !== undefined) {
      params.push(query.service);
      where.push(`"service" = $${params.length}`);
    }
    if (query.minDurationMs !== undefined) {
      params.push(msToNs(query.minDurationMs).toString());
      having.push(`max("endNs") - min("startNs") >= $${params.length}::bigint`);
    }
    if (query.error === true) where.push('"error"');
    if (query.error === false) having.push('NOT bool_or("error")');
    const { rows } = await this.pool.query<{
      traceId: string;
      rootService: string;
      rootName: string;
      start: string;
      end: string;
      spanCount: number;
      errorCount: number;
      services: string[];
    }>(
      `SELECT "traceId",
         (array_agg("service" ORDER BY "parentSpanId" IS NOT NULL, "startNs"))[1] AS "rootService",
         (array_agg("name" ORDER BY "parentSpanId" IS NOT NULL, "startNs"))[1] AS "rootName",
         min("startNs") AS "start", max("endNs") AS "end", count(*)::int AS "spanCount",
         count(*) FILTER (WHERE "error")::int AS "errorCount",
         array_agg(DISTINCT "service") AS "services"
       FROM "Span"
       WHERE "traceId" = ANY(ARRAY(
         SELECT DISTINCT "traceId" FROM (
           SELECT "traceId" FROM "Span" WHERE ${where.join(' AND ')} ORDER BY "startNs" DESC LIMIT $3
         ) newest
       ))
       GROUP BY "traceId"
       ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
       ORDER BY min("startNs") DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      traceId: row.traceId,
      rootService: row.rootService,
      rootName: row.rootName,
      startTime: nsToIso(row.start),
      durationMs: Number(BigInt(row.end) - BigInt(row.start)) / 1e6,
      spanCount: row.spanCount,
      errorCount: row.errorCount,
      services: row.services,
    }));
  }

  /** One trace as a tree of spans (undefined when no span of it is stored). */
  async trace(traceId: string): Promise<TraceView | undefined> {
    const { rows } = await this.pool.query<{
      spanId: string;
      parentSpanId: string | null;
      service: string;
      name: string;
      kind: number;
      startNs: string;
      endNs: string;
      durationMs: number;
      error: boolean;
      statusMessage: string | null;
      attributes: Record<string, AttributeValue>;
    }>(
      `SELECT "spanId", "parentSpanId", "service", "name", "kind", "startNs", "endNs", "durationMs", "error",
         "statusMessage", "attributes"
       FROM "Span" WHERE "traceId" = $1 ORDER BY "startNs", "seq"`,
      [traceId],
    );
    if (rows.length === 0) return undefined;
    const start = rows.reduce(
      (min, row) => (BigInt(row.startNs) < min ? BigInt(row.startNs) : min),
      BigInt(rows[0]?.startNs ?? 0),
    );
    const end = rows.reduce((max, row) => (BigInt(row.endNs) > max ? BigInt(row.endNs) : max), 0n);
    const nodes = new Map<string, SpanNode>();
    for (const row of rows) {
      nodes.set(row.spanId, {
        spanId: row.spanId,
        parentSpanId: row.parentSpanId,
        service: row.service,
        name: row.name,
        kind: SPAN_KINDS[row.kind] ?? 'unspecified',
        startTime: nsToIso(row.startNs),
        offsetMs: Number(BigInt(row.startNs) - start) / 1e6,
        durationMs: row.durationMs,
        depth: 0,
        error: row.error,
        statusMessage: row.statusMessage,
        attributes: row.attributes,
        children: [],
      });
    }
    const roots: SpanNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentSpanId ? nodes.get(node.parentSpanId) : undefined;
      if (parent && parent !== node) parent.children.push(node);
      else roots.push(node);
    }
    const setDepth = (node: SpanNode, depth: number, seen: Set<SpanNode>) => {
      if (seen.has(node)) return; // a cycle in broken data must not loop forever
      seen.add(node);
      node.depth = depth;
      for (const child of node.children) setDepth(child, depth + 1, seen);
    };
    const seen = new Set<SpanNode>();
    for (const root of roots) setDepth(root, 0, seen);
    return {
      traceId,
      startTime: nsToIso(start),
      durationMs: Number(end - start) / 1e6,
      spanCount: rows.length,
      services: [...new Set(rows.map((row) => row.service))].sort(),
      roots,
    };
  }

  /** Caller → callee edges: a span whose parent span belongs to another service. */
  async dependencies(since: Date): Promise<DependencyEdge[]> {
    const { rows } = await this.pool.query<DependencyEdge>(
      `SELECT parent."service" AS "caller", child."service" AS "callee", count(*)::int AS "calls",
         count(*) FILTER (WHERE child."error")::int AS "errors", avg(child."durationMs")::float8 AS "avgDurationMs"
       FROM "Span" child
       JOIN "Span" parent ON parent."traceId" = child."traceId" AND parent."spanId" = child."parentSpanId"
       WHERE child."startNs" >= $1::bigint AND parent."service" <> child."service"
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [(BigInt(since.getTime()) * NS_PER_MS).toString()],
    );
    return rows;
  }

  /**
   * Retention: deletes spans that started before `olderThan`, then the oldest rows beyond
   * `maxRows`, in batches of `batch` so no statement holds locks for long. Returns counts.
   */
  async sweep(options: { olderThan: Date; maxRows: number; batch?: number }): Promise<{ age: number; rows: number }> {
    const batch = options.batch ?? 5000;
    const cutoff = (BigInt(options.olderThan.getTime()) * NS_PER_MS).toString();
    let age = 0;
    for (;;) {
      const result = await this.pool.query(
        `DELETE FROM "Span" WHERE "seq" IN (SELECT "seq" FROM "Span" WHERE "startNs" < $1::bigint LIMIT $2)`,
        [cutoff, batch],
      );
      age += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < batch) break;
    }
    let rows = 0;
    const { rows: bounds } = await this.pool.query<{ newest: string | null; count: string }>(
      'SELECT max("seq") AS "newest", count(*) AS "count" FROM "Span"',
    );
    const excess = Number(bounds[0]?.count ?? 0) - options.maxRows;
    if (excess > 0) {
      // The rows to keep are the newest maxRows by seq: delete every seq below the boundary.
      const { rows: boundary } = await this.pool.query<{ seq: string }>(
        'SELECT "seq" FROM "Span" ORDER BY "seq" DESC OFFSET $1 LIMIT 1',
        [options.maxRows - 1],
      );
      const keepFrom = boundary[0]?.seq;
      if (keepFrom !== undefined) {
        for (;;) {
          const result = await this.pool.query(
            `DELETE FROM "Span" WHERE "seq" IN (SELECT "seq" FROM "Span" WHERE "seq" < $1::bigint ORDER BY "seq" LIMIT $2)`,
            [keepFrom, batch],
          );
          rows += result.rowCount ?? 0;
          if ((result.rowCount ?? 0) < batch) break;
        }
      }
    }
    return { age, rows };
  }

  /** Rows stored. */
  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>('SELECT count(*) AS count FROM "Span"');
    return Number(rows[0]?.count ?? 0);
  }
}
