// pnpm bench (@azora/scripts): the whole platform under `pnpm dev` on this machine.
// Runs `pnpm dev` for every catalog service as a developer does, and measures:
//   - time until every service is ready (the goal: under 30 s from a warm start),
//   - the CPU time each service spent getting ready (what the 2 cores are shared out by),
//   - idle memory after IDLE_SECONDS (default 20): RSS of each service's node process
//     against its budget, and the proportional memory (PSS) of everything pnpm dev started,
//     its browsers and embedded servers included — the true total, shared pages counted once,
//   - that no package manager or shell sits between the orchestrator and a service,
//   - the gateway's throughput against the service's own (POST /api/sentiment/analyze,
//     wrk, alternating rounds) with every request logged and streamed through pnpm dev,
//     and the CPU time per request of each process group, each way,
//   - that one Ctrl-C to the terminal's process group ends it with exit 0 and no error line.
// The baseline, measured in the same run: a bare Node process (RSS ratios are against it).
// Servers that pnpm dev found already running (Postgres, Redis, Mosquitto) are not counted:
// it did not start them. Exits 1 when a goal or budget is missed.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { compare, type LoadOptions, load, meanThroughput, printTable, roundSeconds } from '@azora/bench';
import { getService, SERVICES } from '@azora/catalog';
import { allProcesses, commandLine, processInfo, processTree, pssKiB, rssKiB } from '../src/processes.ts';
import { REPO_ROOT } from '../src/repo.ts';

const READY_GOAL_S = 30;
/** Throughput through main-app's gateway against straight to the service, under pnpm dev. */
const GATEWAY_GOAL = 0.6;
/** Idle RSS of a service's node process, in MB: the issue's budgets (ai-vision keeps its model workers). */
const RSS_BUDGET_MB: Record<string, number> = { 'ai-vision': 450 };
const DEFAULT_RSS_BUDGET_MB = 120;
/** PSS of everything pnpm dev started, in MB: 21 services × about 100, browsers and the orchestrator. */
const TOTAL_PSS_BUDGET_MB = 3000;
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 20);

const mb = (kib: number) => Math.round(kib / 1024);

async function bareNodeRssKiB(): Promise<number> {
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  await sleep(1000);
  const rss = rssKiB(bare.pid as number);
  bare.kill();
  return rss;
}

