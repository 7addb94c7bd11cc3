/**
 * Entry of `pnpm dev` (run by Node with `--conditions=@azora/source`). `AZORA_DEV_ROOT`
 * and `AZORA_DEV_CATALOG` (a JSON file of catalog overrides, see `catalogOverrides`)
 * point it at another repo root and service list; the tests use them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SERVICES, type ServiceEntry } from '@azora/catalog';
import { catalogOverrides } from './discover.ts';
import { DEV_ROLES } from './env.ts';
import { DevError } from './errors.ts';
import { paint } from './output.ts';
import { runDev } from './run-dev.ts';

const USAGE = `Usage: pnpm dev [--only <service,…>] [--quiet] [--timeout <seconds>]

Starts every service in the repo with the infrastructure it needs (local Postgres,
Redis, MQTT, MongoDB when they answer, embedded ones otherwise), waits until each is
ready and prints where it listens. Ctrl-C stops everything.

  --only a,b     start only these services, plus the services they call
  --quiet        do not stream service logs (they always go to .dev-data/logs/)
  --timeout N    seconds each service gets to become ready (default 60)

DATABASE_URL, REDIS_URL, MQTT_URL, MONGODB_URI: servers to use instead of the
127.0.0.1 defaults. CHROMIUM_PATH: the browser for services that render pages
(given to them as PUPPETEER_EXECUTABLE_PATH). Their volumes (the website builder's
published sites) are folders under .dev-data/volumes/.
API_KEYS, JWT_SECRET: the credentials services accept for writes that need a role;
when neither is set, a key per role (${DEV_ROLES.join(', ')}) is made for the run
and printed. IDENTIFIER_HASH_KEY, ENCRYPTION_KEYS:
the compliance services' identifier keys; when not both set, made once and kept in
.dev-data/identity-keys.json. TRUST_PROXY: proxies whose x-forwarded-for the services believe (default
loopback, where the gateway runs).
`;

function fail(message: string, code: number): never {
  process.stderr.write(`${paint('red', message)}\n`);
  process.exit(code);
}

let values: { only?: string; quiet?: boolean; timeout?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      only: { type: 'string' },
      quiet: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const timeoutSeconds = Number(values.timeout ?? 60);
if (!(timeoutSeconds > 0)) fail(`--timeout must be a number of seconds, not "${values.timeout}"`, 2);

function services(): readonly ServiceEntry[] {
  const file = process.env.AZORA_DEV_CATALOG;
  if (!file) return SERVICES;
  try {
    return catalogOverrides(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`AZORA_DEV_CATALOG=${file}: ${(error as Error).message}`, 2);
  }
}

const session = runDev({
  root: resolve(process.env.AZORA_DEV_ROOT ?? join(import.meta.dirname, '..', '..')),
  services: services(),
  only: values.only
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean),
  quiet: values.quiet ?? false,
  readyTimeoutMs: timeoutSeconds * 1000,
});

let signals = 0;
function shutdown(signal: NodeJS.Signals): void {
  signals++;
  if (signals > 1) {
    // The exit hooks SIGKILL every service's process group and redis-server.
    process.stdout.write(paint('red', `\n${signal} again: killing everything now\n`));
    process.exit(130);
  }
  const started = performance.now();
  process.stdout.write(paint('yellow', `\n${signal}: stopping (press Ctrl-C again to kill at once)…\n`));
  void session.stop().then(() => {
    process.stdout.write(`Stopped in ${Math.round(performance.now() - started)} ms.\n`);
    process.exit(0);
  });
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

session.settled.then(
  async (rows) => {
    // Keep supervising until Ctrl-C, unless nothing runs or will restart any more.
    await session.done;
    if (signals > 0) return;
    await session.stop();
    process.exit(rows.some((row) => row.status === 'failed') ? 1 : 0);
  },
  async (error: Error) => {
    await session.stop();
    if (signals > 0) return;
    fail(error instanceof DevError ? error.message : (error.stack ?? String(error)), 1);
  },
);
