// The retention sweeper deletes exactly the reports past their schedule's period — daily 90
// days, monthly 1 year, quarterly and annual 7 years, counted in calendar terms from the
// slot — files and rows, the expiry instant itself included, and nothing a moment before.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type Reporter, startReporter, startUpstreams, type Upstreams } from './testing/harness.ts';

describe('retention sweeper', () => {
  let upstreams: Upstreams;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let reporter: Reporter;
  const ids: Record<string, string> = {};

  const exists = (id: string, format = 'pdf') =>
    access(join(reporter.reportsDir, id, `report.${format}`)).then(
      () => true,
      () => false,
    );
  const remaining = async () =>
    (await db.pool().query<{ id: string }>('SELECT id FROM reports ORDER BY expires_at, id')).rows.map((r) => r.id);
  const sweepAt = async (iso: string) => {
    upstreams.clock.now = new Date(iso);
    return (await reporter.service.reporting.sweep()).reports.sort();
  };

  beforeAll(async () => {
    upstreams = await startUpstreams(new Date('2025-12-31T12:00:00Z'));
    db = await createTestDatabase('reporting_sweep');
    reporter = await startReporter({ db, urls: upstreams.urls, clock: upstreams.clock });
    // 1 January 2026 06:00 UTC: the daily, monthly, quarterly and annual slots all fall due.
    upstreams.clock.now = new Date('2026-01-01T06:00:10Z');
    for (const run of await reporter.service.reporting.tick()) ids[`${run.scheduleId}-jan1`] = run.reportId as string;
    upstreams.clock.now = new Date('2026-01-02T06:00:10Z');
    for (const run of await reporter.service.reporting.tick()) ids[`${run.scheduleId}-jan2`] = run.reportId as string;
  });
  afterAll(async () => {
    await reporter?.close();
    await db?.drop();
    await upstreams?.close();
  });

  it("stores each report with its expiry: slot + the schedule's retention", async () => {
    expect(Object.keys(ids).sort()).toEqual([
      'annual-jan1',
      'daily-jan1',
      'daily-jan2',
      'monthly-jan1',
      'quarterly-jan1',
    ]);
    const { rows } = await db.pool().query<{ id: string; expires_at: Date }>('SELECT id, expires_at FROM reports');
    const expiry = Object.fromEntries(rows.map((r) => [r.id, r.expires_at.toISOString()]));
    expect(expiry[ids['daily-jan1'] as string]).toBe('2026-04-01T06:00:00.000Z'); // 90 days
    expect(expiry[ids['daily-jan2'] as string]).toBe('2026-04-02T06:00:00.000Z');
    expect(expiry[ids['monthly-jan1'] as string]).toBe('2027-01-01T06:00:00.000Z'); // 1 year
    expect(expiry[ids['quarterly-jan1'] as string]).toBe('2033-01-01T06:00:00.000Z'); // 7 years
    expect(expiry[ids['annual-jan1'] as string]).toBe('2033-01-01T06:00:00.000Z');
  });

  it('keeps a daily report until the last millisecond of its 90 days, and deletes it at the boundary', async () => {
    expect(await sweepAt('2026-04-01T05:59:59.999Z')).toEqual([]);
    expect(await remaining()).toHaveLength(5);
    expect(await sweepAt('2026-04-01T06:00:00.000Z')).toEqual([ids['daily-jan1']]);
    for (const format of ['json', 'csv', 'pdf']) expect(await exists(ids['daily-jan1'] as string, format)).toBe(false);
    expect(await exists(ids['daily-jan2'] as string)).toBe(true);
    expect(await remaining()).not.toContain(ids['daily-jan1']);
    expect(await remaining()).toHaveLength(4);
  });

  it('a year later: the second daily and the monthly go, the 7-year reports stay', async () => {
    expect(await sweepAt('2027-01-01T05:59:59.999Z')).toEqual([ids['daily-jan2']]);
    expect(await sweepAt('2027-01-01T06:00:00.000Z')).toEqual([ids['monthly-jan1']]);
    expect(await exists(ids['monthly-jan1'] as string)).toBe(false);
    expect((await remaining()).sort()).toEqual([ids['annual-jan1'], ids['quarterly-jan1']].sort());
    expect(await exists(ids['annual-jan1'] as string)).toBe(true);
  });

  it('seven years on, the quarterly and annual reports go at their boundary', async () => {
    expect(await sweepAt('2033-01-01T05:59:59.999Z')).toEqual([]);
    expect(await sweepAt('2033-01-01T06:00:00.000Z')).toEqual([ids['annual-jan1'], ids['quarterly-jan1']].sort());
    expect(await remaining()).toEqual([]);
  });

  it('counts the swept files and reports in /metrics', async () => {
    const text = await await reporter.service.metrics.registry.metrics();
    expect(text).toMatch(/^report_files_swept_total\{[^}]*\} 15$/m);
    expect(text).toMatch(/^reports_swept_total\{[^}]*\} 5$/m);
  });
});
