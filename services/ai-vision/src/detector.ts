/**
 * Object (COCO-80, CenterNet) and face (BlazeFace + age/gender + emotion) detection with
 * @vladmandic/human on the TensorFlow.js WebAssembly backend. Its weights ship inside the
 * npm package, so nothing is downloaded.
 *
 * Three quirks of the package decide how it is loaded:
 * - its `exports` map has no entry Node resolves to the wasm build, so `human.node-wasm.js`
 *   is required by path from beside its main file;
 * - tfjs fetches model files over HTTP and Node's fetch has no file://, so while the models
 *   load, requests under a reserved base URL are answered from the package's models folder;
 * - results are cached between similar frames unless cacheSensitivity is 0, which would be
 *   wrong for unrelated uploads.
 *
 * `Detector` runs in whichever thread creates it. The service runs it inside worker threads
 * (detector-pool.ts, detector-worker.ts) so inference never blocks the event loop; the
 * benchmark also uses it directly as its in-process baseline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import type { Config, Human, Result } from '@vladmandic/human';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectedObject {
  label: string;
  score: number;
  box: Box;
}

export interface DetectedFace {
  score: number;
  box: Box;
  age?: number;
  gender?: 'male' | 'female';
  emotion?: string;
}

export interface Detection {
  objects: DetectedObject[];
  faces: DetectedFace[];
  inferenceMs: number;
}

/** Pixels to analyse and the size of the original image the boxes are reported in. */
export interface DetectionInput {
  rgb: Uint8Array;
  width: number;
  height: number;
  originalWidth: number;
  originalHeight: number;
}

export interface DetectorOptions {
  /** Lowest object score reported (default 0.3). */
  minObjectScore?: number;
  /** Lowest face detection score reported (default 0.3). */
  minFaceScore?: number;
  /** Most objects and faces reported per image (default 20 each). */
  maxDetections?: number;
}

export type DetectorState = 'idle' | 'loading' | 'ready' | 'failed';

/** What readiness reports about the loaded models. */
export interface DetectorStatus {
  backend: string;
  models: string[];
  loadMs: number;
}

/** What the service needs from a detector: the in-thread Detector or the worker-backed DetectorPool. */
export interface ObjectDetector {
  readonly ready: boolean;
  /** Throws (with the reason) while detection is not usable. */
  status(): DetectorStatus;
  liveTensors(): number;
  detect(input: DetectionInput): Promise<Detection>;
  /** Loads the models (the service starts it and answers liveness meanwhile). */
  load?(): Promise<void>;
  /** Frees the models and workers on shutdown. */
  close?(): void | Promise<void>;
}

/**
 * Detection could not run because the detector went away (a worker crashed, or the service is
 * shutting down): not the image's fault, so the service answers 503 and the client may retry.
 */
export class DetectorUnavailableError extends Error {
  override name = 'DetectorUnavailableError';
}

const MODEL_BASE_URL = 'http://human-models.invalid/';
const require = createRequire(import.meta.url);

export class Detector implements ObjectDetector {
  #state: DetectorState = 'idle';
  #error: Error | undefined;
  #loadMs: number | undefined;
  #human: Human | undefined;
  #loading: Promise<void> | undefined;
  // Inference runs one image at a time: the wasm backend computes on the main thread and
  // Human keeps per-call state, so overlapping calls only interleave, never speed up.
  #tail: Promise<unknown> = Promise.resolve();
  readonly #options: Required<DetectorOptions>;

