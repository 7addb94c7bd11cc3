import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STRIPPED_SOURCES_ENV, STRIPPED_SOURCES_HOOK, stripWorkspaceSources } from './stripped-sources.ts';

const run = promisify(execFile);

describe('stripped sources for pnpm dev', () => {
  let root: string;
  let cache: string;
  let src: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'azora-stripped-'));
    cache = join(root, '.dev-data', 'stripped');
    src = join(root, 'services', 'demo', 'src');
    await mkdir(src, { recursive: true });
    await mkdir(join(root, 'services', 'demo', 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(root, 'services', 'demo', 'package.json'), '{ "type": "module" }');
    // What a service prints: a value from an imported module, and whether Node loaded its stripper.
    await writeFile(
      join(src, 'main.ts'),
      [
        "import { greeting } from './greeting.ts';",
        'const loaded: string[] = process.moduleLoadList;',
        'console.log(JSON.stringify({ greeting, stripper: loaded.some((name) => name.includes("amaro")) }));',
        '',
      ].join('\n'),
    );
    await writeFile(join(src, 'greeting.ts'), "export const greeting: string = 'hello';\n");
    await writeFile(join(src, 'main.test.ts'), 'const skipped: number = 1;\n');
    await writeFile(join(src, 'types.d.ts'), 'declare const skipped: number;\n');
    await writeFile(join(root, 'services', 'demo', 'node_modules', 'dep', 'index.ts'), 'export {};\n');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Runs main.ts as pnpm dev runs a service: with the hook, and the folder in the environment unless `env` says otherwise. */
  async function runService(env: Record<string, string> = { [STRIPPED_SOURCES_ENV]: cache }) {
    const { stdout } = await run(process.execPath, [`--import=${STRIPPED_SOURCES_HOOK}`, join(src, 'main.ts')], {
      env: { PATH: process.env.PATH, ...env },
    });
    return JSON.parse(stdout) as { greeting: string; stripper: boolean };
  }

  it('strips the sources once, leaving tests, declarations and dependencies out', async () => {
    expect(await stripWorkspaceSources(root, cache)).toEqual({ files: 2, stripped: 2, refused: [] });
    expect(await stripWorkspaceSources(root, cache)).toEqual({ files: 2, stripped: 0, refused: [] });
  });

  it('runs a service on the stripped copies, without Node loading its type stripper', async () => {
    await stripWorkspaceSources(root, cache);
    expect(await runService()).toEqual({ greeting: 'hello', stripper: false });
    // Without the hook's folder, Node strips the sources itself.
    expect(await runService({})).toEqual({ greeting: 'hello', stripper: true });
  });

  it('never runs a stripped copy older than its source', async () => {
    await stripWorkspaceSources(root, cache);
    await writeFile(join(src, 'greeting.ts'), "export const greeting: string = 'edited';\n");
    expect(await runService()).toEqual({ greeting: 'edited', stripper: true });
    // The next pnpm dev strips the edited file again, and only it.
    expect(await stripWorkspaceSources(root, cache)).toMatchObject({ stripped: 1 });
    expect(await runService()).toEqual({ greeting: 'edited', stripper: false });
  });

  it('leaves what the stripper refuses to Node, which reports it when the file is loaded', async () => {
    await writeFile(
      join(src, 'greeting.ts'),
      "enum Greeting { Hello = 'hello' }\nexport const greeting = Greeting.Hello;\n",
    );
    const report = await stripWorkspaceSources(root, cache);
    expect(report.refused).toEqual([join(src, 'greeting.ts')]);
    await expect(runService()).rejects.toThrow(/TypeScript enum is not supported in strip-only mode/);
  });
});