interface DevRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startPnpmDev(): DevRun {
  // Its own process group, as a terminal's foreground job: Ctrl-C goes to the whole group.
  // Not --quiet: the orchestrator reads every service's log back for the terminal, as a developer sees it.
  const child = spawn('pnpm', ['dev'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  // All of it until every service is ready, then the last 64 KB (under load it is megabytes).
  let text = '';
  let ready = false;
  const keep = (chunk: Buffer) => {
    text += chunk;
    ready ||= text.includes('Ctrl-C stops everything');
    if (ready && text.length > 1 << 17) text = text.slice(-(1 << 16));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until(run: DevRun, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null || performance.now() > deadline) {
      throw new Error(`pnpm dev: no ${pattern} within ${timeoutMs / 1000} s:\n${run.output()}`);
    }
    await sleep(50);
  }
}

const baselineKiB = await bareNodeRssKiB();
const started = performance.now();
const dev = startPnpmDev();
const failures: string[] = [];
try {
  await until(dev, /Ctrl-C stops everything/, 180_000);
  const readySeconds = (performance.now() - started) / 1000;
  // "<service> | starting on port N (pid P)": the latest start of each service.
  const leaders = new Map<string, number>();
  for (const match of dev.output().matchAll(/^(\S+)\s+\| starting on port \d+ \(pid (\d+)\)/gm)) {
    leaders.set(match[1] as string, Number(match[2]));
  }
  const readyIn = new Map<string, string>();
  for (const match of dev.output().matchAll(/^ {2}(\S+)\s+http:\S+\s+(\w+)\s+(.+)$/gm)) {
    readyIn.set(match[1] as string, match[2] === 'ready' ? (match[3] as string).trim() : (match[2] as string));
  }
  const cpuToReady = new Map(
    [...leaders].map(([name, pid]) => [name, processTree(pid).reduce((sum, info) => sum + info.cpuSeconds, 0)]),
  );

  // What Prometheus and a first visitor would do, then nothing.
  await Promise.all(
    SERVICES.filter((service) => leaders.has(service.name)).map(async (service) => {
      for (const path of [service.health.ready, '/metrics']) {
        await fetch(`http://127.0.0.1:${service.port}${path}`)
          .then((res) => res.arrayBuffer())
          .catch(() => {});
      }
    }),
  );
  await sleep(idleSeconds * 1000);

  // Each process counts for the nearest service it descends from; the rest is the orchestrator's.
  const everything = processTree(dev.child.pid as number);
  const serviceOf = new Map<number, string>();
  const byPid = new Map(everything.map((info) => [info.pid, info]));
  const leaderNames = new Map([...leaders].map(([name, pid]) => [pid, name]));
  for (const info of everything) {
    for (let at: number | undefined = info.pid; at !== undefined; at = byPid.get(at)?.ppid) {
      const name = leaderNames.get(at);
      if (name) {
        serviceOf.set(info.pid, name);
        break;
      }
    }
  }
  const rows: (string | number)[][] = [
    ['service', 'ready in', 'CPU s to ready', 'node RSS MB', '× bare node', 'budget MB', 'others (browser…) PSS MB'],
  ];
  let totalPss = 0;
  for (const info of everything) totalPss += pssKiB(info.pid);
  for (const service of SERVICES) {
    const leader = leaders.get(service.name);
    if (leader === undefined) {
      failures.push(`${service.name} did not start`);
      continue;
    }
    const command = commandLine(leader);
    if (!command.startsWith(process.execPath) || /pnpm|npm|\bsh\b/.test(command.split(' ')[0] as string)) {
      failures.push(`${service.name} runs as "${command}", not node itself`);
    }
    const rss = rssKiB(leader);
    const others = everything
      .filter((info) => serviceOf.get(info.pid) === service.name && info.pid !== leader)
      .reduce((sum, info) => sum + pssKiB(info.pid), 0);
    const budget = RSS_BUDGET_MB[service.name] ?? DEFAULT_RSS_BUDGET_MB;
    if (mb(rss) > budget) failures.push(`${service.name}: idle RSS ${mb(rss)} MB, budget ${budget} MB`);
    if (readyIn.get(service.name)?.endsWith('s') !== true)
      failures.push(`${service.name}: ${readyIn.get(service.name)}`);
    rows.push([
      service.name,
      readyIn.get(service.name) ?? '?',
      Math.round((cpuToReady.get(service.name) ?? 0) * 10) / 10,
      mb(rss),
      Math.round((rss / baselineKiB) * 100) / 100,
      budget,
      mb(others),
    ]);
  }
  const orchestrator = everything.filter((info) => !serviceOf.has(info.pid));
  console.log(`pnpm dev benchmark: ${leaders.size} services, idle ${idleSeconds} s after ready\n`);
  printTable(rows);
  console.log(`\nbaseline: a bare node process, RSS ${mb(baselineKiB)} MB`);
  console.log(
    `orchestrator and what it started itself (pnpm, dev.ts, embedded servers): ${orchestrator.length} processes, PSS ${mb(
      orchestrator.reduce((sum, info) => sum + pssKiB(info.pid), 0),
    )} MB — ${orchestrator.map((info) => commandLine(info.pid).split(' ').slice(0, 2).join(' ')).join('; ')}`,
  );
  console.log(
    `everything pnpm dev started: ${everything.length} processes, PSS ${mb(totalPss)} MB (budget ${TOTAL_PSS_BUDGET_MB} MB)`,
  );
  console.log(`every service ready after ${readySeconds.toFixed(1)} s (goal: under ${READY_GOAL_S} s)`);
  if (readySeconds >= READY_GOAL_S) failures.push(`ready after ${readySeconds.toFixed(1)} s`);
  if (mb(totalPss) > TOTAL_PSS_BUDGET_MB) failures.push(`total PSS ${mb(totalPss)} MB`);

  // The gateway under pnpm dev: POST /api/sentiment/analyze straight to ai-sentiment
  // (baseline) and through main-app, every request logged by both, and the logs read back
  // for the terminal by the orchestrator.
  const body = { text: 'The console is fast and clear. The old one was slow and confusing.' };
  const seconds = roundSeconds();
  const directLoad: LoadOptions = {
    url: `http://127.0.0.1:${getService('ai-sentiment').port}/api/sentiment/analyze`,
    method: 'POST',
    body,
    durationSeconds: seconds,
  };
  const gatewayLoad: LoadOptions = {
    ...directLoad,
    url: `http://127.0.0.1:${getService('main-app').port}/api/sentiment/analyze`,
  };
  // Four pairs of rounds: the ratio is their median (pairedRatio), steadier on a shared machine.
  const gateway = await compare(directLoad, gatewayLoad, 4);
  console.log(
    `gateway under pnpm dev: ${Math.round(meanThroughput(gateway.baseline))} req/s direct, ${Math.round(
      meanThroughput(gateway.target),
    )} through main-app: ${(gateway.ratio * 100).toFixed(0)}% (goal ≥ ${GATEWAY_GOAL * 100}%)`,
  );
  if (gateway.ratio < GATEWAY_GOAL) failures.push(`gateway keeps ${(gateway.ratio * 100).toFixed(0)}% under pnpm dev`);

  // Where the CPU of a request goes, one more round each way: CPU time per request of the
  // gateway, the service, the orchestrator (it reads every log line back), the other, idle
  // services, and the servers pnpm dev found running (the spans of each request go to
  // tracing-recovery's Postgres and Redis). On two cores, the hop is worth as much as the CPU it adds.
  const groups = (info: { pid: number }) => {
    const name = serviceOf.get(info.pid);
    return name === 'main-app' || name === 'ai-sentiment' ? name : name ? 'other services' : 'orchestrator';
  };
  const FOUND_SERVERS = new Set(['postgres', 'redis-server', 'mosquitto']);
  const cpuByGroup = () => {
    const totals = new Map<string, number>();
    const add = (group: string, seconds: number) => totals.set(group, (totals.get(group) ?? 0) + seconds);
    const processes = allProcesses();
    const started = processTree(dev.child.pid as number, processes);
    const ours = new Set(started.map((info) => info.pid));
    for (const info of started) add(groups(info), info.cpuSeconds);
    for (const info of processes)
      if (FOUND_SERVERS.has(info.name) && !ours.has(info.pid)) add('servers found running', info.cpuSeconds);
    return totals;
  };
  const cpuPerRequest = async (options: LoadOptions) => {
    const before = cpuByGroup();
    const result = await load(options);
    const after = cpuByGroup();
    const requests = result.requestsPerSecond * seconds;
    return (group: string) => Math.round((((after.get(group) ?? 0) - (before.get(group) ?? 0)) / requests) * 1e6);
  };
  const direct = await cpuPerRequest(directLoad);
  const through = await cpuPerRequest(gatewayLoad);
  const cpuGroups = ['main-app', 'ai-sentiment', 'orchestrator', 'other services', 'servers found running'];
  console.log('\nCPU µs per request, by process (one more round each way):');
  printTable([
    ['', ...cpuGroups],
    ['direct to ai-sentiment', ...cpuGroups.map(direct)],
    ['through main-app', ...cpuGroups.map(through)],
  ]);

  // One Ctrl-C, as a terminal sends it: to the foreground process group.
  const stopping = performance.now();
  process.kill(-(dev.child.pid as number), 'SIGINT');
  const code = await dev.exited;
  const errorLine = /ELIFECYCLE|ERR_|killing everything/.exec(dev.output())?.[0];
  console.log(
    `Ctrl-C: exit code ${code} after ${Math.round(performance.now() - stopping)} ms${errorLine ? `, printed "${errorLine}"` : ', no error line'}`,
  );
  if (code !== 0 || errorLine)
    failures.push(`Ctrl-C ended with exit code ${code}${errorLine ? ` and "${errorLine}"` : ''}`);
  const left = processTree(dev.child.pid as number).filter((info) => processInfo(info.pid)?.state !== 'Z');
  if (left.length > 0) failures.push(`${left.length} processes left after Ctrl-C`);
} finally {
  if (dev.child.exitCode === null) {
    process.kill(-(dev.child.pid as number), 'SIGINT');
    await dev.exited;
  }
}
if (failures.length > 0) {
  console.log(`\nmissed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
