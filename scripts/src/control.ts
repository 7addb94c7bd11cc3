/**
 * The `pnpm dev` control API, for tracing-recovery's dev runtime: on 127.0.0.1 only, every
 * request carrying `Authorization: Bearer <token>` (a token made per run and handed to the
 * services that restart others). `GET /services` lists the supervised services and their
 * state; `POST /services/<name>/restart` restarts one at once.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Supervised } from './supervisor.ts';

export interface ControlServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close: () => Promise<void>;
}

/** How long a restarted service gets to stop on SIGTERM before SIGKILL. */
const RESTART_GRACE_MS = 10_000;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sameToken(offered: string | undefined, token: string): boolean {
  if (!offered?.startsWith('Bearer ')) return false;
  const a = Buffer.from(offered.slice('Bearer '.length));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startControlServer(options: {
  token: string;
  /** The supervised services, read at each request (the list fills in as they are spawned). */
  services: () => readonly Supervised[];
  port?: number;
}): Promise<ControlServer> {
  const server = createServer((req, res) => {
    // Drain any body: none of the endpoints takes one.
    req.resume();
    if (!sameToken(req.headers.authorization, options.token)) {
      return send(res, 401, { error: 'send Authorization: Bearer <DEV_CONTROL_TOKEN>' });
    }
    const path = new URL(req.url ?? '/', 'http://control').pathname;
    if (path === '/services') {
      if (req.method !== 'GET') return send(res, 405, { error: 'GET /services' });
      return send(res, 200, {
        services: options.services().map((s) => ({
          name: s.name,
          state: s.state(),
          pid: s.processGroup() ?? null,
          restarts: s.restarts(),
        })),
      });
    }
    const match = /^\/services\/([^/]+)\/restart$/.exec(path);
    if (!match) return send(res, 404, { error: `no route ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'POST /services/<name>/restart' });
    const name = decodeURIComponent(match[1] as string);
    const service = options.services().find((s) => s.name === name);
    if (!service) return send(res, 404, { error: `no supervised service ${name}` });
    service.restart(RESTART_GRACE_MS).then(
      (previousState) => send(res, 200, { name, previousState, state: service.state() }),
      (error: Error) => send(res, 409, { error: error.message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
