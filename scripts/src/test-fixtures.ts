/**
 * Test fixtures: a temporary repo of tiny real services (node http servers with a `dev`
 * script), relocated copies of catalog entries pointing at them, and a check that no
 * process is left running in the fixture repo.
 */
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService, type Infrastructure, type ServiceEntry } from '@azora/catalog';
import { freePort } from '@azora/testing';

/**
 * Each runs as one node process with one child process (both in the service's process group).
 * normal: ready on /health/ready (once DATABASE_URL's server accepts connections, if set);
 * crash-once: the first run exits with code 3 after printing an error, later runs are normal;
 * always-crash: exits with code 3 at once; ignore-sigterm: never exits on SIGTERM;
 * never-ready: answers 503 on /health/ready.
 */
export type FixtureMode = 'normal' | 'crash-once' | 'always-crash' | 'ignore-sigterm' | 'never-ready';

const SERVER = `
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const mode = process.argv[2];
const log = (level, msg, extra = {}) => console.log(JSON.stringify({ level, time: Date.now(), pid: process.pid, msg, ...extra }));
if (mode === 'always-crash' || (mode === 'crash-once' && !existsSync('crashed-once'))) {
  writeFileSync('crashed-once', '');
  // Its last words without a newline, as a process that dies mid-line leaves them.
  process.stderr.write('fatal: something broke');
  setTimeout(() => process.exit(3), 200);
} else {
  // A child process of its own, as automated-reporting's Chromium: stopping a service stops its tree.
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  const databaseUp = () => new Promise((resolve) => {
    if (!process.env.DATABASE_URL) return resolve(true);
    const { hostname, port } = new URL(process.env.DATABASE_URL);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
  const server = createServer(async (req, res) => {
    if (req.url === '/health/ready') {
      const ready = mode !== 'never-ready' && (await databaseUp());
      res.writeHead(ready ? 200 : 503);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(process.env));
  });
  server.listen(Number(process.env.PORT), '127.0.0.1', () => log(30, 'listening', { port: Number(process.env.PORT) }));
  process.on('SIGTERM', () => {
    log(30, 'SIGTERM received');
    if (mode !== 'ignore-sigterm') server.close(() => process.exit(0));
  });
}
`;

export interface FixtureService {
  /** A catalog name: the entry is copied with its folder, port and infrastructure replaced. */
  name: string;
  mode?: FixtureMode;
  infrastructure?: Infrastructure[];
  /** Defaults to a free port. */
  port?: number;
  /** False: listed in the catalog but not in the repo. */
  inRepo?: boolean;
}

export interface FixtureRepo {
  root: string;
  services: ServiceEntry[];
  cleanup: () => Promise<void>;
}

export async function createFixtureRepo(fixtures: readonly FixtureService[]): Promise<FixtureRepo> {
  const root = await mkdtemp(join(tmpdir(), 'azora-dev-'));
  await writeFile(join(root, 'server.mjs'), SERVER);
  const services: ServiceEntry[] = [];
  for (const fixture of fixtures) {
    const folder = `services/${fixture.name}`;
    if (fixture.inRepo !== false) {
      await mkdir(join(root, folder), { recursive: true });
      const manifest = {
        name: fixture.name,
        private: true,
        scripts: { dev: `node ../../server.mjs ${fixture.mode ?? 'normal'}` },
      };
      await writeFile(join(root, folder, 'package.json'), JSON.stringify(manifest));
    }
    services.push({
      ...getService(fixture.name),
      folder,
      port: fixture.port ?? (await freePort()),
      infrastructure: fixture.infrastructure ?? [],
    });
  }
  return { root, services, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Pids of live (not zombie) processes whose working directory is inside `root`. */
export async function processesIn(root: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [cwd, stat] = await Promise.all([readlink(`/proc/${entry}/cwd`), readFile(`/proc/${entry}/stat`, 'utf8')]);
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
      if (cwd.startsWith(root) && state !== 'Z') found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** True while a process with this pid runs (zombies excluded). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
