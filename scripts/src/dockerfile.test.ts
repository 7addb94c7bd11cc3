import { describe, expect, it } from 'vitest';
import { dockerignoreMatcher, dockerStages, parseDockerfile, parseEnv } from './dockerfile.ts';

describe('parseDockerfile', () => {
  it('joins continuations, drops comments and splits stages', () => {
    const instructions = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG VERSION=1',
        'FROM node:24.21-bookworm-slim AS base',
        'RUN npm install -g pnpm@10 \\',
        '  # a comment inside a continuation',
        '  turbo@2',
        '',
        'FROM base AS build',
        'COPY --from=base /repo/out/ .',
        'FROM node:24.21-bookworm-slim',
        'CMD ["node", "dist/main.js"]',
      ].join('\n'),
    );
    expect(instructions.map((i) => i.keyword)).toEqual(['ARG', 'FROM', 'RUN', 'FROM', 'COPY', 'FROM', 'CMD']);
    expect(instructions[2]).toMatchObject({ args: 'npm install -g pnpm@10   turbo@2', line: 4 });
    const stages = dockerStages(instructions);
    expect(stages.map((s) => [s.name, s.image, s.instructions.length])).toEqual([
      ['base', 'node:24.21-bookworm-slim', 1],
      ['build', 'base', 1],
      [undefined, 'node:24.21-bookworm-slim', 1],
    ]);
  });

  it('parses ENV in both forms', () => {
    expect(parseEnv('NODE_ENV=production PORT=3011 GREETING="hello world"')).toEqual({
      NODE_ENV: 'production',
      PORT: '3011',
      GREETING: 'hello world',
    });
    expect(parseEnv('PORT 3011')).toEqual({ PORT: '3011' });
  });
});

describe('dockerignoreMatcher', () => {
  it('matches directories anywhere, top-level names and negations', () => {
    const ignored = dockerignoreMatcher(['**/node_modules', '.git', '*.log', '!keep.log', '# comment']);
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('packages/a/node_modules/x/index.js')).toBe(true);
    expect(ignored('.git/HEAD')).toBe(true);
    expect(ignored('src/.git')).toBe(false);
    expect(ignored('debug.log')).toBe(true);
    expect(ignored('keep.log')).toBe(false);
    expect(ignored('src/main.ts')).toBe(false);
  });
});
