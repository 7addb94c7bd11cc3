import {
  createLogger,
  createService,
  HttpProblem,
  type Logger,
  parseQuery,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { Request } from 'express';
import { DEFAULTS } from './config.ts';
import { DetectorUnavailableError, type ObjectDetector } from './detector.ts';
import { decodeImage, describeImage, phashOf } from './image.ts';
import { hammingDistance } from './phash.ts';
import { WorkQueue } from './queue.ts';
import { ImageRejection, type RejectReason } from './rejection.ts';
import { bodyKind, discardBody, readMultipartImages, readRawImage } from './upload.ts';

export const SERVICE_NAME = 'ai-vision';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));

export interface VisionServiceOptions {
  logger?: Logger;
  /**
   * Loaded by main.ts at start-up (or by tests); /analyze answers 503 until it is ready. The
   * service uses a DetectorPool (inference in worker threads).
   */
  detector: ObjectDetector;
  /** Largest accepted image in bytes (default 10 MiB). */
  maxImageBytes?: number;
  /** Largest accepted width × height (default 50 megapixels). */
  maxImagePixels?: number;
  /** Images analysed at once (default 2). */
  concurrency?: number;
  /** Images waiting for a worker before new ones are refused with 503 (default 16). */
  queueLimit?: number;
  /** Default largest pHash distance that counts as a near-duplicate (default 10 of 64 bits). */
  nearDuplicateThreshold?: number;
  otlpEndpoint?: string;
}

const STATUS: Record<RejectReason, number> = {
  empty: 400,
  missing_field: 400,
  bad_multipart: 400,
  aborted: 400,
  unsupported_type: 415,
  not_an_image: 415,
  unsupported_format: 415,
  too_large: 413,
  corrupt: 422,
  too_many_pixels: 422,
  queue_full: 503,
  not_ready: 503,
};
const RETRY_AFTER_SECONDS: Partial<Record<RejectReason, string>> = { queue_full: '1', not_ready: '5' };

