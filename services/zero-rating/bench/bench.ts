// pnpm --filter zero-rating bench: classification throughput for a table of 50,000 prefixes
// (IPv4 and IPv6, nested) and 5,000 rules —
//   in process: the compiled tries against a linear scan of the same table, alternating
//     rounds in the same run (target >= 200,000 classifications/s), after checking that
//     both decide every sampled flow alike;
//   over HTTP: the service in its own process on Redis, single flows and the batch form,
//     with p50/p99 latency, against the service's own GET /health through the same client;
//   memory: heap and typed arrays held by a compiled table, per 10,000 prefixes.
// Run with --expose-gc (the package script does) for the memory figures.
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { closedLoop, percentile, printTable, startNodeServer } from '@azora/bench';
import { createRedisClient } from '@azora/service-kit';
import { createTestRedis } from '@azora/testing';
import type { Flow, Table } from '../src/classifier.ts';
import { normalizeHost } from '../src/host.ts';
import { parseAddress } from '../src/ip.ts';
import { Store } from '../src/store.ts';
import { compile } from '../src/tables.ts';
import { generate, type RawFlow } from './data.ts';
import { LinearTable } from './linear.ts';

const PREFIXES = Number(process.env.BENCH_PREFIXES ?? 50_000);
const RULES = Number(process.env.BENCH_RULES ?? 5000);
const OPERATORS = Number(process.env.BENCH_OPERATORS ?? 500);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TARGET = 200_000;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const now = Date.parse('2025-06-15T12:00:00Z');

console.log(
  `zero-rating benchmark: ${PREFIXES.toLocaleString('en-US')} prefixes, ${RULES.toLocaleString('en-US')} rules, ${OPERATORS} operators`,
);
const data = generate({ operators: OPERATORS, prefixes: PREFIXES, rules: RULES, flows: 20_000 });

/** A flow as the service parses it from the request: address parsed, host normalised. */
function parse(raw: RawFlow): Flow {
  const address = raw.clientIp ? parseAddress(raw.clientIp) : undefined;
  const host = normalizeHost(raw.host);
  if (!host.ok || (address && !address.ok)) throw new Error(`bad synthetic flow ${JSON.stringify(raw)}`);
  return { address: address?.value, host: host.value, path: raw.path };
}

// ---- in process -------------------------------------------------------------------------
let started = performance.now();
const table: Table = compile({ version: 1, operators: data.operators, rules: data.rules });
const compileMs = performance.now() - started;
const linear = new LinearTable(data.operators, data.rules);
const stats = table.stats();
console.log(
  `compiled in ${Math.round(compileMs)} ms: ${stats.prefixes.ipv4} IPv4 + ${stats.prefixes.ipv6} IPv6 prefixes, ` +
    `${stats.trieNodes.ipv4 + stats.trieNodes.ipv6} trie nodes, ${stats.rules} rules`,
);

// Both must decide alike, or the comparison means nothing.
let zeroRatedSample = 0;
for (const raw of data.flows.slice(0, 500)) {
  const flow = parse(raw);
  const fast = table.match(flow, now);
  const slow = linear.match(flow, now);
  const decided = {
    operator: fast.operator?.id ?? null,
    rule: fast.outcome === 'zero_rated' ? (fast.rule?.id ?? null) : null,
  };
  if (decided.operator !== slow.operator || decided.rule !== slow.rule) {
    throw new Error(
      `trie and linear scan disagree on ${JSON.stringify(raw)}: ${JSON.stringify(decided)} vs ${JSON.stringify(slow)}`,
    );
  }
  if (decided.rule) zeroRatedSample++;
}
console.log(`trie and linear scan agree on 500 sampled flows (${zeroRatedSample} zero-rated)`);

/** Classifications per second over `ROUND_MS`, each parsing the raw flow as a request would. */
function rate(match: (flow: Flow) => unknown): number {
  let count = 0;
  const deadline = performance.now() + ROUND_MS;
  const t0 = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) match(parse(data.flows[count++ % data.flows.length] as RawFlow));
  }
  return count / ((performance.now() - t0) / 1000);
}

