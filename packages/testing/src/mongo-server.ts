/**
 * The embedded MongoDB-wire server as a program: MongoDB's stand-in image
 * (infrastructure/standins/mongodb) runs it where no mongod can be installed.
 * MONGO_PORT (27017), MONGO_HOST (0.0.0.0), MONGO_STORAGE_PATH (files there; unset: memory).
 */
import { startEmbeddedMongo } from './mongo.ts';

const port = Number(process.env.MONGO_PORT ?? 27017);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`MONGO_PORT must be a TCP port, got "${process.env.MONGO_PORT}"`);
  process.exit(1);
}
const mongo = await startEmbeddedMongo({
  port,
  host: process.env.MONGO_HOST ?? '0.0.0.0',
  storagePath: process.env.MONGO_STORAGE_PATH || undefined,
});
console.log(`MongoDB-wire server listening on ${port}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    mongo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
