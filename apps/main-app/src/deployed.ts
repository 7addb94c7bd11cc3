/**
 * Which services are deployed alongside the console. Kept free of package imports so the
 * image build can run `src/list-deployed.ts` with plain Node on the full repository,
 * before any install, and ship its answer as `deployed-services.json`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SERVICE_PARENTS = ['apps', 'services', 'organs'];

/** Package names of the workspace packages under apps/, services/ and organs/ in `root`. */
export function scanWorkspace(root: string): string[] {
  const names: string[] = [];
  for (const parent of SERVICE_PARENTS) {
    const dir = join(root, parent);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const manifest = join(dir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string') names.push(name);
    }
  }
  return names.sort();
}

/** The nearest folder at or above `start` that holds pnpm-workspace.yaml. */
export function findWorkspaceRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export type DeployedSource = 'DEPLOYED_SERVICES' | 'deployed-services.json' | 'workspace' | 'catalog';

export interface DeployedServices {
  /** Package names (the catalog's `package` field). */
  packages: string[];
  /** Where the list came from, for the start-up log. */
  source: DeployedSource;
}

/**
 * The deployed services, first found of: the `DEPLOYED_SERVICES` variable (comma-separated
 * names), `deployed-services.json` beside the package (written by the image build from the
 * repo it was built from), the workspace folders around the package (`pnpm dev`, `pnpm start`
 * in a checkout). `undefined` means none of those exist: treat every catalog service as deployed.
 */
export function resolveDeployed(packageDir: string, variable: string | undefined): DeployedServices | undefined {
  if (variable !== undefined) {
    const packages = variable
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    return { packages, source: 'DEPLOYED_SERVICES' };
  }
  const file = join(packageDir, 'deployed-services.json');
  if (existsSync(file)) {
    const packages = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(packages) || !packages.every((name) => typeof name === 'string')) {
      throw new Error(`${file} must be a JSON array of service names`);
    }
    return { packages, source: 'deployed-services.json' };
  }
  const root = findWorkspaceRoot(packageDir);
  if (root) return { packages: scanWorkspace(root), source: 'workspace' };
  return undefined;
}
