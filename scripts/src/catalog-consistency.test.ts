// The catalog is the single source of truth; these checks fail when the repo disagrees
// with it — the most common way multi-service repos rot.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@azora/catalog';
import { describe, expect, it } from 'vitest';
import { dockerStages, parseDockerfile, parseEnv } from './dockerfile.ts';
import { presentServices, REPO_ROOT } from './repo.ts';

const services = presentServices();
// biome-ignore lint/suspicious/noTemplateCurlyInString: the Dockerfile's own reference, not a template
const NODE_IMAGE_REFERENCE = '${NODE_IMAGE}';

describe('catalog ↔ repository', () => {
  it('finds the services that exist (ai-sentiment at least)', () => {
    expect(services.map((s) => s.entry.name)).toContain('ai-sentiment');
  });

  it('has a catalog entry for every service folder in the repo', () => {
    const catalogFolders = new Set(SERVICES.map((s) => s.folder));
    for (const parent of ['apps', 'services', 'organs']) {
      const parentDir = join(REPO_ROOT, parent);
      if (!existsSync(parentDir)) continue;
      for (const folder of readdirSync(parentDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
        const path = `${parent}/${folder.name}`;
        if (existsSync(join(REPO_ROOT, path, 'package.json'))) {
          expect(catalogFolders, `${path} is not in @azora/catalog`).toContain(path);
        }
      }
    }
  });

  describe.each(services.map((s) => [s.entry.name, s] as const))('%s', (_name, service) => {
    it('is the workspace package the catalog names, with dev, build, test and typecheck scripts', () => {
      expect(service.packageJson.name).toBe(service.entry.package);
      for (const script of ['dev', 'build', 'test', 'typecheck']) {
        expect(service.packageJson.scripts?.[script], `${service.entry.folder}: "${script}" script`).toBeTruthy();
      }
    });

    it('has a Dockerfile that agrees with the catalog and the image rules', () => {
      expect(service.dockerfile, `${service.entry.folder}/Dockerfile`).toBeDefined();
      const text = readFileSync(service.dockerfile as string, 'utf8');
      const instructions = parseDockerfile(text);
      const stages = dockerStages(instructions);
      expect(stages.length, 'multi-stage').toBeGreaterThanOrEqual(2);
      // One pinned Debian base, named through ARG NODE_IMAGE so a mirror (or the local
      // stand-in) can substitute it; no `# syntax=` line, which would pull a frontend.
      expect(instructions[0]?.keyword === 'ARG' && instructions[0].args).toMatch(
        /^NODE_IMAGE=node:24\.\d+-bookworm-slim$/,
      );
      expect(text).not.toMatch(/^#\s*syntax=/m);
      for (const stage of stages.filter((s) => !stages.some((other) => other.name === s.image))) {
        expect(stage.image, 'base stages FROM the NODE_IMAGE argument').toBe(NODE_IMAGE_REFERENCE);
      }
      const final = stages.at(-1)?.instructions ?? [];
      const args = (keyword: string) => final.filter((i) => i.keyword === keyword).map((i) => i.args);
      expect(args('EXPOSE').join(' ').split(/\s+/).map(Number)).toEqual([service.entry.port]);
      const env = Object.assign({}, ...args('ENV').map(parseEnv));
      expect(env.PORT).toBe(String(service.entry.port));
      expect(env.NODE_ENV).toBe('production');
      const user = args('USER').at(-1);
      expect(user, 'runs as a non-root user').toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      expect(args('HEALTHCHECK').join(' ')).toContain(service.entry.health.ready);
      expect(args('HEALTHCHECK').join(' '), 'the slim base has no curl or wget').not.toMatch(/\bcurl\b/);
    });
  });
});
