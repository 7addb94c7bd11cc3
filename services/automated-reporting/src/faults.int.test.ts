// What goes wrong: every upstream down (the report is still made, and says so), Chromium
// missing (the run fails, leaves no files, is retried by another replica later), and a
// replica that died mid-run (its claim is taken over once it is stale).
import { readdir } from 'node:fs/promises';
import { createTestDatabase, freePort, type StartedApp, startApp } from '@azora/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_SERVICES } from './config.ts';
import { listRuns } from './store.ts';
import { type Reporter, startReporter } from './testing/harness.ts';

describe('faults', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const clock = { now: new Date('2026-12-07T05:00:00Z') };
  const urls: Record<string, string> = {};
  let broken: Reporter;
  let healthy: Reporter;
  let garbage: StartedApp;

  beforeAll(async () => {
    for (const service of UPSTREAM_SERVICES) urls[service] = `http://127.0.0.1:${await freePort()}`;
    // A slow dashboard that answers 200 with something that is not an overview.
    garbage = await startApp((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"regimes":"all fine"}'), 500);
    });
    urls['compliance-dashboard'] = garbage.url;
    db = await createTestDatabase('reporting_faults');
    // One replica pointed at a Chromium that is not there, one with the real one.
    broken = await startReporter({ db, urls, clock, instanceId: 'broken', chromiumPath: '/nonexistent/chromium' });
    healthy = await startReporter({ db, urls, clock, instanceId: 'healthy', reportsDir: broken.reportsDir });
  });
  afterAll(async () => {
    await broken?.close();
    await healthy?.close();
    await garbage?.close();
    await db?.drop();
  });

  it('without Chromium: the run fails, leaves no files and no report, and readiness says why', async () => {
    clock.now = new Date('2026-12-07T06:00:05Z');
    const [result] = await broken.service.reporting.tick();
    expect(result).toMatchObject({
      scheduleId: 'daily',
      error: expect.stringMatching(/Chromium could not start \(\/nonexistent\/chromium\)/),
    });
    expect(await listRuns(broken.service.pool, 'daily')).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        reportId: null,
        error: expect.stringMatching(/Chromium/),
      }),
    ]);
    expect(await readdir(broken.reportsDir)).toEqual([]);
    expect((await db.pool().query('SELECT count(*)::int AS n FROM reports')).rows[0].n).toBe(0);
    const metrics = (await request(broken.service.app).get('/metrics')).text;
    expect(metrics).toMatch(/^reports_generated_total\{[^}]*schedule="daily",outcome="failed"[^}]*\} 1$/m);
    const ready = await request(broken.service.app).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toContain('Chromium is not executable at /nonexistent/chromium');
  });

  it('another replica retries the failed slot once its retry delay has passed, with every upstream down or wrong', async () => {
    clock.now = new Date('2026-12-07T06:10:00Z');
    expect(await healthy.service.reporting.tick()).toEqual([]); // too soon after the failure
    clock.now = new Date('2026-12-07T06:15:05Z');
    const [result] = await healthy.service.reporting.tick();
    expect(result?.reportId).toBeDefined();
    expect(await listRuns(healthy.service.pool, 'daily')).toEqual([
      expect.objectContaining({ status: 'done', attempts: 2, reportId: result?.reportId, error: null }),
    ]);
    const report = await request(healthy.service.app)
      .get(`/api/automated-reporting/reports/${result?.reportId}`)
      .set({ 'x-api-key': 'auditor-key-0123456789abcdefghij' });
    expect(report.body.status).toBe('partial');
    expect(report.body.upstreamErrors.map((e: { service: string }) => e.service)).toEqual(
      [...UPSTREAM_SERVICES].sort(),
    );
  });

  it("takes over a run a dead replica left 'running' once it is stale, and not before", async () => {
    clock.now = new Date('2026-12-14T09:00:30Z'); // Monday: weekly slot 09:00 (and daily 06:00)
    await db.pool().query(
      `INSERT INTO report_runs (schedule_id, scheduled_for, status, claimed_by, claimed_at)
         VALUES ('weekly', '2026-12-14T09:00:00Z', 'running', 'dead-replica', '2026-12-14T09:00:01Z'),
                ('daily', '2026-12-14T06:00:00Z', 'done', 'someone', '2026-12-14T06:00:01Z')`,
    );
    expect(await healthy.service.reporting.tick()).toEqual([]);
    clock.now = new Date('2026-12-14T09:15:01Z');
    const [result] = await healthy.service.reporting.tick();
    expect(result).toMatchObject({ scheduleId: 'weekly', reportId: expect.any(String) });
    const weekly = await listRuns(healthy.service.pool, 'weekly');
    expect(weekly).toEqual([expect.objectContaining({ status: 'done', attempts: 2 })]);
  });

  it('generates at most four on-demand reports at once; a fifth and sixth are told to retry (503)', async () => {
    const post = () =>
      request(healthy.service.app)
        .post('/api/automated-reporting/reports')
        .set({ 'x-api-key': 'operator-key-0123456789abcdefghij' })
        .send({ regimes: ['gdpr'] });
    const answers = await Promise.all(Array.from({ length: 6 }, post));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 503, 503]);
    const busy = answers.find((res) => res.status === 503);
    expect(busy?.headers['retry-after']).toBe('5');
    expect(busy?.body.detail).toMatch(/4 reports are being generated already/);
  });

  it('pages through reports generated at the same instant without skipping or repeating one', async () => {
    const auditor = { 'x-api-key': 'auditor-key-0123456789abcdefghij' };
    const all = (await request(healthy.service.app).get('/api/automated-reporting/reports?limit=200').set(auditor)).body
      .reports as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(6); // four on-demand reports share one generatedAt
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(healthy.service.app)
        .get(`/api/automated-reporting/reports?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(auditor);
      expect(page.status).toBe(200);
      seen.push(...page.body.reports.map((r: { id: string }) => r.id));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => r.id));
    const bad = await request(healthy.service.app).get('/api/automated-reporting/reports?cursor=nonsense').set(auditor);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/not a cursor from a previous page/);
  });
});
