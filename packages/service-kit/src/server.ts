import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { exitOnConfigError, loadServerConfig } from './config.ts';
import type { Service } from './service.ts';

/** Something to close on shutdown: a database pool, a Redis client, a broker connection. */
export interface Closable {
  name: string;
  close: () => Promise<unknown> | unknown;
}

export interface ServerOptions {
  app: RequestListener;
  port: number;
  host?: string;
  logger: Logger;
  /** Closed in reverse order after in-flight requests finish. */
  resources?: Closable[];
  /** Hard limit for the whole shutdown: delay, draining and closing (default 10 000 ms). */
  shutdownTimeoutMs?: number;
  /**
   * Lame-duck period (default 0): from the start of shutdown, readiness answers 503 while
   * the server still accepts and serves, so that load balancers stop sending before the
   * listener closes. At most half the shutdown limit, leaving the rest for draining.
   */
  shutdownDelayMs?: number;
  /** Longest time to receive a whole request, headers and body; then 408 (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** Longest time to receive a request's headers; then 408 (default 10 000 ms). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (default 5000 ms). */
  keepAliveTimeoutMs?: number;
  /** Connections beyond this many are closed as soon as they are accepted (default 1024). */
  maxConnections?: number;
  /** Install SIGTERM/SIGINT handlers that shut down and exit (default true). */
  handleSignals?: boolean;
  /** Called with the exit code after shutdown when handling signals (default process.exit). */
  exit?: (code: number) => void;
  /** Called as soon as shutdown starts, before draining. */
  onShutdownStart?: () => void;
  /**
   * The process that supervises this one (`pnpm dev`, a test; default:
   * `AZORA_SUPERVISOR_PID`). A supervisor killed outright cannot stop the process groups
   * it started; when it is gone, this process kills its own process group so nothing
   * lives on as an orphan. Not gracefully: nobody reads its output any more, and a log
   * write into a full pipe would block a drain forever.
   */
  supervisorPid?: number;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** True from the moment shutdown starts: readiness should answer 503. */
  isShuttingDown: () => boolean;
  /** Waits out the delay, stops accepting, drains in-flight requests, closes resources. Idempotent. */
  shutdown: (reason?: string) => Promise<void>;
}

/** Connections the kernel queues for accepting (node's default). */
const LISTEN_BACKLOG = 511;

/**
 * Listens, with limits on slow and excess clients, and shuts down gracefully: on
 * SIGTERM/SIGINT readiness answers 503 while it keeps serving for the delay, then it stops
 * accepting connections, closes idle keep-alive sockets, lets in-flight requests finish,
 * closes the registered resources, and exits — or exits with code 1 when that takes longer
 * than the limit.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const limitMs = options.shutdownTimeoutMs ?? 10_000;
  const delayMs = Math.min(options.shutdownDelayMs ?? 0, limitMs / 2);
  if (delayMs < (options.shutdownDelayMs ?? 0)) {
    logger.warn({ delayMs, limitMs }, 'shutdown delay shortened to half the shutdown limit');
  }
  const resources = options.resources ?? [];
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  // Headers are part of the request, so they cannot take longer (node refuses the opposite).
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);

  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;
  // Responses not yet sent, so that shutdown can ask their keep-alive clients to go too.
  const pending = new Set<ServerResponse>();

  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5000,
      // Node enforces the two timeouts above only when it checks, every 30 s by default.
      connectionsCheckingInterval: 250,
    },
    (req, res) => {
      if (shuttingDown) {
        // Keep-alive clients reconnect, to an instance that is not going away.
        res.setHeader('connection', 'close');
      } else {
        pending.add(res);
        res.once('close', () => pending.delete(res));
      }
      options.app(req, res);
    },
  );
  server.maxConnections = options.maxConnections ?? 1024;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host ?? '0.0.0.0', backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  /**
   * Closing the listener resets the connections that the kernel has queued but node has not
   * accepted yet, and node accepts one per event-loop turn: wait for a turn that accepts none.
   * Bounded, as new ones may keep coming; the queue holds at most LISTEN_BACKLOG.
   */
  async function acceptQueued(): Promise<void> {
    let accepted = true;
    const onConnection = () => {
      accepted = true;
    };
    server.on('connection', onConnection);
    for (let turn = 0; accepted && turn <= LISTEN_BACKLOG; turn++) {
      accepted = false;
      await setImmediate(); // after this turn's poll, where node accepts
    }
    server.off('connection', onConnection);
  }

  async function drainAndClose(reason: string): Promise<void> {
    shuttingDown = true;
    options.onShutdownStart?.();
    for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
    logger.info({ reason, delayMs }, 'shutting down: readiness 503, still serving for the delay');
    await sleep(delayMs);
    await acceptQueued();
    logger.info('shutting down: draining in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Idle keep-alive sockets would otherwise hold server.close() open until they time out;
    // sockets with a request in flight stay open until their response is sent.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    try {
      await closed;
    } finally {
      clearInterval(idleSweep);
    }
    for (const resource of [...resources].reverse()) {
      try {
        await resource.close();
        logger.info({ resource: resource.name }, 'closed');
      } catch (error) {
        logger.error({ err: error, resource: resource.name }, 'failed to close resource');
      }
    }
    logger.info('shutdown complete');
  }

  function shutdown(reason = 'requested'): Promise<void> {
    shutdownPromise ??= drainAndClose(reason);
    return shutdownPromise;
  }

  if (options.handleSignals ?? true) {
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const onSignal = (signal: NodeJS.Signals) => {
      if (shuttingDown) return;
      const timer = setTimeout(() => {
        logger.error({ limitMs }, 'shutdown took too long; exiting with requests still open');
        server.closeAllConnections();
        exit(1);
      }, limitMs);
      timer.unref();
      shutdown(signal).then(
        () => {
          clearTimeout(timer);
          exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    const supervisorPid = options.supervisorPid ?? (Number(process.env.AZORA_SUPERVISOR_PID) || undefined);
    const watchdog =
      supervisorPid === undefined
        ? undefined
        : setInterval(() => {
            if (!isAlive(supervisorPid)) killOwnProcessGroup();
          }, 1000).unref();
    server.once('close', () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      clearInterval(watchdog);
    });
  }

  logger.info({ port }, 'listening');
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    isShuttingDown: () => shuttingDown,
    shutdown,
  };
}

