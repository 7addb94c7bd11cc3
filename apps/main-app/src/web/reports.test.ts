// The Reports page's rules: a schedule edit sends only what changed, a refusal lands beside
// its field, controls by role, a partial report's failures in words, paging without
// duplicates, and the name a download is saved under.
import { describe, expect, it } from 'vitest';
import type { Report } from './api.ts';
import {
  appendPage,
  fallbackFilename,
  filenameFrom,
  formatBytes,
  generatedNotice,
  mayEditSchedules,
  mayGenerate,
  regimesInWords,
  reportControls,
  scheduleChange,
  scheduleErrors,
  upstreamName,
} from './reports.ts';

const DAILY = { cron: '0 6 * * *', timeZone: 'UTC', enabled: true };

describe('scheduleChange', () => {
  it('sends only the fields that changed, the cron expression tidied', () => {
    expect(scheduleChange(DAILY, { cron: '  30   7 * * 1-5 ', timeZone: 'UTC', enabled: true })).toEqual({
      ok: true,
      change: { cron: '30 7 * * 1-5' },
    });
    expect(scheduleChange(DAILY, { cron: '0 6 * * *', timeZone: 'Africa/Johannesburg', enabled: false })).toEqual({
      ok: true,
      change: { timeZone: 'Africa/Johannesburg', enabled: false },
    });
  });

  it('sends nothing when nothing changed', () => {
    expect(scheduleChange(DAILY, { cron: ' 0  6 * * * ', timeZone: ' UTC', enabled: true })).toEqual({
      ok: true,
      change: null,
    });
  });

  it('asks for a cron expression and a time zone when they are left empty', () => {
    const result = scheduleChange(DAILY, { cron: '  ', timeZone: '', enabled: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.cron).toMatch(/five fields/);
    expect(result.errors.timeZone).toMatch(/time zone/);
  });
});

describe('scheduleErrors', () => {
  const refusal = (status: number, message: string, errors: { path: string; message: string }[] = []) => ({
    status,
    message,
    errors,
  });

  it('puts the service’s cron and time zone messages beside their fields', () => {
    expect(
      scheduleErrors(
        refusal(400, 'invalid cron expression "0 25 * * *": Constraint error, got value 25 expected range 0-23'),
      ),
    ).toEqual({
      fields: { cron: 'Invalid cron expression "0 25 * * *": Constraint error, got value 25 expected range 0-23' },
      other: false,
    });
    expect(
      scheduleErrors(
        refusal(400, 'a cron expression has 5 fields (minute, hour, day of month, month, day of week); "x" has 1'),
      ).fields.cron,
    ).toMatch(/^A cron expression has 5 fields/);
    expect(
      scheduleErrors(refusal(400, 'unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London or UTC)')),
    ).toEqual({
      fields: { timeZone: 'Unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London or UTC)' },
      other: false,
    });
  });

  it('uses the per-field errors of a body of the wrong shape', () => {
    expect(
      scheduleErrors(
        refusal(400, 'invalid body: cron: Too big', [
          { path: 'cron', message: 'too big: expected string to have <=200 characters' },
          { path: 'cron', message: 'second' },
          { path: 'enabled', message: 'expected boolean' },
        ]),
      ),
    ).toEqual({
      fields: { cron: 'Too big: expected string to have <=200 characters', enabled: 'Expected boolean' },
      other: false,
    });
  });

  it('leaves anything else for the whole form', () => {
    expect(scheduleErrors(refusal(404, 'no schedule "hourly"'))).toEqual({ fields: {}, other: true });
    expect(scheduleErrors(refusal(400, 'send at least one of cron, enabled, timeZone')).other).toBe(true);
    expect(scheduleErrors(refusal(503, 'the database (Postgres) is unavailable; retry shortly'))).toEqual({
      fields: {},
      other: true,
    });
    expect(scheduleErrors(refusal(400, 'something else'))).toEqual({ fields: {}, other: true });
  });
});

describe('who is offered what', () => {
  it('offers generating to a dpo or operator, editing to a dpo, and both when the service could not say the roles', () => {
    expect(mayGenerate(['operator'])).toBe(true);
    expect(mayGenerate(['dpo'])).toBe(true);
    expect(mayGenerate(['auditor'])).toBe(false);
    expect(mayGenerate([])).toBe(false);
    expect(mayGenerate(null)).toBe(true);
    expect(mayEditSchedules(['dpo'])).toBe(true);
    expect(mayEditSchedules(['operator', 'auditor'])).toBe(false);
    expect(mayEditSchedules(null)).toBe(true);
  });

  const none = { generate: false, edit: false };
  it('offers an auditor nothing, an operator generating, a dpo both, by what the service answered', () => {
    expect(reportControls(['auditor'], none)).toEqual({ generate: false, edit: false });
    expect(reportControls([], none)).toEqual({ generate: false, edit: false });
    expect(reportControls(['operator'], none)).toEqual({ generate: true, edit: false });
    expect(reportControls(['dpo'], none)).toEqual({ generate: true, edit: true });
    expect(reportControls(['auditor', 'dpo'], none)).toEqual({ generate: true, edit: true });
  });

  it('offers both when the service could not say, and takes away what it then refuses', () => {
    expect(reportControls(null, none)).toEqual({ generate: true, edit: true });
    // Refused an edit: still a dpo or an operator, so still generating.
    expect(reportControls(null, { generate: false, edit: true })).toEqual({ generate: true, edit: false });
    // Refused generating: neither dpo nor operator, so no editing either.
    expect(reportControls(null, { generate: true, edit: false })).toEqual({ generate: false, edit: false });
    // A dpo whose role has gone since the service said so.
    expect(reportControls(['dpo'], { generate: true, edit: false })).toEqual({ generate: false, edit: false });
  });
});

describe('a report in words', () => {
  it('names the services as people know them', () => {
    expect(upstreamName('gdpr-compliance')).toBe('GDPR (gdpr-compliance)');
    expect(upstreamName('south-african-compliance')).toBe('POPIA (south-african-compliance)');
    expect(upstreamName('compliance-dashboard')).toBe('the compliance dashboard');
    expect(upstreamName('something-new')).toBe('something-new');
  });

  it('says which regimes a report covered', () => {
    const all = [
      'gdpr-compliance',
      'hipaa-compliance',
      'sox-compliance',
      'ccpa-compliance',
      'pipeda-compliance',
      'lgpd-compliance',
      'south-african-compliance',
    ];
    expect(regimesInWords(all)).toBe('all 7');
    expect(regimesInWords(['lgpd-compliance', 'hipaa-compliance'])).toBe('LGPD, HIPAA');
  });

  it('announces a complete report, and a partial one with who did not answer, each once', () => {
    expect(generatedNotice({ status: 'complete', upstreamErrors: [] })).toBe('Report generated: complete.');
    expect(
      generatedNotice({
        status: 'partial',
        upstreamErrors: [
          { service: 'ccpa-compliance', failure: 'unreachable', message: 'ccpa-compliance unreachable' },
          { service: 'compliance-dashboard', failure: 'timeout', message: 'timed out' },
          { service: 'gdpr-compliance', failure: 'unreachable', message: 'gdpr-compliance unreachable' },
          { service: 'gdpr-compliance', failure: 'bad_body', message: 'again' },
        ],
      }),
    ).toBe(
      'Report generated, partial: CCPA (ccpa-compliance), the compliance dashboard and GDPR (gdpr-compliance) did not answer.',
    );
  });
});

describe('appendPage', () => {
  it('adds the next page after what is shown, leaving out reports already there', () => {
    const r = (id: string) => ({ id }) as Report;
    expect(appendPage([r('c'), r('b')], [r('b'), r('a')]).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    expect(appendPage([], []).length).toBe(0);
  });
});

describe('file names', () => {
  it('reads the name from content-disposition, the UTF-8 form first, never with a folder', () => {
    expect(filenameFrom('attachment; filename="azora-report-daily-2026-12-07.pdf"')).toBe(
      'azora-report-daily-2026-12-07.pdf',
    );
    expect(filenameFrom('attachment; filename=report.csv')).toBe('report.csv');
    expect(filenameFrom(`attachment; filename="fallback.pdf"; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf`)).toBe(
      'rapport été.pdf',
    );
    expect(filenameFrom('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFrom('attachment; filename="a\\"b.pdf"')).toBe('a"b.pdf');
  });

  it('has no name when the header has none', () => {
    expect(filenameFrom(null)).toBeNull();
    expect(filenameFrom('attachment')).toBeNull();
    expect(filenameFrom('attachment; filename=".."')).toBeNull();
  });

  it('names a file as the service does when its header cannot be read', () => {
    expect(
      fallbackFilename(
        { schedule: 'weekly', scheduledFor: '2026-12-07T09:00:00.000Z', generatedAt: '2026-12-07T09:00:03.000Z' },
        'pdf',
      ),
    ).toBe('azora-report-weekly-2026-12-07.pdf');
    expect(
      fallbackFilename({ schedule: null, scheduledFor: null, generatedAt: '2026-12-08T10:00:00.000Z' }, 'csv'),
    ).toBe('azora-report-on-demand-2026-12-08.csv');
  });

  it('gives sizes in bytes, kB and MB', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
  });
});
