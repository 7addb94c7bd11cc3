/**
 * The infrastructure services need in development: a local server when one answers,
 * an embedded one otherwise (PGlite over TCP, the aedes MQTT broker, a spawned
 * redis-server, the embedded MongoDB-wire server).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Infrastructure, ServiceEntry } from '@azora/catalog';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Aedes } from 'aedes';
import pg from 'pg';
import { type Connections, databaseName, withDatabase } from './env.ts';
import { DevError } from './errors.ts';
import { displayPath } from './output.ts';

/** A server started by us (local servers found running are only used, never stopped). */
export interface Embedded {
  url: string;
  stop: () => Promise<void>;
}

const PROBE_TIMEOUT_MS = 1500;
/** PGlite is single-connection; pglite-socket multiplexes up to this many clients onto it (a pg pool holds 10). */
const PGLITE_MAX_CONNECTIONS = 100;

const DEFAULT_URLS = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: 'redis://127.0.0.1:6379',
  mqtt: 'mqtt://127.0.0.1:1883',
  mongodb: 'mongodb://127.0.0.1:27017',
} as const;

/** `host:port` of a URL, for messages (never its credentials). */
function hostPort(url: string, defaultPort?: number): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || defaultPort}`;
}

/**
 * Sends `request` to the server at `url` and resolves whether `accepts` recognises the
 * reply; `accepts` returns undefined while it needs more bytes. Refused, closed or
 * silent (past the timeout) is a no.
 */
function probe(
  url: string,
  defaultPort: number,
  request: Buffer,
  accepts: (reply: Buffer) => boolean | undefined,
): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || defaultPort });
    let reply = Buffer.alloc(0);
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      const verdict = accepts(reply);
      if (verdict !== undefined) finish(verdict);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

/** A Redis command in RESP. */
function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/** True when a Redis server at `url` answers PING (after AUTH when the URL has a password). */
export function answersRedis(url: string): Promise<boolean> {
  const { username, password } = new URL(url);
  const credentials = [username, password].filter(Boolean).map(decodeURIComponent);
  const request = (password ? resp('AUTH', ...credentials) : '') + resp('PING');
  return probe(url, 6379, Buffer.from(request), (reply) => {
    const text = reply.toString();
    if (text.includes('+PONG')) return true;
    return /(^|\r\n)-/.test(text) ? false : undefined;
  });
}

/** True when an MQTT broker at `url` accepts a connection (MQTT 3.1.1 CONNECT answered by CONNACK 0). */
export function acceptsMqtt(url: string): Promise<boolean> {
  const clientId = Buffer.from(`azora-dev-probe-${process.pid}`);
  // Protocol "MQTT", level 4 (3.1.1), clean session, keep-alive 30 s; then the client id.
  const variableHeader = Buffer.from([0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 30]);
  const payload = Buffer.concat([Buffer.from([0, clientId.length]), clientId]);
  const request = Buffer.concat([Buffer.from([0x10, variableHeader.length + payload.length]), variableHeader, payload]);
  return probe(url, 1883, request, (reply) => (reply.length < 4 ? undefined : reply[0] === 0x20 && reply[3] === 0));
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

/** True when a MongoDB-wire server at `url` answers `{ hello: 1 }` (an OP_MSG, opCode 2013). */
export function answersMongo(url: string): Promise<boolean> {
  const OP_MSG = 2013;
  // BSON { hello: 1, $db: 'admin' }, written by hand to avoid a driver for one probe.
  const elements = Buffer.concat([
    Buffer.from('\x10hello\0', 'latin1'),
    int32(1),
    Buffer.from('\x02$db\0', 'latin1'),
    int32('admin'.length + 1),
    Buffer.from('admin\0\0', 'latin1'),
  ]);
  const document = Buffer.concat([int32(elements.length + 4), elements]);
  const body = Buffer.concat([int32(0), Buffer.from([0]), document]); // flag bits, section kind 0
  const header = Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(OP_MSG)]);
  return probe(url, 27017, Buffer.concat([header, body]), (reply) =>
    reply.length < 16 ? undefined : reply.readInt32LE(12) === OP_MSG,
  );
}

/** True when a Postgres server at `url` accepts a connection and a query. */
export async function acceptsPostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates each database that does not exist yet on the server at `adminUrl`. */
export async function ensureDatabases(adminUrl: string, databases: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const database of databases) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (rowCount) continue;
      // 42P04: another `pnpm dev` created it in between.
      await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * PGlite on `dataDir`, served over TCP on a free loopback port. A new data directory
 * is copied from `templateDir` (initialised once), since initdb in wasm takes ~2 s and
 * a copy a fraction of that. Copies go through a temporary name so an interrupted run
 * never leaves a half-made directory behind.
 */
export async function startPglite(dataDir: string, templateDir: string): Promise<Embedded> {
  if (!existsSync(dataDir)) {
    await mkdir(dirname(dataDir), { recursive: true });
    await mkdir(dirname(templateDir), { recursive: true });
    if (!existsSync(templateDir)) {
      await rm(`${templateDir}.tmp`, { recursive: true, force: true });
      await (await PGlite.create(`${templateDir}.tmp`)).close();
      await rename(`${templateDir}.tmp`, templateDir);
    }
    await rm(`${dataDir}.tmp`, { recursive: true, force: true });
    await cp(templateDir, `${dataDir}.tmp`, { recursive: true });
    await rename(`${dataDir}.tmp`, dataDir);
  }
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: PGLITE_MAX_CONNECTIONS });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** The aedes MQTT broker (in memory) on a free loopback port. */
export async function startAedes(): Promise<Embedded> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A `redis-server` child on a free loopback port, persisting nothing. It runs in its own
 * process group so a terminal Ctrl-C reaches only us, and we stop it after the services.
 */
export async function startRedisServer(binary: string, dir: string): Promise<Embedded> {
  // Loaded here: @azora/testing pulls in several clients, only needed on this path.
  const { freePort } = await import('@azora/testing');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      'redis-server.log',
    ],
    { detached: true, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  // Whatever way we exit, the server must not outlive us.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(5000, false)]);
    if (!stopped) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 10_000;
  while (!(await answersRedis(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new DevError(`redis-server did not start on port ${port}; see ${join(dir, 'redis-server.log')}`);
    }
    await sleep(50);
  }
  return { url, stop };
}

/** The embedded MongoDB-wire server (in memory) from @azora/testing. */
export async function startMongo(): Promise<Embedded> {
  const { startEmbeddedMongo } = await import('@azora/testing');
  const mongo = await startEmbeddedMongo();
  return { url: mongo.uri, stop: mongo.stop };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `command` on `pathVariable` (a `PATH` value), if it is there. */
export function findOnPath(command: string, pathVariable = ''): string | undefined {
  return pathVariable
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find(isExecutable);
}

/** `CHROMIUM_PATH` (or puppeteer's `PUPPETEER_EXECUTABLE_PATH`) when set, else the Debian package's binary. */
function findChromium(env: NodeJS.ProcessEnv): string | undefined {
  const chosen = env.CHROMIUM_PATH || env.PUPPETEER_EXECUTABLE_PATH;
  const candidates = chosen ? [chosen] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find(isExecutable);
}

export interface StartedInfrastructure {
  connections: Connections;
  /** Stops what was started, in reverse order; local servers are left alone. */
  stop: () => Promise<void>;
}

export interface InfrastructureOptions {
  /** Read for `DATABASE_URL`, `REDIS_URL`, `MQTT_URL`, `MONGODB_URI`, `CHROMIUM_PATH` and `PATH`. */
  env: NodeJS.ProcessEnv;
  /** Where embedded servers keep their data (`.dev-data`). */
  dataDir: string;
  /** One line per piece: which one is used and where (`warning` when it is missing). */
  say: (piece: Infrastructure, text: string, warning?: boolean) => void;
}

/**
 * Starts (or finds) the union of the infrastructure `services` declare. When one piece
 * cannot be had, what was already started is stopped before the error propagates.
 */
export async function startInfrastructure(
  services: readonly ServiceEntry[],
  { env, dataDir, say }: InfrastructureOptions,
): Promise<StartedInfrastructure> {
  const users = (piece: Infrastructure) => services.filter((service) => service.infrastructure.includes(piece));
  const names = (list: readonly ServiceEntry[]) => list.map((service) => service.name).join(', ');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.toReversed()) await stopOne().catch(() => {});
  };
  const embed = async (start: () => Promise<Embedded>) => {
    const embedded = await start();
    stops.push(embedded.stop);
    return embedded.url;
  };
  const postgres = new Map<string, string>();
  const connections: Connections = { postgres };

  try {
    // Redis first: it is the one piece that can be missing, so fail before the slow ones.
    if (users('redis').length > 0) {
      const local = env.REDIS_URL ?? DEFAULT_URLS.redis;
      if (await answersRedis(local)) {
        connections.redis = local;
        say('redis', `local server ${hostPort(local, 6379)}`);
      } else {
        const binary = findOnPath('redis-server', env.PATH);
        if (!binary) {
          throw new DevError(
            `Redis is needed by ${names(users('redis'))}, but nothing answered at ${hostPort(local, 6379)} and ` +
              'redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server; ' +
              'macOS: brew install redis) or set REDIS_URL to a running server.',
          );
        }
        connections.redis = await embed(() => startRedisServer(binary, join(dataDir, 'redis')));
        say(
          'redis',
          `embedded ${binary} on ${hostPort(connections.redis)} (nothing answered at ${hostPort(local, 6379)})`,
        );
      }
    }

    const postgresUsers = users('postgres');
    if (postgresUsers.length > 0) {
      const local = env.DATABASE_URL ?? DEFAULT_URLS.postgres;
      if (await acceptsPostgres(local)) {
        const databases = postgresUsers.map((service) => databaseName(service.name));
        await ensureDatabases(local, databases).catch((error: Error) => {
          throw new DevError(`cannot create the databases on ${hostPort(local, 5432)}: ${error.message}`);
        });
        for (const service of postgresUsers)
          postgres.set(service.name, withDatabase(local, databaseName(service.name)));
        say('postgres', `local server ${hostPort(local, 5432)}, databases ${databases.join(', ')}`);
      } else {
        say('postgres', `embedded PGlite, one per service (nothing answered at ${hostPort(local, 5432)})`);
        connections.embeddedPostgres = true;
        for (const service of postgresUsers) {
          const started = performance.now();
          const dir = join(dataDir, 'pglite', service.name);
          const url = await embed(() => startPglite(dir, join(dataDir, 'pglite', '.template')));
          postgres.set(service.name, url);
          const ms = Math.round(performance.now() - started);
          say('postgres', `  ${service.name}: ${hostPort(url)}, data in ${displayPath(dir)} (${ms} ms)`);
        }
      }
    }

    /** The local server at `local` when it answers, else an embedded one. */
    const localOrEmbedded = async (
      piece: 'mqtt' | 'mongodb',
      local: string,
      answers: (url: string) => Promise<boolean>,
      start: () => Promise<Embedded>,
      embeddedName: string,
    ): Promise<string> => {
      const localAddress = hostPort(local, piece === 'mqtt' ? 1883 : 27017);
      if (await answers(local)) {
        say(piece, `local ${piece === 'mqtt' ? 'broker' : 'server'} ${localAddress}`);
        return local;
      }
      const url = await embed(start);
      say(piece, `embedded ${embeddedName} on ${hostPort(url)} (nothing answered at ${localAddress})`);
      return url;
    };
    if (users('mqtt').length > 0) {
      connections.mqtt = await localOrEmbedded(
        'mqtt',
        env.MQTT_URL ?? DEFAULT_URLS.mqtt,
        acceptsMqtt,
        startAedes,
        'aedes broker',
      );
    }
    if (users('mongodb').length > 0) {
      const local = env.MONGODB_URI ?? DEFAULT_URLS.mongodb;
      connections.mongodb = await localOrEmbedded(
        'mongodb',
        local,
        answersMongo,
        startMongo,
        'MongoDB-wire server, in memory,',
      );
    }

    if (users('chromium').length > 0) {
      connections.chromium = findChromium(env);
      if (connections.chromium) say('chromium', connections.chromium);
      else {
        say(
          'chromium',
          `not found — no browser for ${names(users('chromium'))}. Install it ` +
            '(Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) or set CHROMIUM_PATH.',
          true,
        );
      }
    }

    if (users('docker').length > 0) {
      say('docker', `not used — ${names(users('docker'))} restart services through this run's control API`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { connections, stop };
}
