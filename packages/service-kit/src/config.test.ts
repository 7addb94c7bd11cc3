import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, configDefaults, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies defaults, with PORT defaulting to the catalog port', () => {
    const config = loadConfig('ai-sentiment', {}, {});
    expect(config).toMatchObject({
      PORT: 3011,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      BODY_LIMIT: '1mb',
    });
  });

  it('validates service-specific variables alongside the base ones', () => {
    const config = loadConfig(
      'ai-chatbot',
      { AI_SENTIMENT_URL: z.url(), SESSION_TTL_SECONDS: z.coerce.number().int().positive() },
      {
        AI_SENTIMENT_URL: 'http://ai-sentiment:3011',
        SESSION_TTL_SECONDS: '900',
        PORT: '4000',
      },
    );
    expect(config.PORT).toBe(4000);
    expect(config.SESSION_TTL_SECONDS).toBe(900);
  });

  it('names the variable and the bad value in one line', () => {
    expect(() => loadConfig('ai-sentiment', {}, { PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig('ai-sentiment', {}, { PORT: 'eighty' });
    } catch (error) {
      expect((error as Error).message).toMatch(/^invalid configuration: PORT: .+ \(got "eighty"\)$/);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(() => loadConfig('ai-sentiment', {}, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig('ai-sentiment', {}, { PORT: '70000' })).toThrow(/PORT/);
    // Read by createMetrics, checked with the rest so a typo is one line, not a stack trace.
    expect(() => loadConfig('ai-sentiment', {}, { METRICS_EVENT_LOOP_SAMPLE_MS: '0.5' })).toThrow(
      'invalid configuration: METRICS_EVENT_LOOP_SAMPLE_MS: must be a whole number of milliseconds from 1 to 60000 (got "0.5")',
    );
    expect(loadConfig('ai-sentiment', {}, { METRICS_EVENT_LOOP_SAMPLE_MS: '100' }).METRICS_EVENT_LOOP_SAMPLE_MS).toBe(
      100,
    );
  });

  it('says when a required variable is missing and hides secret values', () => {
    expect(() => loadConfig('ai-sentiment', { JWT_SECRET: z.string().min(32) }, {})).toThrow(
      /JWT_SECRET: .*it is not set/,
    );
    expect(() => loadConfig('not-in-catalog', {}, {})).toThrow(
      'invalid configuration: PORT: must be a whole number from 0 to 65535 (it is not set)',
    );
    const error = (() => {
      try {
        loadConfig('ai-sentiment', { JWT_SECRET: z.string().min(32) }, { JWT_SECRET: 'short-secret' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('value hidden');
    expect(error?.message).not.toContain('short-secret');
  });

  it('reads the server limits, with a lame-duck delay on shutdown only in production', () => {
    expect(loadConfig('ai-sentiment', {}, {})).toMatchObject({
      SHUTDOWN_TIMEOUT_MS: 10_000,
      SHUTDOWN_DELAY_MS: 0,
      REQUEST_TIMEOUT_MS: 30_000,
      HEADERS_TIMEOUT_MS: 10_000,
      KEEP_ALIVE_TIMEOUT_MS: 5000,
      MAX_CONNECTIONS: 1024,
    });
    expect(loadConfig('ai-sentiment', {}, { NODE_ENV: 'test' }).SHUTDOWN_DELAY_MS).toBe(0);
    expect(loadConfig('ai-sentiment', {}, { NODE_ENV: 'production' }).SHUTDOWN_DELAY_MS).toBe(2000);
    expect(loadConfig('ai-sentiment', {}, { NODE_ENV: 'production', SHUTDOWN_DELAY_MS: '0' }).SHUTDOWN_DELAY_MS).toBe(
      0,
    );
    expect(loadConfig('ai-sentiment', {}, { MAX_CONNECTIONS: '64', REQUEST_TIMEOUT_MS: '500' })).toMatchObject({
      MAX_CONNECTIONS: 64,
      REQUEST_TIMEOUT_MS: 500,
    });
  });

  it.each([
    'SHUTDOWN_TIMEOUT_MS',
    'SHUTDOWN_DELAY_MS',
    'REQUEST_TIMEOUT_MS',
    'HEADERS_TIMEOUT_MS',
    'KEEP_ALIVE_TIMEOUT_MS',
    'MAX_CONNECTIONS',
  ])('rejects a negative, fractional or non-numeric %s in one line naming it', (variable) => {
    for (const value of ['-1', '1.5', 'soon']) {
      expect(() => loadConfig('ai-sentiment', {}, { [variable]: value })).toThrow(
        new RegExp(`^invalid configuration: ${variable}: must be a whole number [^\\n]+ \\(got "${value}"\\)$`),
      );
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('ai-sentiment', {}, { PORT: '' }).PORT).toBe(3011);
  });

  it('stops the process with exit code 78 and one stderr line (loadConfigOrExit)', () => {
    const entry = fileURLToPath(new URL('./config.ts', import.meta.url));
    const script = `import { loadConfigOrExit } from ${JSON.stringify(entry)}; loadConfigOrExit('ai-sentiment', {}); console.log('started');`;
    const result = spawnSync(process.execPath, ['--conditions=@azora/source', '--input-type=module', '-e', script], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ai-sentiment: invalid configuration: PORT/);
  });
});

describe('configDefaults', () => {
  it('gives each variable its declared default, once, for builders to fall back to', () => {
    const shape = {
      MAX_ITEMS: z.coerce.number().int().default(100),
      MODE: z.enum(['a', 'b']).default('b'),
      OPTIONAL_URL: z.url().optional(),
    };
    expect(configDefaults(shape)).toEqual({ MAX_ITEMS: 100, MODE: 'b', OPTIONAL_URL: undefined });
  });
});
