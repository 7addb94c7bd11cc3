// The service as deployed: its entry point in a process of its own, configured from the
// environment, on its own database and reports folder, with a real GDPR service upstream.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const entry = new URL('./main.ts', import.meta.url).pathname;

describe('automated-reporting (entry point)', () => {
  let db: TestDatabase;
  let gdpr: TestService;
  let gdprServer: StartedApp;
  let reportsDir: string;
  let child: NodeProcess;
  const api = (path: string) => `${child.url}/api/automated-reporting/${path}`;

  beforeAll(async () => {
    db = await createTestDatabase('reporting_main');
    gdpr = await startTestService('gdpr', { now: new Date() });
    gdprServer = await startApp(gdpr.service.app);
    reportsDir = await mkdtemp(join(tmpdir(), 'reports-main-'));
    child = await startNodeProcess({
      entry,
      readyPath: '/health/ready',
      env: {
        DATABASE_URL: db.url,
        REPORTS_DIR: reportsDir,
        REPORTS_TIME_ZONE: 'Europe/London',
        API_KEYS: `ops:operator:${KEYS.operator},aud:auditor:${KEYS.auditor}`,
        COMPLIANCE_API_KEY: KEYS.auditor,
        GDPR_COMPLIANCE_URL: gdprServer.url,
        COMPLIANCE_DASHBOARD_URL: `http://127.0.0.1:${await freePort()}`,
        UPSTREAM_TIMEOUT_MS: '2000',
        LOG_LEVEL: 'warn',
      },
    });
  });
  afterAll(async () => {
    await child?.stop();
    await gdprServer?.close();
    await gdpr?.close();
    await db?.drop();
    if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
  });

  it('migrates, seeds the schedules in REPORTS_TIME_ZONE, and generates a report into REPORTS_DIR', async () => {
    const schedules = (await (await fetch(api('schedules'), { headers: { 'x-api-key': KEYS.auditor } })).json()) as {
      schedules: { id: string; timeZone: string }[];
    };
    expect(schedules.schedules.map((s) => [s.id, s.timeZone])).toEqual([
      ['daily', 'Europe/London'],
      ['weekly', 'Europe/London'],
      ['monthly', 'Europe/London'],
      ['quarterly', 'Europe/London'],
      ['annual', 'Europe/London'],
    ]);
    const res = await fetch(api('reports'), {
      method: 'POST',
      headers: { 'x-api-key': KEYS.operator, 'content-type': 'application/json' },
      body: JSON.stringify({ regimes: ['gdpr'] }),
    });
    expect(res.status).toBe(201);
    const report = (await res.json()) as { id: string; status: string; upstreamErrors: { service: string }[] };
    // The dashboard is down: recorded, not hidden.
    expect(report).toMatchObject({ status: 'partial', upstreamErrors: [{ service: 'compliance-dashboard' }] });
    expect((await readdir(join(reportsDir, report.id))).sort()).toEqual(['report.csv', 'report.json', 'report.pdf']);
  });

  it('refuses to start with a bad setting, naming the variable (exit 78)', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--conditions=@azora/source', entry], {
        env: { ...process.env, DATABASE_URL: db.url, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const zone = run({ REPORTS_TIME_ZONE: 'Mars/Olympus' });
    expect(zone.status).toBe(78);
    expect(zone.stderr).toMatch(
      /automated-reporting: invalid configuration: REPORTS_TIME_ZONE: unknown time zone "Mars\/Olympus"/,
    );
    const url = run({ HIPAA_COMPLIANCE_URL: 'not a url' });
    expect(url.status).toBe(78);
    expect(url.stderr).toMatch(/HIPAA_COMPLIANCE_URL: must be an http\(s\) URL/);
  });

  it('stops on SIGTERM well within 10 s, its browser and pool closed', async () => {
    const started = Date.now();
    await child.stop();
    expect(Date.now() - started).toBeLessThan(4500); // the helper SIGKILLs at 5 s
    expect(child.output()).not.toMatch(/"level":(50|60)/);
  });
});
