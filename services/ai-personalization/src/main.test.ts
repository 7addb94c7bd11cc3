// Start-up: a bad auth or rate-limit setting stops the process before it connects or
// listens; a good one listens once the first model is built (or, with Redis away, after
// a few seconds without one), and SIGTERM closes the model rebuilds, then Redis.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestRedis, startNodeProcess } from '@azora/testing';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs main.ts; one that does start is stopped after 10 s (and fails the test). */
async function start(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, ['--conditions=@azora/source', MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        REDIS_URL: 'redis://127.0.0.1:1',
        LOG_LEVEL: 'silent',
        ...env,
      },
      timeout: 10_000,
    });
    return { status: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number | string; stderr?: string };
    return { status: typeof failed.code === 'number' ? failed.code : null, stderr: failed.stderr ?? '' };
  }
}

describe('main', () => {
  it.each([
    [{ API_KEYS: 'ops:operator' }, /^ai-personalization: invalid configuration: API_KEYS: entry 1 must look like/],
    [{ JWT_SECRET: 'too-short' }, /^ai-personalization: invalid configuration: JWT_SECRET: must be at least 32/],
    [{ RATE_LIMIT_MAX: '0' }, /^ai-personalization: invalid configuration: RATE_LIMIT_MAX: /],
    [{ TRUST_PROXY: 'everyone' }, /^ai-personalization: invalid configuration: TRUST_PROXY: /],
  ])('stops with exit code 78 and one line naming the variable (%o)', async (env, line) => {
    const result = await start(env);
    expect(result.status).toBe(78);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(line);
    expect(result.stderr).not.toContain('too-short');
  });
});

describe('main runs the service', () => {
  /** The pino lines it logged, parsed. */
  /** The log lines in the order they were logged, by their time: lines written just before exit can reach the pipe out of order. */
  const lines = (output: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; resource?: string; time: string })
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  /** Shutdown completed, after everything else. */
  const completedLast = (logged: ReturnType<typeof lines>) => {
    const complete = logged.find((line) => line.msg === 'shutdown complete');
    expect(complete, 'shutdown complete is logged').toBeDefined();
    const last = Math.max(...logged.map((line) => Date.parse(line.time)));
    expect(Date.parse(complete?.time ?? '')).toBe(last);
  };

  it('listens only once the demo data is seeded and the first model built, and shuts down in order', async () => {
    const redis = await createTestRedis('ai-personalization-main');
    try {
      const service = await startNodeProcess({
        entry: MAIN,
        env: { HOST: '127.0.0.1', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, DEMO_SEED: 'true' },
        readyPath: '/health',
      });
      // Ready the moment it answers at all.
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(
        ((await ready.json()) as { checks: { model: { detail: { items: number } } } }).checks.model.detail.items,
      ).toBe(400);
      await service.stop();
      const logged = lines(service.output());
      expect(logged.filter((line) => line.msg === 'closed').map((line) => line.resource)).toEqual([
        'model rebuilds',
        'redis',
      ]);
      completedLast(logged);
    } finally {
      await redis.cleanup();
    }
  }, 30_000);

  it('with Redis away, listens after a few seconds anyway: live, not ready', async () => {
    const service = await startNodeProcess({
      entry: MAIN,
      env: { HOST: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:1', DEMO_SEED: 'true' },
      readyPath: '/health',
      readyTimeoutMs: 15_000,
    });
    try {
      const ready = await fetch(`${service.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(lines(service.output()).map((line) => line.msg)).toContain('demo seeding failed; retrying');
    } finally {
      await service.stop();
    }
    completedLast(lines(service.output()));
  }, 30_000);
});
