// Builds a model off the main thread, so requests keep being served from the current model.
import { parentPort } from 'node:worker_threads';
import { buildModel, type ModelInput } from './model.ts';

parentPort?.once('message', (input: ModelInput) => {
  parentPort?.postMessage(buildModel(input));
});
