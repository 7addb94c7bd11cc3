// Runs a Detector in a worker thread (started by detector-pool.ts): loads the models (and runs
// one warm-up inference) at start, then answers one detection request at a time, so inference
// never blocks the service's event loop. Every answer carries the thread's live tensor count
// for the vision_tensors gauge.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type Detection,
  type DetectionInput,
  Detector,
  type DetectorOptions,
  type DetectorStatus,
} from './detector.ts';

/** What the pool sends: one image to analyse (its pixels arrive transferred, not copied). */
export interface DetectRequest {
  type: 'detect';
  id: number;
  input: DetectionInput;
}

/** What the worker sends back. */
export type WorkerMessage =
  | { type: 'loaded'; status: DetectorStatus; tensors: number }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; detection: Detection; tensors: number }
  | { type: 'error'; id: number; message: string; tensors: number };

export interface DetectorWorkerData {
  options: DetectorOptions;
}

const port = parentPort;
if (!port) throw new Error('detector-worker.ts runs as a worker thread (see detector-pool.ts)');
const send = (message: WorkerMessage) => port.postMessage(message);

const detector = new Detector((workerData as DetectorWorkerData | undefined)?.options);
try {
  await detector.load();
  // The first inference pays ~0.5 s of one-off runtime set-up, whatever the image size: pay it
  // here, before reporting ready, rather than in the first upload this worker receives.
  const side = 64;
  await detector.detect({
    rgb: new Uint8Array(side * side * 3),
    width: side,
    height: side,
    originalWidth: side,
    originalHeight: side,
  });
  send({ type: 'loaded', status: detector.status(), tensors: detector.liveTensors() });
} catch (error) {
  send({ type: 'load-failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}

port.on('message', (request: DetectRequest) => {
  detector.detect(request.input).then(
    (detection) => send({ type: 'result', id: request.id, detection, tensors: detector.liveTensors() }),
    (error: unknown) =>
      send({
        type: 'error',
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
        tensors: detector.liveTensors(),
      }),
  );
});
