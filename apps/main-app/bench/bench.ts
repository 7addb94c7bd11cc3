// pnpm bench: the gateway's cost, as ratios against a baseline measured in the same run.
// POST /api/sentiment/analyze straight to ai-sentiment (baseline) vs through main-app's
// gateway (target), both in production mode with the compose files' LOG_LEVEL=info (a line
// per request per hop, read from their stdout as a container's log driver reads it). An
// extra HTTP hop on the same two cores costs CPU in both processes. The goal is 0.75; the
// same comparison under `pnpm dev` is in scripts/bench/dev.ts (goal 0.6).
// Load comes from wrk (apt-get install wrk).
import { fileURLToPath } from 'node:url';
import { compare, meanThroughput, printTable, roundSeconds, startNodeServer } from '@azora/bench';

const GATEWAY_TARGET = 0.75;
const seconds = roundSeconds();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const body = { text: 'The console is fast and clear. The old one was slow and confusing.' };

const logged = { LOG_LEVEL: 'info' };
const sentiment = await startNodeServer({ entry: here('../../../services/ai-sentiment/src/main.ts'), env: logged });
const gateway = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health',
  env: { ...logged, AI_SENTIMENT_URL: sentiment.url, DEPLOYED_SERVICES: 'main-app,ai-sentiment' },
});
try {
  console.log(`main-app gateway benchmark: ${seconds} s rounds, baseline and target alternating\n`);
  const analyze = await compare(
    { url: `${sentiment.url}/api/sentiment/analyze`, method: 'POST', body, durationSeconds: seconds },
    { url: `${gateway.url}/api/sentiment/analyze`, method: 'POST', body, durationSeconds: seconds },
    // Four pairs of rounds: the ratio is their median (pairedRatio), steadier on a shared machine.
    4,
  );
  printTable([
    ['measure', 'baseline', 'main-app', 'ratio'],
    [
      'POST /api/sentiment/analyze req/s (direct → through the gateway)',
      meanThroughput(analyze.baseline),
      meanThroughput(analyze.target),
      analyze.ratio,
    ],
  ]);
  const ok = analyze.ratio >= GATEWAY_TARGET;
  console.log(
    `\ngateway keeps ${(analyze.ratio * 100).toFixed(0)}% of direct throughput (target ≥ ${GATEWAY_TARGET * 100}%)`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await gateway.stop();
  await sentiment.stop();
}
