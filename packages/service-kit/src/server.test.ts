import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { type RunningServer, type ServerOptions, startServer } from './server.ts';

const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));
const children: ChildProcess[] = [];
const servers: RunningServer[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const running of servers.splice(0)) {
    running.server.closeAllConnections();
    await running.shutdown();
  }
});

/** Starts the fixture service in its own process and waits for its port. */
async function startFixture(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--conditions=@azora/source', fixture], {
    // No lame-duck period unless a test asks for one, whatever NODE_ENV the tests run with.
    env: { ...process.env, SHUTDOWN_DELAY_MS: '0', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  /** Resolves once the fixture has printed `line` `times` times in all. */
  const printed = (line: string, times: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (output.split('\n').filter((l) => l === line).length < times) return;
        child.stdout?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      check();
    });
  return { child, port, exited, output: () => output, printed };
}

/** Resolves once a request to `url` is refused (the listener has closed); fails after 5 s. */
async function refused(url: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const failed = await fetch(url).then(
      () => false,
      () => true,
    );
    if (failed) return;
  }
  throw new Error(`${url} still answers 5 s after SIGTERM`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  reusedSocket: boolean;
}

/**
 * One HTTP request with node:http, so that a failure keeps its code (ECONNRESET…).
 * `connected` resolves once the TCP handshake is done — the kernel has queued the
 * connection even when the process has not accepted it yet — and `sent` once the request
 * has been handed to the kernel.
 */
function send(port: number, options: { path: string; method?: string; body?: string; agent?: Agent }) {
  const req = request({
    host: '127.0.0.1',
    port,
    path: options.path,
    method: options.method ?? 'GET',
    agent: options.agent ?? false,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
  });
  // Each outcome is awaited by some tests only; a failure is reported where it is awaited.
  const handled = <T>(promise: Promise<T>) => {
    promise.catch(() => {});
    return promise;
  };
  const failed = handled(new Promise<never>((_resolve, reject) => req.once('error', reject)));
  const connected = handled(
    Promise.race([
      failed,
      new Promise<void>((resolve) =>
        req.once('socket', (socket) => (socket.connecting ? socket.once('connect', () => resolve()) : resolve())),
      ),
    ]),
  );
  const sent = handled(Promise.race([failed, once(req, 'finish').then(() => {})]));
  const answer = handled(
    Promise.race([
      failed,
      new Promise<Answer>((resolve) =>
        req.once('response', (res) => {
          res.resume();
          res.once('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, reusedSocket: req.reusedSocket }),
          );
        }),
      ),
    ]),
  );
  req.end(options.body);
  return { connected, sent, answer };
}

/** The outcome of each request: its status, or its error code. */
async function outcomes(answers: Promise<Answer>[]): Promise<(number | string)[]> {
  const settled = await Promise.allSettled(answers);
  return settled.map((s) => (s.status === 'fulfilled' ? s.value.status : String(s.reason?.code ?? s.reason)));
}

// A 950 KB batch, as in the load test that found the resets.
const batch = JSON.stringify({ texts: Array.from({ length: 950 }, () => 'x'.repeat(1000)) });

/**
 * Makes the fixture handle SIGTERM while `clients` new connections, each sending a large
 * batch, wait in the listen queue, not yet accepted: the state of a busy service under
 * load. A second GET /busy and the signal arrive while a first one holds the event loop,
 * so node handles them in one turn, the signal last; the clients connect while the second
 * /busy holds the loop, so they are still queued when the signal is handled.
 */
async function sigtermWithQueuedClients(started: Awaited<ReturnType<typeof startFixture>>, clients: number) {
  const { child, port, printed } = started;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  expect((await send(port, { path: '/health', agent: keepAlive }).answer).status).toBe(200);

  const first = send(port, { path: '/busy' });
  await printed('busy', 1);
  // On the keep-alive connection accepted above, so it is read in the next turn, with the signal.
  const second = send(port, { path: '/busy', agent: keepAlive });
  await second.sent;
  child.kill('SIGTERM');
  child.stdin?.write('\n');
  await printed('busy', 2);

  const queued = Array.from({ length: clients }, () => send(port, { method: 'POST', path: '/batch', body: batch }));
  await Promise.all(queued.map((q) => q.connected));
  child.stdin?.write('\n');
  return { busy: [first.answer, second.answer], queued: queued.map((q) => q.answer) };
}

