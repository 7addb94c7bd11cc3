import { CongoServer } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { freePort } from './http.ts';

export interface EmbeddedMongo {
  /** `mongodb://127.0.0.1:<port>` — add a database name per test file. */
  uri: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * Starts the embedded MongoDB-wire server (CongoServer from @push.rocks/smartmongo,
 * in memory) on a free loopback port. It speaks the wire protocol to mongoose, but does
 * not enforce unique indexes other than `_id` and has no real transactions — the same
 * limits production's standalone mongod imposes by design (see notes/dependencies.md).
 */
export async function startEmbeddedMongo(options: { port?: number; host?: string } = {}): Promise<EmbeddedMongo> {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const server = new CongoServer({ port, host, storage: 'memory' });
  await server.start();
  return { uri: `mongodb://${host}:${port}`, port, stop: () => server.stop() };
}
