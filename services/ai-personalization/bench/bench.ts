// pnpm bench: recommendation latency and throughput with 10k items and 5k users, as
// ratios against baselines measured in the same run (a bare Express 5 handler and the
// service's own /health), plus the model build time. Load comes from wrk (apt-get install wrk).
// The data is the seeded synthetic set, written to Redis under a throw-away key prefix.
import { fileURLToPath } from 'node:url';
import {
  closedLoop,
  compare,
  fetchOk,
  meanThroughput,
  percentile,
  printTable,
  roundSeconds,
  startNodeServer,
} from '@azora/bench';
import { createTestRedis } from '@azora/testing';
import { historiesFromEvents } from '../src/evaluation.ts';
import { buildModel } from '../src/model.ts';
import { Store } from '../src/store.ts';
import { generateSynthetic } from '../src/synthetic.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 5000);
const seconds = roundSeconds();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Client-side latency percentiles of `count` GETs over `urls`, 10 at a time. */
async function latencies(urls: string[], count: number) {
  const { latenciesMs } = await closedLoop({
    clients: 10,
    count,
    task: (index) => fetchOk(urls[index % urls.length] as string),
  });
  return { p50: percentile(latenciesMs, 50), p95: percentile(latenciesMs, 95), p99: percentile(latenciesMs, 99) };
}

const redis = await createTestRedis('bench-personalization');
const data = generateSynthetic({ seed: 42, items: ITEMS, users: USERS });
const store = new Store(redis.client);
console.log(`ai-personalization benchmark: ${ITEMS} items, ${USERS} users, ${data.events.length} events`);
let loadStarted = performance.now();
for (let i = 0; i < data.items.length; i += 500) {
  await Promise.all(data.items.slice(i, i + 500).map((item) => store.putItem(item)));
}
for (let i = 0; i < data.events.length; i += 1000) await store.addEvents(data.events.slice(i, i + 1000));
console.log(`loaded into Redis in ${Math.round(performance.now() - loadStarted)} ms`);

// Model build time in-process (the service builds the same in a worker thread).
loadStarted = performance.now();
const model = buildModel({ items: data.items, histories: historiesFromEvents(data.events) });
console.log(`model build in-process: ${model.buildMs} ms (${model.stats.interactions} interactions)`);

const service = await startNodeServer({
  entry: here('../src/main.ts'),
  env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, MODEL_REBUILD_INTERVAL_MS: '0' },
  readyPath: '/health/ready',
});
const bare = await startNodeServer({ entry: here('./bare-express.ts'), env: { BARE_ETAG: 'off' } });
try {
  const ready = (await (await fetch(`${service.url}/health/ready`)).json()) as {
    checks: { model: { detail: { buildMs: number } } };
  };
  console.log(`model build in the service's worker: ${ready.checks.model.detail.buildMs} ms\n`);

  // A user with a typical history (the median number of events).
  const counts = new Map<string, number>();
  for (const event of data.events) counts.set(event.user, (counts.get(event.user) ?? 0) + 1);
  const byActivity = [...counts].sort((a, b) => a[1] - b[1]);
  const [typical, typicalEvents] = byActivity[Math.floor(byActivity.length / 2)] as [string, number];
  const recommendations = `${service.url}/api/personalization/recommendations/${typical}?k=10`;

  const vsBare = await compare(
    { url: `${bare.url}/health`, durationSeconds: seconds },
    { url: recommendations, durationSeconds: seconds },
  );
  const vsHealth = await compare(
    { url: `${service.url}/health`, durationSeconds: seconds },
    { url: recommendations, durationSeconds: seconds },
  );

  // p95 over many different users (wrk repeats one URL), against /health measured the same way.
  const userUrls = data.users.map((user) => `${service.url}/api/personalization/recommendations/${user}?k=10`);
  const requests = Math.max(500, Math.round(seconds * 400));
  const healthLatency = await latencies([`${service.url}/health`], requests);
  const recommendationLatency = await latencies(userUrls, requests);

  printTable([
    ['measure', 'baseline', 'recommendations k=10', 'ratio'],
    [
      'req/s (bare Express /health → recommendations)',
      meanThroughput(vsBare.baseline),
      meanThroughput(vsBare.target),
      vsBare.ratio,
    ],
    [
      'req/s (service /health → recommendations)',
      meanThroughput(vsHealth.baseline),
      meanThroughput(vsHealth.target),
      vsHealth.ratio,
    ],
    [
      'wrk p99 ms (service /health → recommendations)',
      vsHealth.baseline[0]?.p99Ms ?? 0,
      vsHealth.target[0]?.p99Ms ?? 0,
      (vsHealth.target[0]?.p99Ms ?? 0) / (vsHealth.baseline[0]?.p99Ms ?? 1),
    ],
    [
      'p95 ms, 10 concurrent, all users (service /health → recommendations)',
      healthLatency.p95,
      recommendationLatency.p95,
      recommendationLatency.p95 / healthLatency.p95,
    ],
  ]);
  console.log(
    `\nwrk user ${typical} (${typicalEvents} events); recommendations over all ${USERS} users: p50 ${recommendationLatency.p50.toFixed(1)} ms, p95 ${recommendationLatency.p95.toFixed(1)} ms, p99 ${recommendationLatency.p99.toFixed(1)} ms`,
  );
} finally {
  await Promise.all([service.stop(), bare.stop()]);
  await redis.cleanup();
}
