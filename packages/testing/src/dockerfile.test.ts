import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dockerignoreMatcher,
  dockerStages,
  imagePath,
  parseDockerfile,
  parseEnv,
  replayDockerfile,
} from './dockerfile.ts';

describe('parseDockerfile', () => {
  it('joins continuations, drops comments and splits stages', () => {
    const instructions = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG VERSION=1',
        'FROM node:24.21-alpine AS base',
        'RUN npm install -g pnpm@10 \\',
        '  # a comment inside a continuation',
        '  turbo@2',
        '',
        'FROM base AS build',
        'COPY --from=base /repo/out/ .',
        'FROM node:24.21-alpine',
        'CMD ["node", "dist/main.js"]',
      ].join('\n'),
    );
    expect(instructions.map((i) => i.keyword)).toEqual(['ARG', 'FROM', 'RUN', 'FROM', 'COPY', 'FROM', 'CMD']);
    expect(instructions[2]).toMatchObject({ args: 'npm install -g pnpm@10   turbo@2', line: 4 });
    const stages = dockerStages(instructions);
    expect(stages.map((s) => [s.name, s.image, s.instructions.length])).toEqual([
      ['base', 'node:24.21-alpine', 1],
      ['build', 'base', 1],
      [undefined, 'node:24.21-alpine', 1],
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

describe('replayDockerfile', async () => {
  const context = await mkdtemp(join(tmpdir(), 'replay-context-'));
  afterAll(() => rm(context, { recursive: true, force: true }));
  await mkdir(join(context, 'app/node_modules/junk'), { recursive: true });
  await writeFile(join(context, 'app/node_modules/junk/index.js'), '');
  await writeFile(join(context, 'app/greeting.txt'), 'hello');
  await writeFile(join(context, '.dockerignore'), '**/node_modules\n');

  it('carries out WORKDIR, COPY, ENV and RUN across stages and returns the final image', async () => {
    await writeFile(
      join(context, 'Dockerfile'),
      [
        'FROM node:24.21-alpine AS build',
        'RUN npm install -g something-the-host-has',
        'WORKDIR /src',
        'COPY app/ ./app/',
        'ENV SUFFIX=" world"',
        'RUN mkdir out && printf "%s%s" "$(cat app/greeting.txt)" "$SUFFIX" > out/greeting.txt',
        'FROM node:24.21-alpine',
        'ENV PORT=8080',
        'WORKDIR /srv',
        'COPY --from=build /src/out/greeting.txt .',
        'USER node',
        'EXPOSE 8080',
        'HEALTHCHECK --interval=5s CMD ["node", "-e", "process.exit(0)"]',
        'CMD ["node", "main.js"]',
      ].join('\n'),
    );
    const steps: string[] = [];
    const image = await replayDockerfile({
      dockerfile: join(context, 'Dockerfile'),
      context,
      onStep: (s) => steps.push(s),
    });
    try {
      expect(await readFile(imagePath(image, 'greeting.txt'), 'utf8')).toBe('hello world');
      expect(image).toMatchObject({
        env: { PORT: '8080' },
        user: 'node',
        expose: [8080],
        cmd: ['node', 'main.js'],
        healthcheck: ['node', '-e', 'process.exit(0)'],
        baseImages: ['node:24.21-alpine', 'node:24.21-alpine'],
      });
      expect(steps[0]).toMatch(/^skip .*npm install -g/);
      expect(existsSync(imagePath(image, '/src'))).toBe(false);
    } finally {
      await image.cleanup();
    }
  });

  it('honours .dockerignore when copying the context', async () => {
    await writeFile(join(context, 'Dockerfile'), ['FROM scratch', 'WORKDIR /w', 'COPY . .'].join('\n'));
    const image = await replayDockerfile({ dockerfile: join(context, 'Dockerfile'), context });
    try {
      expect(existsSync(imagePath(image, 'app/greeting.txt'))).toBe(true);
      expect(existsSync(imagePath(image, 'app/node_modules'))).toBe(false);
    } finally {
      await image.cleanup();
    }
  });

  it('fails with the Dockerfile line and the command output when a RUN step fails', async () => {
    await writeFile(
      join(context, 'Dockerfile'),
      ['FROM scratch', 'WORKDIR /w', 'RUN echo about to fail && exit 3'].join('\n'),
    );
    await expect(replayDockerfile({ dockerfile: join(context, 'Dockerfile'), context })).rejects.toThrow(
      /Dockerfile:3: RUN echo about to fail && exit 3 failed\nabout to fail/,
    );
  });

  it('rejects COPY --from a stage that does not exist', async () => {
    await writeFile(join(context, 'Dockerfile'), ['FROM scratch', 'COPY --from=nowhere /x .'].join('\n'));
    await expect(replayDockerfile({ dockerfile: join(context, 'Dockerfile'), context })).rejects.toThrow(
      /names no earlier stage/,
    );
  });
});
