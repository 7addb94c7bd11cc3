/**
 * The Docker Engine as the container checks use it: Debian's client (BuildKit built in;
 * the newer client some machines carry refuses BuildKit without buildx), the local
 * stand-ins for the images no registry gives these machines, image builds, containers
 * and compose projects. docker-compose 1.29 runs the compose files (no Compose v2 here).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { composeConfig } from './compose.ts';
import { REPO_ROOT } from './repo.ts';

const exec = promisify(execFile);

export const DOCKER = process.env.DOCKER ?? '/usr/bin/docker';
export const DOCKER_COMPOSE = process.env.DOCKER_COMPOSE ?? 'docker-compose';
const STANDINS_SCRIPT = join(REPO_ROOT, 'infrastructure/standins/build.sh');

/** Why no engine can be used, or undefined when one answers. */
export function engineUnavailable(): string | undefined {
  if (!existsSync(DOCKER)) return `${DOCKER} is not installed (apt-get install docker.io)`;
  const version = spawnSync(DOCKER, ['version', '--format', '{{.Server.Version}}'], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (version.status === 0) return undefined;
  return `no Docker engine answers ${DOCKER} (${(version.stderr || version.error?.message || '').trim().split('\n')[0]})`;
}

export interface Run {
  stdout: string;
  stderr: string;
}

/** Runs the Docker client; rejects with its stderr. */
export async function docker(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<Run> {
  return run(DOCKER, args, options.timeoutMs ?? 120_000);
}

async function run(command: string, args: readonly string[], timeoutMs: number, cwd = REPO_ROOT): Promise<Run> {
  try {
    return await exec(command, args, {
      cwd,
      timeout: timeoutMs,
      maxBuffer: 64 << 20,
      env: { ...process.env, DOCKER_BUILDKIT: '1', COMPOSE_DOCKER_CLI_BUILD: '1' },
    });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.stderr?.trim() || failure.message}`);
  }
}

/** Official image → local stand-in, as infrastructure/standins/build.sh lists them. */
export function standinImages(): Map<string, string> {
  const list = spawnSync('bash', [STANDINS_SCRIPT, '--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`${STANDINS_SCRIPT} --list failed: ${list.stderr}`);
  return new Map(
    list.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]),
  );
}

/** Builds the stand-ins that are missing or whose recipe changed (seconds when fresh). */
export async function buildStandins(): Promise<void> {
  await run('bash', [STANDINS_SCRIPT], 900_000);
}

/** The base image a Dockerfile names in `ARG NODE_IMAGE=…`. */
export function defaultNodeImage(dockerfileText: string): string | undefined {
  return /^ARG NODE_IMAGE=(\S+)/m.exec(dockerfileText)?.[1];
}

/** `docker build` from the repository root with the stand-in for the Dockerfile's base, stamped with `revision`. */
export async function buildImage(
  dockerfile: string,
  tag: string,
  options: { nodeImage: string; revision: string },
): Promise<{ seconds: number }> {
  const started = performance.now();
  const args = ['--build-arg', `NODE_IMAGE=${options.nodeImage}`, '--build-arg', `AZORA_REVISION=${options.revision}`];
  await run(DOCKER, ['build', '-q', '-f', dockerfile, ...args, '-t', tag, '.'], 900_000);
  return { seconds: (performance.now() - started) / 1000 };
}

export interface ImageInfo {
  size: number;
  user: string;
  exposed: string[];
  healthcheck: string[] | undefined;
  env: string[];
}

export async function inspectImage(image: string): Promise<ImageInfo> {
  const { stdout } = await docker(['image', 'inspect', image]);
  const [info] = JSON.parse(stdout) as {
    Size: number;
    Config: { User: string; ExposedPorts?: Record<string, unknown>; Healthcheck?: { Test: string[] }; Env: string[] };
  }[];
  if (!info) throw new Error(`no image ${image}`);
  return {
    size: info.Size,
    user: info.Config.User,
    exposed: Object.keys(info.Config.ExposedPorts ?? {}),
    healthcheck: info.Config.Healthcheck?.Test,
    env: info.Config.Env,
  };
}

export interface ContainerState {
  status: string;
  health: string | undefined;
  exitCode: number;
  restartCount: number;
  pid: number;
  /** The latest healthcheck's exit code and output (what an unhealthy container last said). */
  lastCheck: string | undefined;
}

export async function containerState(container: string): Promise<ContainerState> {
  return (await containerStates([container]))[0] as ContainerState;
}

/** The states of `containers`, in their order: one `docker inspect` for all of them. */
export async function containerStates(containers: readonly string[]): Promise<ContainerState[]> {
  const { stdout } = await docker(['inspect', ...containers]);
  const infos = JSON.parse(stdout) as {
    RestartCount: number;
    State: {
      Status: string;
      ExitCode: number;
      Pid: number;
      Health?: { Status: string; Log?: { ExitCode: number; Output: string }[] };
    };
  }[];
  if (infos.length !== containers.length) throw new Error(`no container among ${containers.join(', ')}`);
  return infos.map((info) => ({
    status: info.State.Status,
    health: info.State.Health?.Status,
    exitCode: info.State.ExitCode,
    restartCount: info.RestartCount,
    pid: info.State.Pid,
    lastCheck: lastCheck(info.State.Health?.Log),
  }));
}

function lastCheck(log: { ExitCode: number; Output: string }[] | undefined): string | undefined {
  const latest = log?.at(-1);
  if (!latest) return undefined;
  return `exit ${latest.ExitCode}${latest.Output.trim() ? `: ${latest.Output.trim().slice(0, 200)}` : ''}`;
}

/** Healthy when the container has a healthcheck, running when it has none. */
export function isUp(state: ContainerState): boolean {
  return state.status === 'running' && (state.health === undefined || state.health === 'healthy');
}

/**
 * The host's address on Docker's default bridge (docker0), which every container can
 * reach. The engine's IPAM record often leaves the gateway out, and node lists no
 * interface without a carrier (docker0 before a container joins it), so `ip` reads it.
 */
export function bridgeGateway(): string {
  const shown = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', 'docker0'], { encoding: 'utf8' });
  const address = /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(shown.stdout ?? '')?.[1];
  if (!address) throw new Error(`no IPv4 address on docker0 (ip: ${shown.stderr || shown.error?.message || 'none'})`);
  return address;
}

/** The host port Docker published for a container port (`-p 127.0.0.1::PORT`). */
export async function publishedPort(container: string, port: number): Promise<number> {
  const { stdout } = await docker(['port', container, `${port}/tcp`]);
  const match = /:(\d+)\s*$/m.exec(stdout.trim().split('\n')[0] ?? '');
  if (!match) throw new Error(`${container} publishes no host port for ${port}`);
  return Number(match[1]);
}

/** Resident memory of a running container as `docker stats` reports it, in MiB. */
export async function memoryMiB(container: string): Promise<number> {
  return (await memoryByContainer([container])).get(container) as number;
}

/** Memory in use (MiB) of each of `containers` (names or ids), as `docker stats` shows it: one call for all. */
export async function memoryByContainer(containers: readonly string[]): Promise<Map<string, number>> {
  // {{.Container}} is each container as it was named on the command line, so it keys the map as asked.
  const { stdout } = await docker(['stats', '--no-stream', '--format', '{{.Container}} {{.MemUsage}}', ...containers]);
  const scale: Record<string, number> = { KiB: 1 / 1024, KB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
  const memory = new Map<string, number>();
  for (const line of stdout.trim().split('\n')) {
    const match = /^(\S+) ([\d.]+)\s*([KMG]i?B)/.exec(line);
    if (!match) throw new Error(`docker stats: ${line}`);
    memory.set(match[1] as string, Number(match[2]) * (scale[match[3] as string] ?? 1));
  }
  return memory;
}

/**
 * A compose project of `files` run with the images already built (never pulled, never
 * built here): the example env with its secrets filled in, and an override file that
 * swaps each official infrastructure image for its local stand-in — the one place the
 * substitution happens; the Azora services' definitions are used as written.
 */
export class ComposeProject {
  readonly name: string;
  readonly files: readonly string[];
  /** The services of the merged files. */
  readonly services: readonly string[];
  private readonly dir: string;
  private removed = false;

  private constructor(name: string, files: readonly string[], dir: string, services: readonly string[]) {
    this.name = name;
    this.files = files;
    this.dir = dir;
    this.services = services;
  }

  static async create(
    name: string,
    files: readonly string[],
    env: ReadonlyMap<string, string>,
  ): Promise<ComposeProject> {
    const dir = await mkdtemp(join(tmpdir(), `${name}-`));
    await writeFile(join(dir, 'env'), [...env].map(([key, value]) => `${key}=${value}\n`).join(''));
    const config = await composeConfig(files);
    const standins = standinImages();
    const overrides: Record<string, { image: string }> = {};
    for (const [service, definition] of Object.entries(config.services)) {
      const standin = definition.image && !definition.build ? standins.get(definition.image) : undefined;
      if (standin) overrides[service] = { image: standin };
    }
    await writeFile(join(dir, 'standins.yml'), stringify({ services: overrides }));
    return new ComposeProject(name, [...files, join(dir, 'standins.yml')], dir, Object.keys(config.services));
  }

  /** docker-compose with this project's name, env file and files. */
  compose(args: readonly string[], timeoutMs = 300_000): Promise<Run> {
    const fileArgs = this.files.flatMap((file) => ['-f', file]);
    return run(
      DOCKER_COMPOSE,
      ['--project-name', this.name, '--env-file', join(this.dir, 'env'), ...fileArgs, ...args],
      timeoutMs,
    );
  }

  /**
   * The project's containers by compose service (its first replica), read from their compose
   * labels with one `docker ps`. Not `docker-compose ps`: compose 1.29 parses every file
   * again on each call, about a second of CPU, and polling a 29-service stack that way
   * starved the very containers it waited for.
   */
  async containers(): Promise<Map<string, string>> {
    const { stdout } = await docker([
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${this.name}`,
      '--format',
      '{{.Label "com.docker.compose.service"}} {{.Label "com.docker.compose.container-number"}} {{.Label "com.docker.compose.oneoff"}} {{.ID}}',
    ]);
    const first = new Map<string, { number: number; id: string }>();
    for (const line of stdout.trim().split('\n').filter(Boolean)) {
      const [service, number, oneoff, id] = line.split(' ') as [string, string, string, string];
      if (oneoff === 'True') continue;
      const known = first.get(service);
      if (!known || Number(number) < known.number) first.set(service, { number: Number(number), id });
    }
    return new Map([...first].map(([service, { id }]) => [service, id]));
  }

  /** The container of a compose service (its first replica). */
  async container(service: string): Promise<string> {
    const id = (await this.containers()).get(service);
    if (!id) throw new Error(`${service} has no container in ${this.name}`);
    return id;
  }

  /** What is left of the project: containers, networks and volumes carrying its label. */
  async leftovers(): Promise<string[]> {
    const filter = `label=com.docker.compose.project=${this.name}`;
    const listed = await Promise.all([
      docker(['ps', '-aq', '--filter', filter]),
      docker(['network', 'ls', '-q', '--filter', filter]),
      docker(['volume', 'ls', '-q', '--filter', filter]),
    ]);
    return listed.flatMap((r, i) =>
      r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((id) => `${['container', 'network', 'volume'][i]} ${id}`),
    );
  }

  /** `down -v`, once. */
  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    try {
      await this.compose(['down', '-v', '--remove-orphans', '--timeout', '10']);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
