// pnpm bench: ai-vision throughput, latency and memory at 640 px, as ratios against
// baselines measured in the same run:
//  1. images/s and p95 latency through POST /api/vision/analyze (service in its own
//     process, 2 clients = the default VISION_CONCURRENCY) vs the same analysis in-process
//     (decode + features + detection, no HTTP, no queue) — the cost of the service around it;
//  2. decode-only (decode + palette + hashes) in-process — the share inference takes;
//  3. resident memory after 100 HTTP requests vs after the warm-up and after the first 50
//     (reported: the wasm heap and the allocator grow to a working size and keep it), and
//     the runtime's live tensors, which must not grow — growth there is a leak.
// BENCH_IMAGES sets the number of HTTP requests (default 100).
import { fileURLToPath } from 'node:url';
import { closedLoop, percentile, printTable, startNodeServer } from '@azora/bench';
import sharp from 'sharp';
import { Detector } from '../src/detector.ts';
import { humanSamplePhoto } from '../src/fixtures/images.ts';
import { decodeImage, describeImage } from '../src/image.ts';

const REQUESTS = Number(process.env.BENCH_IMAGES ?? 100);
const CLIENTS = 2;
const WARMUP = 4;
const IN_PROCESS_IMAGES = 30;
const THROUGHPUT_TARGET = 0.7;
const LIMITS = { maxPixels: 50_000_000 };

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const image = await sharp(await humanSamplePhoto())
  .resize(640)
  .jpeg({ quality: 85 })
  .toBuffer();

/** Runs `count` tasks with `clients` at a time: throughput, p95 latency and every latency. */
async function measure(count: number, clients: number, task: () => Promise<void>) {
  const run = await closedLoop({ clients, count, task });
  return { imagesPerSecond: run.perSecond, p95Ms: percentile(run.latenciesMs, 95), ...run };
}

/** Resident memory and live tensors, from the service's own /metrics. */
async function memory(url: string): Promise<{ rss: number; tensors: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(text);
    if (!match) throw new Error(`no ${name} in /metrics`);
    return Number(match[1]);
  };
  return { rss: value('process_resident_memory_bytes'), tensors: value('vision_tensors') };
}

const server = await startNodeServer({ entry: here('../src/main.ts'), readyPath: '/health/ready' });
const detector = new Detector();
try {
  const analyze = async () => {
    const started = performance.now();
    const res = await fetch(`${server.url}/api/vision/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: image,
    }).catch((error: Error) => {
      const cause = (error.cause as Error | undefined)?.message ?? '';
      throw new Error(`request failed after ${Math.round(performance.now() - started)} ms: ${error.message} ${cause}`);
    });
    if (res.status !== 200) throw new Error(`analyze answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  console.log(`ai-vision benchmark: 640×574 JPEG (${image.length} bytes), ${REQUESTS} HTTP requests\n`);
  await measure(WARMUP, 1, analyze);
  const warm = await memory(server.url);
  const firstHalf = await measure(Math.floor(REQUESTS / 2), CLIENTS, analyze);
  const half = await memory(server.url);
  const secondHalf = await measure(REQUESTS - Math.floor(REQUESTS / 2), CLIENTS, analyze);
  const after = await memory(server.url);
  const http = {
    imagesPerSecond: REQUESTS / (firstHalf.seconds + secondHalf.seconds),
    p95Ms: percentile([...firstHalf.latenciesMs, ...secondHalf.latenciesMs], 95),
  };

  await detector.load();
  const analyseInProcess = async () => {
    const decoded = await decodeImage(image, LIMITS);
    await describeImage(decoded);
    await detector.detect({
      rgb: decoded.rgb,
      width: decoded.rgbWidth,
      height: decoded.rgbHeight,
      originalWidth: decoded.width,
      originalHeight: decoded.height,
    });
  };
  await measure(WARMUP, 1, analyseInProcess);
  const inProcess = await measure(IN_PROCESS_IMAGES, 1, analyseInProcess);
  const decodeOnly = await measure(IN_PROCESS_IMAGES * 5, 1, async () => {
    await describeImage(await decodeImage(image, LIMITS));
  });

  const mb = (bytes: number) => bytes / 1024 / 1024;
  printTable([
    ['measure', 'baseline', 'ai-vision', 'ratio'],
    [
      'images/s (in-process analysis → HTTP /analyze)',
      inProcess.imagesPerSecond,
      http.imagesPerSecond,
      http.imagesPerSecond / inProcess.imagesPerSecond,
    ],
    ['p95 latency ms (in-process analysis → HTTP /analyze)', inProcess.p95Ms, http.p95Ms, http.p95Ms / inProcess.p95Ms],
    [
      'images/s (decode + features only → full analysis in-process)',
      decodeOnly.imagesPerSecond,
      inProcess.imagesPerSecond,
      inProcess.imagesPerSecond / decodeOnly.imagesPerSecond,
    ],
    [`resident MB (after warm-up → after ${REQUESTS} requests)`, mb(warm.rss), mb(after.rss), after.rss / warm.rss],
    [
      `resident MB (after ${Math.floor(REQUESTS / 2)} → after ${REQUESTS} requests)`,
      mb(half.rss),
      mb(after.rss),
      after.rss / half.rss,
    ],
    [
      `live tensors (after warm-up → after ${REQUESTS} requests)`,
      warm.tensors,
      after.tensors,
      after.tensors / warm.tensors,
    ],
  ]);
  const throughputOk = http.imagesPerSecond / inProcess.imagesPerSecond >= THROUGHPUT_TARGET;
  const memoryOk = after.tensors <= warm.tensors;
  console.log(
    `\ntargets: HTTP/in-process images/s ≥ ${THROUGHPUT_TARGET} → ${throughputOk ? 'met' : 'MISSED'}; ` +
      `no tensor leak (live tensors do not grow) → ${memoryOk ? 'met' : 'MISSED'}`,
  );
  process.exitCode = throughputOk && memoryOk ? 0 : 1;
} finally {
  detector.close();
  await server.stop();
}
