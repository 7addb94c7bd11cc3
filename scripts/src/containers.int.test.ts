// The images and compose modes, built and run by the real Docker Engine: every Dockerfile
// in the repo is built (on the local stand-in of its base image), its image checked and
// started alone; then the compose modes are brought up with those images and checked end
// to end. A new service joins by its catalog entry and compose entries alone.
// Without an engine (a laptop without Docker) the checks skip with one line; under CI=true
// a missing engine fails the run.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getService, JURISDICTION_SERVICES, SERVICES } from '@azora/catalog';
import { GiveUp, mongoCommand, waitFor } from '@azora/testing';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filledEnv, readComposeFile } from './compose.ts';
import {
  bridgeGateway,
  buildImage,
  buildStandins,
  ComposeProject,
  containerState,
  containerStates,
  defaultNodeImage,
  docker,
  engineUnavailable,
  inspectImage,
  isUp,
  memoryByContainer,
  memoryMiB,
  publishedPort,
  standinImages,
} from './docker.ts';
import { acceptsPostgres } from './infrastructure.ts';
import { dashboardQueries, EXAMPLE_ALERT_ENV, exporterOf, exposedNames, promqlMetricNames } from './monitoring.ts';
import { presentServices, REPO_ROOT } from './repo.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

const unavailable = engineUnavailable();
if (unavailable) {
  if (process.env.CI === 'true') throw new Error(`container checks need a Docker engine under CI=true: ${unavailable}`);
  console.log(`container checks skipped: ${unavailable}`);
}

/** The tag the checks build; compose files get it as AZORA_VERSION (prod) and `dev`. */
const TAG = 'ci';
/** The operator key the compose runs get in API_KEYS. */
const OPERATOR_KEY = randomBytes(24).toString('hex');
/** The compliance services' identity keys (their format is checked: the example's placeholders are refused). */
const IDENTITY_KEYS = [
  ['IDENTIFIER_HASH_KEY', randomBytes(32).toString('base64')],
  ['ENCRYPTION_KEYS', `ci1:${randomBytes(32).toString('base64')}`],
] as const;
/** An admin (snapshot restores), and the key snapshot-scheduler triggers recoveries with. */
const ADMIN_KEY = randomBytes(24).toString('hex');
const RECOVERY_KEY = randomBytes(24).toString('hex');
/** The group of the Engine's socket, which tracing-recovery joins (DOCKER_GID). */
const DOCKER_GID = spawnSync('stat', ['-c', '%g', '/var/run/docker.sock'], { encoding: 'utf8' }).stdout?.trim() || '0';
/** The compliance services' data protection officer, in the compose runs. */
const DPO_KEY = randomBytes(24).toString('hex');
/** The compose files' Mosquitto on the host, and the device account the runs give it (MQTT_DEVICES). */
const MQTT_PORT = 41883;
const DEVICE_ID = 'ci-meter-1';
const DEVICE_PASSWORD = randomBytes(18).toString('hex');
/** Stamped into the images: the commit checked out (`nogit` outside a checkout). */
const REVISION =
  spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() || 'nogit';
const withDockerfile = presentServices().filter((s) => s.dockerfile);
const report: Record<string, Record<string, string | number>> = {};
const note = (name: string, values: Record<string, string | number>) => {
  report[name] = { ...report[name], ...values };
};
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** A request through main-app's gateway that only the upstream can answer so. */
async function routesTo(base: string, apiPrefix: string): Promise<boolean> {
  const path = `/api/${apiPrefix}/azora-route-check`;
  const res = await fetch(`${base}${path}`);
  const body = (await res.json()) as { detail?: string };
  return res.status === 404 && body.detail === `no route for GET ${path}`;
}

/** compliance-dashboard's GET overview, the parts the checks read. */
interface Overview {
  regimes: { regime: string; reachable: boolean; requests?: { open: number; overdue: number } }[];
  alerts: { id: string }[];
}

/**
 * compliance-dashboard's overview at `base` (the service, or main-app's gateway), once it
 * reads all seven regimes (the compose files wire its key into each one's API_KEYS) and
 * `showing` holds.
 */
async function dashboardReadingEveryRegime(base: string, showing: (overview: Overview) => boolean = () => true) {
  const overview = await waitFor(
    'compliance-dashboard reading all seven regimes',
    async () => {
      const res = await fetch(`${base}/api/compliance-dashboard/overview`, { headers: { 'x-api-key': DPO_KEY } });
      const body = (await res.json()) as Overview;
      // A change upstream shows once the dashboard's cached round (CACHE_TTL_MS) has expired.
      return res.status === 200 && body.regimes.every((r) => r.reachable) && showing(body) ? body : undefined;
    },
    60_000,
  );
  expect(overview.regimes.map((r) => r.regime).sort()).toEqual([
    'ccpa',
    'gdpr',
    'hipaa',
    'lgpd',
    'pipeda',
    'popia',
    'sox',
  ]);
  return overview;
}

/** quantum-iot-integration's GET summary, the parts the checks read. */
interface IotSummary {
  devices: { total: number; online: number };
  messages: { accepted: number; rejected: Record<string, number> };
  findings: { open: number; byKind: Record<string, number> };
}

/**
 * Runs quantum-iot-integration's device simulator (its src/simulator.ts, the CLI operators
 * use) to the end against `api` and the broker at `mqtt`; its closing summary line.
 */