  constructor(options: DetectorOptions = {}) {
    this.#options = {
      minObjectScore: options.minObjectScore ?? 0.3,
      minFaceScore: options.minFaceScore ?? 0.3,
      maxDetections: options.maxDetections ?? 20,
    };
  }

  get state(): DetectorState {
    return this.#state;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  /** What readiness reports; throws while the models are not usable. */
  status(): DetectorStatus {
    if (this.#state === 'failed') throw new Error(`models failed to load: ${this.#error?.message}`);
    if (this.#state !== 'ready' || !this.#human) throw new Error('models are loading');
    return { backend: this.#human.tf.getBackend(), models: this.#human.models.loaded(), loadMs: this.#loadMs ?? 0 };
  }

  /** Tensors alive in tfjs: constant between requests unless inference leaks them. */
  liveTensors(): number {
    return this.#human?.tf.memory().numTensors ?? 0;
  }

  /** Loads the models once; later calls return the same promise. */
  load(): Promise<void> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<void> {
    this.#state = 'loading';
    const started = performance.now();
    try {
      const humanMain = require.resolve('@vladmandic/human');
      const modelsDir = join(dirname(dirname(humanMain)), 'models');
      const { Human: HumanClass } = require(join(dirname(humanMain), 'human.node-wasm.js')) as {
        Human: new (config: Partial<Config>) => Human;
      };
      const wasmDir = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${sep}`;
      const { maxDetections, minFaceScore, minObjectScore } = this.#options;
      const human = new HumanClass({
        backend: 'wasm',
        wasmPath: wasmDir,
        modelBasePath: MODEL_BASE_URL,
        cacheSensitivity: 0,
        debug: false,
        warmup: 'none',
        filter: { enabled: false },
        face: {
          enabled: true,
          detector: { rotation: false, maxDetected: maxDetections, minConfidence: minFaceScore, return: false },
          mesh: { enabled: false },
          iris: { enabled: false },
          attention: { enabled: false },
          description: { enabled: true },
          emotion: { enabled: true },
          antispoof: { enabled: false },
          liveness: { enabled: false },
        },
        object: { enabled: true, minConfidence: minObjectScore, maxDetected: maxDetections },
        body: { enabled: false },
        hand: { enabled: false },
        gesture: { enabled: false },
        segmentation: { enabled: false },
      } as Partial<Config>);
      await withModelFiles(modelsDir, () => human.load());
      const expected = ['blazeface', 'centernet', 'faceres', 'emotion'];
      const loaded = human.models.loaded();
      const missing = expected.filter((name) => !loaded.includes(name));
      if (missing.length > 0) throw new Error(`models did not load: ${missing.join(', ')}`);
      this.#human = human;
      this.#loadMs = Math.round(performance.now() - started);
      this.#state = 'ready';
    } catch (error) {
      this.#error = error instanceof Error ? error : new Error(String(error));
      this.#state = 'failed';
      throw this.#error;
    }
  }

  /** Detects objects and faces; boxes come back in the original image's pixels. */
  detect(input: DetectionInput): Promise<Detection> {
    const run = this.#tail.then(() => this.#detect(input));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #detect(input: DetectionInput): Promise<Detection> {
    const human = this.#human;
    if (!human) throw new Error('models are not loaded');
    const tensor = human.tf.tensor3d(input.rgb, [input.height, input.width, 3], 'int32');
    const started = performance.now();
    let result: Result;
    try {
      result = await human.detect(tensor);
    } finally {
      human.tf.dispose(tensor);
    }
    const inferenceMs = performance.now() - started;
    if (result.error) throw new Error(`detection failed: ${result.error}`);

    const scale = { x: input.originalWidth / input.width, y: input.originalHeight / input.height };
    const toBox = (box: readonly number[]) => scaleBox(box, scale, input.originalWidth, input.originalHeight);
    const objects = result.object
      .map((object) => ({ label: object.label, score: round(object.score, 3), box: toBox(object.box) }))
      .sort((a, b) => b.score - a.score);
    const faces = result.face
      .map((face) => {
        const detected: DetectedFace = { score: round(face.boxScore ?? face.score, 3), box: toBox(face.box) };
        if (typeof face.age === 'number' && Number.isFinite(face.age)) detected.age = round(face.age, 1);
        if (face.gender === 'male' || face.gender === 'female') detected.gender = face.gender;
        const emotion = face.emotion?.[0]?.emotion;
        if (emotion) detected.emotion = emotion;
        return detected;
      })
      .sort((a, b) => b.score - a.score);
    return { objects, faces, inferenceMs };
  }

  /** Frees the models' tensors. */
  close(): void {
    if (!this.#human) return;
    this.#human.models.reset();
    this.#human.tf.disposeVariables();
    this.#human = undefined;
    this.#state = 'idle';
    this.#loading = undefined;
  }
}

/** Runs `load` with fetch answering MODEL_BASE_URL from the models folder, then restores fetch. */
async function withModelFiles<T>(modelsDir: string, load: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = async (resource, init) => {
    const url = resource instanceof Request ? resource.url : String(resource);
    if (!url.startsWith(MODEL_BASE_URL)) return original(resource, init);
    const path = normalize(join(modelsDir, decodeURIComponent(new URL(url).pathname)));
    if (!path.startsWith(modelsDir + sep)) return new Response('outside the models folder', { status: 404 });
    try {
      return new Response(await readFile(path));
    } catch {
      return new Response(`no model file ${url.slice(MODEL_BASE_URL.length)}`, { status: 404 });
    }
  };
  try {
    return await load();
  } finally {
    globalThis.fetch = original;
  }
}

/** [x, y, width, height] in analysed pixels → integer box in original pixels, clipped to the image. */
function scaleBox(box: readonly number[], scale: { x: number; y: number }, width: number, height: number): Box {
  const [bx = 0, by = 0, bw = 0, bh = 0] = box;
  const x = Math.max(0, Math.round(bx * scale.x));
  const y = Math.max(0, Math.round(by * scale.y));
  const right = Math.min(width, Math.round((bx + bw) * scale.x));
  const bottom = Math.min(height, Math.round((by + bh) * scale.y));
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
