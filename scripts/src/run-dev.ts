/**
 * `pnpm dev`: finds the services in the repo, starts the infrastructure they need,
 * starts and supervises each service, waits until every one is ready (or failed),
 * prints where each listens, and stops everything cleanly on request.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getService, SERVICES, type ServiceEntry } from '@azora/catalog';
import { type ControlServer, startControlServer } from './control.ts';
import { type DevCommand, devCommand, devRuntimeEnv, withDevNodeFlags } from './dev-script.ts';
import { devScriptOf, selectServices } from './discover.ts';
import { type DevCredentials, devCredentials, devIdentityKeys, spawnEnv } from './env.ts';
import { DevError } from './errors.ts';
import { type StartedInfrastructure, startInfrastructure } from './infrastructure.ts';
import { batchedWriter, displayPath, paint, renderLogLine, serviceColour, terminalLineLimit } from './output.ts';
import { stripWorkspaceSources } from './stripped-sources.ts';
import { type Backoff, DEFAULT_BACKOFF, type Supervised, type SupervisorEvent, supervise } from './supervisor.ts';
import { formatDuration, renderTable, type ServiceRow } from './table.ts';

export interface DevOptions {
  /** The repo root: services' folders are relative to it; data and logs go to `<root>/.dev-data`. */
  root: string;
  /** Catalog entries to consider (default: the whole catalog). Names must be catalog names. */
  services?: readonly ServiceEntry[];
  /** Start only these, plus the services they call, transitively. */
  only?: readonly string[];
  /** Do not stream service output to the terminal (the log files always get it). */
  quiet?: boolean;
  /** How long each service gets to answer 200 on its readiness path (default 60 s). */
  readyTimeoutMs?: number;
  backoff?: Backoff;
  /** Inherited by the services; also where local server URLs, `CHROMIUM_PATH` and `PATH` are read. */
  env?: NodeJS.ProcessEnv;
  write?: (text: string) => void;
}

export interface DevSession {
  /** The table rows once every service is ready or failed; rejects when infrastructure could not be had. */
  settled: Promise<ServiceRow[]>;
  /** Resolves when nothing runs or will restart any more: no service in the repo, or each failed for good. */
  done: Promise<void>;
  /** The process group of every running service. */
  processGroups: () => number[];
  /** The control API of this run (what tracing-recovery gets as DEV_CONTROL_URL / DEV_CONTROL_TOKEN), once launched. */
  control: () => { url: string; token: string } | undefined;
  /** Stops services (SIGTERM, SIGKILL after 10 s), then embedded infrastructure. Safe at any moment, and more than once. */
  stop: () => Promise<void>;
}

const STOP_GRACE_MS = 10_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One `pnpm dev` per repo: two would open the same PGlite data directories. */
async function lock(file: string): Promise<void> {
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(await readFile(file, 'utf8'));
    if (owner && isRunning(owner)) {
      throw new DevError(
        `another pnpm dev (pid ${owner}) is running in this repo; stop it first (or delete ${file} if that pid is not one)`,
      );
    }
    await writeFile(file, String(process.pid));
  }
}

/** How to authenticate to the services of this run, printed under the table. */
function credentialsHelp(credentials: DevCredentials, services: readonly ServiceEntry[]): string {
  if (credentials.generated.length === 0) return '  Credentials: API_KEYS / JWT_SECRET from your environment.\n\n';
  const gateway = services.find((service) => service.name === 'main-app')?.port ?? getService('main-app').port;
  const [operator] = credentials.generated;
  const nameWidth = Math.max(...credentials.generated.map(({ name }) => name.length));
  const roleWidth = Math.max(...credentials.generated.map(({ role }) => role.length));
  const lines = credentials.generated.map(
    ({ name, role, key }) => `    ${name.padEnd(nameWidth)}  ${role.padEnd(roleWidth)}  ${key}`,
  );
  return [
    `  API keys for this run, for writes that need a role (set API_KEYS or JWT_SECRET to use your own):`,
    ...lines,
    `  ${paint('dim', 'e.g.')} curl -X POST -H 'x-api-key: ${operator?.key}' http://127.0.0.1:${gateway}/api/personalization/model/rebuild`,
    '',
    '',
  ].join('\n');
}

/**
 * Routine lines (info and below) per service and second that reach the terminal; the rest
 * are counted, and are in the service's log file. A person reads a few lines a second.
 */
const TERMINAL_LINES_PER_SECOND = 50;