/** The group: the service and the `sh` / `pnpm run` processes its supervisor started it through. */
function killOwnProcessGroup(): void {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // Not a group leader (started directly, not by a supervisor's detached spawn).
  }
  process.kill(process.pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts a service built by createService — its resources first, then the server — with
 * readiness tied to its shutdown. Limits and shutdown timing not given in `options` come
 * from the environment (SHUTDOWN_TIMEOUT_MS, SHUTDOWN_DELAY_MS, REQUEST_TIMEOUT_MS, … see
 * serverConfigShape); a bad value stops the process with one line.
 */
export async function runService(
  service: Service,
  options: Omit<ServerOptions, 'app' | 'logger' | 'onShutdownStart'> & {
    /** When to collect start-up's garbage, where the process allows it (default 5000 ms after listening). */
    collectStartupGarbageAfterMs?: number;
  },
): Promise<RunningServer> {
  const config = exitOnConfigError(service.name, () => loadServerConfig());
  await service.start();
  const running = await startServer({
    ...options,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? config.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: options.shutdownDelayMs ?? config.SHUTDOWN_DELAY_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? config.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: options.headersTimeoutMs ?? config.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? config.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: options.maxConnections ?? config.MAX_CONNECTIONS,
    // Closed in reverse: the service's own resources first, the kit's (span export) last.
    resources: [...service.resources, ...(options.resources ?? [])],
    app: service.app,
    logger: service.logger,
    onShutdownStart: () => {
      service.lifecycle.shuttingDown = true;
    },
  });
  collectStartupGarbage(running.server, options.collectStartupGarbageAfterMs ?? COLLECT_STARTUP_GARBAGE_AFTER_MS);
  return running;
}

const COLLECT_STARTUP_GARBAGE_AFTER_MS = 5000;

/**
 * Start-up (loading modules, migrations, a demo seed) leaves garbage that V8 keeps committed
 * until its next full collection, which an idle service may not need for hours: about 10 MB
 * of a compliance service's RSS. When the process exposes `gc` (pnpm dev starts services with
 * `--expose-gc`), one full collection a little after start returns it.
 */
function collectStartupGarbage(server: Server, afterMs: number): void {
  const collect = globalThis.gc;
  if (!collect) return;
  const timer = setTimeout(() => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' }), afterMs).unref();
  server.once('close', () => clearTimeout(timer));
}
