// checkInfrastructure against real TCP servers on loopback that answer, stay silent, or
// hang up: a detector round waits on it, so it must settle every time.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInfrastructure } from './targets.ts';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server on a free loopback port that does `onConnection` with each client. */
async function server(onConnection: (socket: Socket) => void): Promise<number> {
  const listener = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return (listener.address() as { port: number }).port;
}

const redisAt = (port: number) => ({ piece: 'redis' as const, host: '127.0.0.1', port });

describe('checkInfrastructure', () => {
  it('finds Redis up when it answers PING, even with an error', async () => {
    const pong = await server((socket) => socket.once('data', () => socket.write('+PONG\r\n')));
    expect(await checkInfrastructure(redisAt(pong), 1000)).toMatchObject({ ok: true, detail: 'answered PING: +PONG' });
    const noAuth = await server((socket) =>
      socket.once('data', () => socket.write('-NOAUTH Authentication required.\r\n')),
    );
    expect(await checkInfrastructure(redisAt(noAuth), 1000)).toMatchObject({ ok: true });
  });

  it('finds a piece down that accepts and hangs up without a word, at once (docker-proxy while its container stops)', async () => {
    const hangsUp = await server((socket) => socket.end());
    const result = await checkInfrastructure(redisAt(hangsUp), 5000);
    expect(result).toMatchObject({
      ok: false,
      detail: `127.0.0.1:${hangsUp} closed the connection without answering`,
    });
    expect(result.ms).toBeLessThan(4000);
  });

  it('finds a piece down that accepts and never answers, at the timeout', async () => {
    const silent = await server(() => {});
    const result = await checkInfrastructure(redisAt(silent), 300);
    expect(result).toMatchObject({ ok: false, detail: `no answer from 127.0.0.1:${silent} within 300 ms` });
    expect(result.ms).toBeGreaterThanOrEqual(290);
  });

  it('finds a piece down where nothing listens, and a plain TCP piece up where something does', async () => {
    const closed = await server(() => {});
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    expect(await checkInfrastructure(redisAt(closed), 1000)).toMatchObject({
      ok: false,
      detail: `127.0.0.1:${closed}: ECONNREFUSED`,
    });
    const open = await server(() => {});
    expect(await checkInfrastructure({ piece: 'postgres', host: '127.0.0.1', port: open }, 1000)).toMatchObject({
      ok: true,
    });
  });
});
