// The HTTP API: on-demand reports and their downloads, schedules and their validation,
// roles, bad input as problem+json, and the metrics — against real upstreams.
import { execFile } from 'node:child_process';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  createTestDatabase,
  type Reporter,
  startReporter,
  startUpstreams,
  type Upstreams,
} from './testing/harness.ts';

const API = '/api/automated-reporting';

describe('automated-reporting API', () => {
  let upstreams: Upstreams;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let reporter: Reporter;
  const app = () => request(reporter.service.app);
  let report: { id: string; formats: Record<string, { bytes: number; sha256: string; url: string }> };

  beforeAll(async () => {
    upstreams = await startUpstreams(new Date('2026-12-07T10:15:00Z'));
    db = await createTestDatabase('reporting_api');
    reporter = await startReporter({ db, urls: upstreams.urls, clock: upstreams.clock, timeZone: 'Europe/Berlin' });
  });
  afterAll(async () => {
    await reporter?.close();
    await db?.drop();
    await upstreams?.close();
  });

  it('generates a report on demand for the regimes asked for (operator), and says who asked', async () => {
    const res = await app()
      .post(`${API}/reports`)
      .set(as('operator'))
      .send({ regimes: ['gdpr', 'sox-compliance'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    report = res.body;
    expect(res.headers.location).toBe(`${API}/reports/${report.id}`);
    expect(res.body).toMatchObject({
      kind: 'on-demand',
      schedule: null,
      scheduledFor: null,
      generatedAt: '2026-12-07T10:15:00.000Z',
      requestedBy: 'operator-1',
      status: 'partial',
      regimes: ['gdpr-compliance', 'sox-compliance'],
      upstreamErrors: [{ service: 'sox-compliance', failure: 'unreachable' }],
      expiresAt: '2027-03-07T10:15:00.000Z', // 90 days
    });
    for (const format of ['json', 'csv', 'pdf']) {
      expect(res.body.formats[format]).toMatchObject({
        bytes: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        url: `${API}/reports/${report.id}/report.${format}`,
      });
    }
  });

  it('serves the three files with their type, name and checksum (auditor)', async () => {
    const json = await app()
      .get(report.formats.json?.url as string)
      .set(as('auditor'));
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers['content-disposition']).toBe('attachment; filename="azora-report-on-demand-2026-12-07.json"');
    expect(json.headers['x-content-sha256']).toBe(report.formats.json?.sha256);
    const doc = JSON.parse(json.text);
    expect(doc.timeZone).toBe('Europe/Berlin');
    expect(doc.regimes.map((r: { service: string; reachable: boolean }) => [r.service, r.reachable])).toEqual([
      ['gdpr-compliance', true],
      ['sox-compliance', false],
    ]);
    expect(doc.dashboard).toMatchObject({ reachable: true, overview: { status: 'degraded' } });

    const csv = await app()
      .get(report.formats.csv?.url as string)
      .set(as('auditor'));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'service,regime,name,reachable,score,requests_open,requests_overdue,breaches_total,notifications_pending,notifications_missed,nearest_notification_deadline,error',
    );
    expect(lines[1]).toMatch(/^gdpr-compliance,gdpr,GDPR \(EU\),true,\d+,\d+,\d+,\d+,\d+,\d+,/);
    expect(lines[2]).toMatch(/^sox-compliance,sox,,false,,,,,,,,sox-compliance is unreachable at http:/);

    const pdf = await app()
      .get(report.formats.pdf?.url as string)
      .set(as('dpo'))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((pdf.body as Buffer).length).toBe(report.formats.pdf?.bytes);
    const file = join(tmpdir(), `report-${report.id}.pdf`);
    await writeFile(file, pdf.body as Buffer);
    const { stdout } = await promisify(execFile)('pdftotext', ['-layout', file, '-']).finally(() => rm(file));
    expect(stdout).toContain('Azora OS compliance report — On demand');
    expect(stdout).toContain('Generated on demand 2026-12-07 11:15 (Europe/Berlin)');
    expect(stdout).toContain('sox-compliance (unreachable)');
  });

  it('lists reports newest first and shows one', async () => {
    const list = await app().get(`${API}/reports`).set(as('auditor'));
    expect(list.status).toBe(200);
    expect(list.body.reports.map((r: { id: string }) => r.id)).toEqual([report.id]);
    expect(list.body.next).toBeNull();
    const one = await app().get(`${API}/reports/${report.id}`).set(as('auditor'));
    expect(one.body.id).toBe(report.id);
    expect((await app().get(`${API}/reports?kind=scheduled`).set(as('auditor'))).body.reports).toEqual([]);
  });

  it('generates on demand under a schedule: its retention applies', async () => {
    const res = await app()
      .post(`${API}/reports`)
      .set(as('dpo'))
      .send({ schedule: 'annual', regimes: ['hipaa'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ schedule: 'annual', kind: 'on-demand', status: 'complete', upstreamErrors: [] });
    expect(res.body.expiresAt).toBe('2033-12-07T10:15:00.000Z');
  });

  it('refuses callers without the role: 401 without a key, 403 for an auditor generating', async () => {
    expect((await app().post(`${API}/reports`).send({})).status).toBe(401);
    const res = await app().post(`${API}/reports`).set(as('auditor')).send({});
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await app().get(`${API}/reports`)).status).toBe(401);
    // The console asks who it is before it offers Generate and Edit.
    expect((await app().get(`${API}/me`).set(as('auditor'))).body).toMatchObject({ roles: ['auditor'] });
    expect((await app().put(`${API}/schedules/daily`).set(as('operator')).send({ enabled: false })).status).toBe(403);
  });

  it('answers bad input with 4xx problem+json that names the problem', async () => {
    const cases: [request.Test, number, RegExp][] = [
      [
        app()
          .post(`${API}/reports`)
          .set(as('dpo'))
          .send({ regimes: ['gdpr', 'klingon'] }),
        400,
        /unknown regime "klingon"/,
      ],
      [app().post(`${API}/reports`).set(as('dpo')).send({ schedule: 'hourly' }), 400, /unknown schedule "hourly"/],
      [app().post(`${API}/reports`).set(as('dpo')).send({ format: 'pdf' }), 400, /invalid body/],
      [
        app().post(`${API}/reports`).set(as('dpo')).set('content-type', 'application/json').send('{"regimes":'),
        400,
        /./,
      ],
      [app().get(`${API}/reports/not-a-uuid`).set(as('dpo')), 400, /must be a report id/],
      [app().get(`${API}/reports/6f1c1d2e-0000-4000-8000-000000000000`).set(as('dpo')), 404, /no report/],
      [app().get(`${API}/reports/${report.id}/report.docx`).set(as('dpo')), 400, /must be json, csv or pdf/],
      [app().get(`${API}/reports?limit=5000`).set(as('dpo')), 400, /limit/],
      [
        app().put(`${API}/schedules/daily`).set(as('dpo')).send({ cron: '61 6 * * *' }),
        400,
        /got value 61 expected range 0-59/,
      ],
      [app().put(`${API}/schedules/daily`).set(as('dpo')).send({ cron: '0 6 * *' }), 400, /5 fields .* has 4/],
      [app().put(`${API}/schedules/daily`).set(as('dpo')).send({ cron: '0 6 31 2 *' }), 400, /day of month/],
      [
        app().put(`${API}/schedules/daily`).set(as('dpo')).send({ timeZone: 'Mars/Olympus' }),
        400,
        /unknown time zone "Mars\/Olympus"/,
      ],
      [app().put(`${API}/schedules/daily`).set(as('dpo')).send({}), 400, /at least one of cron, enabled, timeZone/],
      [app().put(`${API}/schedules/hourly`).set(as('dpo')).send({ enabled: true }), 404, /no schedule "hourly"/],
    ];
    for (const [i, [pending, status, detail]] of cases.entries()) {
      const res = await pending;
      expect(res.status, `case ${i}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('lists the seeded schedules with their next run in their time zone', async () => {
    const res = await app().get(`${API}/schedules`).set(as('auditor'));
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.schedules.map((s: { id: string }) => [s.id, s]));
    expect(res.body.schedules.map((s: { id: string }) => s.id)).toEqual([
      'daily',
      'weekly',
      'monthly',
      'quarterly',
      'annual',
    ]);
    expect(byId.daily).toMatchObject({
      cron: '0 6 * * *',
      timeZone: 'Europe/Berlin',
      enabled: true,
      retention: '90 days',
      nextRunAt: '2026-12-08T05:00:00.000Z', // 06:00 in Berlin (UTC+1)
      lastRun: null,
    });
    expect(byId.weekly).toMatchObject({
      cron: '0 9 * * 1',
      nextRunAt: '2026-12-14T08:00:00.000Z',
      retention: '1 year',
    });
    expect(byId.monthly).toMatchObject({ nextRunAt: '2027-01-01T05:00:00.000Z', retention: '1 year' });
    expect(byId.quarterly).toMatchObject({ nextRunAt: '2027-01-01T05:00:00.000Z', retention: '7 years' });
    expect(byId.annual).toMatchObject({ nextRunAt: '2027-01-01T05:00:00.000Z', retention: '7 years' });
  });

  it('changes a schedule (dpo): a new cron and zone run from the next slot, not a past one', async () => {
    const res = await app()
      .put(`${API}/schedules/daily`)
      .set(as('dpo'))
      .send({ cron: '30 7 * * 1-5', timeZone: 'America/New_York' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      cron: '30 7 * * 1-5',
      timeZone: 'America/New_York',
      nextRunAt: '2026-12-07T12:30:00.000Z',
    });
    // 07:30 in New York today was 12:30 UTC, after now (10:15 UTC); the slot before (Friday's) predates the change.
    expect(await reporter.service.reporting.tick()).toEqual([]);
    upstreams.clock.now = new Date('2026-12-07T12:30:00Z');
    const ran = await reporter.service.reporting.tick();
    expect(ran).toEqual([
      expect.objectContaining({ scheduleId: 'daily', scheduledFor: new Date('2026-12-07T12:30:00Z') }),
    ]);
    const off = await app().put(`${API}/schedules/daily`).set(as('dpo')).send({ enabled: false });
    expect(off.body).toMatchObject({
      enabled: false,
      nextRunAt: null,
      lastRun: { status: 'done', reportId: ran[0]?.reportId },
    });
  });

  it('exposes its metrics: reports by schedule and outcome, durations, last success per schedule', async () => {
    const text = (await app().get('/metrics')).text;
    expect(text).toMatch(/^reports_generated_total\{[^}]*schedule="on-demand",outcome="partial"[^}]*\} 1$/m);
    expect(text).toMatch(/^reports_generated_total\{[^}]*schedule="annual",outcome="complete"[^}]*\} 1$/m);
    expect(text).toMatch(/^reports_generated_total\{[^}]*schedule="daily",outcome="partial"[^}]*\} 1$/m);
    expect(text).toMatch(/^report_generation_duration_seconds_count\{[^}]*schedule="on-demand"[^}]*\} 1$/m);
    expect(text).toMatch(
      new RegExp(
        `^report_last_success_timestamp_seconds\\{[^}]*schedule="daily"[^}]*\\} ${Date.parse('2026-12-07T12:30:00Z') / 1000}$`,
        'm',
      ),
    );
  });

  it('is ready with Postgres and Chromium, and says which upstreams are down', async () => {
    const res = await app().get('/health/ready');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toMatch(/degraded: not answering: .*sox-compliance/);
  });

  it('says so (410) when a file is missing from the reports volume, rather than failing', async () => {
    await unlink(join(reporter.reportsDir, report.id, 'report.csv'));
    const res = await app().get(`${API}/reports/${report.id}/report.csv`).set(as('auditor'));
    expect(res.status).toBe(410);
    expect(res.body.detail).toBe(`the csv file of report "${report.id}" is missing from the reports volume`);
  });
});
