import { loadConfig } from '@azora/service-kit';
import { describe, expect, it } from 'vitest';
import { configShape } from './config.ts';

const load = (env: Record<string, string>) => loadConfig('snapshot-scheduler', configShape, env);

describe('configuration', () => {
  it('defaults to port 4999, an hourly snapshot and a five-minute recovery check', () => {
    const config = load({});
    expect(config).toMatchObject({
      PORT: 4999,
      SNAPSHOT_CRON: '0 * * * *',
      RECOVERY_CRON: '*/5 * * * *',
      RETENTION_KEEP: 24,
    });
    expect(config.TRACING_RECOVERY_URL).toBe('http://127.0.0.1:4998');
    expect(config.RECOVERY_API_KEY).toBeUndefined();
  });

  it('parses service lists and data locations', () => {
    const config = load({
      DEPLOYED_SERVICES: 'azora-mint, ai-chatbot',
      DATA_LOCATIONS: 'ai-chatbot/redis=bot:,azora-mint/mongodb=mint',
    });
    expect(config.DEPLOYED_SERVICES).toEqual(['azora-mint', 'ai-chatbot']);
    expect(config.DATA_LOCATIONS).toEqual(
      new Map([
        ['ai-chatbot/redis', 'bot:'],
        ['azora-mint/mongodb', 'mint'],
      ]),
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => load({ SNAPSHOT_CRON: 'every hour' })).toThrow(/SNAPSHOT_CRON: must be a cron expression/);
    expect(() => load({ RECOVERY_CRON: '61 * * * *' })).toThrow(/RECOVERY_CRON/);
    expect(() => load({ DEPLOYED_SERVICES: 'azora-mint,nope' })).toThrow(/DEPLOYED_SERVICES: .*nope/);
    expect(() => load({ DATA_LOCATIONS: 'azora-mint/oracle=x' })).toThrow(
      /DATA_LOCATIONS: entry "azora-mint\/oracle=x"/,
    );
    expect(() => load({ RECOVERY_API_KEY: 'short' })).toThrow(/RECOVERY_API_KEY: .*\(value hidden\)/);
    expect(() => load({ POSTGRES_URL: 'mysql://x' })).toThrow(/POSTGRES_URL/);
  });
});
