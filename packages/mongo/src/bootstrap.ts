/**
 * The start of a MongoDB-backed service: connect, then prepare the database (indexes,
 * seeds), retrying each second until it works or the service stops. `start` waits for it
 * a few seconds at most: without MongoDB the service listens anyway — not ready, its
 * writes answering 503 — and keeps trying in the background.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoConnection } from './index.ts';

export interface MongoBootstrapOptions {
  /** The resource's name (in the kit's start and shutdown logs). */
  name: string;
  /** What the log lines call the service's store: "the ledger". */
  subject: string;
  mongo: MongoConnection;
  logger: {
    warn: (object: object | string, message?: string) => void;
    error: (object: object, message: string) => void;
  };
  /** Indexes and seeds; must be safe to run again after a failure. */
  prepare: () => Promise<void>;
  /** Runs once, after `prepare` succeeded: background loops start here, ending on `signal`. */
  onPrepared?: (signal: AbortSignal) => void;
  /** How long `start` waits for the database before serving not ready (default 5000 ms). */
  startWaitMs?: number;
}

export interface MongoBootstrap {
  readonly name: string;
  /** The database is connected and prepared. */
  readonly done: boolean;
  start: () => Promise<void>;
  /** Stops trying and waits for an attempt under way. */
  close: () => Promise<void>;
}

export function mongoBootstrap(options: MongoBootstrapOptions): MongoBootstrap {
  const { mongo, logger, subject } = options;
  const stopping = new AbortController();
  let done = false;
  let running: Promise<void> | undefined;

  const prepare = async () => {
    await mongo.open(stopping.signal);
    while (!stopping.signal.aborted) {
      try {
        await options.prepare();
        done = true;
        options.onPrepared?.(stopping.signal);
        return;
      } catch (error) {
        logger.warn({ err: error }, `preparing ${subject} failed; retrying`);
        await sleep(1000, undefined, { signal: stopping.signal }).catch(() => {});
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
      if (!done) logger.warn('MongoDB is not answering yet; serving (not ready) while connecting');
    },
    close: async () => {
      stopping.abort();
      await running;
    },
  };
}
