/**
 * Runs one service's `dev` script: in its own process group (so the whole tree can be
 * signalled at once), writing its output straight to its log file, which is read back in
 * lines for the terminal (service-log.ts), restarted with exponential backoff when it exits
 * on its own, and polled on its readiness URL after every start.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { allProcesses } from './processes.ts';
import { openServiceLog } from './service-log.ts';
import { formatDuration } from './table.ts';

export interface ServiceSpec {
  name: string;
  /** Where the command runs: the service's folder. */
  cwd: string;
  port: number;
  /** Polled until it answers 200. */
  readyUrl: string;
  env: NodeJS.ProcessEnv;
  /** Appended to: every line the service prints, plus a line per start. */
  logFile: string;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A run that lasted this long counts as healthy: the next crash waits `initialMs` again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

export type SupervisorEvent =
  | { type: 'starting'; name: string; pid: number; restart: number }
  | { type: 'output'; name: string; line: string }
  /** `afterMs` counts from this start; `restart` is 0 for the first start. */
  | { type: 'ready'; name: string; afterMs: number; restart: number }
  | { type: 'exited'; name: string; exit: string; lastLines: string[]; restartInMs: number }
  | { type: 'failed'; name: string; reason: string };

export interface Outcome {
  status: 'ready' | 'failed' | 'stopped';
  /** From the first start to the first 200 on the readiness URL. */
  readyMs?: number;
  detail?: string;
}

export interface SupervisorOptions {
  /** The service's command, run in its folder (run-dev: its `dev` script, see dev-script.ts). */
  command: readonly [string, ...string[]];
  readyTimeoutMs: number;
  backoff: Backoff;
  onEvent: (event: SupervisorEvent) => void;
}

/** Where a supervised service stands, for the control API. */
export type ServiceState = 'starting' | 'ready' | 'exited' | 'failed' | 'stopped';

export interface Supervised {
  readonly name: string;
  /** starting (spawned, not ready yet), ready, exited (waiting to restart), failed (for good), stopped. */
  state: () => ServiceState;
  /** Starts after the first run: restarts, whether asked for or after an exit. */
  restarts: () => number;
  /**
   * Restarts it now: SIGTERM to the running group (SIGKILL after `graceMs`), then a new start
   * at once, with no backoff; a service waiting out its backoff starts at once. Resolves with
   * the state it was in. Throws once it is stopped or failed for good.
   */
  restart: (graceMs: number) => Promise<ServiceState>;
  /** Settles once: ready, failed (port taken, not ready in time, cannot spawn) or stopped. */
  readonly outcome: Promise<Outcome>;
  /** Resolves when it will not run again: stopped, or failed for good (port taken, cannot spawn). */
  readonly finished: Promise<void>;
  /** The process group of the running child, if any (its id is the child's pid). */
  processGroup: () => number | undefined;
  /** SIGTERM to the group, SIGKILL what remains after `graceMs`; no restarts afterwards. */
  stop: (graceMs: number) => Promise<void>;
  /** SIGKILL to the group, synchronously: for a forced exit. */
  kill: () => void;
}

/**
 * Pids of the live processes in process group `pgid`. Zombies are left out: where
 * nothing reaps orphans (a container's init), they linger but run nothing.
 */
export function groupMembers(pgid: number): number[] {
  return allProcesses()
    .filter((info) => info.pgid === pgid && info.state !== 'Z')
    .map((info) => info.pid);
}

function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux') return groupMembers(pgid).length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves true once the group is gone, false if it is still there after `timeoutMs`. */
async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** True when something already accepts connections on the loopback port. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `url` until it answers 200 (true) or `signal` aborts (false). */
async function pollReady(url: string, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
      await response.body?.cancel();
      if (response.status === 200) return true;
    } catch {
      // Not listening yet, or timed out: try again.
    }
    await sleep(200, undefined, { signal }).catch(() => {});
  }
  return false;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

const LAST_LINES = 8;
/** How often a running service's log is read for new lines: the terminal lags by at most this. */
const LOG_READ_INTERVAL_MS = 100;

