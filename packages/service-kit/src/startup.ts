/**
 * The start of a service whose store may not be there yet: connect, then prepare it
 * (migrations, indexes, seeds), retrying the preparation until it works or the service
 * stops. `start` waits for it a few seconds at most: without its database the service
 * listens anyway — not ready, its routes answering 503 — and keeps trying in the background.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { HttpProblem } from './problem.ts';

export interface RetryingStartupOptions {
  /** The resource's name (in the kit's start and shutdown logs). */
  name: string;
  /** What the log lines call the service's store: "the ledger". */
  subject: string;
  logger: {
    warn: (object: object | string, message?: string) => void;
    error: (object: object, message: string) => void;
  };
  /** Runs once before `prepare`, and keeps trying by itself until connected or `signal` aborts. */
  connect?: (signal: AbortSignal) => Promise<void>;
  /** Migrations, indexes, seeds; must be safe to run again after a failure. */
  prepare: () => Promise<void>;
  /** Runs once, after `prepare` succeeded: background loops start here, ending on `signal`. */
  onPrepared?: (signal: AbortSignal) => void;
  /** Logged when `start` returns before the store is ready. */
  notReadyMessage: string;
  /** How long `start` waits before serving not ready (default 5000 ms). */
  startWaitMs?: number;
  /** Pause between failed preparations (default 1000 ms). */
  retryMs?: number;
}

export interface RetryingStartup {
  readonly name: string;
  /** Connected and prepared. */
  readonly done: boolean;
  start: () => Promise<void>;
  /** Resolves once prepared, or once stopped: what a test waits for after `start`. */
  settled: () => Promise<void>;
  /** Stops trying and waits for an attempt under way. */
  close: () => Promise<void>;
}

export function retryingStartup(options: RetryingStartupOptions): RetryingStartup {
  const { logger, subject } = options;
  const stopping = new AbortController();
  let done = false;
  let running: Promise<void> | undefined;

  const prepare = async () => {
    await options.connect?.(stopping.signal);
    while (!stopping.signal.aborted) {
      try {
        await options.prepare();
        done = true;
        options.onPrepared?.(stopping.signal);
        return;
      } catch (error) {
        if (stopping.signal.aborted) return;
        logger.warn({ err: error }, `preparing ${subject} failed; retrying`);
        await sleep(options.retryMs ?? 1000, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
  };

  return {
    name: options.name,
    get done() {
      return done;
    },
    start: async () => {
      running = prepare().catch((error: unknown) => {
        if (!stopping.signal.aborted) logger.error({ err: error }, `${subject} could not start`);
      });
      const waited = new AbortController();
      await Promise.race([
        running,
        sleep(options.startWaitMs ?? 5000, undefined, { signal: waited.signal }).catch(() => {}),
      ]);
      waited.abort();
      if (!done) logger.warn(options.notReadyMessage);
    },
    settled: async () => {
      await running;
    },
    close: async () => {
      stopping.abort();
      await running;
    },
  };
}

/**
 * Middleware for the routes that need the store: 503 with `retry-after` and `message` until
 * `startup` is done (connected and prepared), then through.
 */
export function requireStarted(startup: { readonly done: boolean }, message: string): RequestHandler {
  return (_req, _res, next) => {
    if (!startup.done) throw new HttpProblem(503, message, { headers: { 'retry-after': '2' } });
    next();
  };
}
