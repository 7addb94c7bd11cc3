/**
 * A bounded work queue: at most `concurrency` tasks run at once and at most `limit` wait.
 * A task offered to a full queue is refused at once (QueueFullError) rather than piling
 * up, so memory stays flat under load and clients learn to retry.
 */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

export interface WorkQueueOptions {
  concurrency: number;
  limit: number;
  /** Called whenever the number of waiting tasks changes. */
  onDepth?: (waiting: number) => void;
}

export class WorkQueue {
  readonly concurrency: number;
  readonly limit: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  readonly #onDepth: ((waiting: number) => void) | undefined;

  constructor(options: WorkQueueOptions) {
    if (options.concurrency < 1) throw new Error('concurrency must be at least 1');
    if (options.limit < 0) throw new Error('limit must not be negative');
    this.concurrency = options.concurrency;
    this.limit = options.limit;
    this.#onDepth = options.onDepth;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** True when a task offered now would be refused. */
  get full(): boolean {
    return this.#running >= this.concurrency && this.#waiting.length >= this.limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.concurrency) {
      if (this.#waiting.length >= this.limit) {
        throw new QueueFullError(`all ${this.concurrency} workers are busy and ${this.limit} images are waiting`);
      }
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        this.#onDepth?.(this.#waiting.length);
      });
      this.#onDepth?.(this.#waiting.length);
    } else this.#running++;
    try {
      return await task();
    } finally {
      // Hand the worker slot straight to the next waiter, or free it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
