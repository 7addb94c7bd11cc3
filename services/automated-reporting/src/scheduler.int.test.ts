// The scheduler under a fake clock, against real upstreams (GDPR and HIPAA services with
// their own databases, the dashboard's overview from a real HTTP server, the other five
// jurisdictions down): a report generated at its slot with its PDF checked by pdftotext,
// two replicas racing for the same slot, one catch-up run after downtime, and the run a
// replica makes when it starts after a missed slot.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '@azora/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDocument } from './render.ts';
import { listRuns } from './store.ts';
import {
  createTestDatabase,
  pdfText,
  type Reporter,
  startReporter,
  startUpstreams,
  type Upstreams,
} from './testing/harness.ts';

describe('scheduler', () => {
  let upstreams: Upstreams;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: Reporter;
  let b: Reporter;
  const reporters: Reporter[] = [];

  beforeAll(async () => {
    // Monday 7 December 2026, a minute before the daily slot (06:00 UTC).
    upstreams = await startUpstreams(new Date('2026-12-07T05:59:00Z'));
    db = await createTestDatabase('reporting_sched');
    // Two replicas on one database and one reports volume.
    a = await startReporter({ db, urls: upstreams.urls, clock: upstreams.clock, instanceId: 'replica-a' });
    b = await startReporter({
      db,
      urls: upstreams.urls,
      clock: upstreams.clock,
      instanceId: 'replica-b',
      reportsDir: a.reportsDir,
    });
    reporters.push(a, b);
  });
  afterAll(async () => {
    for (const reporter of reporters.reverse()) await reporter.close();
    await db?.drop();
    await upstreams?.close();
  });

  const reportRows = async () =>
    (
      await db
        .pool()
        .query<{ id: string; schedule_id: string; scheduled_for: Date }>(
          'SELECT id, schedule_id, scheduled_for FROM reports ORDER BY generated_at, schedule_id',
        )
    ).rows;

  it('runs nothing before the first slot after the schedules were created', async () => {
    expect(await a.service.reporting.tick()).toEqual([]);
    expect(await reportRows()).toEqual([]);
  });

  it('generates the daily report at 06:00, once, while two replicas race for it', async () => {
    upstreams.clock.now = new Date('2026-12-07T06:00:00Z');
    const [fromA, fromB] = await Promise.all([a.service.reporting.tick(), b.service.reporting.tick()]);
    const results = [...fromA, ...fromB];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ scheduleId: 'daily', scheduledFor: new Date('2026-12-07T06:00:00Z') });
    expect(results[0]?.error).toBeUndefined();
    expect(results[0]?.reportId).toBeDefined();
    expect(await reportRows()).toHaveLength(1);
    const runs = await listRuns(a.service.pool, 'daily');
    expect(runs).toEqual([expect.objectContaining({ status: 'done', attempts: 1, reportId: results[0]?.reportId })]);
    // A later tick in the same slot does nothing.
    upstreams.clock.now = new Date('2026-12-07T06:05:00Z');
    expect([...(await a.service.reporting.tick()), ...(await b.service.reporting.tick())]).toEqual([]);
  });

  it("writes the report's PDF: the regimes' live numbers, the trend chart, and the upstreams that failed", async () => {
    const [row] = await reportRows();
    const id = row?.id as string;
    const doc = JSON.parse(await readFile(join(a.reportsDir, id, 'report.json'), 'utf8')) as ReportDocument;
    const gdpr = doc.regimes.find((r) => r.service === 'gdpr-compliance');
    expect(gdpr?.reachable).toBe(true);
    const score = gdpr?.reachable ? gdpr.summary.score : -1;
    expect(doc).toMatchObject({ kind: 'scheduled', status: 'partial', scheduledFor: '2026-12-07T06:00:00.000Z' });
    expect(doc.upstreamErrors.map((e) => e.service)).toEqual([
      'ccpa-compliance',
      'lgpd-compliance',
      'pipeda-compliance',
      'south-african-compliance',
      'sox-compliance',
    ]);

    const text = await pdfText(join(a.reportsDir, id, 'report.pdf'));
    expect(text).toContain('Azora OS compliance report — Daily');
    expect(text).toContain('Scheduled for 2026-12-07 06:00 (UTC)');
    expect(text).toMatch(
      /Upstream errors[\s\S]*sox-compliance \(unreachable\): sox-compliance is unreachable at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(text).toMatch(new RegExp(`GDPR \\(EU\\)\\s+${score}\\b`));
    expect(text).toContain('HIPAA');
    expect(text).toContain('Score trend');
    expect(text).toContain('Records of processing reviewed this year'); // from the dashboard
    expect(text).toContain('4 devices (3 online, 1 offline), 2 open findings');
  });

  it('after four days down, runs the missed daily slot once (the latest), not once per missed day', async () => {
    upstreams.clock.now = new Date('2026-12-11T07:30:00Z'); // Friday
    // While down, the slots owed show in /metrics (ReportScheduleLate alerts on them)…
    const overdue = async () =>
      Object.fromEntries(
        [
          ...(await a.service.metrics.registry.metrics()).matchAll(
            /^report_schedule_overdue_seconds\{[^}]*schedule="(\w+)"[^}]*\} (\S+)$/gm,
          ),
        ].map((m) => [m[1], Number(m[2])]),
      );
    expect(await overdue()).toEqual({
      daily: 90 * 60, // since Friday 06:00
      weekly: 3 * 86_400 + 22.5 * 3600, // since Monday 09:00
      monthly: 0, // nothing owed since the schedules were created
      quarterly: 0,
      annual: 0,
    });
    const results = await a.service.reporting.tick();
    expect(results.map((r) => [r.scheduleId, r.scheduledFor.toISOString()])).toEqual([
      ['daily', '2026-12-11T06:00:00.000Z'],
      ['weekly', '2026-12-07T09:00:00.000Z'],
    ]);
    expect((await listRuns(a.service.pool, 'daily')).map((r) => r.scheduledFor.toISOString())).toEqual([
      '2026-12-07T06:00:00.000Z',
      '2026-12-11T06:00:00.000Z',
    ]);
    // …and are paid once the catch-up runs have their reports.
    expect(Object.values(await overdue())).toEqual([0, 0, 0, 0, 0]);
    // The trend now has both daily reports, oldest first, in the JSON and the PDF.
    const daily = results[0]?.reportId as string;
    const doc = JSON.parse(await readFile(join(a.reportsDir, daily, 'report.json'), 'utf8')) as ReportDocument;
    expect(doc.trend.map((p) => p.at)).toEqual(['2026-12-07T06:00:00.000Z', '2026-12-11T06:00:00.000Z']);
    expect(doc.trend[0]?.scores['gdpr-compliance']).toEqual(expect.any(Number));
    expect(doc.trend[0]?.scores['sox-compliance']).toBeNull();
    const text = await pdfText(join(a.reportsDir, daily, 'report.pdf'));
    expect(text).toContain('2026-12-07 06:00');
    expect(text).toContain('2026-12-11 06:00');
  });

  it('a replica that starts after a missed slot runs it on start, and a second one does not run it again', async () => {
    upstreams.clock.now = new Date('2026-12-14T10:00:00Z'); // Monday: daily 06:00 and weekly 09:00 due
    const c = await startReporter({
      db,
      urls: upstreams.urls,
      clock: upstreams.clock,
      instanceId: 'replica-c',
      reportsDir: a.reportsDir,
      schedulerEnabled: true,
    });
    reporters.push(c);
    const slots = async () =>
      (await listRuns(c.service.pool)).filter((r) => r.scheduledFor >= new Date('2026-12-14T00:00:00Z'));
    await waitFor(
      'the start-up run of the missed slots',
      async () => ((await slots()).filter((r) => r.status === 'done').length === 2 ? true : undefined),
      // Two reports, each a PDF printed by Chromium: a loaded CI run took over 30 s.
      90_000,
    );
    const d = await startReporter({
      db,
      urls: upstreams.urls,
      clock: upstreams.clock,
      instanceId: 'replica-d',
      reportsDir: a.reportsDir,
      schedulerEnabled: true,
    });
    reporters.push(d);
    expect(await d.service.reporting.tick()).toEqual([]);
    expect((await slots()).map((r) => [r.scheduleId, r.scheduledFor.toISOString(), r.attempts])).toEqual([
      ['daily', '2026-12-14T06:00:00.000Z', 1],
      ['weekly', '2026-12-14T09:00:00.000Z', 1],
    ]);
    expect((await reportRows()).length).toBe(5);
  });
});
