import { CongoServer } from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { freePort } from './http.ts';

export interface EmbeddedMongo {
  /** The server's URI without a database (`mongodb://127.0.0.1:<port>/?serverMonitoringMode=poll`). */
  uri: string;
  /** The URI of one database on it — use one database per test file. */
  uriFor: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * Starts the embedded MongoDB-wire server (CongoServer from @push.rocks/smartmongo,
 * in memory or in files) on a free loopback port. It speaks the wire protocol to mongoose, but does
 * not enforce unique indexes other than `_id` and has no real transactions — the same
 * limits production's standalone mongod imposes by design (see notes/dependencies.md).
 */
export async function startEmbeddedMongo(
  options: {
    port?: number;
    host?: string /** Keep the data in files here instead of in memory. */;
    storagePath?: string;
  } = {},
): Promise<EmbeddedMongo> {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const { storagePath } = options;
  const server = new CongoServer(
    storagePath ? { port, host, storage: 'file', storagePath } : { port, host, storage: 'memory' },
  );
  await server.start();
  // The server answers the driver's streaming heartbeat (exhaust `hello`) like a plain
  // one, which makes the driver clear its pool mid-operation; polling heartbeats avoid it.
  const uriFor = (database: string) => `mongodb://${host}:${port}/${database}?serverMonitoringMode=poll`;
  return { uri: uriFor(''), uriFor, port, stop: () => server.stop() };
}