const trieRates: number[] = [];
const linearRates: number[] = [];
for (let round = 0; round < 2; round++) {
  linearRates.push(rate((flow) => linear.match(flow, now)));
  trieRates.push(rate((flow) => table.match(flow, now)));
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const trieRate = mean(trieRates);
const linearRate = mean(linearRates);

// ---- memory -----------------------------------------------------------------------------
const gc = (globalThis as { gc?: () => void }).gc;
const kept: Table[] = [];
/** Heap and typed-array bytes a compiled table holds, and its trie arrays alone, per 10,000 prefixes. */
async function retainedBytes(prefixes: number) {
  if (!gc) return undefined;
  const sample = generate({ operators: OPERATORS, prefixes, rules: 0, flows: 0, seed: 7 });
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const before = await settle();
  const held = compile({ version: 1, operators: sample.operators, rules: [] });
  kept.push(held);
  const after = await settle();
  const per10k = (bytes: number) => (bytes / sample.prefixCount) * 10_000;
  return { total: per10k(after - before), tries: per10k(held.stats().trieBytes) };
}
const memory10k = await retainedBytes(10_000);
const memory50k = await retainedBytes(50_000);

// ---- over HTTP --------------------------------------------------------------------------
const redis = await createTestRedis('bench-zero-rating');
const client = createRedisClient({ url: redis.url, keyPrefix: redis.prefix, commandTimeoutMs: 30_000 });
await new Promise((resolve) => client.once('ready', resolve));
const store = new Store(client);
started = performance.now();
for (const operator of data.operators) await store.putOperator(operator);
for (let i = 0; i < data.rules.length; i += 500)
  await Promise.all(data.rules.slice(i, i + 500).map((rule) => store.putRule(rule)));
console.log(`loaded into Redis in ${Math.round(performance.now() - started)} ms`);
client.disconnect();

const KEY = 'bench-service-key-0123456789abcdef';
const service = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, API_KEYS: `bench:service:${KEY}`, BODY_LIMIT: '2mb' },
});
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(path: string, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${service.url}${path}`,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: {
          'x-api-key': KEY,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body ?? ''),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`${path} answered ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body ?? '');
  });
}

const wire = data.flows.map((raw) => JSON.stringify(raw));
const batchOf = (size: number, offset: number, bytes = false) =>
  `{"flows":[${Array.from({ length: size }, (_, i) => {
    const raw = data.flows[(offset * size + i) % data.flows.length] as RawFlow;
    return JSON.stringify(bytes ? { ...raw, msisdn: `2760${i % 1000}000`, bytes: 1500 } : raw);
  }).join(',')}]}`;
const batches = {
  100: Array.from({ length: 50 }, (_, i) => batchOf(100, i)),
  1000: Array.from({ length: 10 }, (_, i) => batchOf(1000, i)),
};
const countedBatches = Array.from({ length: 50 }, (_, i) => batchOf(100, i, true));

const durationMs = HTTP_SECONDS * 1000;
const health = await closedLoop({ clients: 32, durationMs, task: () => send('/health') });
const single = await closedLoop({
  clients: 32,
  durationMs,
  task: (i) => send('/api/zero-rating/classify', wire[i % wire.length]),
});
const batch100 = await closedLoop({
  clients: 8,
  durationMs,
  task: (i) => send('/api/zero-rating/classify/batch', batches[100][i % 50]),
});
const batch1000 = await closedLoop({
  clients: 4,
  durationMs,
  task: (i) => send('/api/zero-rating/classify/batch', batches[1000][i % 10]),
});
const counted = await closedLoop({
  clients: 8,
  durationMs,
  task: (i) => send('/api/zero-rating/classify/batch', countedBatches[i % 50]),
});
await service.stop();
agent.destroy();
await redis.cleanup();

// ---- report -----------------------------------------------------------------------------
const ms = (value: number) => `${value.toFixed(2)} ms`;
console.log('\nin process (classifications/s, parsing each flow; linear scan measured in the same run, alternating)');
printTable([
  ['', 'classifications/s', 'vs linear scan'],
  ['linear scan (baseline)', Math.round(linearRate), '1.00x'],
  ['prefix tries + host index', Math.round(trieRate), `${(trieRate / linearRate).toFixed(0)}x`],
]);
console.log(`target >= ${TARGET.toLocaleString('en-US')}/s: ${trieRate >= TARGET ? 'met' : 'NOT met'}`);

console.log('\nover HTTP (service in its own process; 5 s per row)');
const row = (name: string, result: typeof health, flowsPer: number) => [
  name,
  Math.round(result.perSecond),
  Math.round(result.perSecond * flowsPer),
  ms(percentile(result.latenciesMs, 50)),
  ms(percentile(result.latenciesMs, 99)),
  `${(result.perSecond / health.perSecond).toFixed(2)}x`,
];
printTable([
  ['', 'requests/s', 'flows/s', 'p50', 'p99', 'vs /health'],
  row('GET /health (baseline), 32 clients', health, 0),
  row('classify, 1 flow, 32 clients', single, 1),
  row('classify/batch, 100 flows, 8 clients', batch100, 100),
  row('classify/batch, 1000 flows, 4 clients', batch1000, 1000),
  row('batch 100 with bytes (Redis Lua per flow)', counted, 100),
]);

console.log('\nmemory of a compiled table (heap + typed arrays, after gc)');
if (memory10k === undefined || memory50k === undefined) {
  console.log('run with node --expose-gc for memory figures');
} else {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  printTable([
    ['table size', 'per 10,000 prefixes (all)', 'of which trie arrays'],
    ['10,000 prefixes', mib(memory10k.total), mib(memory10k.tries)],
    ['50,000 prefixes', mib(memory50k.total), mib(memory50k.tries)],
  ]);
}
