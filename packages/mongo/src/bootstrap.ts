/**
 * The start of a MongoDB-backed service: connect, then prepare the database (indexes,
 * seeds), retrying each second until it works or the service stops. `start` waits for it
 * a few seconds at most: without MongoDB the service listens anyway — not ready, its
 * writes answering 503 — and keeps trying in the background.
 */
import { type RetryingStartup, retryingStartup } from '@azora/service-kit';
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

/** The kit's retrying start-up (`retryingStartup`), connected to MongoDB first. */
export type MongoBootstrap = RetryingStartup;

export function mongoBootstrap(options: MongoBootstrapOptions): MongoBootstrap {
  return retryingStartup({
    ...options,
    connect: (signal) => options.mongo.open(signal),
    notReadyMessage: 'MongoDB is not answering yet; serving (not ready) while connecting',
  });
}
