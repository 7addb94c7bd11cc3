/**
 * Object and face detection in worker threads, so the event loop keeps answering /health,
 * /metrics and uploads while an image is inferred (the wasm backend computes on the thread
 * that calls it, for ~1 s per image, longer under load).
 *
 * - One worker per slot (`size`, = VISION_CONCURRENCY in the service): each loads its own
 *   copy of the models at start and analyses one image at a time, so the images the work
 *   queue lets run at once really are inferred at once, on separate cores. Images beyond the
 *   free workers wait here in arrival order (the service's WorkQueue already bounds them).
 * - The decoded pixels are moved to the worker in the message's transfer list; detections and
 *   the worker's live tensor count come back with each answer.
 * - Readiness (status()) fails until every worker reports its models loaded, and again while
 *   a crashed worker is restarted. A worker that dies (an uncaught error, an abort, an exit)
 *   fails the image it held with DetectorUnavailableError (the service answers 503) and is
 *   started again; repeated crashes back off up to 30 s.
 * - close() terminates the workers; images still waiting or running fail with the same error.
 */
import { isMarkedAsUntransferable, Worker } from 'node:worker_threads';
import type { Logger } from '@azora/service-kit';
import {
  type Detection,
  type DetectionInput,
  type DetectorOptions,
  type DetectorState,
  type DetectorStatus,
  DetectorUnavailableError,
  type ObjectDetector,
} from './detector.ts';
import type { DetectorWorkerData, DetectRequest, WorkerMessage } from './detector-worker.ts';

// Sources run with type stripping (dev, tests); the built image runs the compiled file.
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './detector-worker.ts' : './detector-worker.js',
  import.meta.url,
);
const MAX_RESTART_DELAY_MS = 30_000;

export interface DetectorPoolOptions {
  /** Worker threads, each analysing one image at a time (default 1). */
  size?: number;
  detector?: DetectorOptions;
  logger?: Logger;
  /** The worker script (tests substitute one that misbehaves). */
  workerUrl?: URL;
  /** Delay before restarting a worker that crashed again soon after a restart; doubles per crash (default 1000). */
  restartDelayMs?: number;
}

interface Job {
  id: number;
  input: DetectionInput;
  resolve: (detection: Detection) => void;
  reject: (error: Error) => void;
}

interface Slot {
  index: number;
  worker: Worker | undefined;
  state: 'starting' | 'ready' | 'down' | 'failed';
  job: Job | undefined;
  tensors: number;
  status: DetectorStatus | undefined;
  /** Crashes since this slot last finished an image; sets the restart back-off. */
  crashes: number;
  /** Why the worker last went down. */
  lastError: string | undefined;
  restartTimer: NodeJS.Timeout | undefined;
}

export class DetectorPool implements ObjectDetector {
  readonly size: number;
  readonly #options: DetectorPoolOptions;
  readonly #slots: Slot[];
  readonly #waiting: Job[] = [];
  #loading: Promise<void> | undefined;
  #settleLoad: { resolve: () => void; reject: (error: Error) => void } | undefined;
  #loadError: Error | undefined;
  #closed = false;
  #nextId = 1;