/** Prints supervisor events as lines prefixed with the service's name in its colour. */
function printer(
  services: readonly ServiceEntry[],
  quiet: boolean,
  write: (text: string) => void,
  logFile: (name: string) => string,
) {
  const nameWidth = Math.max(...services.map((service) => service.name.length));
  const colours = new Map(services.map((service, i) => [service.name, serviceColour(i)]));
  const ports = new Map(services.map((service) => [service.name, service.port]));
  const say = (name: string, text: string) =>
    write(`${paint(colours.get(name) ?? 'cyan', name.padEnd(nameWidth))} ${paint('dim', '|')} ${text}\n`);

  // Once a second, what a busy service's routine lines were held back (terminalLineLimit).
  const limit = terminalLineLimit(TERMINAL_LINES_PER_SECOND);
  const reportHeld = setInterval(() => {
    for (const [name, held] of limit.takeHeld())
      say(name, paint('dim', `… and ${held} more lines, not shown (every line is in ${displayPath(logFile(name))})`));
  }, 1000);
  reportHeld.unref();

  const onEvent = (event: SupervisorEvent): void => {
    switch (event.type) {
      case 'output':
        if (!quiet && limit.admit(event.name, event.line)) say(event.name, renderLogLine(event.line));
        break;
      case 'starting': {
        const verb = event.restart === 0 ? 'starting' : 'restarting';
        say(event.name, paint('dim', `${verb} on port ${ports.get(event.name)} (pid ${event.pid})`));
        break;
      }
      case 'ready': {
        const what = event.restart === 0 ? 'ready' : 'ready again';
        say(event.name, paint('green', `✓ ${what} after ${formatDuration(event.afterMs)}`));
        break;
      }
      case 'exited':
        say(event.name, paint('red', `✗ exited (${event.exit}); restarting in ${formatDuration(event.restartInMs)}`));
        for (const line of event.lastLines) say(event.name, paint('dim', `  ${line}`));
        break;
      case 'failed':
        say(event.name, paint('red', `✗ ${event.reason}`));
        break;
    }
  };
  return { onEvent, stop: () => clearInterval(reportHeld) };
}

