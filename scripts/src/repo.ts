import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, type ServiceEntry } from '@azora/catalog';

/** The repository root (this file is scripts/src/repo.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PresentService {
  entry: ServiceEntry;
  dir: string;
  packageJson: { name?: string; scripts?: Record<string, string> };
  dockerfile: string | undefined;
}

/** Catalog services whose folder exists in the repo, with their package.json and Dockerfile. */
export function presentServices(root = REPO_ROOT): PresentService[] {
  return SERVICES.flatMap((entry) => {
    const dir = join(root, entry.folder);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) return [];
    const dockerfile = join(dir, 'Dockerfile');
    return [
      {
        entry,
        dir,
        packageJson: JSON.parse(readFileSync(manifest, 'utf8')),
        dockerfile: existsSync(dockerfile) ? dockerfile : undefined,
      },
    ];
  });
}
