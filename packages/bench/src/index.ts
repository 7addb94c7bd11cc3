/**
 * Benchmark harness (load from wrk). Absolute numbers on a shared 2-core machine are noise, so every
 * benchmark compares a target against a baseline measured in the same run, alternating
 * rounds so that drift in machine load hits both sides alike.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNodeProcess } from '@azora/testing';

export interface ServerProcess {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * Runs a Node entry point in its own process (so the load generator does not share its
 * event loop) with `PORT` set to a free port, production mode and quiet logs, and waits
 * until `readyPath` answers 200.
 */
export function startNodeServer(options: {
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  readyPath?: string;
  cwd?: string;
}): Promise<ServerProcess> {
  return startNodeProcess({
    ...options,
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'production', ...options.env },
    echoStderr: true,
  });
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  connections?: number;
  durationSeconds?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

const exec = promisify(execFile);

function toMs(value: string, unit: string): number {
  const factor = unit === 'us' ? 0.001 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 1;
  return Number(value) * factor;
}

/** Reads the numbers out of wrk's report (run with --latency). */
export function parseWrkReport(report: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(report);
  if (!rps) throw new Error(`unexpected wrk output:\n${report}`);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(report);
    return match ? toMs(match[1] as string, match[2] as string) : Number.NaN;
  };
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(report);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(report)?.[1] ?? 0);
  return { requestsPerSecond: Number(rps[1]), p50Ms: percentile('50'), p99Ms: percentile('99'), errors, non2xx };
}

/**
 * Loads one URL with wrk (Debian package `wrk`): a C load generator, so on a 2-core
 * machine the server rather than the load generator is what gets measured.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections ?? 50}`, `-d${options.durationSeconds ?? 5}s`, '--latency'];
  let scriptDir: string | undefined;
  if (options.method === 'POST' || options.body !== undefined) {
    scriptDir = await mkdtemp(join(tmpdir(), 'azora-wrk-'));
    const script = join(scriptDir, 'request.lua');
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    await writeFile(
      script,
      `wrk.method = "${options.method ?? 'POST'}"\nwrk.body = ${luaString(body)}\nwrk.headers["Content-Type"] = "application/json"\n`,
    );
    args.push('-s', script);
  }
  try {
    const { stdout } = await exec('wrk', [...args, options.url], { maxBuffer: 1024 * 1024 });
    return parseWrkReport(stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)');
    }
    throw error;
  } finally {
    if (scriptDir) await rm(scriptDir, { recursive: true, force: true });
  }
}

/** A Lua long-bracket string that cannot be closed by the body's own text. */
function luaString(text: string): string {
  let level = 0;
  while (text.includes(`]${'='.repeat(level)}]`)) level++;
  const eq = '='.repeat(level);
  return `[${eq}[${text}]${eq}]`;
}

/** Seconds per load round, from `BENCH_DURATION_SECONDS` (default 5). */
export function roundSeconds(): number {
  const value = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
  return Number.isFinite(value) && value > 0 ? value : 5;
}

export interface Comparison {
  baseline: LoadResult[];
  target: LoadResult[];
  /** Target throughput over baseline throughput: the median of each round's pair (`pairedRatio`). */
  ratio: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The median of each round's target/baseline throughput ratio. Rounds run back to back, so a
 * pair shares the machine's load of the moment: on a shared machine, where throughput
 * swings by half between rounds, one disturbed round moves one pair, not the result.
 */
export function pairedRatio(baseline: readonly LoadResult[], target: readonly LoadResult[]): number {
  const ratios = target
    .map((run, i) => run.requestsPerSecond / (baseline[i] as LoadResult).requestsPerSecond)
    .sort((a, b) => a - b);
  const middle = ratios.length / 2;
  return Number.isInteger(middle)
    ? ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2
    : (ratios[Math.floor(middle)] as number);
}

/** Alternates baseline and target rounds and returns their throughput ratio. */
export async function compare(baseline: LoadOptions, target: LoadOptions, rounds = 2): Promise<Comparison> {
  const results: Comparison = { baseline: [], target: [], ratio: 0 };
  for (let round = 0; round < rounds; round++) {
    results.baseline.push(await load(baseline));
    results.target.push(await load(target));
  }
  for (const run of [...results.baseline, ...results.target]) {
    if (run.errors > 0 || run.non2xx > 0)
      throw new Error(`load run had ${run.errors} errors and ${run.non2xx} non-2xx answers`);
  }
  results.ratio = pairedRatio(results.baseline, results.target);
  return results;
}

export function meanThroughput(results: LoadResult[]): number {
  return mean(results.map((r) => r.requestsPerSecond));
}

export interface ClosedLoopResult {
  /** How long each completed task took, in ms, in completion order. */
  latenciesMs: number[];
  seconds: number;
  /** Completed tasks per second. */
  perSecond: number;
}

/**
 * A client-side load loop for what wrk cannot do (many URLs, bodies built in code,
 * in-process work): `clients` loops each run `task` one call after another, until
 * `count` calls have started or `durationMs` has passed, timing every call.
 */
export async function closedLoop(options: {
  clients: number;
  task: (index: number) => Promise<void>;
  count?: number;
  durationMs?: number;
}): Promise<ClosedLoopResult> {
  const { clients, task, count = Number.POSITIVE_INFINITY, durationMs = Number.POSITIVE_INFINITY } = options;
  if (!Number.isFinite(count) && !Number.isFinite(durationMs))
    throw new Error('closedLoop needs a count or a duration');
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  let next = 0;
  const client = async () => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const taskStarted = performance.now();
      await task(index);
      latenciesMs.push(performance.now() - taskStarted);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  return { latenciesMs, seconds, perSecond: latenciesMs.length / seconds };
}

/** A task for `closedLoop`: one request whose body is read, failing on a non-2xx answer. */
export async function fetchOk(url: string, init?: RequestInit): Promise<void> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

/** The nearest-rank percentile (`p` from 0 to 100) of `values`, in any order. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Prints rows as an aligned table. */
export function printTable(rows: (string | number)[][]): void {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = text[0]?.map((_, col) => Math.max(...text.map((row) => (row[col] ?? '').length))) ?? [];
  for (const row of text) console.log(row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  '));
}

function formatNumber(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
