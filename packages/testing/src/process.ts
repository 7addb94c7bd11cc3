import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './http.ts';

export interface NodeProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The Node process's id (it is spawned directly, not through a shell). */
  pid: number;
  /** What it printed recently (stdout and stderr), for error messages. */
  output: () => string;
  /** SIGTERM, then SIGKILL when it has not exited after 5 s. */
  stop: () => Promise<void>;
}

export interface NodeProcessOptions {
  /** The entry point, run from source with the `@azora/source` condition unless `sourceCondition` is false. */
  entry: string;
  /**
   * Pass `--conditions=@azora/source` (default true), so workspace packages load from their
   * `src`; false runs what their `dist` holds, as an image does.
   */
  sourceCondition?: boolean;
  args?: string[];
  cwd?: string;
  /** Added to this process's environment; `PORT` is always a free port. */
  env?: Record<string, string>;
  /** Waited for until it answers 200 (default `/health`). */
  readyPath?: string;
  readyTimeoutMs?: number;
  /** Also copy its stderr to this process's stderr (default false). */
  echoStderr?: boolean;
}

/**
 * Runs a Node entry point (a service's `src/main.ts`, say) in its own process on a free
 * port and resolves once `readyPath` answers 200; an exit or a timeout before that
 * rejects with what the process printed.
 */
export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.sourceCondition === false ? [] : ['--conditions=@azora/source']),
      ...(options.args ?? []),
      options.entry,
    ],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Only the recent output is kept: enough for an error message, bounded for long runs.
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(String(chunk));
    if (chunks.length > 200) chunks.splice(0, chunks.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk) => {
    keep(chunk);
    if (options.echoStderr) process.stderr.write(chunk);
  });
  const output = () => chunks.join('');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.entry} exited with ${child.exitCode} before it was ready:\n${output().slice(-2000)}`);
    }
    const ok = await fetch(`${url}${options.readyPath ?? '/health'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, port, pid: child.pid as number, output, stop };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.entry} was not ready within ${timeoutMs} ms:\n${output().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