export function createVisionService(options: VisionServiceOptions): Service {
  const { detector } = options;
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const maxBytes = options.maxImageBytes ?? DEFAULTS.MAX_IMAGE_BYTES;
  const maxPixels = options.maxImagePixels ?? DEFAULTS.MAX_IMAGE_PIXELS;
  const defaultThreshold = options.nearDuplicateThreshold ?? DEFAULTS.NEAR_DUPLICATE_THRESHOLD;
  const CompareQuery = z.object({
    threshold: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be from 0 to 64')
      .max(64, 'must be from 0 to 64')
      .default(defaultThreshold),
  });

  return createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    otlpEndpoint: options.otlpEndpoint,
    checks: [{ name: 'models', check: async () => detector.status() }],
    resources: [
      {
        name: 'models',
        // Not awaited: liveness answers while the models load; readiness waits for them.
        start: () => {
          detector.load?.().then(
            () => logger.info(detector.status(), 'models loaded'),
            (error: unknown) => logger.error({ err: error }, 'models failed to load; readiness stays 503'),
          );
        },
        close: () => detector.close?.(),
      },
    ],
    routes: (app, { metrics }) => {
      const analyses = metrics.counter({
        name: 'vision_analyses_total',
        help: 'Images submitted to /analyze, by result (ok, rejected, failed)',
        labelNames: ['result'] as const,
      });
      const rejected = metrics.counter({
        name: 'vision_rejected_total',
        help: 'Requests refused before or during analysis, by reason',
        labelNames: ['reason'] as const,
      });
      const inference = metrics.histogram({
        name: 'vision_inference_duration_seconds',
        help: 'Object and face detection time per image',
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      });
      const queueDepth = metrics.gauge({ name: 'vision_queue_depth', help: 'Images waiting for a worker' });
      queueDepth.set(0);
      metrics.gauge({
        name: 'vision_tensors',
        help: 'Tensors alive in the inference runtime (model weights; growth means a leak)',
        collect() {
          this.set(detector.liveTensors());
        },
      });
      const queue = new WorkQueue({
        concurrency: options.concurrency ?? DEFAULTS.VISION_CONCURRENCY,
        limit: options.queueLimit ?? DEFAULTS.VISION_QUEUE_LIMIT,
        onDepth: (waiting) => queueDepth.set(waiting),
      });

      /** Refuses early (before reading a byte) when the queue is already full. */
      const admit = (req: Request) => {
        if (!queue.full) return;
        discardBody(req);
        throw new ImageRejection('queue_full', `the service is busy (${queue.limit} images waiting); retry shortly`);
      };
      const inQueue = <T>(task: () => Promise<T>) =>
        queue.run(task).catch((error: unknown) => {
          if (error instanceof Error && error.name === 'QueueFullError') {
            throw new ImageRejection('queue_full', `the service is busy: ${error.message}; retry shortly`);
          }
          throw error;
        });
      const rejection = (error: unknown): unknown => {
        if (!(error instanceof ImageRejection)) return error;
        rejected.inc({ reason: error.reason });
        const retryAfter = RETRY_AFTER_SECONDS[error.reason];
        return new HttpProblem(STATUS[error.reason], error.message, {
          extensions: { reason: error.reason },
          headers: retryAfter ? { 'retry-after': retryAfter } : {},
        });
      };

      app.post('/api/vision/analyze', async (req, res) => {
        try {
          if (!detector.ready) {
            discardBody(req);
            throw new ImageRejection('not_ready', 'the detection models are still loading; retry shortly');
          }
          admit(req);
          const upload = await readOneImage(req, maxBytes);
          const result = await inQueue(async () => {
            const started = performance.now();
            const image = await decodeImage(upload, { maxPixels });
            const features = await describeImage(image);
            const decodeMs = performance.now() - started;
            const detection = await detector.detect({
              rgb: image.rgb,
              width: image.rgbWidth,
              height: image.rgbHeight,
              originalWidth: image.width,
              originalHeight: image.height,
            });
            inference.observe(detection.inferenceMs / 1000);
            return {
              format: image.format,
              width: image.width,
              height: image.height,
              orientation: features.orientation,
              bytes: image.bytes,
              dominantColor: features.dominantColor,
              palette: features.palette,
              phash: features.phash,
              blurhash: features.blurhash,
              objects: detection.objects,
              faces: { count: detection.faces.length, items: detection.faces },
              timings: {
                decodeMs: Math.round(decodeMs * 10) / 10,
                inferenceMs: Math.round(detection.inferenceMs * 10) / 10,
              },
            };
          });
          analyses.inc({ result: 'ok' });
          res.json(result);
        } catch (error) {
          analyses.inc({ result: error instanceof ImageRejection ? 'rejected' : 'failed' });
          // A crashed (restarting) detection worker: not the image's fault, so 503 and retry.
          throw rejection(
            error instanceof DetectorUnavailableError ? new ImageRejection('not_ready', error.message) : error,
          );
        }
      });

      app.post('/api/vision/compare', async (req, res) => {
        try {
          const { threshold } = parseQuery(CompareQuery, req);
          admit(req);
          if (bodyKind(req) !== 'multipart') throw wrongBody(req, 'multipart/form-data with file fields `a` and `b`');
          const files = await readMultipartImages(req, ['a', 'b'], { maxBytes });
          const [a, b] = await inQueue(async () => {
            // One after the other: at most one decoded image per worker.
            const hashed = [];
            for (const [name, upload] of [
              ['a', files.a],
              ['b', files.b],
            ] as const) {
              const image = await decodeImage(upload, { maxPixels }).catch((error: unknown) => {
                if (error instanceof ImageRejection)
                  throw new ImageRejection(error.reason, `image \`${name}\`: ${error.message}`);
                throw error;
              });
              hashed.push({ phash: await phashOf(image), width: image.width, height: image.height });
            }
            return hashed as [(typeof hashed)[number], (typeof hashed)[number]];
          });
          const distance = hammingDistance(a.phash, b.phash);
          res.json({ distance, threshold, nearDuplicate: distance <= threshold, a, b });
        } catch (error) {
          throw rejection(error);
        }
      });
    },
  });
}

/** The image of an /analyze request: a raw image/* body or the multipart field `image`. */
async function readOneImage(req: Request, maxBytes: number): Promise<Buffer> {
  switch (bodyKind(req)) {
    case 'raw':
      return readRawImage(req, { maxBytes });
    case 'multipart':
      return (await readMultipartImages(req, ['image'], { maxBytes })).image;
    case 'empty':
      throw new ImageRejection('empty', 'the request body is empty; send an image/* body or multipart field `image`');
    default:
      throw wrongBody(req, 'an image/* body (e.g. image/jpeg) or multipart/form-data with the file field `image`');
  }
}

function wrongBody(req: Request, expected: string): ImageRejection {
  discardBody(req);
  const type = req.headers['content-type'];
  return new ImageRejection(
    'unsupported_type',
    `${type ? `Content-Type ${type}` : 'a body without Content-Type'} is not accepted; send ${expected}`,
  );
}