export function supervise(spec: ServiceSpec, options: SupervisorOptions): Supervised {
  const { name } = spec;
  const { backoff, onEvent: emit } = options;
  /** The current run's last lines, for the report when it exits. */
  let lastLines: string[] = [];
  const log = openServiceLog(spec.logFile, (line) => {
    lastLines.push(line);
    if (lastLines.length > LAST_LINES) lastLines.shift();
    emit({ type: 'output', name, line });
  });
  /** The current child's group, kept until every process in it is gone. */
  let group: number | undefined;
  let stopping = false;
  const stopped = new AbortController();
  let crashes = 0;
  let lastExit = '';
  let state: ServiceState = 'starting';
  let restarts = 0;
  /** Set by restart(): the next exit is the one asked for, and the service starts again at once. */
  let restartRequested = false;
  /** Aborted by restart() to cut a backoff wait short. */
  let wake = new AbortController();

  const { promise: outcome, resolve: settle } = Promise.withResolvers<Outcome>();
  const firstStart = performance.now();
  const deadline = setTimeout(() => {
    settle({
      status: 'failed',
      detail:
        crashes > 0
          ? `exited ${crashes}× (last: ${lastExit}), still restarting`
          : `not ready after ${formatDuration(options.readyTimeoutMs)}`,
    });
  }, options.readyTimeoutMs);

  /** One run of the command; resolves when it has exited and its output is read. */
  function runOnce(restart: number): Promise<{ exit: string; lastLines: string[]; spawnError?: Error }> {
    const [command, ...args] = options.command;
    lastLines = [];
    const proc = spawn(command, args, {
      cwd: spec.cwd,
      // Services built on the kit shut down when this process is gone, even if it was
      // killed before it could stop their process groups.
      env: { ...spec.env, AZORA_SUPERVISOR_PID: String(process.pid) },
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
    group = proc.pid;
    const alive = new AbortController();
    const startedAt = performance.now();
    if (proc.pid !== undefined) {
      log.note(`${new Date().toISOString()} starting (pid ${proc.pid})`);
      emit({ type: 'starting', name, pid: proc.pid, restart });
    }
    const reading = setInterval(() => log.read(), LOG_READ_INTERVAL_MS);
    void pollReady(spec.readyUrl, alive.signal).then((ready) => {
      if (!ready) return;
      const now = performance.now();
      state = 'ready';
      emit({ type: 'ready', name, afterMs: now - startedAt, restart });
      settle({ status: 'ready', readyMs: now - firstStart });
      clearTimeout(deadline);
    });
    return new Promise((resolve) => {
      proc.once('error', (spawnError) => {
        alive.abort();
        clearInterval(reading);
        resolve({ exit: spawnError.message, lastLines, spawnError });
      });
      proc.once('close', (code, signal) => {
        alive.abort();
        clearInterval(reading);
        log.read(true);
        resolve({ exit: describeExit(code, signal), lastLines });
      });
    });
  }

  async function run(): Promise<void> {
    if (await portInUse(spec.port)) {
      const reason = `port ${spec.port} is in use by another process`;
      emit({ type: 'failed', name, reason });
      settle({ status: 'failed', detail: reason });
      state = 'failed';
      return;
    }
    let delay = backoff.initialMs;
    for (let restart = 0; !stopping; restart++) {
      const startedAt = performance.now();
      state = 'starting';
      restarts = restart;
      const { exit, lastLines, spawnError } = await runOnce(restart);
      if (spawnError) {
        const reason = `cannot run ${options.command.join(' ')}: ${spawnError.message}`;
        emit({ type: 'failed', name, reason });
        settle({ status: 'failed', detail: reason });
        state = 'failed';
        return;
      }
      if (stopping) return;
      // The leader exited on its own: nothing of that run may keep the port.
      if (group !== undefined) {
        signalGroup(group, 'SIGKILL');
        await groupGone(group, 2000);
        group = undefined;
      }
      state = 'exited';
      if (restartRequested) {
        restartRequested = false;
        log.note(`${exit}; restarting now, as asked`);
        emit({ type: 'exited', name, exit: `${exit}, restart asked for`, lastLines: [], restartInMs: 0 });
        continue;
      }
      crashes++;
      lastExit = exit;
      if (performance.now() - startedAt >= backoff.resetAfterMs) delay = backoff.initialMs;
      log.note(`${exit}; restarting in ${formatDuration(delay)}`);
      emit({ type: 'exited', name, exit, lastLines, restartInMs: delay });
      wake = new AbortController();
      await sleep(delay, undefined, { signal: AbortSignal.any([stopped.signal, wake.signal]) }).catch(() => {});
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
  const finished = run().finally(() => {
    clearTimeout(deadline);
    log.close();
    settle({ status: 'stopped' });
    if (state !== 'failed') state = 'stopped';
  });

  return {
    name,
    outcome,
    finished,
    processGroup: () => group,
    state: () => state,
    restarts: () => restarts,
    restart: async (graceMs) => {
      if (stopping || state === 'failed' || state === 'stopped')
        throw new Error(`${name} is ${state === 'failed' ? 'failed for good' : 'stopped'}`);
      const previous = state;
      const pgid = group;
      if (pgid !== undefined && state !== 'exited') {
        restartRequested = true;
        signalGroup(pgid, 'SIGTERM');
        if (!(await groupGone(pgid, graceMs))) {
          signalGroup(pgid, 'SIGKILL');
          await groupGone(pgid, 2000);
        }
      } else {
        wake.abort();
      }
      // Answer once the new process is spawned, so callers see it starting.
      const deadline = Date.now() + 5000;
      const spawned = () => group !== undefined && group !== pgid;
      while (!spawned() && !stopping && Date.now() < deadline) {
        await sleep(20);
      }
      return previous;
    },
    stop: async (graceMs) => {
      stopping = true;
      stopped.abort();
      const pgid = group;
      if (pgid !== undefined) {
        signalGroup(pgid, 'SIGTERM');
        if (!(await groupGone(pgid, graceMs))) {
          signalGroup(pgid, 'SIGKILL');
          await groupGone(pgid, 2000);
        }
      }
      await finished;
      group = undefined;
    },
    kill: () => {
      if (group !== undefined) signalGroup(group, 'SIGKILL');
    },
  };
}
