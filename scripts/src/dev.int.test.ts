// `pnpm dev` itself, run as a child process against a fixture repo, signalled as a
// terminal would.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.ts';
import { groupMembers } from './supervisor.ts';
import { createFixtureRepo, type FixtureRepo, type FixtureService, isAlive, processesIn } from './test-fixtures.ts';

const DEV = join(import.meta.dirname, 'dev.ts');

interface Orchestrator {
  /** The fixture repo it runs on. */
  root: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once the output matches. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
}

let repos: FixtureRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
  repos = [];
});

/**
 * Runs dev.ts on a fixture repo: with node itself, or `viaPnpm` as a developer does (the
 * root package's `pnpm dev`, in a process group of its own, as a terminal's foreground job).
 */
async function orchestrate(
  fixtures: FixtureService[],
  args: string[],
  { viaPnpm = false } = {},
): Promise<Orchestrator> {
  const repo = await createFixtureRepo(fixtures);
  repos.push(repo);
  const catalog = join(repo.root, 'catalog.json');
  await writeFile(
    catalog,
    JSON.stringify(
      repo.services.map(({ name, folder, port, infrastructure }) => ({ name, folder, port, infrastructure })),
    ),
  );
  const [command, ...commandArgs] = viaPnpm
    ? ['pnpm', '--dir', REPO_ROOT, 'dev', ...args]
    : [process.execPath, '--conditions=@azora/source', DEV, ...args];
  const child = spawn(command as string, commandArgs, {
    cwd: repo.root,
    env: { ...process.env, AZORA_DEV_ROOT: repo.root, AZORA_DEV_CATALOG: catalog, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: viaPnpm,
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = text.match(pattern);
      if (match) return match;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { root: repo.root, child, output: () => text, exited, waitFor };
}

/** Every live process of the services it started, from its "(pid N)" lines. */
function servicePids(output: string): number[] {
  return [...output.matchAll(/\(pid (\d+)\)/g)].flatMap((match) => groupMembers(Number(match[1])));
}

describe('pnpm dev as a process', () => {
  it('starts the selected services and what they call, then exits 0 on Ctrl-C leaving nothing behind', async () => {
    const dev = await orchestrate(
      [{ name: 'ai-sentiment' }, { name: 'ai-chatbot' }, { name: 'ai-vision', mode: 'always-crash' }],
      ['--only', 'ai-chatbot', '--quiet'],
    );
    await dev.waitFor(/Ctrl-C stops everything/);
    const pids = servicePids(dev.output());
    expect(pids.length).toBe(4); // node and its child per service, no wrapper
    expect(dev.output()).toMatch(/ai-sentiment +http:\/\/127\.0\.0\.1:\d+ +ready/);
    expect(dev.output()).toMatch(/ai-chatbot +http:\/\/127\.0\.0\.1:\d+ +ready/);
    expect(dev.output()).not.toContain('ai-vision');
    expect(dev.output()).not.toContain('listening'); // --quiet

    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toMatch(/SIGINT: stopping[\s\S]*Stopped in \d+ ms\./);
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
    expect(await processesIn(dev.root)).toEqual([]);
  });

  it('run as `pnpm dev`, exits 0 with no error line when the terminal sends Ctrl-C to its whole group', async () => {
    const dev = await orchestrate([{ name: 'ai-sentiment' }], ['--quiet'], { viaPnpm: true });
    await dev.waitFor(/Ctrl-C stops everything/, 60_000);
    const pids = servicePids(dev.output());
    // The terminal signals the foreground group. pnpm runs the script with its shell emulator
    // (.npmrc): sh would die of the SIGINT itself, and pnpm report that as a failure.
    process.kill(-(dev.child.pid as number), 'SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toMatch(/Stopped in \d+ ms\.\n$/);
    expect(dev.output()).not.toMatch(/ELIFECYCLE|killing everything/);
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
  });

  it('kills everything at once on a second Ctrl-C', async () => {
    const dev = await orchestrate([{ name: 'ai-sentiment', mode: 'ignore-sigterm' }], []);
    await dev.waitFor(/Ctrl-C stops everything/);
    const pids = servicePids(dev.output());
    dev.child.kill('SIGINT');
    await dev.waitFor(/SIGTERM received/);
    const started = performance.now();
    dev.child.kill('SIGINT');
    expect(await dev.exited).toBe(130);
    expect(performance.now() - started).toBeLessThan(5000);
    for (const pid of pids) expect(await isAlive(pid)).toBe(false);
  });

  it('exits 0 with the table when no service is in the repo yet', async () => {
    const dev = await orchestrate([{ name: 'ai-sentiment', inRepo: false }], []);
    expect(await dev.exited).toBe(0);
    expect(dev.output()).toMatch(/ai-sentiment +— +not in repo yet/);
  });

  it('explains a bad command line', async () => {
    const unknown = await orchestrate([{ name: 'ai-sentiment' }], ['--only', 'nope']);
    expect(await unknown.exited).toBe(1);
    expect(unknown.output()).toMatch(/^unknown service nope — known: ai-sentiment$/m);

    const badOption = await orchestrate([{ name: 'ai-sentiment' }], ['--colour']);
    expect(await badOption.exited).toBe(2);
    expect(badOption.output()).toContain("Unknown option '--colour'");
    expect(badOption.output()).toContain('Usage: pnpm dev');
  });
});
