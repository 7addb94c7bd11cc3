// The renderings' safety and shape: CSV cells quoted and formula-neutralised, HTML escaped
// (an upstream's error text cannot inject markup into the PDF), the trend chart drawn.
import { describe, expect, it } from 'vitest';
import { csvCell, escapeHtml, formatInstant, type ReportDocument, renderCsv, renderHtml, trendSvg } from './render.ts';

const doc = (overrides: Partial<ReportDocument> = {}): ReportDocument => ({
  id: '00000000-0000-4000-8000-000000000001',
  title: 'Azora OS compliance report — Daily',
  kind: 'scheduled',
  schedule: { id: 'daily', name: 'Daily', cron: '0 6 * * *', timeZone: 'UTC' },
  scheduledFor: '2026-12-07T06:00:00.000Z',
  generatedAt: '2026-12-07T06:00:02.000Z',
  timeZone: 'UTC',
  status: 'partial',
  upstreamErrors: [{ service: 'sox-compliance', failure: 'bad_status', message: 'sox-compliance answered <b>500</b>' }],
  regimes: [
    {
      service: 'gdpr-compliance',
      regime: 'gdpr',
      reachable: true,
      summary: {
        regime: 'gdpr',
        name: 'GDPR (EU)',
        at: '2026-12-07T06:00:00.000Z',
        requests: { open: 3, overdue: 1 },
        breaches: { open: 1, closed: 2 },
        notifications: { pending: 1, missed: 0, nearestDeadline: '2026-12-09T10:00:00.000Z' },
        score: 71,
      },
    },
    { service: 'sox-compliance', regime: 'sox', reachable: false, error: '=HYPERLINK("x"), "quoted"' },
  ],
  dashboard: { reachable: false, error: 'compliance-dashboard did not answer within 5000 ms' },
  trend: [
    { at: '2026-12-05T06:00:00.000Z', scores: { 'gdpr-compliance': 60, 'sox-compliance': 90 } },
    { at: '2026-12-06T06:00:00.000Z', scores: { 'gdpr-compliance': 65, 'sox-compliance': null } },
    { at: '2026-12-07T06:00:00.000Z', scores: { 'gdpr-compliance': 71, 'sox-compliance': null } },
  ],
  ...overrides,
});

describe('renderings', () => {
  it('CSV: one row per regime, quoted where needed, spreadsheet formulas neutralised', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-5')).toBe('-5');
    expect(csvCell(null)).toBe('');
    const lines = renderCsv(doc()).split('\r\n');
    expect(lines[1]).toBe('gdpr-compliance,gdpr,GDPR (EU),true,71,3,1,3,1,0,2026-12-09T10:00:00.000Z,');
    expect(lines[2]).toBe(`sox-compliance,sox,,false,,,,,,,,"'=HYPERLINK(""x""), ""quoted"""`);
    expect(lines[3]).toBe('');
  });

  it('HTML: upstream text is escaped, failures are shown, and nothing is loaded from elsewhere', () => {
    const html = renderHtml(doc());
    expect(html).toContain('sox-compliance answered &lt;b&gt;500&lt;/b&gt;');
    expect(html).not.toContain('<b>500</b>');
    expect(html).toContain(
      'The compliance dashboard did not answer: compliance-dashboard did not answer within 5000 ms',
    );
    expect(html).toContain('Scheduled for 2026-12-07 06:00 (UTC)');
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });

  it('the trend chart draws a line per regime over the reports, skipping gaps, with its legend', () => {
    const svg = trendSvg(doc().trend, 'UTC');
    expect(svg.match(/<polyline/g)).toHaveLength(1); // gdpr: three points; sox: one
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('>gdpr-compliance</text>');
    expect(svg).toContain('>sox-compliance</text>');
    expect(svg).toContain('>2026-12-05</text>');
    // A regime unreachable in the middle report: two points, no line across the gap.
    const gap = trendSvg(
      [
        { at: '2026-12-05T06:00:00.000Z', scores: { a: 10 } },
        { at: '2026-12-06T06:00:00.000Z', scores: { a: null } },
        { at: '2026-12-07T06:00:00.000Z', scores: { a: 30 } },
      ],
      'UTC',
    );
    expect(gap.match(/<circle/g)).toHaveLength(2);
    expect(gap).not.toContain('<polyline');
    // Higher scores sit higher: y of 71 is above y of 60.
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)" r="3" fill="#1f77b4"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(3);
    expect(ys[2]).toBeLessThan(ys[0] as number);
  });

  it("dates are shown in the report's time zone", () => {
    expect(formatInstant('2026-12-07T06:00:00.000Z', 'Europe/Berlin')).toBe('2026-12-07 07:00 (Europe/Berlin)');
    expect(formatInstant('2026-07-01T04:00:00.000Z', 'America/New_York')).toBe('2026-07-01 00:00 (America/New_York)');
  });
});
