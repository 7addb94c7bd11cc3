/**
 * Replays a multi-stage Dockerfile's build path without a Docker engine, so a broken
 * build (a wrong prune target, a missing file, a deploy that leaves out a dependency)
 * fails a test here instead of at release time.
 *
 * Each stage gets a folder that stands for its filesystem root. WORKDIR, COPY (from the
 * build context, honouring .dockerignore, or `--from` an earlier stage), ENV and RUN are
 * carried out for real; RUN commands execute on the host with the stage's WORKDIR as
 * their working directory, so Dockerfiles must use paths relative to WORKDIR in RUN.
 * Not replayed: the base image itself (the host's Node, pnpm and turbo stand in for it,
 * so `npm install -g` steps are skipped), file ownership (`--chown`), and USER, EXPOSE,
 * HEALTHCHECK and CMD, which are returned for the caller to check and use.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  name: string | undefined;
  image: string;
  instructions: DockerInstruction[];
}

/** Instructions in order, with comments dropped and `\` continuations joined. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!pending && (/^\s*#/.test(line) || !line.trim())) return;
    if (pending && /^\s*#/.test(line)) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1);
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match)
      instructions.push({
        keyword: (match[1] as string).toUpperCase(),
        args: (match[2] as string).trim(),
        line: startLine,
      });
  });
  return instructions;
}

export function dockerStages(instructions: DockerInstruction[]): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (instruction.keyword !== 'ARG' || stages.length > 0) {
      const current = stages.at(-1);
      if (!current) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
      current.instructions.push(instruction);
    }
  }
  return stages;
}

/** Parses `KEY=value KEY2="two words"` (and the legacy `KEY value` form). */
export function parseEnv(args: string): Record<string, string> {
  if (!args.includes('=')) {
    const [key = '', ...rest] = args.split(/\s+/);
    return { [key]: rest.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = match[2] as string;
    env[match[1] as string] = value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  return env;
}

function execForm(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return ['/bin/sh', '-c', trimmed];
}

/** A matcher for .dockerignore patterns (`**`, `*`, `?`, leading `!` to re-include). */
export function dockerignoreMatcher(patterns: string[]): (path: string) => boolean {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'))
    .map((pattern) => {
      const negate = pattern.startsWith('!');
      const body = (negate ? pattern.slice(1) : pattern).replace(/^\/+|\/+$/g, '');
      const regex = body
        .split('/')
        .map((segment) =>
          segment === '**'
            ? '.*'
            : segment
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/^\.\*\//, '(?:.*/)?');
      // A pattern that names a directory excludes everything below it.
      return { negate, regex: new RegExp(`^${regex}(?:/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negate;
    return ignored;
  };
}

export interface ReplayOptions {
  /** Path of the Dockerfile. */
  dockerfile: string;
  /** The build context (the repository root for Azora services). */
  context: string;
  /** RUN steps to skip; by default global tool installs, which the host provides. */
  skipRun?: (command: string) => boolean;
  /** Called with each step as it runs. */
  onStep?: (description: string) => void;
}

/** A stage's filesystem and the image settings it has accumulated. */
export interface ImageConfig {
  /** Folder standing for the stage's filesystem root. */
  root: string;
  /** The WORKDIR inside `root`. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  expose: number[];
  /** The HEALTHCHECK command (exec form), if any. */
  healthcheck: string[] | undefined;
  cmd: string[];
}

/** The final stage of a replayed build. */
export interface ReplayedImage extends ImageConfig {
  /** Base images named in FROM lines that are not earlier stages. */
  baseImages: string[];
  /** Removes every stage folder. */
  cleanup: () => Promise<void>;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

const defaultSkip = (command: string) => /^npm (i|install) (-g|--global)\b/.test(command.trim());

export async function replayDockerfile(options: ReplayOptions): Promise<ReplayedImage> {
  const context = resolve(options.context);
  const stages = dockerStages(parseDockerfile(await readFile(options.dockerfile, 'utf8')));
  const ignore = dockerignoreMatcher(
    await readFile(join(context, '.dockerignore'), 'utf8').then(
      (text) => text.split('\n'),
      () => [],
    ),
  );
  const skip = options.skipRun ?? defaultSkip;
  const workspace = await mkdtemp(join(tmpdir(), 'azora-docker-'));
  const byName = new Map<string, ImageConfig>();
  const baseImages: string[] = [];
  let last: ImageConfig | undefined;

  try {
    for (const [index, stage] of stages.entries()) {
      const parent = byName.get(stage.image);
      const root = join(workspace, `stage-${index}-${stage.name ?? 'unnamed'}`);
      if (parent) {
        await cp(parent.root, root, { recursive: true, verbatimSymlinks: true });
      } else {
        baseImages.push(stage.image);
        await mkdir(root, { recursive: true });
      }
      const state: ImageConfig = parent
        ? { ...parent, root, workdir: join(root, relative(parent.root, parent.workdir)), env: { ...parent.env } }
        : { root, workdir: root, env: {}, user: undefined, expose: [], healthcheck: undefined, cmd: [] };
      const inRoot = (path: string) => (isAbsolute(path) ? join(root, path) : join(state.workdir, path));

      for (const { keyword, args, line } of stage.instructions) {
        const where = `${options.dockerfile}:${line}`;
        switch (keyword) {
          case 'WORKDIR':
            state.workdir = inRoot(args);
            await mkdir(state.workdir, { recursive: true });
            break;
          case 'ENV':
            Object.assign(state.env, parseEnv(args));
            break;
          case 'COPY': {
            const parts = args.split(/\s+/);
            const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
            const paths = parts.filter((p) => !p.startsWith('--'));
            const target = paths.pop() as string;
            for (const source of paths) {
              const origin = from ? byName.get(from) : undefined;
              if (from && !origin) throw new Error(`${where}: COPY --from=${from} names no earlier stage`);
              const sourcePath = origin ? join(origin.root, source) : resolve(context, source);
              // A file copied to a directory (or a path ending in /) keeps its name, as in Docker.
              const intoDirectory = target.endsWith('/') || target === '.' || (await isDirectory(inRoot(target)));
              const destination =
                intoDirectory && !(await isDirectory(sourcePath))
                  ? join(inRoot(target), basename(source))
                  : inRoot(target);
              if (origin) {
                await cp(sourcePath, destination, { recursive: true, verbatimSymlinks: true });
              } else {
                await cp(sourcePath, destination, {
                  recursive: true,
                  verbatimSymlinks: true,
                  filter: (path) => {
                    const rel = relative(context, path);
                    return rel === '' || !ignore(rel.split('\\').join('/'));
                  },
                });
              }
            }
            break;
          }
          case 'RUN': {
            if (skip(args)) {
              options.onStep?.(`skip  ${where} RUN ${args}`);
              break;
            }
            options.onStep?.(`run   ${where} RUN ${args}`);
            const path = [
              join(state.workdir, 'node_modules/.bin'),
              join(context, 'node_modules/.bin'),
              process.env.PATH,
            ].join(':');
            try {
              await exec('/bin/sh', ['-c', args], {
                cwd: state.workdir,
                env: { ...process.env, ...state.env, PATH: path, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
                maxBuffer: 64 * 1024 * 1024,
              });
            } catch (error) {
              const failure = error as { stdout?: string; stderr?: string; message: string };
              throw new Error(
                `${where}: RUN ${args} failed\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`,
              );
            }
            break;
          }
          case 'USER':
            state.user = args.split(':')[0];
            break;
          case 'EXPOSE':
            state.expose.push(...args.split(/\s+/).map((p) => Number.parseInt(p, 10)));
            break;
          case 'HEALTHCHECK': {
            const command = /\bCMD\s+(.*)$/s.exec(args);
            state.healthcheck = command ? execForm(command[1] as string) : undefined;
            break;
          }
          case 'CMD':
            state.cmd = execForm(args);
            break;
          case 'ARG':
          case 'LABEL':
          case 'SHELL':
          case 'STOPSIGNAL':
            break;
          default:
            throw new Error(`${where}: ${keyword} is not supported by the replay`);
        }
      }
      if (stage.name) byName.set(stage.name, state);
      last = state;
    }
  } catch (error) {
    await rm(workspace, { recursive: true, force: true });
    throw error;
  }
  if (!last) throw new Error(`${options.dockerfile} has no stages`);
  return {
    root: last.root,
    workdir: last.workdir,
    env: last.env,
    user: last.user,
    expose: last.expose,
    healthcheck: last.healthcheck,
    cmd: last.cmd,
    baseImages,
    cleanup: () => rm(workspace, { recursive: true, force: true }),
  };
}

/** The directory a replayed image's file would be at, for assertions. */
export function imagePath(image: ReplayedImage, path: string): string {
  return isAbsolute(path) ? join(image.root, path) : join(image.workdir, path);
}
