import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressedBy, type ServiceEntry, urlVariable } from '@azora/catalog';
import { EXTENSIONS } from '@azora/compliance-core';

/** Where the infrastructure a run started (or found) can be reached. */
export interface Connections {
  /** `DATABASE_URL` per service name: each service owns its own database. */
  postgres: ReadonlyMap<string, string>;
  /**
   * True when those databases are embedded PGlite servers: their socket server runs every
   * connection in one session, so each service gets `DATABASE_POOL_MAX=1`.
   */
  embeddedPostgres?: boolean;
  redis?: string;
  mqtt?: string;
  /** Server URI without a database; each service gets its own database in the path. */
  mongodb?: string;
  chromium?: string;
  /**
   * The folder that stands in for the services' named volumes (the catalog's `volumes`):
   * `<volumes>/<service>/<volume>`, e.g. `.dev-data/volumes/ai-website-builder/deployments`.
   */
  volumes?: string;
}

/** The variable that names a volume's folder to its service: `deployments` → `DEPLOYMENTS_DIR`. */
export function volumeVariable(volume: string): string {
  return `${volume.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DIR`;
}

/** The database a service owns, on Postgres and MongoDB alike: `gdpr-compliance` → `azora_gdpr_compliance`. */
export function databaseName(service: string): string {
  return `azora_${service.replace(/-/g, '_')}`;
}

/** `url` with its path replaced by `/<database>`, keeping credentials and query. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** `url` without its database: the server, keeping credentials and query. */
export function serverUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '';
  return parsed.toString();
}

/**
 * The variables `pnpm dev` adds to a service's inherited environment: its port, the
 * infrastructure it declares, and the base URL of every service it calls. Upstream
 * ports come from `services` (the run's list) so relocated fixture services are found.
 */
export function serviceEnv(
  service: ServiceEntry,
  services: readonly ServiceEntry[],
  connections: Connections,
): Record<string, string> {
  const env: Record<string, string> = { PORT: String(service.port), NODE_ENV: 'development' };
  const needs = new Set(service.infrastructure);
  const database = connections.postgres.get(service.name);
  if (needs.has('postgres') && database) {
    // The server, for a service that reads every service's database (snapshot-scheduler).
    if (service.readsEveryDatabase) env.POSTGRES_URL = serverUrl(database);
    else env.DATABASE_URL = database;
    if (connections.embeddedPostgres) env.DATABASE_POOL_MAX = '1';
  }
  if (needs.has('redis') && connections.redis) env.REDIS_URL = connections.redis;
  if (needs.has('mqtt') && connections.mqtt) env.MQTT_URL = connections.mqtt;
  if (needs.has('mongodb') && connections.mongodb) {
    env.MONGODB_URI = service.readsEveryDatabase
      ? connections.mongodb
      : withDatabase(connections.mongodb, databaseName(service.name));
  }
  // puppeteer's own variable: the services that render pages launch this browser.
  if (needs.has('chromium') && connections.chromium) env.PUPPETEER_EXECUTABLE_PATH = connections.chromium;
  if (connections.volumes) {
    for (const volume of service.volumes) env[volumeVariable(volume)] = join(connections.volumes, service.name, volume);
  }

  const ports = new Map(services.map((s) => [s.name, s.port]));
  for (const upstream of addressedBy(service.name)) {
    env[urlVariable(upstream.name)] = `http://127.0.0.1:${ports.get(upstream.name) ?? upstream.port}`;
  }
  return env;
}

/** Decided per service by `pnpm dev`: a value from the shell must not reach services that do not declare that piece. */
const INFRASTRUCTURE_VARIABLES = [
  'DATABASE_URL',
  'POSTGRES_URL',
  'DATABASE_POOL_MAX',
  'REDIS_URL',
  'MQTT_URL',
  'MONGODB_URI',
  'CHROMIUM_PATH',
  'PUPPETEER_EXECUTABLE_PATH',
];

