import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './http.ts';

export interface EmbeddedMongoProcess {
  /** The URI of one database on it. */
  uriFor: (database: string) => string;
  port: number;
  /** SIGTERM: the server stops serving and exits. */
  stop: () => void;
}

/**
 * The embedded MongoDB-wire server (mongo-server.ts, from source) in a process of its own,
 * as MongoDB runs in production — for benchmarks, where a server in the measuring process
 * would share its CPU and event loop. Memory only.
 */
export async function startEmbeddedMongoProcess(): Promise<EmbeddedMongoProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@azora/source', fileURLToPath(new URL('./mongo-server.ts', import.meta.url))],
    {
      env: { ...process.env, MONGO_PORT: String(port), MONGO_HOST: '127.0.0.1', MONGO_STORAGE_PATH: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the MongoDB-wire server exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  return {
    uriFor: (database) => `mongodb://127.0.0.1:${port}/${database}?serverMonitoringMode=poll`,
    port,
    stop: () => child.kill('SIGTERM'),
  };
}