async function simulate(args: string[]): Promise<{ published: number; failed: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@azora/source', 'src/simulator.ts', ...args],
    { cwd: join(REPO_ROOT, 'services/quantum-iot-integration'), timeout: 180_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { published: number; failed: number };
}

/** The text of a PDF (pdftotext, from Debian's poppler-utils). */
async function pdfText(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'azora-report-'));
  try {
    await writeFile(join(dir, 'report.pdf'), bytes);
    return (await promisify(execFile)('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(unavailable !== undefined)('containers', () => {
  const standins = unavailable ? new Map<string, string>() : standinImages();

  beforeAll(async () => {
    await buildStandins();
  }, 900_000);

  afterAll(() => {
    if (Object.keys(report).length > 0) console.table(report);
  });

  // The images build one at a time (a build keeps both cores busy), in the order their checks
  // ask for them; each image's checks wait for its build and run beside the builds after it.
  let buildQueue: Promise<unknown> = Promise.resolve();
  const builds = new Map<string, Promise<{ seconds: number }>>();
  function built(name: string, dockerfile: string, base: string): Promise<{ seconds: number }> {
    let build = builds.get(name);
    if (!build) {
      build = buildQueue.then(async () => {
        const result = await buildImage(dockerfile, `azora/${name}:${TAG}`, { nodeImage: base, revision: REVISION });
        await docker(['tag', `azora/${name}:${TAG}`, `azora/${name}:dev`]);
        return result;
      });
      buildQueue = build.catch(() => undefined);
      builds.set(name, build);
    }
    return build;
  }
  /** Waiting in the build queue counts against a check's time: room for the builds ahead of it. */
  const IMAGE_CHECK_TIMEOUT_MS = 1_200_000;
  // A container alone is healthy in about 11 s on an idle machine, but these checks run beside
  // the builds after them: one CI run, while the 1.4 GB browser images were written out, saw
  // seven services either not listening within 60 s or not healthy within 120 s.
  const STARTED_ALONE_WAIT_MS = 240_000;
  /** The container's state, or a give-up naming how it ended when it is not running. */
  async function stillRunning(container: string) {
    const state = await containerState(container);
    if (state.status !== 'running') throw new GiveUp(`container ${state.status}, exit code ${state.exitCode}`);
    return state;
  }

  describe.concurrent.each(withDockerfile.map((s) => [s.entry.name, s] as const))('%s image', (name, service) => {
    const entry = service.entry;
    const image = `azora/${name}:${TAG}`;
    const text = readFileSync(service.dockerfile as string, 'utf8');
    const official = defaultNodeImage(text);
    const base = standins.get(official as string);
    const imageBuilt = () => built(name, service.dockerfile as string, base as string);

    it(
      'is built by docker build from the repository root, on the stand-in of its pinned base',
      async () => {
        expect(official, 'ARG NODE_IMAGE=node:24.<minor>-bookworm-slim').toMatch(/^node:24\.\d+-bookworm-slim$/);
        expect(base, `a stand-in for ${official} in infrastructure/standins/build.sh`).toBeDefined();
        const { seconds } = await imageBuilt();
        const info = await inspectImage(image);
        const baseInfo = await inspectImage(base as string);
        note(name, {
          'build s': Math.round(seconds),
          'image MB': mb(info.size),
          'over base MB': mb(info.size - baseInfo.size),
        });
      },
      IMAGE_CHECK_TIMEOUT_MS,
    );

    it(
      'runs as a non-root user, exposes the catalog port and checks readiness with node',
      async () => {
        await imageBuilt();
        const info = await inspectImage(image);
        expect(info.user).toMatch(/^(?!root$|0(:|$)).+/);
        expect(info.exposed).toEqual([`${entry.port}/tcp`]);
        expect(info.healthcheck?.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
        expect(info.healthcheck?.[3]).toContain(entry.health.ready);
        expect(info.env).toContain('NODE_ENV=production');
        expect(info.env).toContain(`PORT=${entry.port}`);
      },
      IMAGE_CHECK_TIMEOUT_MS,
    );

    it(
      'holds no devDependencies, sources or test files of ours',
      async () => {
        await imageBuilt();
        const devDependencies = Object.keys(
          (JSON.parse(readFileSync(`${service.dir}/package.json`, 'utf8')) as { devDependencies?: object })
            .devDependencies ?? {},
        );
        // Lists, inside the image, the files it ships of ours, the service's devDependencies
        // it links (express, say, may still come in as a dependency of the kit) and any
        // build or test tool anywhere in its store.
        const probe = `
        const fs = require('node:fs'), path = require('node:path');
        const own = ['.', ...fs.readdirSync('node_modules/@azora').map((p) => 'node_modules/@azora/' + p)];
        const ours = [];
        const walk = (dir) => { for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) { if (e.name !== 'node_modules') walk(p); } else ours.push(p);
        } };
        for (const dir of own) walk(fs.realpathSync(dir));
        const dev = ${JSON.stringify(devDependencies)}.filter((d) => fs.existsSync('node_modules/' + d));
        const store = fs.existsSync('node_modules/.pnpm') ? fs.readdirSync('node_modules/.pnpm') : [];
        const tools = store.filter((s) => /^(vitest|@vitest|vite|typescript|supertest|@biomejs|turbo|tsx)[@+]/.test(s));
        console.log(JSON.stringify({ ours, dev, tools }));`;
        const { stdout } = await docker(['run', '--rm', '--entrypoint', 'node', image, '-e', probe]);
        const { ours, dev, tools } = JSON.parse(stdout) as { ours: string[]; dev: string[]; tools: string[] };
        expect(dev, 'devDependencies linked in the image').toEqual([]);
        expect(tools, 'build and test tools in the image').toEqual([]);
        expect(ours.length).toBeGreaterThan(0);
        const shipped = ours.filter(
          (file) =>
            !/\/(dist\/.+\.(js|d\.ts|js\.map|html|css|svg|json|png|ico|txt|woff2?)|package\.json|deployed-services\.json)$/.test(
              file,
            ) &&
            // A package's README (its API and settings), which `pnpm deploy` packs as npm does.
            !file.endsWith('/README.md') &&
            // Migrations, applied at start-up: @azora/compliance-core's (the jurisdiction
            // services) or the service's own (compliance-dashboard).
            !/(\/@azora\/compliance-core|^\/app)\/prisma\/migrations\/([^/]+\/migration\.sql|migration_lock\.toml)$/.test(
              file,
            ),
        );
        expect(shipped, 'only package.json and compiled dist/ files of ours').toEqual([]);
        expect(
          ours.filter((file) => /\.test\.|\/src\//.test(file)),
          'no tests or sources',
        ).toEqual([]);
      },
      IMAGE_CHECK_TIMEOUT_MS,
    );

    it(
      'started alone with only its own environment, answers /health, turns healthy and stops on SIGTERM with 0',
      async () => {
        await imageBuilt();
        const network = `azora-ci-${name}-${process.pid}`;
        const containers: string[] = [];
        await docker(['network', 'create', network]);
        try {
          const env: string[] = [];
          // What the catalog says it stores in runs beside it, as the compose files do.
          if (entry.infrastructure.includes('redis')) {
            const redis = standins.get('redis:7.4.2-alpine') as string;
            const { stdout } = await docker(['run', '-d', '--network', network, '--network-alias', 'redis', redis]);
            containers.push(stdout.trim());
            env.push('-e', 'REDIS_URL=redis://redis:6379');
          }
          if (entry.infrastructure.includes('postgres')) {
            const database = name.replace(/-/g, '_');
            const postgres = standins.get('postgres:15.14-bookworm') as string;
            const { stdout } = await docker([
              'run',
              '-d',
              '--network',
              network,
              '--network-alias',
              'postgres',
              '-e',
              'POSTGRES_PASSWORD=ci',
              '-e',
              `POSTGRES_DB=azora_${database}`,
              postgres,
            ]);
            containers.push(stdout.trim());
            env.push('-e', `DATABASE_URL=postgres://postgres:ci@postgres:5432/azora_${database}`);
          }
          if (entry.group === 'compliance') for (const [key, value] of IDENTITY_KEYS) env.push('-e', `${key}=${value}`);
          // The key a reader of the jurisdiction services (compliance-dashboard) calls them with.
          if (entry.calls.some((upstream) => (JURISDICTION_SERVICES as readonly string[]).includes(upstream)))
            env.push('-e', `COMPLIANCE_API_KEY=${randomBytes(24).toString('hex')}`);
          if (entry.infrastructure.includes('mqtt')) {
            // The stand-in's own configuration (anonymous clients allowed); the compose files
            // mount vessels/mosquitto/ with passwords and an ACL.
            const mosquitto = standins.get('eclipse-mosquitto:2.0.20') as string;
            const { stdout } = await docker([
              'run',
              '-d',
              '--network',
              network,
              '--network-alias',
              'mosquitto',
              mosquitto,
            ]);
            containers.push(stdout.trim());
            env.push('-e', 'MQTT_URL=mqtt://mosquitto:1883');
          }
          if (entry.infrastructure.includes('mongodb')) {
            const mongo = standins.get('mongo:7.0.16') as string;
            const { stdout } = await docker(['run', '-d', '--network', network, '--network-alias', 'mongodb', mongo]);
            containers.push(stdout.trim());
            env.push('-e', `MONGODB_URI=mongodb://mongodb:27017/${name.replace(/-/g, '_')}`);
          }
          const started = performance.now();
          const { stdout } = await docker([
            'run',
            '-d',
            '--network',
            network,
            '-p',
            `127.0.0.1::${entry.port}`,
            '--read-only',
            '--tmpfs',
            '/tmp',
            ...env,
            image,
          ]);
          const container = stdout.trim();
          containers.push(container);
          const port = await publishedPort(container, entry.port);
          const live = await waitFor(
            `${name} /health`,
            async () => {
              await stillRunning(container);
              const res = await fetch(`http://127.0.0.1:${port}${entry.health.live}`);
              return res.status === 200 ? ((await res.json()) as { version: string }) : undefined;
            },
            STARTED_ALONE_WAIT_MS,
          );
          expect(live.version, 'the package version and the revision the image was built from').toMatch(
            new RegExp(`^\\d+\\.\\d+\\.\\d+\\+${REVISION}$`),
          );
          // The catalog's aliases of /health (the original platform's probe paths) answer as it does.
          for (const alias of entry.health.liveAliases ?? []) {
            const res = await fetch(`http://127.0.0.1:${port}${alias}`);
            expect(res.status, alias).toBe(200);
            expect(((await res.json()) as { status: string }).status, alias).toBe('ok');
          }
          await waitFor(
            `${name} healthy`,
            async () => ((await stillRunning(container)).health === 'healthy' ? true : undefined),
            STARTED_ALONE_WAIT_MS,
          );
          const healthySeconds = (performance.now() - started) / 1000;
          const idle = await memoryMiB(container);
          const stopStarted = performance.now();
          await docker(['stop', '--time', '10', container]);
          const stopSeconds = (performance.now() - stopStarted) / 1000;
          const stopped = await containerState(container);
          note(name, {
            'healthy s': Math.round(healthySeconds * 10) / 10,
            'idle MiB': Math.round(idle),
            'stop s': Math.round(stopSeconds * 10) / 10,
          });
          expect(stopped.exitCode, `${name} exit code after docker stop`).toBe(0);
          // Exit code 0 already says SIGTERM did it (a kill after the grace exits 137); a loaded
          // machine took 8.2 s once, so the time only has to be inside the 10 s grace.
          expect(stopSeconds, 'stopped by SIGTERM, not killed after the 10 s grace').toBeLessThan(10);
        } finally {
          if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
          await docker(['network', 'rm', network]);
        }
      },
      IMAGE_CHECK_TIMEOUT_MS,
    );
  });

  // The stand-ins honour the parts of the official images' contracts the compose files use
  // (Redis, Prometheus, Alertmanager and node-exporter are exercised by the compose runs).
  describe('stand-ins', () => {
    /** Runs a stand-in with `args`, publishing `port`; returns its container and host port. */
    async function startStandin(official: string, port: number, args: string[] = []) {
      const image = standins.get(official);
      if (!image) throw new Error(`no stand-in for ${official}`);
      const { stdout } = await docker(['run', '-d', '-p', `127.0.0.1::${port}`, ...args, image]);
      const container = stdout.trim();
      return { container, port: await publishedPort(container, port) };
    }

    it('postgres: POSTGRES_* variables, /docker-entrypoint-initdb.d scripts, pg_isready, password auth', async () => {
      const init = await mkdtemp(join(tmpdir(), 'azora-initdb-'));
      await chmod(init, 0o755); // read by the container's postgres user
      await writeFile(
        join(init, '01-schema.sql'),
        "CREATE TABLE greeting (text text); INSERT INTO greeting VALUES ('hello');",
      );
      await writeFile(
        join(init, '02-databases.sh'),
        'psql -v ON_ERROR_STOP=1 -d postgres -qc "CREATE DATABASE azora_other"\n',
      );
      const { container, port } = await startStandin('postgres:15.14-bookworm', 5432, [
        '-e',
        'POSTGRES_PASSWORD=s3cret',
        '-e',
        'POSTGRES_USER=azora',
        '-e',
        'POSTGRES_DB=azora_app',
        '-v',
        `${init}:/docker-entrypoint-initdb.d:ro`,
      ]);
      try {
        await waitFor(
          'pg_isready',
          async () => {
            await docker(['exec', container, 'pg_isready', '-h', '127.0.0.1', '-U', 'azora']);
            return true;
          },
          60_000,
        );
        const url = (password: string, db: string) => `postgres://azora:${password}@127.0.0.1:${port}/${db}`;
        const client = new pg.Client({ connectionString: url('s3cret', 'azora_app') });
        await waitFor(
          'a connection',
          async () => ((await acceptsPostgres(url('s3cret', 'azora_app'))) ? true : undefined),
          30_000,
        );
        await client.connect();
        try {
          expect((await client.query('SELECT text FROM greeting')).rows).toEqual([{ text: 'hello' }]);
          const databases = await client.query('SELECT datname FROM pg_database ORDER BY datname');
          expect(databases.rows.map((r) => r.datname)).toEqual(expect.arrayContaining(['azora_app', 'azora_other']));
        } finally {
          await client.end();
        }
        expect(await acceptsPostgres(url('wrong', 'azora_app')), 'a wrong password is refused').toBe(false);
      } finally {
        await docker(['rm', '-f', '-v', container]);
        await rm(init, { recursive: true, force: true });
      }
    }, 120_000);

    it('mosquitto: MQTT on 1883 and websockets on 9001, as the official image lays them out', async () => {
      const image = standins.get('eclipse-mosquitto:2.0.20') as string;
      const { stdout } = await docker(['run', '-d', '-p', '127.0.0.1::1883', '-p', '127.0.0.1::9001', image]);
      const container = stdout.trim();
      try {
        const mqttPort = await publishedPort(container, 1883);
        const wsPort = await publishedPort(container, 9001);
        const subscriber = await waitFor(
          'an MQTT connection',
          () => mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0 }),
          30_000,
        );
        const publisher = await mqtt.connectAsync(`ws://127.0.0.1:${wsPort}`, { reconnectPeriod: 0 });
        try {
          const received = new Promise<string>((resolve) =>
            subscriber.on('message', (_topic, payload) => resolve(payload.toString())),
          );
          await subscriber.subscribeAsync('azora/check', { qos: 1 });
          await publisher.publishAsync('azora/check', 'över websockets ✓', { qos: 1 });
          expect(await received).toBe('över websockets ✓');
        } finally {
          await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
        }
      } finally {
        await docker(['rm', '-f', '-v', container]);
      }
    }, 120_000);

    it('mongodb: the embedded MongoDB-wire server on 27017 as `mongodb`, the compose healthcheck, data kept in /data/db across restarts', async () => {
      const volume = `azora-ci-mongodb-${process.pid}`;
      await docker(['volume', 'create', volume]);
      const { container } = await startStandin('mongo:7.0.16', 27017, [
        '--read-only',
        '--tmpfs',
        '/tmp',
        '-v',
        `${volume}:/data/db`,
      ]);
      // The host port changes with each start of the container.
      const command = async (body: Record<string, unknown>) =>
        mongoCommand('127.0.0.1', await publishedPort(container, 27017), { ...body, $db: 'azora_check' });
      const notes = async () => {
        const reply = (await command({ find: 'notes', filter: {}, sort: { n: 1 } })) as {
          cursor: { firstBatch: { text: string; at: unknown }[] };
        };
        return reply.cursor.firstBatch.map((d) => [d.text, d.at instanceof Date ? d.at.toISOString() : d.at]);
      };
      // The healthcheck the compose files give the official image, run in the stand-in.
      const compose = readComposeFile('services/azora-mint/docker-compose.yml') as {
        services: { mongodb: { healthcheck: { test: string[] } } };
      };
      const [, ...healthcheck] = compose.services.mongodb.healthcheck.test;
      const healthy = async (what: string) =>
        waitFor(
          what,
          async () => {
            await docker(['exec', container, ...healthcheck]);
            return true;
          },
          30_000,
        );
      const at = new Date('2025-01-02T03:04:05.000Z');
      try {
        await healthy('the compose healthcheck');
        expect((await docker(['exec', container, 'id', '-un'])).stdout.trim()).toBe('mongodb');
        await command({ insert: 'notes', documents: [{ n: 1, text: 'kept by SIGTERM', at }] });
        // docker stop: SIGTERM saves the data, then the server exits with 0.
        await docker(['stop', '--time', '10', container]);
        expect((await containerState(container)).exitCode).toBe(0);
        await docker(['start', container]);
        await healthy('the restarted server');
        // The Date comes back a Date: the data file keeps BSON types.
        expect(await notes()).toEqual([['kept by SIGTERM', at.toISOString()]]);
        // A kill saves nothing at exit: what the interval (MONGO_PERSIST_INTERVAL_MS, 1 s) saved survives.
        await command({ insert: 'notes', documents: [{ n: 2, text: 'kept by the interval', at }] });
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await docker(['kill', container]);
        await docker(['start', container]);
        await healthy('the server after a kill');
        expect((await notes()).map(([text]) => text)).toEqual(['kept by SIGTERM', 'kept by the interval']);
      } finally {
        await docker(['rm', '-f', '-v', container]);
        await docker(['volume', 'rm', volume]);
      }
    }, 120_000);
  });

  /** `up -d` the services, then wait for every one healthy (see untilHealthy); seconds taken. */
  async function upAndHealthy(project: ComposeProject, services: readonly string[]): Promise<number> {
    const started = performance.now();
    await project.compose(['up', '-d', '--no-build', ...services], 600_000);
    await untilHealthy(project, services);
    return (performance.now() - started) / 1000;
  }

  /**
   * Every one of the project's `services` healthy (running, where it has no healthcheck).
   * After a dependency restarts, wait with this rather than `up -d` again: compose 1.29's
   * `up` refuses to start anything while a dependant's health still shows the outage.
   */
  async function untilHealthy(project: ComposeProject, services: readonly string[]): Promise<void> {
    await waitFor(
      `${project.name}: every container healthy`,
      async () => {
        const ids = await project.containers();
        const missing = services.filter((service) => !ids.has(service));
        if (missing.length > 0) throw new Error(`no container yet for ${missing.join(', ')}`);
        const states = (await containerStates(services.map((service) => ids.get(service) as string))).map(
          (state, i) => [services[i] as string, state] as const,
        );
        // Exited stays exited only without a restart policy (one with it shows `restarting`).
        const exited = states.filter(([, state]) => state.status === 'exited' || state.status === 'dead');
        if (exited.length > 0) {
          const logs = await Promise.all(
            exited.map(
              async ([service]) => `${service}:\n${(await project.compose(['logs', '--tail', '15', service])).stdout}`,
            ),
          );
          throw new GiveUp(`exited: ${logs.join('\n')}`);
        }
        const waiting = states
          .filter(([, state]) => !isUp(state))
          .map(
            ([s, state]) =>
              `${s} ${state.health ?? state.status}${state.restartCount > 0 ? ` after ${state.restartCount} restarts` : ''}${state.health === 'unhealthy' ? ` (last check ${state.lastCheck})` : ''}`,
          );
        // The host's load says whether a timeout is the stack's fault or a starved machine's.
        if (waiting.length > 0)
          throw new Error(
            `waiting for ${waiting.join(', ')}; host load ${loadavg()
              .map((l) => l.toFixed(1))
              .join(' ')}`,
          );
        return true;
      },
      420_000,
      // Health changes on the healthchecks' 10 s interval: polling faster only takes CPU from them.
      2_000,
    );
  }

  const prometheusTargets = async () => {
    const res = await fetch('http://127.0.0.1:9090/api/v1/targets?state=active');
    const body = (await res.json()) as {
      data: { activeTargets: { labels: { job: string }; health: string; lastError: string }[] };
    };
    return body.data.activeTargets;
  };

  /**
   * Waits until Prometheus has a target for each of `services` (found by DNS name, so one
   * appears at the first lookup after its container runs: up to refresh_interval later)
   * and every target it has is up.
   */
  async function everyTargetUp(services: readonly string[]): Promise<void> {
    await waitFor(
      'every Prometheus target found and up',
      async () => {
        const targets = await prometheusTargets();
        const down = targets.filter((t) => t.health !== 'up');
        const jobs = new Set(targets.map((t) => t.labels.job));
        const unfound = services.filter((service) => !jobs.has(service));
        if (down.length > 0 || unfound.length > 0) {
          throw new Error(
            [
              ...down.map((t) => `${t.labels.job}: ${t.health} ${t.lastError}`),
              ...unfound.map((s) => `${s}: no target yet`),
            ].join('; '),
          );
        }
        return targets;
      },
      120_000,
    );
  }

  /** The console on main-app's published port, and each AI service through its gateway. */
  async function consoleAndGateway(base: string, services: readonly string[]): Promise<void> {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    for (const name of services.filter((s) => s !== 'main-app' && getService(s))) {
      expect(await routesTo(base, getService(name).apiPrefix), `gateway → ${name}`).toBe(true);
    }
    const analysed = await fetch(`${base}/api/sentiment/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'The containers work, great!' }),
    });
    expect(analysed.status).toBe(200);
    expect(((await analysed.json()) as { label: string }).label).toBe('positive');
  }

  /**
   * Every catalog service of the project sends its spans to the project's tracing-recovery:
   * one request each (`GET /api/<prefix>/me`: an answer of any status is a server span), then
   * tracing-recovery lists each with a last span. `urlOf` says where a service is reached
   * from the host (default: its catalog port), `recovery` where tracing-recovery's API is.
   */
  async function spansReachTracingRecovery(
    project: ComposeProject,
    urlOf = (service: string) => `http://127.0.0.1:${getService(service).port}`,
    recovery = `http://127.0.0.1:${getService('tracing-recovery').port}`,
  ): Promise<void> {
    const senders = project.services.filter((s) => catalogNames.has(s) && s !== 'tracing-recovery');
    const request = async (name: string) =>
      (await fetch(`${urlOf(name)}/api/${getService(name).apiPrefix}/me`)).arrayBuffer();
    for (const name of senders) await request(name);
    await waitFor(
      `spans from ${senders.join(', ')} in tracing-recovery`,
      async () => {
        const res = await fetch(`${recovery}/api/tracing-recovery/services`);
        const { services } = (await res.json()) as { services: { name: string; lastSpanAt: string | null }[] };
        const silent = senders.filter((name) => !services.find((s) => s.name === name)?.lastSpanAt);
        if (silent.length === 0) return true;
        // Another request from each silent one, so one lost span cannot fail the check: a
        // loaded CI run once went a minute without automated-reporting's first one.
        await Promise.allSettled(silent.map(request));
        throw new Error(`no span yet from ${silent.join(', ')}`);
      },
      90_000,
    );
  }

  // Alertmanager's e-mail to the person on call goes to this sink, on the host's address
  // on Docker's bridge.
  let smtp: SmtpSink;
  let smtpHost: string;
  beforeAll(async () => {
    smtpHost = bridgeGateway();
    smtp = await startSmtpSink(smtpHost);
  });
  afterAll(() => smtp?.close());

  const env = (extra: Record<string, string> = {}) =>
    new Map([
      ...filledEnv(),
      ['AZORA_VERSION', TAG],
      ['ALERT_EMAIL_TO', EXAMPLE_ALERT_ENV.ALERT_EMAIL_TO],
      ['ALERT_EMAIL_FROM', EXAMPLE_ALERT_ENV.ALERT_EMAIL_FROM],
      ['ALERT_SMTP_SMARTHOST', `${smtpHost}:${smtp.port}`],
      ['ALERT_SMTP_USERNAME', ''],
      ['ALERT_SMTP_REQUIRE_TLS', 'false'],
      ['API_KEYS', `ci-operator:operator:${OPERATOR_KEY}`],
      ...IDENTITY_KEYS,
      // The compliance stack publishes its Postgres and Mosquitto on the host: away from this
      // machine's own (production publishes Mosquitto too).
      ['COMPLIANCE_POSTGRES_PORT', '45432'],
      ['AUTONOMOUS_POSTGRES_PORT', '45433'],
      ['AUTONOMOUS_REDIS_PORT', '46379'],
      ['MQTT_PUBLISHED_PORT', String(MQTT_PORT)],
      ['MQTT_DEVICES', `${DEVICE_ID}:${DEVICE_PASSWORD}`],
      ['DOCKER_GID', DOCKER_GID],
      ['RECOVERY_API_KEY', RECOVERY_KEY],
      ...Object.entries(extra),
    ]);
  const catalogNames = new Set(SERVICES.map((s) => s.name));
  /** Grafana is not packaged for Debian: no stand-in, so it is left out of the run. */
  const runnable = (project: ComposeProject) => project.services.filter((s) => s !== 'grafana');

  describe('prod + monitoring (docker-compose.prod.yml, docker-compose.monitoring.yml)', () => {
    let project: ComposeProject;
    const base = 'http://127.0.0.1:80';
    const victim = 'ai-sentiment';

    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-prod-${process.pid}`,
        ['vessels/docker-compose.prod.yml', 'vessels/docker-compose.monitoring.yml'],
        // tracing-recovery only records what it would do: the kill below must stay down
        // long enough for ServiceDown to fire (production's run checks the healing).
        env({ RECOVERY_DRY_RUN: 'true' }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up with every container healthy', async () => {
      note('compose prod+monitoring', { 'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))) });
    }, 600_000);

    it('serves the console on the published port and proxies every service through the gateway', async () => {
      await consoleAndGateway(
        base,
        project.services.filter((s) => catalogNames.has(s)),
      );
    }, 60_000);

    it('sends every service’s spans to tracing-recovery, reached through the gateway', async () => {
      await spansReachTracingRecovery(project, () => base, base);
    }, 90_000);

    it('lets only an authenticated operator change state through the gateway', async () => {
      const users = `${base}/api/personalization/users?limit=5`;
      expect((await fetch(users)).status).toBe(401);
      expect((await fetch(users, { headers: { 'x-api-key': 'not-a-key-of-this-deployment-0000' } })).status).toBe(401);
      expect((await fetch(users, { headers: { 'x-api-key': OPERATOR_KEY } })).status).toBe(200);
    }, 60_000);

    it('has every Prometheus target up, scraped in its container', async () => {
      await everyTargetUp(project.services.filter((s) => catalogNames.has(s)));
    }, 180_000);

    it('brings a crashed service back by its restart policy', async () => {
      const container = await project.container(victim);
      const before = await containerState(container);
      // A crash as Docker sees one (the OOM killer does the same). `docker kill` would not
      // do: engine 20.10 counts it as a manual stop, which restart policies leave alone.
      process.kill(before.pid, 'SIGKILL');
      await waitFor(
        `${victim} restarted and healthy`,
        async () => {
          const state = await containerState(container);
          return state.restartCount > before.restartCount && isUp(state) ? state : undefined;
        },
        120_000,
      );
    }, 150_000);

    it('shows a killed service down on the status board, fires ServiceDown into Alertmanager, and ready again once started', async () => {
      const container = await project.container(victim);
      await docker(['kill', container]);
      const stateOnBoard = async () => {
        const res = await fetch(`${base}/api/platform/status`);
        const report = (await res.json()) as { services: { name: string; state: string }[] };
        return report.services.find((s) => s.name === victim)?.state;
      };
      await waitFor(
        `${victim} down on the status board`,
        async () => ((await stateOnBoard()) === 'down' ? true : undefined),
        60_000,
      );
      const alert = await waitFor(
        'ServiceDown in Alertmanager',
        async () => {
          const res = await fetch('http://127.0.0.1:9093/api/v2/alerts?active=true');
          const alerts = (await res.json()) as { labels: Record<string, string> }[];
          return alerts.find((a) => a.labels.alertname === 'ServiceDown' && a.labels.service === victim);
        },
        240_000,
      );
      expect(alert.labels.severity).toBe('critical');
      // …and, grouped after its group_wait, the e-mail to the person on call.
      const mail = await waitFor(
        'the ServiceDown e-mail',
        async () => smtp.messages.find((m) => /ServiceDown/.test(m) && m.includes(victim)),
        120_000,
      );
      expect(mail).toMatch(new RegExp(`^To: ${EXAMPLE_ALERT_ENV.ALERT_EMAIL_TO}`, 'im'));
      await docker(['start', container]);
      await waitFor(
        `${victim} ready on the status board`,
        async () => ((await stateOnBoard()) === 'ready' ? true : undefined),
        120_000,
      );
    }, 420_000);

    it('leaves no container, network or volume behind after down -v', async () => {
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 120_000);
  });

  // azora-mint's own compose file (services/azora-mint/), as the original platform's
  // operators ran it: the ledger on 3006 and its MongoDB, the stand-in in its place.
  describe('azora-mint standalone (services/azora-mint/docker-compose.yml)', () => {
    let project: ComposeProject;
    const base = 'http://127.0.0.1:3006/api/azora-mint';
    const keys = {
      minter: randomBytes(24).toString('hex'),
      alice: randomBytes(24).toString('hex'),
      bob: randomBytes(24).toString('hex'),
    };
    const AZR = 10n ** 18n;
    let alice: string;
    let bob: string;

    /** A ledger call with `who`'s API key; writes carry an Idempotency-Key. */
    async function call(who: keyof typeof keys, method: string, path: string, body?: unknown, idempotencyKey?: string) {
      const headers: Record<string, string> = { 'x-api-key': keys[who] };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (method !== 'GET') headers['idempotency-key'] = idempotencyKey ?? randomBytes(12).toString('hex');
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }
    const balances = async () =>
      Promise.all(
        [
          ['alice', alice],
          ['bob', bob],
        ].map(async ([who, id]) => (await call(who as 'alice' | 'bob', 'GET', `/accounts/${id}`)).body.balance),
      );

    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-mint-${process.pid}`,
        ['services/azora-mint/docker-compose.yml'],
        env({ API_KEYS: `ci-minter:minter:${keys.minter},ci-alice:user:${keys.alice},ci-bob:user:${keys.bob}` }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy, ready on the original platform’s /api/health/ready', async () => {
      note('compose azora-mint', { 'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))) });
      expect((await fetch('http://127.0.0.1:3006/api/health/ready')).status).toBe(200);
    }, 300_000);

    it('opens wallets by API key, mints with the minter key, transfers, and keeps the balances', async () => {
      const anonymous = await fetch(`${base}/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'ci-anonymous' },
        body: '{}',
      });
      expect(anonymous.status, 'no credentials').toBe(401);
      const opened = await call('alice', 'POST', '/accounts', {});
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      expect(opened.body).toMatchObject({ owner: 'ci-alice', balance: '0' });
      alice = opened.body.id as string;
      bob = (await call('bob', 'POST', '/accounts', {})).body.id as string;
      expect(
        (await call('alice', 'POST', '/mint', { to: alice, amount: String(5n * AZR) })).status,
        'a user mints',
      ).toBe(403);
      const minted = await call('minter', 'POST', '/mint', { to: alice, amount: String(5n * AZR) });
      expect(minted.status, JSON.stringify(minted.body)).toBe(201);
      const transfer = { from: alice, to: bob, amount: String((3n * AZR) / 2n), memo: 'container check' };
      const sent = await call('alice', 'POST', '/transfers', transfer, 'ci-transfer-1');
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      // The same key and body again: the original answer, not a second transfer.
      expect(await call('alice', 'POST', '/transfers', transfer, 'ci-transfer-1')).toEqual(sent);
      expect(await balances()).toEqual([String((7n * AZR) / 2n), String((3n * AZR) / 2n)]);
      const supply = (await (await fetch(`${base}/supply`)).json()) as Record<string, string>;
      expect(supply.circulating).toBe(String(5n * AZR));
    }, 60_000);

    it('exports the metrics the dashboards and alerts name', async () => {
      const names = exposedNames(await (await fetch('http://127.0.0.1:3006/metrics')).text());
      const used = [...dashboardQueries().map((q) => q.expr)]
        .flatMap(promqlMetricNames)
        .filter((metric) => exporterOf(metric) === 'azora-mint');
      expect(used.length).toBeGreaterThan(0);
      for (const metric of new Set(used)) expect(names, metric).toContain(metric);
    }, 30_000);

    it('keeps the ledger across a restart of MongoDB and of the service', async () => {
      const before = await balances();
      for (const service of ['mongodb', 'azora-mint']) {
        await project.compose(['restart', service], 120_000);
        await untilHealthy(project, runnable(project));
        const ready = await waitFor(
          `ready after restarting ${service}`,
          async () => ((await fetch('http://127.0.0.1:3006/api/health/ready')).status === 200 ? true : undefined),
          60_000,
        );
        expect(ready).toBe(true);
        expect(await balances(), `balances after restarting ${service}`).toEqual(before);
      }
      // …and still takes writes.
      const sent = await call('bob', 'POST', '/transfers', { from: bob, to: alice, amount: String(AZR / 2n) });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(await balances()).toEqual([String(4n * AZR), String(AZR)]);
    }, 300_000);

    it('leaves no container, network or volume behind after down -v', async () => {
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 120_000);
  });

  // The compliance services and their Postgres (vessels/docker-compose.compliance.yml): a
  // request filed by post long ago is overdue in the summary and the metric, the audit chain
  // verifies, and everything survives restarts of Postgres and of the service.
  describe('compliance (docker-compose.compliance.yml)', () => {
    let project: ComposeProject;
    const base = 'http://127.0.0.1:4085/api/lgpd-compliance';
    const dpo = { 'x-api-key': DPO_KEY, 'content-type': 'application/json' };
    let requestId: string;

    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-compliance-${process.pid}`,
        ['vessels/docker-compose.compliance.yml'],
        // tracing-recovery only records what it would do: the tests restart services on purpose.
        env({ API_KEYS: `ci-dpo:dpo:${DPO_KEY}`, RECOVERY_DRY_RUN: 'true' }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy: each service migrated its own database', async () => {
      note('compose compliance', { 'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))) });
      for (const service of project.services.filter((s) => catalogNames.has(s))) {
        const { port } = getService(service);
        expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, service).toBe(200);
      }
    }, 300_000);

    it('sends every service’s spans to tracing-recovery', async () => {
      await spansReachTracingRecovery(project);
    }, 90_000);

    it('shows an overdue request in the summary and the metric, and verifies the audit chain', async () => {
      const filed = await fetch(`${base}/requests`, {
        method: 'POST',
        headers: dpo,
        body: JSON.stringify({ type: 'access', subject: 'email:titular@example.com.br', receivedAt: '2026-11-02' }),
      });
      expect(filed.status).toBe(201);
      const request = (await filed.json()) as { id: string; dueAt: string; overdue: boolean };
      requestId = request.id;
      expect(request).toMatchObject({ dueAt: '2026-11-18T02:59:59.999Z', overdue: true });
      const summary = (await (await fetch(`${base}/summary`, { headers: dpo })).json()) as { requests: object };
      expect(summary.requests).toEqual({ open: 1, overdue: 1 });
      const metrics = await (await fetch('http://127.0.0.1:4085/metrics')).text();
      expect(metrics).toMatch(/^compliance_requests_overdue\{regime="lgpd",service="lgpd-compliance"\} 1$/m);
      expect(await (await fetch(`${base}/audit/verify`, { headers: dpo })).json()).toMatchObject({ ok: true });
    }, 60_000);

    it('shows that request on the compliance dashboard, which reads every regime with its auditor key', async () => {
      const lgpd = (overview: Overview) => overview.regimes.find((r) => r.regime === 'lgpd')?.requests;
      const overview = await dashboardReadingEveryRegime('http://127.0.0.1:4086', (o) => lgpd(o)?.open === 1);
      expect(lgpd(overview)).toEqual({ open: 1, overdue: 1 });
      expect(overview.alerts.map((a) => a.id)).toContain(`overdue:lgpd-compliance:${requestId}`);
    }, 90_000);

    it('takes signed telemetry through its Mosquitto, loses none while the integration restarts, and rejects forgeries', async () => {
      const broker = `127.0.0.1:${MQTT_PORT}`;
      const iot = 'http://127.0.0.1:4088/api/quantum-iot-integration';
      const summary = async (): Promise<IotSummary | undefined> => {
        const res = await fetch(`${iot}/summary`, { headers: dpo }).catch(() => undefined);
        return res?.status === 200 ? ((await res.json()) as IotSummary) : undefined;
      };
      // The broker admits accounts only: no anonymous client, no wrong password.
      for (const url of [`mqtt://${broker}`, `mqtt://${DEVICE_ID}:wrong-password@${broker}`])
        await expect(mqtt.connectAsync(url, { reconnectPeriod: 0 }), url).rejects.toThrow(/not authorized|bad user/i);
      const device = ['--api', 'http://127.0.0.1:4088', '--api-key', DPO_KEY, '--device', DEVICE_ID];
      const asDevice = `mqtt://${DEVICE_ID}:${DEVICE_PASSWORD}@${broker}`;
      // A South African health sensor (PHI, and a transfer to the EU without adequacy) publishes
      // 300 readings over 12 s while the integration is restarted: the broker queues them for
      // its persistent session, and every one the broker acknowledged is stored once.
      const publishing = simulate(
        [...device, '--mqtt', asDevice, '--type', 'health-sensor', '--jurisdiction', 'ZA'].concat([
          '--payload',
          JSON.stringify({ note: 'Patient: Jane Doe, MRN: 7781234' }),
          '--rate',
          '25',
          '--count',
          '300',
        ]),
      );
      await waitFor(
        'the first readings stored',
        async () => ((await summary())?.messages.accepted ? true : undefined),
        60_000,
      );
      await project.compose(['restart', 'quantum-iot-integration'], 120_000);
      const run = await publishing;
      expect(run).toMatchObject({ published: 300, failed: 0 });
      const stored = await waitFor(
        'every acknowledged reading stored',
        async () => {
          const now = await summary();
          if (now && now.messages.accepted > run.published)
            throw new GiveUp(`stored ${now.messages.accepted} > published`);
          return now?.messages.accepted === run.published ? now : undefined;
        },
        120_000,
      );
      expect(stored.findings.byKind).toMatchObject({ hipaa_phi: 1, transfer_without_adequacy: 1 });
      // Readings signed with another key under the device's name: rejected, counted, stored never.
      const forged = await simulate([
        ...device,
        '--mqtt',
        asDevice,
        '--no-register',
        '--attack',
        'forged',
        '--count',
        '5',
      ]);
      expect(forged).toMatchObject({ published: 5, failed: 0 });
      const after = await waitFor(
        'the forgeries rejected',
        async () => {
          const now = await summary();
          return now?.messages.rejected.bad_signature === 5 ? now : undefined;
        },
        60_000,
      );
      expect(after.messages.accepted, 'nothing forged stored').toBe(run.published);
      expect(await (await fetch('http://127.0.0.1:4088/metrics')).text()).toMatch(
        /^iot_messages_rejected_total\{[^}]*reason="bad_signature"[^}]*\} 5$/m,
      );
      // The device's account may publish on its own topics only (vessels/mosquitto/acl): what it
      // sends under another device's id is dropped by the broker, never seen as a rejection.
      const client = await mqtt.connectAsync(asDevice, { reconnectPeriod: 0 });
      try {
        await client.publishAsync('azora/iot/ci-other-device/telemetry', '{"v":1}', { qos: 1 });
        await client.publishAsync(`azora/iot/${DEVICE_ID}/telemetry`, '{"v":1}', { qos: 1 });
      } finally {
        await client.endAsync();
      }
      const dropped = await waitFor(
        "its own topic's malformed message rejected",
        async () => {
          const now = await summary();
          return now?.messages.rejected.malformed === 1 ? now : undefined;
        },
        30_000,
      );
      expect(dropped.messages.rejected.unknown_device, "the other device's topic never reached the service").toBe(0);
    }, 300_000);

    it('shows the IoT findings on the dashboard, and makes a report of the whole suite: JSON, CSV and a PDF naming every regime', async () => {
      const iot = (overview: Overview) => overview.alerts.filter((a) => a.id.startsWith('iot:'));
      const overview = await dashboardReadingEveryRegime('http://127.0.0.1:4086', (o) => iot(o).length === 2);
      const iotAlerts = iot(overview);
      expect(iotAlerts.length, 'the PHI and transfer findings as alerts').toBe(2);
      const api = 'http://127.0.0.1:4087/api/automated-reporting';
      const made = await fetch(`${api}/reports`, {
        method: 'POST',
        headers: dpo,
        body: JSON.stringify({ schedule: 'daily' }),
      });
      const report = (await made.json()) as { id: string; status: string; upstreamErrors: object[] };
      expect(made.status, JSON.stringify(report)).toBe(201);
      expect(report).toMatchObject({ status: 'complete', upstreamErrors: [] });
      const json = (await (await fetch(`${api}/reports/${report.id}/report.json`, { headers: dpo })).json()) as {
        regimes: { service: string; reachable: boolean }[];
      };
      expect(
        json.regimes
          .filter((r) => r.reachable)
          .map((r) => r.service)
          .sort(),
      ).toEqual([...JURISDICTION_SERVICES].sort());
      const csv = await fetch(`${api}/reports/${report.id}/report.csv`, { headers: dpo });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const pdf = await fetch(`${api}/reports/${report.id}/report.pdf`, { headers: dpo });
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
      expect(text).toContain('Azora OS compliance report');
      // Each regime's row names its service (a long name may wrap inside its table cell).
      const words = text.replace(/\s+/g, '');
      for (const service of JURISDICTION_SERVICES) expect(words, service).toContain(service);
      expect(text).toContain('2 open findings');
      // The files are on the reports volume: a new container of the service still serves them.
      await project.compose(['restart', 'automated-reporting'], 120_000);
      await waitFor(
        'automated-reporting ready again',
        async () =>
          (await fetch('http://127.0.0.1:4087/health/ready').catch(() => undefined))?.status === 200 ? true : undefined,
        90_000,
      );
      const again = await fetch(`${api}/reports/${report.id}/report.pdf`, { headers: dpo });
      expect(again.status).toBe(200);
      expect(
        Buffer.from(await again.arrayBuffer())
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');
    }, 300_000);

    it('keeps requests and the audit chain across a restart of Postgres and of the service', async () => {
      for (const service of ['postgres', 'lgpd-compliance']) {
        await project.compose(['restart', service], 120_000);
        await untilHealthy(project, runnable(project));
        await waitFor(
          `ready after restarting ${service}`,
          async () => ((await fetch('http://127.0.0.1:4085/health/ready')).status === 200 ? true : undefined),
          60_000,
        );
        const request = await fetch(`${base}/requests/${requestId}`, { headers: dpo });
        expect(request.status, `after restarting ${service}`).toBe(200);
        expect(await (await fetch(`${base}/audit/verify`, { headers: dpo })).json()).toMatchObject({
          ok: true,
          checked: 2,
        });
      }
    }, 300_000);

    it('leaves no container, network or volume behind after down -v', async () => {
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 120_000);
  });

  // The website builder renders with Debian's Chromium inside its image: a site created
  // from a brief in the running container comes back as PNGs of the requested widths, a PDF
  // and an audit, and is published into its deployments volume.
  const builderKey = randomBytes(24).toString('hex');
  const brief = {
    name: 'Container Check Café',
    description: 'Coffee and cake, checked inside a container.',
    businessType: 'restaurant',
    features: ['menu', 'contact form'],
  };
  /** Width and height from a PNG's IHDR chunk, after checking its signature. */
  function pngSize(bytes: Buffer): { width: number; height: number } {
    expect(bytes.subarray(0, 8).toString('hex'), 'PNG signature').toBe('89504e470d0a1a0a');
    expect(bytes.subarray(12, 16).toString('latin1'), 'IHDR first').toBe('IHDR');
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  /** Creates a site from `brief`, renders, audits and publishes it at `subdomain`; returns the site's id. */
  async function exerciseBuilder(base: string, subdomain: string, label: string): Promise<string> {
    const api = `${base}/api/ai-website-builder`;
    const headers = { 'x-api-key': builderKey, 'content-type': 'application/json' };
    const templates = (await (await fetch(`${api}/templates`)).json()) as { kind: string }[];
    expect(templates.map((t) => t.kind)).toEqual(
      expect.arrayContaining(['business', 'portfolio', 'e-commerce', 'restaurant', 'blog']),
    );
    const created = await fetch(`${api}/sites`, { method: 'POST', headers, body: JSON.stringify(brief) });
    const site = (await created.json()) as { id: string; version: number };
    expect(created.status, JSON.stringify(site)).toBe(201);
    const timings: Record<string, number> = {};
    for (const width of [1280, 390]) {
      const started = performance.now();
      const shoot = () => fetch(`${api}/sites/${site.id}/screenshot?width=${width}`, { headers });
      // A render past the service's own timeout on a loaded machine is answered 504 (the
      // service working as it should): ask once more before judging the screenshot.
      let res = await shoot();
      if (res.status === 504) res = await shoot();
      expect(res.status, `screenshot ${width}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const size = pngSize(Buffer.from(await res.arrayBuffer()));
      timings[`shot ${width} ms`] = Math.round(performance.now() - started);
      expect(size.width, `the PNG is ${width} px wide`).toBe(width);
      expect(size.height).toBeGreaterThan(300);
    }
    const pdf = await fetch(`${api}/sites/${site.id}/pdf`, { headers });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    const audited = await fetch(`${api}/sites/${site.id}/audits`, { method: 'POST', headers, body: '{}' });
    const audit = (await audited.json()) as { counts: Record<string, number> };
    expect(audited.status, JSON.stringify(audit)).toBe(201);
    expect((audit.counts.serious ?? 0) + (audit.counts.critical ?? 0), 'no serious or critical violation').toBe(0);
    const published = await fetch(`${api}/sites/${site.id}/publish`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ subdomain }),
    });
    const publication = (await published.json()) as { url: string };
    expect(published.status, JSON.stringify(publication)).toBe(201);
    expect(publication.url).toBe(`/sites/${subdomain}/`);
    const page = await fetch(`${base}${publication.url}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBeTruthy();
    expect(await page.text()).toContain('Container Check Café');
    note(label, { ...timings, 'audit violations': Object.values(audit.counts).reduce((a, b) => a + b, 0) });
    return site.id;
  }

  describe('ai-website-builder rendering in its container', () => {
    it('creates a site, renders PNGs of 1280 and 390 px, a PDF and an audit, and publishes it to its volume', async () => {
      const name = 'ai-website-builder';
      const entry = getService(name);
      const network = `azora-ci-builder-${process.pid}`;
      const volume = `azora-ci-builder-sites-${process.pid}`;
      const containers: string[] = [];
      await docker(['network', 'create', network]);
      await docker(['volume', 'create', volume]);
      try {
        const mongo = standins.get('mongo:7.0.16') as string;
        const db = await docker(['run', '-d', '--network', network, '--network-alias', 'mongodb', mongo]);
        containers.push(db.stdout.trim());
        const { stdout } = await docker([
          'run',
          '-d',
          '--network',
          network,
          '-p',
          `127.0.0.1::${entry.port}`,
          '--read-only',
          '--tmpfs',
          '/tmp',
          // The deployments volume as the compose files mount it: the image gives it to `node`.
          '-v',
          `${volume}:/app/deployments/sites`,
          '-e',
          'MONGODB_URI=mongodb://mongodb:27017/ai_website_builder',
          '-e',
          `API_KEYS=ci-editor:editor:${builderKey}`,
          `azora/${name}:${TAG}`,
        ]);
        const container = stdout.trim();
        containers.push(container);
        const port = await publishedPort(container, entry.port);
        const base = `http://127.0.0.1:${port}`;
        await waitFor(
          `${name} ready (MongoDB and the browser pool)`,
          async () => {
            await stillRunning(container);
            return (await fetch(`${base}${entry.health.ready}`).catch(() => undefined))?.status === 200
              ? true
              : undefined;
          },
          120_000,
        );
        await exerciseBuilder(base, 'ci-container', 'ai-website-builder render');
        note('ai-website-builder render', { 'pool warm MiB': Math.round(await memoryMiB(container)) });
        // Written into the volume, as the service's user.
        const listing = await docker(['exec', container, 'ls', '-ln', '/app/deployments/sites']);
        expect(listing.stdout).toContain('ci-container');
      } finally {
        if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
        await docker(['network', 'rm', network]);
        await docker(['volume', 'rm', volume]);
      }
    }, 300_000);
  });

  // The website builder's own compose file (organs/ai-website-builder/), as the original
  // platform's operators ran it: the service on 3008, its MongoDB, the deployments volume.
  describe('ai-website-builder standalone (organs/ai-website-builder/docker-compose.yml)', () => {
    let project: ComposeProject;
    const base = 'http://127.0.0.1:3008';
    let siteId = '';

    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-builder-${process.pid}`,
        ['organs/ai-website-builder/docker-compose.yml'],
        env({ API_KEYS: `ci-editor:editor:${builderKey}` }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy, with /api/v1/health answering as /health', async () => {
      note('compose ai-website-builder', {
        'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))),
      });
      const alias = await fetch(`${base}/api/v1/health`);
      expect(alias.status).toBe(200);
      expect(((await alias.json()) as { service: string }).service).toBe('ai-website-builder');
    }, 300_000);

    it('creates, renders, audits and publishes a site, and serves it at /sites/<subdomain>/', async () => {
      siteId = await exerciseBuilder(base, 'ci-standalone', 'compose ai-website-builder');
    }, 180_000);

    it('exports the metrics the dashboards and alerts name', async () => {
      const names = exposedNames(await (await fetch(`${base}/metrics`)).text());
      const used = [...dashboardQueries().map((q) => q.expr)]
        .flatMap(promqlMetricNames)
        .filter((metric) => exporterOf(metric) === 'ai-website-builder');
      expect(used.length).toBeGreaterThan(0);
      for (const metric of new Set(used)) expect(names, metric).toContain(metric);
    }, 30_000);

    it('keeps the site and the published page across a restart of MongoDB and of the service', async () => {
      for (const service of ['mongodb', 'ai-website-builder']) {
        await project.compose(['restart', service], 120_000);
        await untilHealthy(project, runnable(project));
        await waitFor(
          `ready after restarting ${service}`,
          async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined),
          120_000,
        );
        const site = await fetch(`${base}/api/ai-website-builder/sites/${siteId}`, {
          headers: { 'x-api-key': builderKey },
        });
        expect(site.status, `the site after restarting ${service}`).toBe(200);
        const page = await fetch(`${base}/sites/ci-standalone/`);
        expect(page.status, `the published page after restarting ${service}`).toBe(200);
      }
    }, 400_000);

    it('leaves no container, network or volume behind after down -v', async () => {
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 120_000);
  });

  /** zero-rating at `base` (the service, or main-app's gateway): an operator, a rule, and both verdicts. */
  async function exerciseZeroRating(base: string): Promise<void> {
    const api = `${base}/api/zero-rating`;
    const headers = { 'x-api-key': OPERATOR_KEY, 'content-type': 'application/json' };
    const put = async (path: string, body: object) => {
      const res = await fetch(`${api}/${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
      expect(res.status, `PUT ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    };
    await put('operators/ci-mobile', {
      name: 'CI Mobile',
      country: 'ZA',
      mccMnc: '65599',
      prefixes: ['198.51.100.0/24', '2001:db8:c1::/48'],
      msisdnPrefixes: ['27999'],
    });
    await put('rules/ci-learning', { operator: 'ci-mobile', ratingGroup: 7, hosts: ['*.ci-learn.example'] });
    const classify = async (flow: object) => {
      const res = await fetch(`${api}/classify`, { method: 'POST', headers, body: JSON.stringify(flow) });
      expect(res.status).toBe(200);
      return (await res.json()) as { zeroRated: boolean; operator: string | null; ratingGroup: number | null };
    };
    expect(await classify({ clientIp: '198.51.100.7', host: 'WWW.ci-learn.example.' })).toMatchObject({
      zeroRated: true,
      operator: 'ci-mobile',
      ratingGroup: 7,
    });
    expect(
      await classify({ msisdn: '27999000111', host: 'ci-learn.example' }),
      'the apex is not a subdomain',
    ).toMatchObject({
      zeroRated: false,
      operator: 'ci-mobile',
    });
  }

  describe('autonomous (docker-compose.autonomous.yml)', () => {
    let project: ComposeProject;
    const fiveg = 'http://127.0.0.1:5002/api/5g-manager';
    const operator = { 'x-api-key': OPERATOR_KEY, 'content-type': 'application/json' };

    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-autonomous-${process.pid}`,
        ['vessels/docker-compose.autonomous.yml'],
        env({
          TELECOM_DEMO_SEED: 'true',
          API_KEYS: `ci-operator:operator:${OPERATOR_KEY},ci-admin:admin:${ADMIN_KEY}`,
        }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy, the demo network and rules seeded', async () => {
      note('compose autonomous', { 'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))) });
      const verdict = await fetch('http://127.0.0.1:5001/api/zero-rating/classify', {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({ clientIp: '41.1.2.3', host: 'www.uct.ac.za' }),
      });
      expect(await verdict.json()).toMatchObject({ zeroRated: true });
    }, 300_000);

    it('sends every service’s spans to tracing-recovery', async () => {
      await spansReachTracingRecovery(project);
    }, 90_000);

    it('classifies flows by longest prefix and host rule, and keeps the rules across a restart of Redis', async () => {
      await exerciseZeroRating('http://127.0.0.1:5001');
      await project.compose(['restart', 'redis'], 120_000);
      await untilHealthy(project, runnable(project));
      const res = await waitFor(
        'zero-rating answering after Redis restarted',
        async () => {
          const answer = await fetch('http://127.0.0.1:5001/api/zero-rating/classify', {
            method: 'POST',
            headers: operator,
            body: JSON.stringify({ clientIp: '198.51.100.9', host: 'docs.ci-learn.example' }),
          });
          return answer.status === 200 ? ((await answer.json()) as { zeroRated: boolean }) : undefined;
        },
        60_000,
      );
      expect(res.zeroRated, 'the rule written before the restart (append-only Redis)').toBe(true);
    }, 240_000);

    it('admits a PDU session on a slice, counts it in the summary, and releases it', async () => {
      const { cells } = (await (await fetch(`${fiveg}/cells`, { headers: operator })).json()) as {
        cells: { id: string; name: string }[];
      };
      const cell = cells.find((c) => c.name === 'CPT-Foreshore-1');
      expect(cell, "the demo network's Cape Town cell").toBeDefined();
      const slices = async () =>
        (await (await fetch(`${fiveg}/summary`, { headers: operator })).json()) as {
          slices: { snssai: { sst: number; sd?: string }; activeSessions: number }[];
        };
      const embb = async () => (await slices()).slices.find((s) => s.snssai.sst === 1)?.activeSessions;
      const before = await embb();
      const admitted = await fetch(`${fiveg}/sessions`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({
          supi: 'imsi-001010000000002',
          snssai: { sst: 1, sd: '000001' },
          cellId: cell?.id,
          bitrateKbps: 10_000,
        }),
      });
      const session = (await admitted.json()) as { id: string };
      expect(admitted.status, JSON.stringify(session)).toBe(201);
      expect(await embb()).toBe((before ?? 0) + 1);
      const refused = await fetch(`${fiveg}/sessions`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({
          supi: 'imsi-001010000000003',
          snssai: { sst: 1, sd: '000001' },
          cellId: cell?.id,
          bitrateKbps: 64,
        }),
      });
      expect(refused.status, 'a subscriber without the slice').toBe(409);
      expect(((await refused.json()) as { reason: string }).reason).toBe('S_NSSAI_NOT_SUBSCRIBED');
      expect((await fetch(`${fiveg}/sessions/${session.id}`, { method: 'DELETE', headers: operator })).status).toBe(
        200,
      );
      expect(await embb()).toBe(before);
    }, 120_000);

    const recovery = 'http://127.0.0.1:4998/api/tracing-recovery';
    const issuesOf = async (query: string) =>
      ((await (await fetch(`${recovery}/issues?${query}`)).json()) as { issues: Issue[] }).issues;
    interface Issue {
      id: string;
      subject: string;
      kind: string;
      status: string;
    }

    it('heals a killed service: tracing-recovery finds it down, restarts it through the Docker API, closes the issue', async () => {
      const container = await project.container('zero-rating');
      // With its restart policy off, only tracing-recovery can bring it back.
      await docker(['update', '--restart=no', container]);
      const killed = performance.now();
      await docker(['kill', container]);
      await waitFor(
        'zero-rating running and healthy again',
        async () => {
          const state = await containerState(container);
          return state.status === 'running' && state.health === 'healthy' ? state : undefined;
        },
        90_000,
      );
      const seconds = (performance.now() - killed) / 1000;
      note('self-healing', { 'killed → healthy s': Math.round(seconds) });
      expect(seconds, 'healed within a minute').toBeLessThan(60);
      const closed = await waitFor(
        'the down issue closed',
        async () => (await issuesOf('subject=zero-rating&kind=down')).find((i) => i.status === 'closed'),
        60_000,
      );
      const detail = (await (await fetch(`${recovery}/issues/${closed.id}`)).json()) as {
        recoveries: { action: string; outcome: string; runtime: string }[];
      };
      expect(detail.recoveries).toContainEqual(expect.objectContaining({ outcome: 'succeeded', runtime: 'docker' }));
    }, 180_000);

    it('blames Postgres when it stops: one root-cause issue, and no restart of the services that need it', async () => {
      const restartsOf = async (service: string) =>
        ((await (await fetch(`${recovery}/recoveries?service=${service}`)).json()) as { recoveries: object[] })
          .recoveries.length;
      const before = await restartsOf('5g-manager');
      await project.compose(['stop', 'postgres'], 120_000);
      try {
        await waitFor(
          'tracing-recovery seeing Postgres down',
          async () => {
            const status = (await (await fetch(`${recovery}/status`)).json()) as {
              infrastructure: { piece: string; up: boolean | null }[];
            };
            return status.infrastructure.find((p) => p.piece === 'postgres')?.up === false ? true : undefined;
          },
          60_000,
        );
        // Several detection rounds (5 s each) with 5g-manager failing for Postgres.
        await new Promise((resolve) => setTimeout(resolve, 20_000));
      } finally {
        await project.compose(['start', 'postgres'], 120_000);
      }
      await untilHealthy(project, runnable(project));
      const rootCause = await waitFor(
        'the infrastructure issue recorded',
        async () => {
          const found = await issuesOf('kind=infrastructure_down&subject=postgres').catch(() => []);
          return found.length > 0 ? found : undefined;
        },
        60_000,
      );
      expect(rootCause).toHaveLength(1);
      expect(await issuesOf('kind=down&subject=5g-manager'), 'no issue of its own for a dependant').toEqual([]);
      expect(await restartsOf('5g-manager'), 'no restart of a dependant').toBe(before);
    }, 300_000);

    it('snapshots a database and restores it into another, row for row', async () => {
      const snapshots = 'http://127.0.0.1:4999/api/snapshot-scheduler';
      const taken = await fetch(`${snapshots}/snapshots`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({ service: '5g-manager', kind: 'postgres' }),
      });
      const body = (await taken.json()) as {
        outcomes: { outcome: string; snapshot: { id: string; bytes?: number } }[];
      };
      expect(taken.status, JSON.stringify(body)).toBe(201);
      const snapshot = body.outcomes[0]?.snapshot;
      const restored = await fetch(`${snapshots}/snapshots/${snapshot?.id}/restore`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ target: 'azora_5g_manager_restored' }),
      });
      expect(restored.status, await restored.clone().text()).toBe(200);
      const count = async (database: string, table: string) =>
        (
          await project.compose([
            'exec',
            '-T',
            'postgres',
            'psql',
            '-U',
            'azora',
            '-d',
            database,
            '-Atc',
            `SELECT count(*) FROM ${table}`,
          ])
        ).stdout.trim();
      for (const table of ['operators', 'cells', 'slices', 'subscribers', 'pdu_sessions']) {
        const original = await count('azora_5g_manager', table);
        expect(Number(original), table).toBeGreaterThan(0);
        expect(await count('azora_5g_manager_restored', table), table).toBe(original);
      }
    }, 180_000);

    it('leaves no container, network or volume behind after down -v', async () => {
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 120_000);
  });

  describe('dev (docker-compose.yml)', () => {
    let project: ComposeProject;
    beforeAll(async () => {
      // The host's own Redis holds 6379 on these machines.
      project = await ComposeProject.create(
        `azora-ci-dev-${process.pid}`,
        ['vessels/docker-compose.yml'],
        env({ DEV_REDIS_PORT: '16379' }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy, serves the console and proxies every service', async () => {
      note('compose dev', { 'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))) });
      await consoleAndGateway(
        'http://127.0.0.1:3000',
        project.services.filter((s) => catalogNames.has(s)),
      );
      await spansReachTracingRecovery(project, () => 'http://127.0.0.1:3000');
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 600_000);
  });

  describe('production + monitoring (docker-compose.production.yml, docker-compose.monitoring.yml)', () => {
    let project: ComposeProject;
    beforeAll(async () => {
      project = await ComposeProject.create(
        `azora-ci-production-${process.pid}`,
        ['vessels/docker-compose.production.yml', 'vessels/docker-compose.monitoring.yml'],
        env({
          API_KEYS: `ci-operator:operator:${OPERATOR_KEY},ci-editor:editor:${builderKey},ci-dpo:dpo:${DPO_KEY}`,
          // tracing-recovery acts on Alertmanager's alerts only: the path below is the alert's.
          RECOVERY_POLL_INTERVAL_MS: '0',
        }),
      );
    });
    afterAll(async () => {
      await project?.remove();
    }, 120_000);

    it('comes up healthy, routes through the gateway, has every target scraped, and leaves nothing after down -v', async () => {
      note('compose production+monitoring', {
        'up → healthy s': Math.round(await upAndHealthy(project, runnable(project))),
      });
      // Each container's memory as `docker stats` shows it, just healthy and not yet asked anything.
      const ids = await project.containers();
      const containers = runnable(project).map((s) => ids.get(s) as string);
      const memory = await memoryByContainer(containers);
      note(
        'compose production+monitoring idle MiB',
        Object.fromEntries(runnable(project).map((s, i) => [s, Math.round(memory.get(containers[i] as string) ?? 0)])),
      );
      await consoleAndGateway(
        'http://127.0.0.1:80',
        project.services.filter((s) => catalogNames.has(s)),
      );
      await spansReachTracingRecovery(project, () => 'http://127.0.0.1:80', 'http://127.0.0.1:80');
      // The ledger behind the gateway, on its MongoDB.
      const supply = await fetch('http://127.0.0.1:80/api/azora-mint/supply');
      expect(supply.status).toBe(200);
      expect(await supply.json()).toMatchObject({ cap: expect.stringMatching(/^\d+$/), circulating: '0' });
      // The website builder behind the gateway: its API, and a published site on the console's origin.
      await exerciseBuilder('http://127.0.0.1:80', 'ci-production', 'compose production ai-website-builder');
      // The jurisdiction services behind the gateway, each on its database of the one Postgres…
      for (const service of project.services.filter((s) => (JURISDICTION_SERVICES as readonly string[]).includes(s))) {
        const summary = await fetch(`http://127.0.0.1:80/api/${service}/summary`, {
          headers: { 'x-api-key': DPO_KEY },
        });
        expect(summary.status, service).toBe(200);
        expect(await summary.json()).toMatchObject({ requests: { open: 0, overdue: 0 } });
      }
      // …and the dashboard over them, reading each with the key the file wires.
      const overview = await dashboardReadingEveryRegime('http://127.0.0.1:80');
      for (const regime of overview.regimes) expect(regime.requests, regime.regime).toEqual({ open: 0, overdue: 0 });
      // A device on the published broker port, its readings stored, seen through the gateway…
      const dpoHeaders = { 'x-api-key': DPO_KEY, 'content-type': 'application/json' };
      const sent = await simulate(
        [
          '--api',
          'http://127.0.0.1:80',
          '--api-key',
          DPO_KEY,
          '--device',
          DEVICE_ID,
          '--count',
          '10',
          '--rate',
          '20',
        ].concat(['--mqtt', `mqtt://${DEVICE_ID}:${DEVICE_PASSWORD}@127.0.0.1:${MQTT_PORT}`]),
      );
      expect(sent).toMatchObject({ published: 10, failed: 0 });
      await waitFor(
        'the readings stored',
        async () => {
          const res = await fetch('http://127.0.0.1:80/api/quantum-iot-integration/summary', { headers: dpoHeaders });
          return ((await res.json()) as IotSummary).messages?.accepted === 10 ? true : undefined;
        },
        60_000,
      );
      // …and a report of the suite made through it, with every upstream answering.
      const made = await fetch('http://127.0.0.1:80/api/automated-reporting/reports', {
        method: 'POST',
        headers: dpoHeaders,
        body: '{}',
      });
      expect(made.status).toBe(201);
      expect(await made.json()).toMatchObject({ status: 'complete', upstreamErrors: [] });
      // The telecom services behind the gateway, on the shared Redis and Postgres.
      await exerciseZeroRating('http://127.0.0.1:80');
      const network = await fetch('http://127.0.0.1:80/api/5g-manager/summary', {
        headers: { 'x-api-key': OPERATOR_KEY },
      });
      expect(network.status).toBe(200);
      // Every service of the file found by its DNS name (the compliance services, azora-mint,
      // the website builder and the rest), scraped and up.
      await everyTargetUp(project.services.filter((s) => catalogNames.has(s)));
      // Self-healing by alert: a killed service (its restart policy off) is found down by the
      // containerised Prometheus, whose ServiceDown goes through Alertmanager to tracing-recovery's
      // webhook, which restarts the container through the Docker API.
      const sentiment = await project.container('ai-sentiment');
      await docker(['update', '--restart=no', sentiment]);
      const killed = performance.now();
      await docker(['kill', sentiment]);
      await waitFor(
        'ai-sentiment restarted by tracing-recovery on the ServiceDown alert, and healthy',
        async () => {
          const state = await containerState(sentiment);
          return state.status === 'running' && state.health === 'healthy' ? state : undefined;
        },
        300_000,
      );
      note('self-healing by alert', { 'killed → healthy s': Math.round((performance.now() - killed) / 1000) });
      const healed = (await (
        await fetch('http://127.0.0.1:80/api/tracing-recovery/issues?subject=ai-sentiment&kind=down')
      ).json()) as { issues: { evidence: { source: string }[] }[] };
      expect(healed.issues[0]?.evidence.map((e) => e.source)).toContain('alertmanager');
      await project.remove();
      expect(await project.leftovers()).toEqual([]);
    }, 1_200_000);
  });
});
