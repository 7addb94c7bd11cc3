/**
 * MongoDB for Azora services. Production runs a standalone mongod and tests the embedded
 * MongoDB-wire server: neither has multi-document transactions, and the embedded one
 * accepts only ObjectIds in `_id` and enforces no unique index but `_id`'s. So natural
 * keys go into `_id` as a deterministic ObjectId (`naturalId`), and writes are
 * single-document atomic updates.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import { z } from 'zod';

export { BatchedInserts, type BatchedInsertsOptions } from './batched-inserts.ts';
export { type MongoBootstrap, type MongoBootstrapOptions, mongoBootstrap } from './bootstrap.ts';
export { mongoose };
export type ObjectId = mongoose.Types.ObjectId;

/** `MONGODB_URI`, spread into the shape given to the kit's `loadConfig`. */
export function mongoConfigShape(defaultDatabase: string) {
  return {
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URL')
      .default(`mongodb://127.0.0.1:27017/${defaultDatabase}`),
  };
}

/** The ObjectId of a natural key: the first 12 bytes of its SHA-256 (the same on every server). */
export function naturalId(key: string): ObjectId {
  return new mongoose.Types.ObjectId(createHash('sha256').update(key).digest().subarray(0, 12));
}

/** A 24-hex-digit id from the wire as an ObjectId, or undefined when it is not one. */
export function parseObjectId(value: string): ObjectId | undefined {
  return /^[0-9a-f]{24}$/i.test(value) ? new mongoose.Types.ObjectId(value.toLowerCase()) : undefined;
}

/** True for MongoDB's duplicate-key error (E11000), which both servers raise for a repeated `_id`. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/**
 * True when an operation failed because the server could not be reached (down, restarting,
 * not connected yet): a 503 the client may retry, not a bug.
 */
export function isMongoUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERRORS.has(error.name)) return true;
  // mongoose's own refusal while not connected (bufferCommands is off).
  return error.name === 'MongooseError' && /before initial connection|not connected|force closed/i.test(error.message);
}

export interface MongoConnectionOptions {
  uri: string;
  /** An operation waits at most this long for a server (default 3000 ms), then fails. */
  serverSelectionTimeoutMs?: number;
  /** Wait between attempts while the first connection fails (default 1000 ms). */
  retryDelayMs?: number;
  onRetry?: (error: unknown) => void;
}

/**
 * A mongoose connection that fails fast instead of queueing: no command buffering (an
 * operation while disconnected fails at once, so a request answers 503 rather than
 * hanging), a short server selection timeout, and polling heartbeats (the embedded server
 * answers the driver's streaming heartbeat like a plain one, which resets the pool).
 * `open()` keeps trying until the server answers or `signal` aborts: mongoose itself does
 * not retry a first connection that failed.
 */
export class MongoConnection {
  readonly connection: Connection;
  readonly #options: MongoConnectionOptions;
  #opened: Promise<void> | undefined;

  constructor(options: MongoConnectionOptions) {
    this.#options = options;
    this.connection = mongoose.createConnection();
    this.connection.set('bufferCommands', false);
    // Errors surface through readiness and failed operations; without a listener they would crash the process.
    this.connection.on('error', () => {});
  }

  open(signal?: AbortSignal): Promise<void> {
    this.#opened ??= this.#connect(signal);
    return this.#opened;
  }

  async #connect(signal?: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.connection.openUri(this.#options.uri, {
          serverSelectionTimeoutMS: this.#options.serverSelectionTimeoutMs ?? 3000,
          serverMonitoringMode: 'poll',
          bufferCommands: false,
          autoIndex: false,
          autoCreate: false,
        });
        return;
      } catch (error) {
        if (signal?.aborted) throw error;
        this.#options.onRetry?.(error);
        await sleep(this.#options.retryDelayMs ?? 1000, undefined, { signal }).catch(() => {});
        if (signal?.aborted) throw error;
      }
    }
  }

  /** `{ ping: 1 }` against the database: the readiness check. */
  async ping(): Promise<{ database: string }> {
    const db = this.connection.db;
    if (this.connection.readyState !== 1 || !db) throw new Error('not connected to MongoDB');
    await db.command({ ping: 1 });
    return { database: db.databaseName };
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }
}