/**
 * A service's whole environment: the inherited one without infrastructure variables, plus
 * `serviceEnv`. Requests reach the services through main-app's gateway on this machine, so
 * they believe the client address it adds to `x-forwarded-for` (`TRUST_PROXY=loopback`)
 * unless the shell sets TRUST_PROXY.
 */
export function spawnEnv(
  inherited: NodeJS.ProcessEnv,
  service: ServiceEntry,
  services: readonly ServiceEntry[],
  connections: Connections,
): NodeJS.ProcessEnv {
  const env = { ...inherited };
  for (const name of INFRASTRUCTURE_VARIABLES) delete env[name];
  return { TRUST_PROXY: 'loopback', ...env, ...serviceEnv(service, services, connections) };
}

export interface DevCredentials {
  /** Added to every service's environment: nothing when the shell has its own. */
  env: Record<string, string>;
  /** The API keys made for this run, to print. */
  generated: { name: string; role: string; key: string }[];
}

/**
 * What services that require authentication accept during `pnpm dev`: `API_KEYS` and
 * `JWT_SECRET` from the shell when either is set, else one key per role made for this run
 * (random, never written to disk): operator and admin for the services' protected routes,
 * for the ledger a minter, a wallet user (`dev-user` owns the wallets it creates) and an
 * auditor, for the website builder an editor (`dev-editor` owns the sites it creates), and
 * for the compliance services a dpo (operator and auditor serve them too), for the telecom
 * services a viewer (reads, flows without bytes) and a service (zero-rating flows with their
 * bytes), and the roles the regime extensions add (HIPAA's clinician, SOX's change_approver, …).
 */
const EXTENSION_ROLES = [
  ...new Set(Object.values(EXTENSIONS).flatMap((extension) => Object.keys(extension?.roles ?? {}))),
];
export const DEV_ROLES = [
  'operator',
  'admin',
  'minter',
  'user',
  'auditor',
  'editor',
  'dpo',
  'viewer',
  'service',
  ...EXTENSION_ROLES,
];

export function devCredentials(inherited: NodeJS.ProcessEnv): DevCredentials {
  if (inherited.API_KEYS?.trim() || inherited.JWT_SECRET?.trim()) return { env: {}, generated: [] };
  const generated = DEV_ROLES.map((role) => ({
    name: `dev-${role.replaceAll('_', '-')}`,
    role,
    key: randomBytes(24).toString('base64url'),
  }));
  const key = (role: string) => (generated.find((entry) => entry.role === role) as { key: string }).key;
  return {
    env: {
      API_KEYS: generated.map(({ name, role, key }) => `${name}:${role}:${key}`).join(','),
      // compliance-dashboard reads the jurisdiction services as the dev auditor.
      COMPLIANCE_API_KEY: key('auditor'),
      // main-app asks zero-rating as the dev viewer (its answers are tagged X-Azora-Zero-Rated).
      ZERO_RATING_API_KEY: key('viewer'),
    },
    generated,
  };
}

/** The compliance services' keys for subjects' identifiers (the lookup HMAC and the sealing keys). */
export const IDENTITY_KEY_VARIABLES = ['IDENTIFIER_HASH_KEY', 'ENCRYPTION_KEYS'] as const;

/**
 * `IDENTIFIER_HASH_KEY` and `ENCRYPTION_KEYS` for `pnpm dev`: the shell's when it sets both,
 * else made once and kept in `<dataDir>/identity-keys.json` (readable by this user only), so
 * the identifiers stored yesterday are still found and opened today. Unlike the API keys they
 * cannot change between runs: the data in `.dev-data` is sealed under them.
 */
export function devIdentityKeys(inherited: NodeJS.ProcessEnv, dataDir: string): Record<string, string> {
  if (IDENTITY_KEY_VARIABLES.every((name) => inherited[name]?.trim())) return {};
  const file = join(dataDir, 'identity-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const keys = {
    IDENTIFIER_HASH_KEY: randomBytes(32).toString('base64'),
    ENCRYPTION_KEYS: `dev1:${randomBytes(32).toString('base64')}`,
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}
