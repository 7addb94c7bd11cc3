import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
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
  /** Hard limit for draining and closing (default 10 000 ms). */
  shutdownTimeoutMs?: number;
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
  /** Stops accepting, drains in-flight requests, closes resources. Idempotent. */
  shutdown: (reason?: string) => Promise<void>;
}

/**
 * Listens, and shuts down gracefully: on SIGTERM/SIGINT it stops accepting connections,
 * closes idle keep-alive sockets, lets in-flight requests finish, closes the registered
 * resources, and exits — or exits with code 1 when that takes longer than the limit.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const limitMs = options.shutdownTimeoutMs ?? 10_000;
  const resources = options.resources ?? [];
  const server = createServer(options.app);
  // Keep-alive sockets from load balancers outlive requests; these bound how long.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let shuttingDown = false;
  let shutdownPromise: Promise<void> | undefined;

  async function drainAndClose(reason: string): Promise<void> {
    shuttingDown = true;
    options.onShutdownStart?.();
    logger.info({ reason }, 'shutting down: draining in-flight requests');
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

/** Starts a service built by createService, with readiness tied to its shutdown. */
export function runService(
  service: Service,
  options: Omit<ServerOptions, 'app' | 'logger' | 'onShutdownStart'>,
): Promise<RunningServer> {
  return startServer({
    ...options,
    // Closed in reverse: the service's own resources first, the kit's (span export) last.
    resources: [...service.resources, ...(options.resources ?? [])],
    app: service.app,
    logger: service.logger,
    onShutdownStart: () => {
      service.lifecycle.shuttingDown = true;
    },
  });
}
