// What the integration tests share: real jurisdiction services (compliance-core's
// startTestService) listening on ports, a compliance dashboard serving the overview of
// contracts.md from a small real HTTP server, and the reporting service on a database of
// its own with a clock the test moves.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KEYS, startTestService, type TestService } from '@azora/compliance-core/testing';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { createTestDatabase, freePort, type StartedApp, startApp, type TestDatabase } from '@azora/testing';
import { createReportingService, type ReportingService } from '../app.ts';
import { UPSTREAM_SERVICES } from '../config.ts';
import type { DashboardOverview } from '../upstreams.ts';

export { KEYS };
export const as = (role: keyof typeof KEYS) => ({ 'x-api-key': KEYS[role] });

/** The text of a PDF, as poppler's pdftotext reads it (Debian poppler-utils). */
export async function pdfText(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pdftotext', ['-layout', path, '-']);
  return stdout;
}

/** A dashboard overview in the shape of contracts.md, as of `at`. */
export function overview(at: Date): DashboardOverview {
  return {
    generatedAt: at.toISOString(),
    status: 'degraded',
    regimes: [
      {
        service: 'gdpr-compliance',
        regime: 'gdpr',
        name: 'GDPR (EU)',
        reachable: true,
        score: 88,
        reasons: ['1 control failing'],
        failingControls: [{ id: 'ropa-reviewed', title: 'Records of processing reviewed this year' }],
      },
      {
        service: 'sox-compliance',
        regime: 'sox',
        name: 'SOX',
        reachable: false,
        error: 'sox-compliance did not answer within 2000 ms',
        lastSuccessAt: null,
      },
    ],
    deadlines: [
      {
        service: 'gdpr-compliance',
        regime: 'gdpr',
        kind: 'request',
        id: 'r-1',
        dueAt: new Date(at.getTime() + 3 * 86_400_000).toISOString(),
        label: 'Access request due',
      },
    ],
    iot: {
      reachable: true,
      devices: { total: 4, online: 3, offline: 1 },
      findings: { open: 2, byKind: { hipaa_phi: 1, popia_sa_id: 1, transfer_without_adequacy: 0 } },
    },
    alerts: [
      {
        id: 'a-1',
        kind: 'upstream_down',
        service: 'sox-compliance',
        message: 'sox-compliance unreachable',
        since: at.toISOString(),
      },
    ],
  };
}

/** The dashboard: answers `overview` to the auditor key only, as the real one does (401 otherwise). */
export async function startDashboard(clock: { now: Date }): Promise<StartedApp & { calls: number }> {
  const state = { calls: 0 };
  const started = await startApp((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.url !== '/api/compliance-dashboard/overview') {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
      return;
    }
    if (req.headers['x-api-key'] !== KEYS.auditor) {
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"status":401}');
      return;
    }
    state.calls += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(overview(clock.now)));
  });
  return Object.assign(started, {
    get calls() {
      return state.calls;
    },
  });
}

export interface Upstreams {
  clock: { now: Date };
  gdpr: TestService;
  hipaa: TestService;
  dashboard: Awaited<ReturnType<typeof startDashboard>>;
  /** Catalog name → base URL; sox and the other four point at ports nothing listens on. */
  urls: Record<string, string>;
  close: () => Promise<void>;
}

/** GDPR and HIPAA services (real, with their demo data) and the dashboard; every other jurisdiction down. */
export async function startUpstreams(now: Date): Promise<Upstreams> {
  const gdpr = await startTestService('gdpr', { now, demoSeed: true });
  const hipaa = await startTestService('hipaa', { now });
  // One clock for every service: setting it moves the jurisdiction services' clocks too.
  let current = now;
  const clock = {
    get now() {
      return current;
    },
    set now(value: Date) {
      current = value;
      gdpr.clock.now = value;
      hipaa.clock.now = value;
    },
  };
  const listening = [await startApp(gdpr.service.app), await startApp(hipaa.service.app)];
  const dashboard = await startDashboard(clock);
  const urls: Record<string, string> = {};
  for (const service of UPSTREAM_SERVICES) urls[service] = `http://127.0.0.1:${await freePort()}`;
  urls['gdpr-compliance'] = listening[0]?.url as string;
  urls['hipaa-compliance'] = listening[1]?.url as string;
  urls['compliance-dashboard'] = dashboard.url;
  return {
    clock,
    gdpr,
    hipaa,
    dashboard,
    urls,
    close: async () => {
      await Promise.all([...listening, dashboard].map((app) => app.close()));
      await gdpr.close();
      await hipaa.close();
    },
  };
}

export interface Reporter {
  service: ReportingService;
  reportsDir: string;
  close: () => Promise<void>;
}

/** The reporting service on `db` (not listening; tests use supertest or call its domain directly). */
export async function startReporter(options: {
  db: TestDatabase;
  urls: Record<string, string>;
  clock: { now: Date };
  reportsDir?: string;
  instanceId?: string;
  timeZone?: string;
  schedulerEnabled?: boolean;
  chromiumPath?: string;
}): Promise<Reporter> {
  const reportsDir = options.reportsDir ?? (await mkdtemp(join(tmpdir(), 'reports-')));
  const service = createReportingService({
    version: '0.0.0-test',
    databaseUrl: options.db.url,
    databasePoolMax: 4,
    reportsDir,
    timeZone: options.timeZone ?? 'UTC',
    upstreamUrls: options.urls,
    complianceApiKey: KEYS.auditor,
    // Long enough that an upstream which answers is never cut off on a loaded CI machine
    // (every package's tests at once on 2 cores); no test here waits on an upstream that hangs.
    upstreamTimeoutMs: 20_000,
    chromiumPath:
      options.chromiumPath ?? process.env.PUPPETEER_EXECUTABLE_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    schedulerEnabled: options.schedulerEnabled ?? false,
    auth: createAuth({
      apiKeys: parseApiKeys(
        Object.entries(KEYS)
          .map(([role, key]) => `${role}-1:${role}:${key}`)
          .join(','),
      ),
    }),
    logger: createLogger('automated-reporting', 'silent'),
    now: () => options.clock.now,
    instanceId: options.instanceId,
  });
  await service.start();
  await service.ready();
  return {
    service,
    reportsDir,
    close: async () => {
      for (const resource of [...service.resources].reverse()) await resource.close();
      if (!options.reportsDir) await rm(reportsDir, { recursive: true, force: true });
    },
  };
}

export { createTestDatabase };
