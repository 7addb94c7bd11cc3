// The dashboard as deployed: its entry point in a process of its own, configured from the
// environment (each upstream by its `<SERVICE>_URL`), on its own database, in front of a
// real GDPR service; the other six point where nothing listens.
import { spawnSync } from 'node:child_process';
import { KEYS, startTestService, type TestService } from '@azora/compliance-core/testing';
import {
  createTestDatabase,
  freePort,
  type NodeProcess,
  type StartedApp,
  startApp,
  startNodeProcess,
  type TestDatabase,
} from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotUpstream, regimeUpstreams } from './upstreams.ts';

const entry = new URL('./main.ts', import.meta.url).pathname;
const DPO_KEY = 'dashboard-dpo-key-0123456789abcdef';

describe('compliance-dashboard entry point', () => {
  let gdpr: TestService;
  let gdprServer: StartedApp;
  let db: TestDatabase;
  let dashboard: NodeProcess;

  beforeAll(async () => {
    gdpr = await startTestService('gdpr', { now: new Date() });
    gdprServer = await startApp(gdpr.service.app);
    db = await createTestDatabase('dash_main');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const urls = Object.fromEntries([...regimeUpstreams(), iotUpstream()].map((u) => [u.urlVariable, dead]));
    dashboard = await startNodeProcess({
      entry,
      readyPath: '/health/ready',
      env: {
        ...urls,
        GDPR_COMPLIANCE_URL: gdprServer.url,
        DATABASE_URL: db.url,
        COMPLIANCE_API_KEY: KEYS.auditor,
        API_KEYS: `dpo-1:dpo:${DPO_KEY}`,
        // Generous: a loaded machine must not make the live GDPR look unreachable (the dead ports refuse at once).
        UPSTREAM_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
      },
    });
  }, 90_000);

  afterAll(async () => {
    await dashboard?.stop();
    await gdprServer?.close();
    await gdpr?.close();
    await db?.drop();
  });

  it('reads GDPR live through GDPR_COMPLIANCE_URL and reports the rest unreachable: readiness degraded, still 200', async () => {
    const ready = await fetch(`${dashboard.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('degraded');
    expect(body.checks.postgres?.status).toBe('pass');
    expect(body.checks['gdpr-compliance']?.status).toBe('pass');
    expect(body.checks['hipaa-compliance']?.status).toBe('fail');

    const res = await fetch(`${dashboard.url}/api/compliance-dashboard/overview`, {
      headers: { 'x-api-key': DPO_KEY },
    });
    expect(res.status).toBe(200);
    const overview = (await res.json()) as { status: string; regimes: { service: string; reachable: boolean }[] };
    expect(overview.status).toBe('degraded');
    expect(overview.regimes.filter((r) => r.reachable).map((r) => r.service)).toEqual(['gdpr-compliance']);
    expect(overview.regimes).toHaveLength(7);
  });

  it('stops on SIGTERM well before the 5-second kill', async () => {
    const started = performance.now();
    await dashboard.stop();
    expect(performance.now() - started).toBeLessThan(4000);
    await expect(fetch(`${dashboard.url}/health`)).rejects.toThrow();
  });

  it('refuses to start without COMPLIANCE_API_KEY, or with a bad upstream URL, naming the variable (exit 78)', () => {
    const run = (env: Record<string, string | undefined>) =>
      spawnSync(process.execPath, ['--conditions=@azora/source', entry], {
        env: { ...process.env, COMPLIANCE_API_KEY: undefined, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const missing = run({});
    expect(missing.status).toBe(78);
    expect(missing.stderr).toMatch(/compliance-dashboard: invalid configuration: COMPLIANCE_API_KEY: .*not set/);
    const badUrl = run({ COMPLIANCE_API_KEY: KEYS.auditor, HIPAA_COMPLIANCE_URL: 'hipaa:4081' });
    expect(badUrl.status).toBe(78);
    expect(badUrl.stderr).toMatch(/HIPAA_COMPLIANCE_URL: must be an http:\/\/ or https:\/\/ URL/);
    const badTimeout = run({ COMPLIANCE_API_KEY: KEYS.auditor, UPSTREAM_TIMEOUT_MS: 'soon' });
    expect(badTimeout.status).toBe(78);
    expect(badTimeout.stderr).toMatch(/UPSTREAM_TIMEOUT_MS: must be a whole number of milliseconds/);
  });
});