export function runDev(options: DevOptions): DevSession {
  const { root, quiet = false } = options;
  const services = options.services ?? SERVICES;
  const env = options.env ?? process.env;
  const credentials = devCredentials(env);
  const terminal = batchedWriter(options.write ?? ((text: string) => process.stdout.write(text)));
  const { write } = terminal;
  const dataDir = join(root, '.dev-data');
  const lockFile = join(dataDir, 'dev.pid');

  let stopping = false;
  let stopped: Promise<void> | undefined;
  let locked = false;
  let infrastructure: StartedInfrastructure | undefined;
  let control: ControlServer | undefined;
  let print: ReturnType<typeof printer> | undefined;
  const controlToken = randomBytes(24).toString('base64url');
  const supervised: Supervised[] = [];
  const killAll = () => {
    for (const service of supervised) service.kill();
  };

  /** Starts infrastructure and spawns the services; resolves with what the table needs. */
  async function launch(): Promise<{ present: ServiceEntry[]; missing: ServiceEntry[] }> {
    const { present, missing } = selectServices(root, services, options.only);
    // Each service's dev script as a command, before anything starts: a script pnpm dev
    // cannot run directly stops the run with the service's name.
    const commands = new Map<string, DevCommand>();
    for (const service of present) {
      try {
        commands.set(service.name, devCommand(devScriptOf(root, service) as string));
      } catch (error) {
        throw new DevError(`${service.name} (${service.folder}/package.json): ${(error as Error).message}`);
      }
    }
    await mkdir(join(dataDir, 'logs'), { recursive: true });
    await lock(lockFile);
    locked = true;
    const notInRepo = missing.length > 0 ? `, ${missing.length} not in repo yet` : '';
    write(
      `${paint('bold', 'Azora OS dev')}: ${present.length} service${present.length === 1 ? '' : 's'} to start${notInRepo}\n`,
    );
    if (present.length === 0) return { present, missing };

    const pieceWidth = 'chromium'.length;
    // Beside the infrastructure's start: about half a second the first time, a few reads after.
    const strippedSources = join(dataDir, 'stripped');
    const stripping = stripWorkspaceSources(root, strippedSources).catch((error: Error) =>
      write(paint('yellow', `  could not strip the sources (${error.message}); each service strips its own\n`)),
    );
    infrastructure = await startInfrastructure(present, {
      env,
      dataDir,
      say: (piece, text, warning) =>
        write(`  ${paint('bold', piece.padEnd(pieceWidth))}  ${warning ? paint('yellow', text) : text}\n`),
    });
    await stripping;
    if (stopping) return { present, missing };

    process.on('exit', killAll);
    // Folders standing in for the services' named volumes (the website builder's published sites).
    const connections = { ...infrastructure.connections, volumes: join(dataDir, 'volumes') };
    // Only the compliance services keep sealed identifiers; the keys go to them alone.
    const identityKeys = present.some((s) => s.group === 'compliance') ? devIdentityKeys(env, dataDir) : {};
    for (const service of present) {
      for (const volume of service.volumes)
        await mkdir(join(connections.volumes, service.name, volume), { recursive: true });
    }
    // The control API, for the services that restart others (tracing-recovery: catalog infrastructure "docker").
    control = await startControlServer({ token: controlToken, services: () => supervised });
    const presentNames = present.map((service) => service.name).join(',');
    const controlEnv = (service: ServiceEntry): Record<string, string> => {
      if (!service.infrastructure.includes('docker')) return {};
      const env: Record<string, string> = {
        DEV_CONTROL_URL: (control as ControlServer).url,
        DEV_CONTROL_TOKEN: controlToken,
        DEPLOYED_SERVICES: presentNames,
      };
      // Infrastructure it checks directly, as its dependants reach it.
      if (connections.mongodb) env.MONGODB_URI = connections.mongodb;
      if (connections.mqtt) env.MQTT_URL = connections.mqtt;
      return env;
    };
    const logFile = (name: string) => join(dataDir, 'logs', `${name}.log`);
    print = printer(present, quiet, write, logFile);
    for (const service of present) {
      supervised.push(
        supervise(
          {
            name: service.name,
            cwd: join(root, service.folder),
            port: service.port,
            readyUrl: `http://127.0.0.1:${service.port}${service.health.ready}`,
            env: {
              ...spawnEnv(
                { ...env, ...credentials.env, ...(service.group === 'compliance' ? identityKeys : {}) },
                service,
                services,
                connections,
              ),
              ...controlEnv(service),
              ...devRuntimeEnv({ dataDir, strippedSources, compileCache: env.NODE_COMPILE_CACHE }),
              ...commands.get(service.name)?.env,
            },
            logFile: logFile(service.name),
          },
          {
            command: withDevNodeFlags((commands.get(service.name) as DevCommand).command),
            readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
            backoff: options.backoff ?? DEFAULT_BACKOFF,
            onEvent: print.onEvent,
          },
        ),
      );
    }
    return { present, missing };
  }

  /** Every 5 s until all have settled: who is still starting. */
  function reportWaiting(): () => void {
    const started = performance.now();
    const pending = new Set(supervised.map((service) => service.name));
    for (const service of supervised) void service.outcome.then(() => pending.delete(service.name));
    const timer = setInterval(() => {
      if (pending.size === 0 || stopping) return;
      write(
        paint('dim', `… waiting for ${[...pending].join(', ')} (${formatDuration(performance.now() - started)})\n`),
      );
    }, 5000);
    timer.unref();
    return () => clearInterval(timer);
  }

  const launched = launch();
  const settled = launched.then(async ({ present, missing }) => {
    const stopReporting = reportWaiting();
    const outcomes = new Map(
      await Promise.all(supervised.map(async (service) => [service.name, await service.outcome] as const)),
    );
    stopReporting();
    // The services that run come first: the missing ones would bury them while the repo grows.
    const rows: ServiceRow[] = [
      ...present.map((service) => ({
        name: service.name,
        url: `http://127.0.0.1:${service.port}`,
        ...(outcomes.get(service.name) ?? { status: 'stopped' as const }),
      })),
      ...missing.map((service) => ({ name: service.name, status: 'not in repo yet' as const })),
    ];
    if (!stopping) {
      write(`\n${renderTable(rows)}\n`);
      if (present.length > 0) {
        write(`  Logs in ${displayPath(join(dataDir, 'logs'))}/<service>.log. Ctrl-C stops everything.\n\n`);
        write(credentialsHelp(credentials, services));
      }
      terminal.flush();
    }
    return rows;
  });

  return {
    settled,
    // A failed launch leaves nothing running: `settled` carries its error.
    done: launched.then(
      async () => {
        await Promise.all(supervised.map((service) => service.finished));
      },
      () => {},
    ),
    control: () => (control ? { url: control.url, token: controlToken } : undefined),
    processGroups: () => supervised.map((service) => service.processGroup()).filter((pgid) => pgid !== undefined),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        await launched.catch(() => {});
        await Promise.all(supervised.map((service) => service.stop(STOP_GRACE_MS)));
        print?.stop();
        await control?.close();
        process.off('exit', killAll);
        await infrastructure?.stop();
        if (locked) await rm(lockFile, { force: true });
        terminal.flush();
      })();
      return stopped;
    },
  };
}
