// pnpm --filter ai-website-builder bench: the service (its own process, on the embedded
// MongoDB-wire server in another) rendering one generated site. Measured in the same run:
// - GET /health (the baseline of the service's cheapest request) and GET preview (HTML render);
// - screenshots through the browser pool with enough clients to keep it full, against a
//   baseline of bare puppeteer in this process (one browser, one page at a time, setContent
//   + screenshot, no pool, no HTTP);
// - memory with the pool warm: the service process plus its Chromium processes (PSS, so
//   pages Chromium's processes share are not counted twice; RSS summed too).
// Prints a table; exits 1 when a check fails (an error answer, a PNG that is not one, an
// audit with serious or critical violations, pool throughput below half the bare baseline).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedLoop, percentile, printTable, startNodeServer } from '@azora/bench';
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '@azora/chromium';
import { startEmbeddedMongoProcess } from '@azora/testing';
import puppeteer from 'puppeteer-core';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const BROWSERS = Number(process.env.BENCH_BROWSERS ?? 1);
const PAGES = Number(process.env.BENCH_PAGES_PER_BROWSER ?? 2);
const CHROMIUM = process.env.PUPPETEER_EXECUTABLE_PATH ?? DEFAULT_CHROMIUM_PATH;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

/** Every process id under `root` (itself included), from /proc. */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!parents.has(ppid)) parents.set(ppid, []);
    parents.get(ppid)?.push(Number(name));
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

/** Summed PSS and RSS (MB) of a process tree. */
async function memoryOf(root: number) {
  let pss = 0;
  let rss = 0;
  const pids = await processTree(root);
  for (const pid of pids) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return { processes: pids.length, pssMb: pss / 1024, rssMb: rss / 1024 };
}

/** The service's pid: our child running its main.ts. */
async function servicePid(): Promise<number> {
  for (const pid of await processTree(process.pid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('ai-website-builder/src/main.ts')) return pid;
  }
  throw new Error('the service process was not found');
}

const key = randomBytes(18).toString('hex');
const mongo = await startEmbeddedMongoProcess();
const mongoUri = mongo.uriFor('bench_website_builder');
const deployments = await mkdtemp(join(tmpdir(), 'awb-bench-'));
const service = await startNodeServer({
  entry: here('../src/main.ts'),
  readyPath: '/health/ready',
  env: {
    MONGODB_URI: mongoUri,
    API_KEYS: `bench:editor:${key}`,
    DEPLOYMENTS_DIR: deployments,
    BROWSER_POOL_SIZE: String(BROWSERS),
    PAGES_PER_BROWSER: String(PAGES),
    PUPPETEER_EXECUTABLE_PATH: CHROMIUM,
    RENDER_TIMEOUT_MS: '60000',
  },
});
const api = `${service.url}/api/ai-website-builder`;
const headers = { 'x-api-key': key, 'content-type': 'application/json' };

try {
  console.log(`ai-website-builder benchmark: ${BROWSERS} browser(s) × ${PAGES} pages, ${SECONDS} s per load`);
  const created = await fetch(`${api}/sites`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Harbour Bakery',
      description: 'Sourdough and pastries baked every morning by the harbour. Family run since 1987.',
      businessType: 'bakery',
      features: ['contact form', 'gallery', 'testimonials'],
    }),
  });
  const site = (await created.json()) as { id: string };
  check(created.status === 201, `POST sites answered ${created.status}`);
  const previewUrl = `${api}/sites/${site.id}/preview`;
  const shotUrl = `${api}/sites/${site.id}/screenshot?width=1280`;
  const html = await (await fetch(previewUrl, { headers })).text();

  let errors = 0;
  const get = async (url: string, withAuth = true) => {
    const res = await fetch(url, withAuth ? { headers } : undefined);
    const body = new Uint8Array(await res.arrayBuffer());
    if (!res.ok) errors++;
    return body;
  };

  // Warm the pool (first pages of a fresh browser are slower), then measure.
  for (let i = 0; i < PAGES * BROWSERS; i++) await get(shotUrl);
  const health = await closedLoop({
    clients: 4,
    durationMs: 3000,
    task: async () => void (await get(`${service.url}/health`, false)),
  });
  const preview = await closedLoop({ clients: 4, durationMs: 3000, task: async () => void (await get(previewUrl)) });
  // Render time: one client, so no request waits for a page.
  const single = await closedLoop({
    clients: 1,
    durationMs: (SECONDS * 1000) / 2,
    task: async () => void (await get(shotUrl)),
  });
  let badPng = 0;
  const clients = BROWSERS * PAGES * 2;
  const pool = await closedLoop({
    clients,
    durationMs: SECONDS * 1000,
    task: async () => {
      const png = await get(shotUrl);
      if (String.fromCharCode(...png.subarray(1, 4)) !== 'PNG') badPng++;
    },
  });
  const memory = await memoryOf(await servicePid());
  const audit = await fetch(`${api}/sites/${site.id}/audits`, { method: 'POST', headers, body: '{}' });
  const auditBody = (await audit.json()) as { counts: Record<string, number> };

  // Baseline: bare puppeteer, no pool, no HTTP, one page at a time (same flags, same HTML).
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  const bare = await closedLoop({
    clients: 1,
    durationMs: SECONDS * 1000,
    task: async () => {
      // A new page each time (what a render without a pool does), at the pool's viewport.
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ type: 'png', fullPage: true });
      await page.close();
    },
  });
  await browser.close();

  const row = (name: string, r: { latenciesMs: number[]; perSecond: number }) => [
    name,
    r.latenciesMs.length,
    r.perSecond,
    percentile(r.latenciesMs, 50),
    percentile(r.latenciesMs, 95),
  ];
  printTable([
    ['measure', 'count', 'per s', 'p50 ms', 'p95 ms'],
    row('GET /health (baseline)', health),
    row('GET preview (HTML render)', preview),
    row('screenshot 1280 via pool (1 client: render time)', single),
    row(`screenshot 1280 via pool (${clients} clients: throughput)`, pool),
    row('bare puppeteer screenshot (baseline, 1 page)', bare),
  ]);
  const ratio = pool.perSecond / bare.perSecond;
  console.log('');
  printTable([
    ['pool pages/s ÷ bare pages/s', ratio],
    ['preview renders/s ÷ /health req/s', preview.perSecond / health.perSecond],
    [
      `memory with the pool warm (${memory.processes} processes: node + Chromium)`,
      `PSS ${memory.pssMb.toFixed(0)} MB, RSS sum ${memory.rssMb.toFixed(0)} MB`,
    ],
    ['audit of the site (serious, critical)', `${auditBody.counts?.serious}, ${auditBody.counts?.critical}`],
  ]);
  check(errors === 0, `${errors} requests answered with an error`);
  check(badPng === 0, `${badPng} screenshots were not PNGs`);
  check(
    audit.status === 201 && auditBody.counts?.serious === 0 && auditBody.counts?.critical === 0,
    'the audit found serious or critical violations',
  );
  check(ratio >= 0.5, `the pool rendered ${ratio.toFixed(2)}× the bare baseline's pages/s (want >= 0.5)`);
} finally {
  await service.stop();
  mongo.stop();
  await rm(deployments, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\nFAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('\nall checks passed');
