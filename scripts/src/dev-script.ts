import { join } from 'node:path';
import { STRIPPED_SOURCES_ENV, STRIPPED_SOURCES_HOOK } from './stripped-sources.ts';

/**
 * A service's `dev` script, run without a package manager in between: `pnpm run dev` per
 * service would add a pnpm process (about 50 MB) for each of twenty-one services, and one
 * more hop for every log line. Scripts keep one shape so they can be run directly:
 * `[NAME=value …] node <arguments>` — the assignments become environment, `node` becomes
 * this Node, the arguments are split on spaces (no quotes, no shell).
 */
export interface DevCommand {
  /** The script's own assignments; they win over the inherited environment, as in a shell. */
  env: Record<string, string>;
  command: readonly [string, ...string[]];
}

const ASSIGNMENT = /^([A-Z_][A-Z0-9_]*)=(\S*)$/;
const SHELL_SYNTAX = /["'`$&|;<>()\\*?]/;

export function devCommand(script: string, node = process.execPath): DevCommand {
  const explain = `the dev script "${script}" is not "[NAME=value …] node <arguments>" (no quotes or shell syntax), so pnpm dev cannot run it directly`;
  if (SHELL_SYNTAX.test(script)) throw new Error(explain);
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let at = 0;
  for (; at < words.length; at++) {
    const assignment = ASSIGNMENT.exec(words[at] as string);
    if (!assignment) break;
    env[assignment[1] as string] = assignment[2] as string;
  }
  if (words[at] !== 'node' || at + 1 >= words.length) throw new Error(explain);
  return { env, command: [node, ...words.slice(at + 1)] };
}

/**
 * What `pnpm dev` gives every service's node:
 * - a 1 MB young generation (V8's semi-space, 16 MB by default), which keeps an idle service
 *   7-30 MB smaller; scavenges come more often, which a developer's laptop does not notice;
 * - `gc`, which the service kit calls once a little after start, so start-up's garbage is not
 *   kept until the next full collection, which an idle service may not need for hours;
 * - the hook that loads the sources pnpm dev stripped of their types, so no service loads
 *   Node's type stripper (stripped-sources.ts).
 * A flag in the script itself comes later on the command line and wins (main-app's asks for
 * an 8 MB young generation: its gateway carries every request of the console).
 */
export const DEV_NODE_FLAGS = ['--max-semi-space-size=1', '--expose-gc', `--import=${STRIPPED_SOURCES_HOOK}`] as const;

export function withDevNodeFlags(command: DevCommand['command']): DevCommand['command'] {
  const [node, ...args] = command;
  return [node, ...DEV_NODE_FLAGS, ...args];
}

/**
 * The environment `pnpm dev` adds to every service's own configuration (spawnEnv), to run it
 * leaner on a laptop; the idle-memory bench's dev way uses it too, so it measures what pnpm
 * dev runs.
 */
export function devRuntimeEnv(options: {
  dataDir: string;
  /** Where stripWorkspaceSources wrote the stripped sources. */
  strippedSources: string;
  /** NODE_COMPILE_CACHE from the caller's environment, which wins. */
  compileCache?: string;
}): Record<string, string> {
  return {
    // Compiled code kept across runs (.dev-data/compile-cache): a warm start does not compile again.
    NODE_COMPILE_CACHE: options.compileCache ?? join(options.dataDir, 'compile-cache'),
    [STRIPPED_SOURCES_ENV]: options.strippedSources,
    // glibc's malloc with fixed thresholds: blocks of 64 KiB and more are mapped on their
    // own and freed memory over 64 KiB goes back to the system. Its default raises both
    // as a process allocates, keeping what start-up freed (the pnpm dev bench: idle RSS
    // 15-30 MB lower for every service, 146 -> 125 MB for hipaa; the gateway unchanged).
    MALLOC_MMAP_THRESHOLD_: '65536',
    MALLOC_TRIM_THRESHOLD_: '65536',
    // The event-loop lag metric samples every 100 ms, not 10: each sample wakes the
    // service, and 21 idle services did so 2,100 times a second (@azora/metrics).
    METRICS_EVENT_LOOP_SAMPLE_MS: '100',
  };
}
