// pnpm bench: ai-sentiment's throughput, as ratios against baselines measured in the same run.
//  1. /health through the service kit vs a bare Express 5 handler with Express's defaults
//     (the kit's overhead; target ≥ 0.8), and vs one with ETag hashing off as the kit has it
//     (the cost of the kit's middleware alone).
//  2. sentences/s through POST /api/sentiment/batch vs calling analyze() in-process.
// Load comes from wrk (apt-get install wrk).
import { fileURLToPath } from 'node:url';
import { compare, load, meanThroughput, printTable, roundSeconds, startNodeServer } from '@azora/bench';
import { analyze } from '@azora/sentiment';

const KIT_OVERHEAD_TARGET = 0.8;
const BATCH = [
  'The support team was not helpful at all.',
  'I love the new dashboard, it is fast and clear!',
  'The export failed twice, but the retry worked.',
  'Deploy finished 🎉',
  'Invoice 2291 ships on 4 March.',
];
const batchTexts = Array.from({ length: 50 }, (_, i) => BATCH[i % BATCH.length] as string);
const seconds = roundSeconds();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const service = await startNodeServer({ entry: here('../src/main.ts') });
const bare = await startNodeServer({ entry: here('./bare-express.ts') });
const bareNoEtag = await startNodeServer({ entry: here('./bare-express.ts'), env: { BARE_ETAG: 'off' } });
try {
  console.log(`ai-sentiment benchmark: ${seconds} s rounds, 50 connections, baseline and target alternating\n`);
  const health = await compare(
    { url: `${bare.url}/health`, durationSeconds: seconds },
    { url: `${service.url}/health`, durationSeconds: seconds },
  );
  const middleware = await compare(
    { url: `${bareNoEtag.url}/health`, durationSeconds: seconds },
    { url: `${service.url}/health`, durationSeconds: seconds },
  );

  const batch = await load({
    url: `${service.url}/api/sentiment/batch`,
    method: 'POST',
    body: { texts: batchTexts },
    connections: 10,
    durationSeconds: seconds,
  });
  const httpSentencesPerSecond = batch.requestsPerSecond * batchTexts.length;

  // In-process baseline: the same sentences through analyze() with no HTTP around it.
  let analysed = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const text of batchTexts) analyze(text);
    analysed += batchTexts.length;
  }
  const inProcessSentencesPerSecond = analysed / ((performance.now() - started) / 1000);

  printTable([
    ['measure', 'baseline', 'ai-sentiment', 'ratio'],
    [
      '/health req/s (bare Express 5 → service kit)',
      meanThroughput(health.baseline),
      meanThroughput(health.target),
      health.ratio,
    ],
    [
      '/health req/s (bare Express 5, ETag off → service kit)',
      meanThroughput(middleware.baseline),
      meanThroughput(middleware.target),
      middleware.ratio,
    ],
    [
      'sentences/s (in-process analyze() → HTTP batch of 50)',
      inProcessSentencesPerSecond,
      httpSentencesPerSecond,
      httpSentencesPerSecond / inProcessSentencesPerSecond,
    ],
  ]);
  console.log(`\nbatch latency: p50 ${batch.p50Ms} ms, p99 ${batch.p99Ms} ms (10 connections, 50 texts per request)`);
  const pass = health.ratio >= KIT_OVERHEAD_TARGET;
  console.log(
    `kit overhead target: /health ratio ≥ ${KIT_OVERHEAD_TARGET} → ${pass ? 'met' : 'MISSED'} (${health.ratio.toFixed(2)})`,
  );
  process.exitCode = pass ? 0 : 1;
} finally {
  await Promise.all([service.stop(), bare.stop(), bareNoEtag.stop()]);
}
