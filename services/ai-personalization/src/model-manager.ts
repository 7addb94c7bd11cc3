// Holds the current model and replaces it: a new one is built in a worker thread from
// what is in Redis while requests are served from the current one, then swapped in.
import { Worker } from 'node:worker_threads';
import type { Logger } from '@azora/service-kit';
import type { Model, ModelInput } from './model.ts';
import type { Store } from './store.ts';

export interface LoadedModel extends Model {
  /** Counts builds in this process, starting at 1. */
  version: number;
}

export interface ModelSummary {
  version: number;
  builtAt: string;
  ageSeconds: number;
}

// Sources run with type stripping (dev, tests); the built image runs the compiled file.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './model-worker.ts' : './model-worker.js',
  import.meta.url,
);

/** Runs buildModel in a worker thread. */
export function buildInWorker(input: ModelInput): Promise<Model> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL);
    let settled = false;
    worker.once('message', (model: Model) => {
      settled = true;
      resolve(model);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`model worker exited with code ${code}`));
    });
    worker.postMessage(input);
  });
}

export interface ModelManagerOptions {
  store: Store;
  logger: Logger;
  /** Called after each successful build with the new model and how long the whole rebuild took. */
  onBuilt?: (model: LoadedModel, seconds: number) => void;
}

export class ModelManager {
  #current: LoadedModel | undefined;
  #building: Promise<LoadedModel> | undefined;
  #version = 0;
  #timer: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #stopWaiting: (() => void) | undefined;
  #closed = false;
  readonly #options: ModelManagerOptions;

  constructor(options: ModelManagerOptions) {
    this.#options = options;
  }

  get current(): LoadedModel | undefined {
    return this.#current;
  }

  get building(): boolean {
    return this.#building !== undefined;
  }

  /**
   * Starts a rebuild unless one is running; `started` says which. `done` settles when the
   * running build finishes (rejecting when Redis is unavailable; the current model stays).
   */
  rebuild(): { started: boolean; done: Promise<LoadedModel> } {
    if (this.#building) return { started: false, done: this.#building };
    const done = this.#build().finally(() => {
      this.#building = undefined;
    });
    this.#building = done;
    return { started: true, done };
  }

  async #build(): Promise<LoadedModel> {
    const started = performance.now();
    const [items, histories] = await Promise.all([this.#options.store.allItems(), this.#options.store.allHistories()]);
    const model = await buildInWorker({ items, histories });
    const loaded: LoadedModel = { ...model, version: ++this.#version };
    if (!this.#closed) this.#current = loaded;
    const seconds = (performance.now() - started) / 1000;
    this.#options.onBuilt?.(loaded, seconds);
    this.#options.logger.info(
      { version: loaded.version, ...loaded.stats, buildMs: loaded.buildMs, totalMs: Math.round(seconds * 1000) },
      'model built',
    );
    return loaded;
  }

  /**
   * Builds the first model, retrying until Redis answers, and rebuilds every `intervalMs`
   * (0: only on request). Resolves once the first model is loaded, or when closed first;
   * never rejects.
   */
  start(intervalMs: number, retryMs = 1000): Promise<void> {
    if (intervalMs > 0) {
      this.#timer = setInterval(() => {
        this.rebuild().done.catch((error: unknown) => {
          this.#options.logger.warn({ err: error }, 'scheduled model rebuild failed; serving the previous model');
        });
      }, intervalMs);
      this.#timer.unref();
    }
    return new Promise((resolve) => {
      this.#stopWaiting = resolve;
      const first = () => {
        if (this.#closed || this.#current) {
          resolve();
          return;
        }
        this.rebuild().done.then(
          () => resolve(),
          (error: unknown) => {
            if (this.#closed) {
              resolve();
              return;
            }
            this.#options.logger.warn({ err: error }, 'first model build failed; retrying');
            this.#retry = setTimeout(first, retryMs).unref();
          },
        );
      };
      first();
    });
  }

  summary(model: LoadedModel, now = Date.now()): ModelSummary {
    return {
      version: model.version,
      builtAt: new Date(model.builtAt).toISOString(),
      ageSeconds: Math.max(0, Math.round((now - model.builtAt) / 1000)),
    };
  }

  /** Stops scheduled rebuilds and retries of the first build, and waits for a running one. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
    this.#stopWaiting?.();
    await this.#building?.catch(() => {});
  }
}
