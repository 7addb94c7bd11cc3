// pnpm bench: ai-chatbot's throughput and latency, as ratios against baselines measured in the same run.
//  1. messages/s through POST /api/chatbot/message (classification, FAQ search, a call to a real
//     ai-sentiment, the Redis session append) vs the same service's GET /health (wrk, alternating rounds).
//  2. p95 latency of a message vs p95 of /health, under the same closed-loop load from this process.
//  3. messages/s over HTTP vs Assistant.respond() in-process (the cost of everything around the model).
// Sessions go to a key prefix of their own on the local Redis and are deleted afterwards.
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
import { Assistant } from '../src/assistant.ts';

const QUESTIONS = [
  'How long do I have to answer a GDPR access request?',
  'what port does ai-vision use',
  'how do I check that the chatbot is healthy?',
  'what is the capital of France',
];
const seconds = roundSeconds();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

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

  const durationMs = seconds * 1000;
  const health = await closedLoop({ clients: 10, durationMs, task: () => fetchOk(`${chatbot.url}/health`) });
  const messageInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const message = await closedLoop({
    clients: 10,
    durationMs,
    task: () => fetchOk(`${chatbot.url}/api/chatbot/message`, messageInit),
  });
  const healthP95 = percentile(health.latenciesMs, 95);
  const messageP95 = percentile(message.latenciesMs, 95);

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
    ['p95 ms, 10 closed-loop clients (GET /health → POST message)', healthP95, messageP95, messageP95 / healthP95],
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
