/**
 * Group commit for single-document inserts. Every insert asked for while a batch is on its
 * way to the server (or in the same turn of the event loop) goes in the next batch: one
 * unordered `insertMany`, one round trip, however many callers. Under load that is most of
 * a service's writes saved; with one caller a batch is one document, sent at once.
 *
 * Each caller still gets its own outcome: a document the server refuses (a duplicate
 * `_id`, say) rejects its caller with the server's error for it (`isDuplicateKey` knows
 * it) while the rest of the batch is inserted; a failure of the whole command (the server
 * gone) rejects every caller of that batch, as it would have rejected their own inserts.
 */
import mongoose, { type mongo } from 'mongoose';

interface Waiting<T> {
  document: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface BatchedInsertsOptions {
  /** The most documents in one `insertMany` (default 1000). */
  maxBatch?: number;
}

export class BatchedInserts<T extends mongo.Document> {
  readonly #collection: () => mongo.Collection<T>;
  readonly #maxBatch: number;
  readonly #queue: Waiting<T>[] = [];
  #flushing = false;

  /** `collection` is asked for at each batch, so the connection may open after construction. */
  constructor(collection: () => mongo.Collection<T>, options: BatchedInsertsOptions = {}) {
    this.#collection = collection;
    this.#maxBatch = options.maxBatch ?? 1000;
  }

  /** Resolves once the server has inserted `document`; rejects with the server's error for it. */
  insert(document: mongo.OptionalUnlessRequiredId<T>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ document: document as T, resolve, reject });
      if (this.#flushing) return;
      this.#flushing = true;
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) await this.#send(this.#queue.splice(0, this.#maxBatch));
    } finally {
      this.#flushing = false;
    }
  }

  async #send(batch: Waiting<T>[]): Promise<void> {
    try {
      const documents = batch.map((waiting) => waiting.document) as mongo.OptionalUnlessRequiredId<T>[];
      await this.#collection().insertMany(documents, { ordered: false });
      for (const waiting of batch) waiting.resolve();
    } catch (error) {
      const refused = error instanceof mongoose.mongo.MongoBulkWriteError ? refusedByIndex(error) : undefined;
      for (const [index, waiting] of batch.entries()) {
        const reason = refused?.get(index);
        // The command failed as a whole (the server gone, say): everyone gets the error an insertOne would have.
        if (!refused || refused.size === 0) waiting.reject(commandError(error));
        else if (reason) waiting.reject(reason);
        else waiting.resolve();
      }
    }
  }
}

/** The documents the server refused in an unordered insert, by their index in the batch. */
function refusedByIndex(error: mongo.MongoBulkWriteError): Map<number, mongo.MongoServerError> {
  const writeErrors = [error.writeErrors].flat();
  return new Map(
    writeErrors.map((writeError) => [
      writeError.index,
      new mongoose.mongo.MongoServerError({ message: writeError.errmsg ?? 'insert refused', code: writeError.code }),
    ]),
  );
}

/** The driver wraps a failure of the whole command (a network error) in its bulk write error. */
function commandError(error: unknown): unknown {
  const wrapped = error instanceof mongoose.mongo.MongoBulkWriteError ? error.errorResponse : undefined;
  return wrapped instanceof Error ? wrapped : error;
}
