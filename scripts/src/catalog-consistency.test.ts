// The catalog is the single source of truth; these checks fail when the repo disagrees
// with it — the most common way multi-service repos rot.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@azora/catalog';
import { dockerStages, parseDockerfile, parseEnv } from '@azora/testing';
import { describe, expect, it } from 'vitest';
import { presentServices, REPO_ROOT } from './repo.ts';

const services = presentServices();

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
      const stages = dockerStages(parseDockerfile(readFileSync(service.dockerfile as string, 'utf8')));
      expect(stages.length, 'multi-stage').toBeGreaterThanOrEqual(2);
      for (const stage of stages.filter((s) => !stages.some((other) => other.name === s.image))) {
        expect(stage.image, 'base images pinned to a Node 24 minor on alpine').toMatch(
          /^node:24\.\d+(\.\d+)?-alpine[\d.]*$/,
        );
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
      expect(args('HEALTHCHECK').join(' '), 'alpine images have no curl or wget --spider by default').not.toMatch(
        /\bcurl\b/,
      );
    });
  });
});
