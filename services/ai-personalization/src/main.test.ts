// Start-up: a bad auth or rate-limit setting stops the process before it connects or listens.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
