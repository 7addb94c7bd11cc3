import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StartedApp {
  server: Server;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close: () => Promise<void>;
}

/**
 * Starts an app (or any request listener) on an ephemeral port on the loopback interface.
 * The accept queue holds 4096 connections (Node's default is 511): a test that opens a
 * thousand connections at once on a loaded machine must not have the kernel drop or reset
 * the ones the process has not accepted yet.
 */
export async function startApp(app: RequestListener): Promise<StartedApp> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A port nothing listens on (bound, then released), for "upstream is down" tests. */
export async function freePort(): Promise<number> {
  const started = await startApp((_req, res) => res.end());
  await started.close();
  return started.port;
}
