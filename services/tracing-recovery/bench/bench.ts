// pnpm --filter tracing-recovery bench: span ingestion through OTLP/HTTP (protobuf, then the
// JSON encoding) into the service running in its own process on real Postgres and Redis,
// against its own GET /health measured in the same run with the same clients; then the
// latency of opening one trace (GET /traces/:id, a 5-span tree across 3 services) and of a
// recent-traces search. Every batch carries new ids, so every span is a real insert.
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { closedLoop, percentile, printTable, startNodeServer } from '@azora/bench';
import { newSpanId, newTraceId } from '@azora/service-kit';
import { createTestDatabase, createTestRedis } from '@azora/testing';
import { encodeProtobuf, type OutgoingSpan } from '../src/otlp.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SPANS_PER_BATCH = Number(process.env.BENCH_BATCH ?? 200);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 800);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const db = await createTestDatabase('bench_tracing');
const redis = await createTestRedis('bench-tracing');
const service = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    DEPLOYED_SERVICES: 'ai-sentiment',
    POLL_INTERVAL_MS: '0',
    SWEEP_INTERVAL_MS: '0',
    RUNTIME: 'none',
    OTLP_MAX_BODY_BYTES: String(16 * 1024 * 1024),
  },
});
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function send(path: string, body?: Buffer, contentType?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${service.url}${path}`,
      {
        method: body ? 'POST' : 'GET',
        agent,
        headers: body ? { 'content-type': contentType as string, 'content-length': body.length } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`${path} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One trace: main-app → ai-chatbot → ai-sentiment, server and client spans, 5 in all. */
function trace(startNs: bigint): { spans: Record<string, OutgoingSpan[]>; traceId: string } {
  const traceId = newTraceId();
  const ids = Array.from({ length: 5 }, newSpanId);
  const s = (
    i: number,
    parent: number | undefined,
    name: string,
    kind: number,
    offsetMs: number,
    ms: number,
  ): OutgoingSpan => ({
    traceId,
    spanId: ids[i] as string,
    parentSpanId: parent === undefined ? undefined : ids[parent],
    name,
    kind,
    startNs: startNs + BigInt(offsetMs * 1e6),
    endNs: startNs + BigInt((offsetMs + ms) * 1e6),
    attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 },
  });
  return {
    traceId,
    spans: {
      'main-app': [s(0, undefined, 'POST /api/chatbot/*path', 2, 0, 40), s(1, 0, 'POST ai-chatbot', 3, 1, 38)],
      'ai-chatbot': [s(2, 1, 'POST /api/chatbot/messages', 2, 2, 35), s(3, 2, 'POST ai-sentiment', 3, 10, 8)],
      'ai-sentiment': [s(4, 3, 'POST /api/sentiment/analyze', 2, 11, 6)],
    },
  };
}

/** `count` export requests of SPANS_PER_BATCH spans each (one service per request, as SDKs send). */
function batches(count: number, encode: (service: string, spans: OutgoingSpan[]) => Buffer) {
  const out: Buffer[] = [];
  const traceIds: string[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  const pending: Record<string, OutgoingSpan[]> = { 'main-app': [], 'ai-chatbot': [], 'ai-sentiment': [] };
  // Traces a millisecond apart over the last minutes, as a live system sends them.
  let offset = BigInt(count * SPANS_PER_BATCH) * 200_000n;
  while (out.length < count) {
    offset -= 1_000_000n;
    const t = trace(now - offset);
    traceIds.push(t.traceId);
    for (const [svc, spans] of Object.entries(t.spans)) {
      const queue = pending[svc] as OutgoingSpan[];
      queue.push(...spans);
      if (queue.length >= SPANS_PER_BATCH) out.push(encode(svc, queue.splice(0, SPANS_PER_BATCH)));
    }
  }
  return { bodies: out.slice(0, count), traceIds };
}

const json = (service: string, spans: OutgoingSpan[]) =>
  Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              spans: spans.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId,
                name: span.name,
                kind: span.kind,
                startTimeUnixNano: String(span.startNs),
                endTimeUnixNano: String(span.endNs),
                attributes: Object.entries(span.attributes ?? {}).map(([key, value]) => ({
                  key,
                  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: String(value) },
                })),
                status: { code: 0 },
              })),
            },
          ],
        },
      ],
    }),
  );

console.log(
  `tracing-recovery benchmark: ${CLIENTS} clients, ${SECONDS} s per phase, ${SPANS_PER_BATCH} spans per export request`,
);
const protobuf = batches(BATCHES, (svc, spans) => Buffer.from(encodeProtobuf(svc, spans)));
const jsonBatches = batches(BATCHES, json);

const health = await closedLoop({ clients: CLIENTS, durationMs: 5000, task: () => send('/health') });
const ingest = async (bodies: Buffer[], type: string) =>
  closedLoop({
    clients: CLIENTS,
    count: bodies.length,
    durationMs: SECONDS * 1000,
    task: (i) => send('/v1/traces', bodies[i] as Buffer, type),
  });
const pb = await ingest(protobuf.bodies, 'application/x-protobuf');
const js = await ingest(jsonBatches.bodies, 'application/json');

// Traces whose spans were all sent (the first batches' traces are complete).
const stored = protobuf.traceIds.slice(0, Math.floor((pb.latenciesMs.length * SPANS_PER_BATCH) / 5 / 2));
const traceQuery = await closedLoop({
  clients: 4,
  durationMs: 5000,
  task: (i) => send(`/api/tracing-recovery/traces/${stored[i % stored.length]}`),
});
const search = await closedLoop({
  clients: 4,
  durationMs: 5000,
  task: () => send('/api/tracing-recovery/traces?service=ai-sentiment&limit=20&sinceMinutes=60'),
});
const rows = (await (await fetch(`${service.url}/metrics`)).text()).match(
  /^tracing_spans_stored_total\{[^}]*\} (\d+)/m,
)?.[1];

printTable([
  ['measure', 'value'],
  ['GET /health per s (baseline)', health.perSecond],
  ['protobuf export requests per s', pb.perSecond],
  ['protobuf spans per s', pb.perSecond * SPANS_PER_BATCH],
  ['protobuf requests / baseline requests', pb.perSecond / health.perSecond],
  [
    'protobuf export p50 / p99 ms',
    `${percentile(pb.latenciesMs, 50).toFixed(1)} / ${percentile(pb.latenciesMs, 99).toFixed(1)}`,
  ],
  ['JSON spans per s', js.perSecond * SPANS_PER_BATCH],
  ['protobuf spans/s / JSON spans/s', pb.perSecond / js.perSecond],
  ['spans stored', Number(rows ?? 0)],
  ['GET /traces/:id per s', traceQuery.perSecond],
  [
    'GET /traces/:id p50 / p99 ms',
    `${percentile(traceQuery.latenciesMs, 50).toFixed(2)} / ${percentile(traceQuery.latenciesMs, 99).toFixed(2)}`,
  ],
  [
    'GET /traces?service= p50 / p99 ms',
    `${percentile(search.latenciesMs, 50).toFixed(2)} / ${percentile(search.latenciesMs, 99).toFixed(2)}`,
  ],
]);

agent.destroy();
await service.stop();
await redis.cleanup();
await db.drop();
