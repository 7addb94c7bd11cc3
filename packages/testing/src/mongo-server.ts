/**
 * The embedded MongoDB-wire server as a program: MongoDB's stand-in image
 * (infrastructure/standins/mongodb) runs it where no mongod can be installed.
 * MONGO_PORT (27017), MONGO_HOST (0.0.0.0), MONGO_STORAGE_PATH (the data directory: data
 * in memory, saved to <dir>/congo.json and read back on start; unset: memory only),
 * MONGO_PERSIST_INTERVAL_MS (1000: how often changed data is saved; SIGTERM saves too).
 */
import { startEmbeddedMongo } from './mongo.ts';

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const port = integer('MONGO_PORT', 27017, 1, 65535);
const persistIntervalMs = integer('MONGO_PERSIST_INTERVAL_MS', 1000, 10, 3_600_000);
const storagePath = process.env.MONGO_STORAGE_PATH || undefined;
const mongo = await startEmbeddedMongo({
  port,
  host: process.env.MONGO_HOST ?? '0.0.0.0',
  storagePath,
  persistIntervalMs,
}).catch((error: Error) => {
  console.error(`MongoDB-wire server did not start: ${error.message}`);
  process.exit(1);
});
console.log(
  `MongoDB-wire server listening on ${port}, ${storagePath ? `data in ${storagePath} (saved every ${persistIntervalMs} ms when changed)` : 'data in memory only'}`,
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    mongo.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`stopping failed: ${error.message}`);
        process.exit(1);
      },
    );
  });
}
