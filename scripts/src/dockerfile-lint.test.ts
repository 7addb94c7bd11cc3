// Every service Dockerfile through dockerfile-utils' linter (unknown instructions and
// flags, bad ports, malformed JSON forms…) on top of the image rules that
// catalog-consistency.test.ts checks (non-root USER, HEALTHCHECK, pinned multi-stage
// base images, EXPOSE = catalog port). The images themselves are built and run by
// containers.int.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { dockerignoreMatcher } from './dockerfile.ts';
import { presentServices, REPO_ROOT } from './repo.ts';

const withDockerfile = presentServices().filter((s) => s.dockerfile);

describe.each(withDockerfile.map((s) => [s.entry.folder, s] as const))('%s/Dockerfile', (_folder, service) => {
  const text = readFileSync(service.dockerfile as string, 'utf8');

  it('passes dockerfile-utils with no errors or warnings', () => {
    const problems = validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('fetches nothing at build time that is not pinned (no ADD of URLs, no :latest)', () => {
    expect(text).not.toMatch(/^\s*ADD\s+https?:/im);
    expect(text).not.toMatch(/:latest\b/);
  });
});

describe('build context (.dockerignore)', () => {
  it('keeps the operator’s env files with secrets (vessels/.env) out of every image build', () => {
    const ignored = dockerignoreMatcher(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n'));
    expect(ignored('.env')).toBe(true);
    expect(ignored('vessels/.env'), 'add **/.env to .dockerignore').toBe(true);
    expect(ignored('vessels/.env.example')).toBe(false);
  });
});