describe('graceful shutdown', () => {
  it('on SIGTERM: finishes in-flight requests, refuses new ones, closes resources in reverse, exits 0', async () => {
    const { child, port, exited, output, printed } = await startFixture();
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const inFlight = fetch(`${url}/slow?ms=600`);
    await printed('slow', 1);
    const started = Date.now();
    child.kill('SIGTERM');
    // New connections are refused once the listener closes, while /slow is still in flight.
    await refused(`${url}/health`);

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(output().indexOf('closed cache')).toBeLessThan(output().indexOf('closed database'));
    expect(output()).toContain('closed database');
  });

  it('on SIGTERM: readiness 503 while it still serves for SHUTDOWN_DELAY_MS, then drains; nothing is reset', async () => {
    const started = await startFixture({ SHUTDOWN_DELAY_MS: '3000' });
    const { port, exited } = started;
    // A keep-alive client served before the signal, which comes back during the delay.
    const returning = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await send(port, { path: '/health', agent: returning }).answer;
    expect(before.headers.connection).toBe('keep-alive');
    // In flight when the signal comes, on another keep-alive connection.
    const inFlight = send(port, { path: '/slow?ms=1000', agent: new Agent({ keepAlive: true }) });
    await started.printed('slow', 1);

    const { busy, queued } = await sigtermWithQueuedClients(started, 16);

    // The lame-duck period: readiness fails at once, so load balancers stop sending, but
    // the listener is open and new connections are still served.
    expect((await send(port, { path: '/health/ready' }).answer).status).toBe(503);
    const late = Array.from(
      { length: 8 },
      () => send(port, { method: 'POST', path: '/batch', body: batch, agent: new Agent({ keepAlive: true }) }).answer,
    );
    const again = await send(port, { path: '/health', agent: returning }).answer;
    expect(again).toMatchObject({ status: 200, reusedSocket: true });

    expect(await outcomes([inFlight.answer, ...busy, ...queued, ...late])).toEqual(Array(1 + 2 + 16 + 8).fill(200));
    // Keep-alive clients are told to reconnect, elsewhere: also the one whose request was in flight.
    const answers = [again, await inFlight.answer, ...(await Promise.all(late))];
    expect(answers.map((a) => a?.headers.connection)).toEqual(Array(answers.length).fill('close'));
    const [code] = await exited;
    expect(code).toBe(0);
    expect(started.output()).toContain('closed database');
  });

  it('on SIGTERM without a delay: still serves the connections already queued', async () => {
    const started = await startFixture();
    const { busy, queued } = await sigtermWithQueuedClients(started, 16);
    expect(await outcomes([...busy, ...queued])).toEqual(Array(2 + 16).fill(200));
    const [code] = await started.exited;
    expect(code).toBe(0);
  });

  it('exits promptly when idle keep-alive connections are open', async () => {
    const { child, port, exited } = await startFixture();
    // fetch keeps the connection alive after this response.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const started = Date.now();
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up after the shutdown limit and exits 1 when a request will not finish', async () => {
    const { child, port, exited, printed } = await startFixture({ SHUTDOWN_TIMEOUT_MS: '500' });
    const stuck = fetch(`http://127.0.0.1:${port}/slow?ms=30000`).catch((error: unknown) => error);
    await printed('slow', 1);
    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await stuck).toBeInstanceOf(Error);
  });

  it('does not outlive its supervisor', async () => {
    const supervisor = spawn('sleep', ['60']);
    const { port, exited } = await startFixture({ AZORA_SUPERVISOR_PID: String(supervisor.pid) });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    supervisor.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});

describe('server limits', () => {
  const logger = createLogger('kit-test', 'silent');

  async function start(options: Partial<ServerOptions>) {
    const running = await startServer({
      app: (req, res) => {
        req.resume();
        req.once('end', () => res.end('ok'));
      },
      port: 0,
      host: '127.0.0.1',
      logger,
      handleSignals: false,
      ...options,
    });
    servers.push(running);
    return running;
  }

  async function open(port: number): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {}); // a reset counts as closed
    await once(socket, 'connect');
    return socket;
  }

  /** Not events.once: that rejects on the reset that may come first. */
  function closed(socket: Socket): Promise<void> {
    return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
  }

  /** What the server sent until it closed the connection, and how long after `since`; gives up after 5 s. */
  async function untilClosed(socket: Socket, since: number) {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    const giveUp = setTimeout(() => socket.destroy(), 5000);
    await closed(socket);
    clearTimeout(giveUp);
    return { received, afterMs: Date.now() - since };
  }

  /** Sends a GET on an open connection and resolves with the answer's status line. */
  function get(socket: Socket): Promise<string> {
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    return new Promise((resolve, reject) => {
      let received = '';
      const onData = (chunk: Buffer) => {
        received += chunk;
        if (!received.endsWith('\r\n\r\nok')) return;
        socket.off('data', onData);
        resolve(received.split('\r\n')[0] ?? '');
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`closed after ${JSON.stringify(received)}`)));
    });
  }

  it('cuts off a client that trickles its body once the request timeout has passed', async () => {
    const { port } = await start({ requestTimeoutMs: 500 });
    const socket = await open(port);
    const since = Date.now();
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    const trickle = setInterval(() => socket.write('x'), 20);
    const { received, afterMs } = await untilClosed(socket, since);
    clearInterval(trickle);
    expect(received === '' || received.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(450);
    expect(afterMs).toBeLessThan(1500);
  });

  it('cuts off a client that sends its headers slowly once the headers timeout has passed', async () => {
    const { port } = await start({ headersTimeoutMs: 500, requestTimeoutMs: 30_000 });
    const socket = await open(port);
    const since = Date.now();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.write('X-Slow: y\r\n'), 20);
    const { received, afterMs } = await untilClosed(socket, since);
    clearInterval(trickle);
    expect(received === '' || received.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(450);
    expect(afterMs).toBeLessThan(1500);
  });

  it('refuses connections beyond the connection cap and keeps serving the others', async () => {
    const running = await start({ maxConnections: 3 });
    const onServer = new Map<number | undefined, Socket>();
    running.server.on('connection', (socket) => onServer.set(socket.remotePort, socket));
    const dropped = once(running.server, 'drop');
    const clients = await Promise.all([open(running.port), open(running.port), open(running.port)]);
    expect(await Promise.all(clients.map(get))).toEqual(Array(3).fill('HTTP/1.1 200 OK'));

    const extra = await open(running.port);
    extra.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await untilClosed(extra, Date.now())).received).toBe('');
    await dropped;
    const [first, second] = clients as [Socket, Socket, Socket];
    expect(await get(second)).toBe('HTTP/1.1 200 OK');

    // Once a connection closes, there is room for a new one.
    const gone = closed(onServer.get(first.localPort) as Socket);
    first.destroy();
    await gone;
    expect(await get(await open(running.port))).toBe('HTTP/1.1 200 OK');
    for (const client of clients) client.destroy();
  });

  it('keeps the lame-duck delay to half the shutdown limit, so draining always has time', async () => {
    const running = await start({ shutdownTimeoutMs: 400, shutdownDelayMs: 60_000 });
    const since = Date.now();
    const done = running.shutdown();
    expect(running.isShuttingDown()).toBe(true);
    expect(await get(await open(running.port))).toBe('HTTP/1.1 200 OK');
    await done;
    expect(Date.now() - since).toBeGreaterThanOrEqual(190);
    expect(Date.now() - since).toBeLessThan(2000);
  });
});

describe('server settings from the environment', () => {
  it('stops start-up with one line naming a bad value', () => {
    for (const [variable, value] of [
      ['MAX_CONNECTIONS', '-5'],
      ['REQUEST_TIMEOUT_MS', 'soon'],
    ] as const) {
      const result = spawnSync(process.execPath, ['--conditions=@azora/source', fixture], {
        env: { ...process.env, [variable]: value },
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(result.status).toBe(78);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(
        new RegExp(`^slow-service: invalid configuration: ${variable}: .+ \\(got "${value}"\\)$`, 'm'),
      );
    }
  });
});
