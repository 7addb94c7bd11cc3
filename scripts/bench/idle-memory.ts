/**
 * Idle memory of services: starts each one the dev way (`node --conditions=@azora/source
 * src/main.ts`, what `pnpm dev` runs) and/or the image way (`node dist/main.js`, after
 * `pnpm --filter <service>... build`), waits for its readiness path, idles, sends a few
 * requests, waits a moment and prints its resident set (VmRSS), its peak (VmHWM) and V8
 * heap used, beside a bare Node process and a bare Express app measured in the same run.
 *
 *   node --conditions=@azora/source scripts/bench/idle-memory.ts [--mode dev|dist|both]
 *     [--idle <seconds>] [--modules] [service …]
 *
 * Services get the environment `pnpm dev` gives them (`spawnEnv`, dev credentials, the
 * compliance services' identity keys) on infrastructure found or embedded the way `pnpm dev`
 * does (`startInfrastructure`); the dev way also gets pnpm dev's node flags and runtime
 * environment (`DEV_NODE_FLAGS`, `devRuntimeEnv`: stripped sources, malloc thresholds, the
 * lag metric's sampling), so it measures what pnpm dev runs. Three things differ, so a run
 * never touches a `pnpm dev` beside it: each listens on a free port, the services it calls
 * are addressed at a port where nothing listens (it degrades, as it does when they are
 * down), and its Postgres database is `azora_bench_<service>` and its Redis keys are under
 * `bench-idle-memory:<service>:`.
 * The dist way runs with `NODE_ENV=production`, as the images do.
 *
 * `--modules` counts the modules each process loads (a `module.registerHooks` load hook),
 * which costs a little memory itself: leave it off for the numbers that matter.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { getService, SERVICES, type ServiceEntry } from '@azora/catalog';
import { startNodeProcess } from '@azora/testing';
import { DEV_NODE_FLAGS, devCommand, devRuntimeEnv } from '../src/dev-script.ts';
import { devCredentials, devIdentityKeys, spawnEnv, withDatabase } from '../src/env.ts';
import { ensureDatabases, startInfrastructure } from '../src/infrastructure.ts';
import { memoryStatus } from '../src/processes.ts';
import { stripWorkspaceSources } from '../src/stripped-sources.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DEFAULT_SERVICES = ['ai-sentiment', 'ai-chatbot', 'main-app', 'gdpr-compliance', 'ai-vision'];
/** Where the services this one calls are "found": nothing listens on port 1, so calls fail at once. */
const NOWHERE_PORT = 1;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'both' },
    idle: { type: 'string', default: '20' },
    modules: { type: 'boolean', default: false },
  },
});
const modes = values.mode === 'both' ? (['dev', 'dist'] as const) : [values.mode as 'dev' | 'dist'];
if (!modes.every((mode) => mode === 'dev' || mode === 'dist')) throw new Error('--mode is dev, dist or both');
const idleMs = Number(values.idle) * 1000;
const names = positionals.length > 0 ? positionals : DEFAULT_SERVICES;
const entries = names.map((name) => getService(name));

/**
 * Loaded before the entry point (`--import`): on SIGUSR2 it writes `process.memoryUsage()`
 * (and the module count, when counting) to `$IDLE_MEMORY_FILE`.
 */
function probeModule(countModules: boolean): string {
  const source = [
    "import { writeFileSync } from 'node:fs';",
    "import { registerHooks } from 'node:module';",
    'let modules = 0;',
    countModules ? 'registerHooks({ load(url, context, next) { modules++; return next(url, context); } });' : '',
    "process.on('SIGUSR2', () => writeFileSync(process.env.IDLE_MEMORY_FILE, JSON.stringify({ ...process.memoryUsage(), modules })));",
  ].join('\n');
  return `--import=data:text/javascript,${encodeURIComponent(source)}`;
}

