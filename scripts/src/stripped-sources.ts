/**
 * TypeScript stripped once for every `pnpm dev` service. Node runs a `.ts` file by loading
 * its type stripper (swc compiled to WebAssembly) into the process, and keeps it: 18 MB of
 * RSS in a bare process, 27-48 MB in a compliance service (the idle-memory bench), paid by
 * each of twenty-one services. The compile cache does not spare it. So the orchestrator,
 * which has the stripper loaded anyway, strips the workspace's sources into
 * `.dev-data/stripped/` before it starts anything, and every service loads
 * `stripped-sources-hook.mjs`, which hands Node that JavaScript instead.
 *
 * Each stripped file ends with a line naming the modification time and size of the source
 * it came from. The hook serves it only while the source still has both; a file edited
 * since (before a service restarts) is loaded by Node itself, stripper and all, so a
 * service never runs code older than its source.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The hook each service imports first (`--import`); plain JavaScript, so loading it needs no stripper. */
export const STRIPPED_SOURCES_HOOK = fileURLToPath(new URL('./stripped-sources-hook.mjs', import.meta.url));

/** Where the hook finds the stripped files: the environment variable naming the folder. */
export const STRIPPED_SOURCES_ENV = 'AZORA_STRIPPED_SOURCES';

/** The workspace folders whose packages services load (not `scripts`: no service imports it). */
const PACKAGE_FOLDERS = ['apps', 'services', 'organs', 'packages'];

/** The last line of a stripped file; the hook reads it back with the same pattern. */
function stamp(source: { mtimeMs: number; size: number }): string {
  return `\n// stripped from a source of mtime ${source.mtimeMs} and size ${source.size}\n`;
}

/** Where the stripped copy of `sourcePath` (absolute) is kept under `cacheDir`. */
function strippedPath(cacheDir: string, sourcePath: string): string {
  return join(cacheDir, `${sourcePath}.js`);
}

async function* typeScriptFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist'].includes(entry.name) && !entry.name.startsWith('.')) yield* typeScriptFiles(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')) {
      yield path;
    }
  }
}

export interface StripReport {
  /** Source files found. */
  files: number;
  /** Of them, stripped now (new or changed since the last run). */
  stripped: number;
  /** Files Node's stripper refuses (syntax it cannot strip): left to Node, which reports them when loaded. */
  refused: string[];
}

/**
 * Strips every `.ts` source (tests and declarations aside) of the workspace's packages under
 * `root` into `cacheDir`, skipping those whose stripped copy is current. `folders` are the
 * workspace folders to walk (default apps, services, organs, packages).
 */
export async function stripWorkspaceSources(
  root: string,
  cacheDir: string,
  folders: readonly string[] = PACKAGE_FOLDERS,
): Promise<StripReport> {
  const report: StripReport = { files: 0, stripped: 0, refused: [] };
  for (const folder of folders) {
    const dir = join(root, folder);
    const present = await stat(dir).catch(() => undefined);
    if (!present?.isDirectory()) continue;
    for await (const path of typeScriptFiles(dir)) {
      report.files++;
      const source = await stat(path);
      const target = strippedPath(cacheDir, path);
      const current = await readFile(target, 'utf8').catch(() => '');
      if (current.endsWith(stamp(source))) continue;
      const text = await readFile(path, 'utf8');
      let code: string;
      try {
        code = withoutExperimentalWarning(() => stripTypeScriptTypes(text));
      } catch {
        report.refused.push(path);
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, code + stamp(source));
      report.stripped++;
    }
  }
  return report;
}

/**
 * `stripTypeScriptTypes` is experimental and says so on its first call, a line that would
 * read as a problem in pnpm dev's output. Only that warning is held back.
 */
function withoutExperimentalWarning<T>(strip: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    if (!String(warning).includes('stripTypeScriptTypes')) emitWarning.call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return strip();
  } finally {
    process.emitWarning = emitWarning;
  }
}
