// pnpm bench: ai-chatbot's throughput and latency, as ratios against baselines measured in the same run.
//  1. messages/s through POST /api/chatbot/message (classification, FAQ search, a call to a real
//     ai-sentiment, the Redis session append) vs the same service's GET /health (wrk, alternating rounds).
//  2. p95 latency of a message vs p95 of /health, under the same closed-loop load from this process.
//  3. messages/s over HTTP vs Assistant.respond() in-process (the cost of everything around the model).
// Sessions go to a key prefix of their own on the local Redis and are deleted afterwards.
import { fileURLToPath } from 'node:url';
import { compare, meanThroughput, printTable, roundSeconds, startNodeServer } from '@azora/bench';
import { createTestRedis } from '@azora/testing';
import { Assistant } from '../src/assistant.ts';

const QUESTIONS = [
  'How long do I have to answer a GDPR access request?',
  'what port does ai-vision use',
  'how do I check that the chatbot is healthy?',
  'what is the capital of France',
];
const seconds = roundSeconds();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Closed-loop load: `connections` workers sending one request after another; latencies in ms. */
async function closedLoop(url: string, init: RequestInit, connections: number, durationMs: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? Number.NaN;
  return { perSecond: latencies.length / (durationMs / 1000), p95 };
}

const redis = await createTestRedis('bench:ai-chatbot');
const sentiment = await startNodeServer({ entry: here('../../ai-sentiment/src/main.ts') });
const chatbot = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    AI_SENTIMENT_URL: sentiment.url,
    SESSION_TTL_SECONDS: '300',
  },
});
try {
  // One session for the whole run: its history is capped, so Redis use stays bounded.
  const first = await fetch(`${chatbot.url}/api/chatbot/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'hello' }),
  }).then((r) => r.json() as Promise<{ sessionId: string }>);
  const body = { sessionId: first.sessionId, text: QUESTIONS[0] };

  console.log(`ai-chatbot benchmark: ${seconds} s rounds, baseline and target alternating\n`);
  const throughput = await compare(
    { url: `${chatbot.url}/health`, connections: 20, durationSeconds: seconds },
    { url: `${chatbot.url}/api/chatbot/message`, method: 'POST', body, connections: 20, durationSeconds: seconds },
  );

  const health = await closedLoop(`${chatbot.url}/health`, {}, 10, seconds * 1000);
  const message = await closedLoop(
    `${chatbot.url}/api/chatbot/message`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    10,
    seconds * 1000,
  );

  // In-process baseline: the same questions through the assistant with no HTTP, Redis or sentiment.
  const assistant = await Assistant.create();
  let answered = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (const question of QUESTIONS) await assistant.respond(question);
    answered += QUESTIONS.length;
  }
  const inProcess = answered / ((performance.now() - started) / 1000);

  printTable([
    ['measure', 'baseline', 'ai-chatbot', 'ratio'],
    [
      'req/s, wrk 20 connections (GET /health → POST message)',
      meanThroughput(throughput.baseline),
      meanThroughput(throughput.target),
      throughput.ratio,
    ],
    ['p95 ms, 10 closed-loop clients (GET /health → POST message)', health.p95, message.p95, message.p95 / health.p95],
    [
      'messages/s (in-process respond() → HTTP, wrk)',
      inProcess,
      meanThroughput(throughput.target),
      meanThroughput(throughput.target) / inProcess,
    ],
  ]);
  const wrkP99 = throughput.target.map((r) => r.p99Ms).join(', ');
  console.log(`\nmessage latency under wrk: p99 ${wrkP99} ms (per round)`);
} finally {
  await Promise.all([chatbot.stop(), sentiment.stop()]);
  await redis.cleanup();
}