interface Sample {
  name: string;
  mode: string;
  rssMb: number;
  peakMb: number;
  heapUsedMb: number;
  threads: number;
  modules: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The variables a package.json script sets before `node`, node's arguments and the entry point. */
function parseScript(script: string): { env: Record<string, string>; args: string[]; entry: string } {
  const { env, command } = devCommand(script);
  const args = command.slice(1);
  const entry = args.pop() as string;
  return { env, args: args.filter((word) => word !== '--conditions=@azora/source'), entry };
}

async function measure(options: {
  name: string;
  mode: string;
  entry: string;
  args?: string[];
  cwd: string;
  env: Record<string, string>;
  sourceCondition: boolean;
  readyPath: string;
  requests: string[];
}): Promise<Sample> {
  const file = join(tmpdir(), `idle-memory-${process.pid}-${options.name}-${options.mode}.json`);
  const started = await startNodeProcess({
    entry: options.entry,
    args: [probeModule(values.modules), ...(options.args ?? [])],
    cwd: options.cwd,
    env: { ...options.env, IDLE_MEMORY_FILE: file },
    sourceCondition: options.sourceCondition,
    readyPath: options.readyPath,
    readyTimeoutMs: 120_000,
  });
  try {
    await sleep(idleMs);
    for (const path of options.requests) {
      const response = await fetch(`${started.url}${path}`);
      await response.arrayBuffer();
    }
    await sleep(2000);
    const { rssKiB, peakKiB, threads } = memoryStatus(started.pid);
    const [rss, peak] = [rssKiB * 1024, peakKiB * 1024];
    process.kill(started.pid, 'SIGUSR2');
    let usage: { heapUsed: number; modules: number } | undefined;
    for (let tries = 0; !usage && tries < 50; tries++) {
      await sleep(100);
      usage = await readFile(file, 'utf8').then(
        (text) => JSON.parse(text) as { heapUsed: number; modules: number },
        () => undefined,
      );
    }
    return {
      name: options.name,
      mode: options.mode,
      rssMb: mb(rss),
      peakMb: mb(peak),
      heapUsedMb: usage ? mb(usage.heapUsed) : Number.NaN,
      threads,
      modules: usage?.modules ?? 0,
    };
  } finally {
    await started.stop();
    await rm(file, { force: true });
  }
}

const BARE_NODE = `import { createServer } from 'node:http';
createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"ok"}'); })
  .listen(Number(process.env.PORT), '127.0.0.1');`;
const BARE_EXPRESS = `import express from 'express';
const app = express();
app.get('/health/ready', (req, res) => { res.json({ status: 'ok' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');`;

/** A one-file program given as a data: URL; `express` resolves from the service kit's folder. */
async function baseline(name: string, source: string, cwd: string): Promise<Sample> {
  const scratch = join(cwd, `.idle-memory-${process.pid}.mjs`);
  await writeFile(scratch, source);
  try {
    return await measure({
      name,
      mode: '-',
      entry: scratch,
      cwd,
      env: {},
      sourceCondition: false,
      readyPath: '/health/ready',
      requests: ['/health/ready', '/health/ready', '/health/ready', '/nowhere'],
    });
  } finally {
    await rm(scratch, { force: true });
  }
}

const samples: Sample[] = [];
const print = (sample: Sample) =>
  process.stderr.write(`  ${sample.name} (${sample.mode}): ${sample.rssMb} MB RSS, ${sample.heapUsedMb} MB heap\n`);

const dataDir = join(ROOT, '.dev-data', 'bench-idle-memory');
await mkdir(dataDir, { recursive: true });
const infrastructure = await startInfrastructure(entries, {
  env: process.env,
  dataDir,
  say: (piece, text) => process.stderr.write(`${piece}: ${text}\n`),
});
try {
  // The bench's own databases on a local server, so a `pnpm dev` beside it keeps its data.
  const connections = { ...infrastructure.connections, volumes: join(dataDir, 'volumes') };
  if (!connections.embeddedPostgres && connections.postgres.size > 0) {
    const database = (name: string) => `azora_bench_${name.replace(/-/g, '_')}`;
    const postgres = new Map([...connections.postgres].map(([name, url]) => [name, withDatabase(url, database(name))]));
    const admin = withDatabase([...connections.postgres.values()][0] as string, 'postgres');
    await ensureDatabases(admin, [...postgres.keys()].map(database));
    connections.postgres = postgres;
  }
  const credentials = devCredentials(process.env);
  const identityKeys = devIdentityKeys(process.env, dataDir);
  const strippedSources = join(dataDir, 'stripped');
  if (modes.includes('dev')) await stripWorkspaceSources(ROOT, strippedSources);
  const devEnv = devRuntimeEnv({ dataDir, strippedSources, compileCache: process.env.NODE_COMPILE_CACHE });
  const relocated: ServiceEntry[] = SERVICES.map((service) => ({ ...service, port: NOWHERE_PORT }));

  process.stderr.write('baselines\n');
  const kitFolder = join(ROOT, 'packages', 'service-kit');
  const bareNode = await baseline('bare node (http)', BARE_NODE, kitFolder);
  print(bareNode);
  const bareExpress = await baseline('bare express', BARE_EXPRESS, kitFolder);
  print(bareExpress);
  samples.push(bareNode, bareExpress);

  for (const entry of entries) {
    const folder = join(ROOT, entry.folder);
    const scripts = (
      JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    const env = spawnEnv(
      {
        ...process.env,
        ...credentials.env,
        ...(entry.group === 'compliance' ? identityKeys : {}),
        REDIS_KEY_PREFIX: `bench-idle-memory:${entry.name}:`,
      },
      entry,
      relocated,
      connections,
    ) as Record<string, string>;
    const api = `/api/${entry.apiPrefix}`;
    const requests = [
      entry.health.live,
      entry.health.ready,
      entry.metricsPath,
      `${api}/no-such-route`,
      entry.health.ready,
    ];
    for (const mode of modes) {
      const script = mode === 'dev' ? scripts.dev : scripts.start;
      if (!script) throw new Error(`${entry.name} has no ${mode === 'dev' ? 'dev' : 'start'} script`);
      const command = parseScript(script);
      process.stderr.write(`${entry.name} (${mode}): ${script}\n`);
      const sample = await measure({
        name: entry.name,
        mode,
        entry: command.entry,
        args: mode === 'dev' ? [...DEV_NODE_FLAGS, ...command.args] : command.args,
        cwd: folder,
        env:
          mode === 'dev' ? { ...env, ...devEnv, ...command.env } : { ...env, ...command.env, NODE_ENV: 'production' },
        sourceCondition: mode === 'dev',
        readyPath: entry.health.ready,
        requests,
      });
      print(sample);
      samples.push(sample);
    }
  }
} finally {
  await infrastructure.stop();
}

const base = samples[0] as Sample;
const header = ['process', 'way', 'RSS MB', 'peak MB', 'heap used MB', '× bare node RSS', 'threads'];
if (values.modules) header.push('modules');
const rows = samples.map((sample) => {
  const row = [
    sample.name,
    sample.mode,
    sample.rssMb.toFixed(1),
    sample.peakMb.toFixed(1),
    sample.heapUsedMb.toFixed(1),
    (sample.rssMb / base.rssMb).toFixed(2),
    String(sample.threads),
  ];
  if (values.modules) row.push(String(sample.modules));
  return row;
});
const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] as string).length)));
for (const row of [header, ...rows]) {
  process.stdout.write(
    `${row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ')}\n`,
  );
}