  constructor(options: DetectorPoolOptions = {}) {
    this.size = options.size ?? 1;
    if (this.size < 1) throw new Error('a detector pool needs at least one worker');
    this.#options = options;
    this.#slots = Array.from({ length: this.size }, (_, index) => ({
      index,
      worker: undefined,
      state: 'down',
      job: undefined,
      tensors: 0,
      status: undefined,
      crashes: 0,
      lastError: undefined,
      restartTimer: undefined,
    }));
  }

  get state(): DetectorState {
    if (this.#loadError) return 'failed';
    if (!this.#loading || this.#closed) return 'idle';
    if (this.#slots.some((slot) => slot.state === 'ready')) return 'ready';
    return 'loading';
  }

  /** True while at least one worker can take an image. */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /** What readiness reports: throws until every worker has its models, and while one restarts. */
  status(): DetectorStatus {
    if (this.#loadError) throw new Error(`models failed to load: ${this.#loadError.message}`);
    if (this.#closed) throw new Error('the detector is closed');
    // A slot keeps the status of its last load, so this is "every worker has loaded once".
    if (!this.#slots.every((slot) => slot.status)) throw new Error('models are loading');
    const ready = this.#slots.filter((slot) => slot.state === 'ready');
    const first = ready[0]?.status;
    if (!first || ready.length < this.size) {
      const down = this.#slots.filter((slot) => slot.state !== 'ready');
      const why = down.map((slot) => `worker ${slot.index + 1}: ${slot.lastError ?? 'restarting'}`).join('; ');
      throw new Error(
        `${down.length} of ${this.size} detection workers crashed and ${down.length === 1 ? 'is' : 'are'} restarting (${why})`,
      );
    }
    const loadMs = Math.max(...ready.map((slot) => slot.status?.loadMs ?? 0));
    return { ...first, loadMs };
  }

  /** Tensors alive in the workers' runtimes, as each last reported (after loading and after every image). */
  liveTensors(): number {
    return this.#slots.reduce((sum, slot) => sum + (slot.state === 'ready' ? slot.tensors : 0), 0);
  }

  /** Starts the workers; settles when all have loaded their models (or one failed to). */
  load(): Promise<void> {
    this.#loading ??= new Promise<void>((resolve, reject) => {
      if (this.#closed) return reject(new Error('the detector is closed'));
      this.#settleLoad = { resolve, reject };
      for (const slot of this.#slots) this.#start(slot);
    });
    return this.#loading;
  }

  /** Detects objects and faces in a worker; `input.rgb` is transferred and unusable afterwards. */
  detect(input: DetectionInput): Promise<Detection> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new DetectorUnavailableError('the detector is shutting down'));
      if (this.#loadError || !this.#loading) {
        return reject(new DetectorUnavailableError('the detection models are not loaded'));
      }
      this.#waiting.push({ id: this.#nextId++, input, resolve, reject });
      this.#dispatch();
    });
  }

  /** Terminates the workers; images waiting or in flight fail with DetectorUnavailableError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const gone = new DetectorUnavailableError('the detector is shutting down');
    this.#settleLoad?.reject(gone);
    for (const job of this.#waiting.splice(0)) job.reject(gone);
    await Promise.all(
      this.#slots.map(async (slot) => {
        clearTimeout(slot.restartTimer);
        slot.job?.reject(gone);
        slot.job = undefined;
        const worker = slot.worker;
        slot.worker = undefined;
        slot.state = 'down';
        await worker?.terminate();
      }),
    );
  }

  #start(slot: Slot): void {
    if (this.#closed) return;
    const data: DetectorWorkerData = { options: this.#options.detector ?? {} };
    const worker = new Worker(this.#options.workerUrl ?? WORKER_URL, {
      workerData: data,
      name: `detector-${slot.index + 1}`,
    });
    slot.worker = worker;
    slot.state = 'starting';
    slot.restartTimer = undefined;
    let lastError: Error | undefined;
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, worker, message));
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.once('exit', (code) => {
      if (slot.worker !== worker || this.#closed) return;
      this.#onExit(slot, lastError ? `${lastError.name}: ${lastError.message}` : `exited with code ${code}`);
    });
  }

  #onMessage(slot: Slot, worker: Worker, message: WorkerMessage): void {
    if (slot.worker !== worker) return;
    switch (message.type) {
      case 'loaded': {
        slot.state = 'ready';
        slot.status = message.status;
        slot.tensors = message.tensors;
        slot.lastError = undefined;
        worker.unref();
        if (this.#slots.every((s) => s.state === 'ready')) this.#settleLoad?.resolve();
        this.#options.logger?.info({ worker: slot.index + 1, ...message.status }, 'detection worker ready');
        this.#dispatch();
        return;
      }
      case 'load-failed': {
        // Loading is deterministic (the same files every time): restarting would not help.
        slot.state = 'failed';
        slot.worker = undefined;
        slot.lastError = `models failed to load: ${message.message}`;
        void worker.terminate();
        this.#loadError ??= new Error(message.message);
        this.#settleLoad?.reject(this.#loadError);
        this.#options.logger?.error(
          { worker: slot.index + 1, error: message.message },
          'detection models failed to load',
        );
        this.#failWaitingIfNoneCanServe();
        return;
      }
      case 'result':
      case 'error': {
        const job = slot.job;
        if (!job || job.id !== message.id) return;
        slot.job = undefined;
        slot.tensors = message.tensors;
        worker.unref();
        if (message.type === 'result') {
          slot.crashes = 0;
          job.resolve(message.detection);
        } else job.reject(new Error(message.message));
        this.#dispatch();
        return;
      }
    }
  }

  #onExit(slot: Slot, reason: string): void {
    const wasReady = slot.state === 'ready';
    slot.worker = undefined;
    slot.state = 'down';
    slot.crashes++;
    slot.lastError = `${wasReady ? 'crashed' : 'crashed while loading'}: ${reason}`;
    const job = slot.job;
    slot.job = undefined;
    job?.reject(
      new DetectorUnavailableError(
        `the detection worker crashed while analysing this image (${reason}); it is being restarted, retry shortly`,
      ),
    );
    const base = this.#options.restartDelayMs ?? 1000;
    const delay = slot.crashes <= 1 ? 0 : Math.min(MAX_RESTART_DELAY_MS, base * 2 ** (slot.crashes - 2));
    this.#options.logger?.error(
      { worker: slot.index + 1, reason, crashes: slot.crashes, restartInMs: delay, lostImage: Boolean(job) },
      'detection worker crashed; restarting it',
    );
    slot.restartTimer = setTimeout(() => this.#start(slot), delay);
    slot.restartTimer.unref();
  }

  /** Hands waiting images to idle ready workers, oldest first. */
  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#waiting.length === 0) return;
      if (slot.state !== 'ready' || slot.job || !slot.worker) continue;
      const job = this.#waiting.shift() as Job;
      slot.job = job;
      const rgb = transferable(job.input.rgb);
      const request: DetectRequest = { type: 'detect', id: job.id, input: { ...job.input, rgb } };
      slot.worker.ref();
      slot.worker.postMessage(request, [rgb.buffer]);
    }
  }

  #failWaitingIfNoneCanServe(): void {
    if (this.#slots.some((slot) => slot.state !== 'failed')) return;
    const error = new DetectorUnavailableError(`the detection models failed to load: ${this.#loadError?.message}`);
    for (const job of this.#waiting.splice(0)) job.reject(error);
  }
}

/**
 * The pixels as a view over a whole ArrayBuffer that may be transferred. sharp's output
 * lives in memory allocated by libvips, which cannot be transferred: that (and a view on
 * part of a larger buffer) is copied once into a fresh buffer, which is then transferred.
 */
function transferable(pixels: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = pixels;
  if (
    buffer instanceof ArrayBuffer &&
    pixels.byteOffset === 0 &&
    pixels.byteLength === buffer.byteLength &&
    !isMarkedAsUntransferable(buffer)
  ) {
    return new Uint8Array(buffer);
  }
  const copy = new Uint8Array(pixels.byteLength);
  copy.set(pixels);
  return copy;
}
