/**
 * Benchmark harness (load from wrk). Absolute numbers on a shared 2-core machine are noise, so every
 * benchmark compares a target against a baseline measured in the same run, alternating
 * rounds so that drift in machine load hits both sides alike.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@azora/testing';

export interface ServerProcess {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * Runs a Node entry point in its own process (so the load generator does not share its
 * event loop) with `PORT` set to a free port, and waits until `readyPath` answers 200.
 */
export async function startNodeServer(options: {
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  readyPath?: string;
  cwd?: string;
}): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@azora/source', ...(options.args ?? []), options.entry],
    {
      cwd: options.cwd,
      env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...options.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.entry} exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(`${url}${options.readyPath ?? '/health'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.entry} was not ready within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
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
  /** Mean target throughput divided by mean baseline throughput. */
  ratio: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

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
  results.ratio =
    mean(results.target.map((r) => r.requestsPerSecond)) / mean(results.baseline.map((r) => r.requestsPerSecond));
  return results;
}

export function meanThroughput(results: LoadResult[]): number {
  return mean(results.map((r) => r.requestsPerSecond));
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
