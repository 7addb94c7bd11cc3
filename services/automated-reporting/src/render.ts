// A report's three renderings from one snapshot: the JSON document (everything), a CSV of
// the regimes (one row each), and the HTML that Chromium prints to PDF — with the trend of
// each regime's score over the schedule's previous reports drawn as inline SVG (no script,
// no network: the page is self-contained).
import type { ReportRow, UpstreamFailureRecord } from './store.ts';
import type { DashboardOverview, RegimeEntry, Snapshot } from './upstreams.ts';

export interface TrendPoint {
  at: string;
  scores: Record<string, number | null>;
}

export interface ReportDocument {
  id: string;
  title: string;
  kind: ReportRow['kind'];
  schedule: { id: string; name: string; cron: string; timeZone: string } | null;
  scheduledFor: string | null;
  generatedAt: string;
  timeZone: string;
  status: ReportRow['status'];
  upstreamErrors: UpstreamFailureRecord[];
  regimes: RegimeEntry[];
  dashboard: Snapshot['dashboard'];
  /** Oldest first; the last point is this report. */
  trend: TrendPoint[];
}

export function scoresOf(regimes: readonly RegimeEntry[]): Record<string, number | null> {
  return Object.fromEntries(regimes.map((r) => [r.service, r.reachable ? r.summary.score : null]));
}

// ---- CSV ----------------------------------------------------------------------------

const CSV_COLUMNS = [
  'service',
  'regime',
  'name',
  'reachable',
  'score',
  'requests_open',
  'requests_overdue',
  'breaches_total',
  'notifications_pending',
  'notifications_missed',
  'nearest_notification_deadline',
  'error',
] as const;

/** A CSV cell: quoted when needed, and a leading = + - @ neutralised (spreadsheet formula injection). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(doc: ReportDocument): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of doc.regimes) {
    const s = entry.reachable ? entry.summary : undefined;
    const row = [
      entry.service,
      entry.regime,
      s?.name ?? '',
      entry.reachable,
      s?.score ?? '',
      s?.requests.open ?? '',
      s?.requests.overdue ?? '',
      s ? Object.values(s.breaches).reduce((sum, n) => sum + n, 0) : '',
      s?.notifications.pending ?? '',
      s?.notifications.missed ?? '',
      s?.notifications.nearestDeadline ?? '',
      entry.reachable ? '' : entry.error,
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

// ---- HTML ---------------------------------------------------------------------------

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `2026-12-07 06:00 (Europe/London)` */
export function formatInstant(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} (${timeZone})`;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** The trend chart: score (0–100) per regime over the reports, as SVG with its own labels. */
export function trendSvg(trend: readonly TrendPoint[], timeZone: string): string {
  const width = 720;
  const height = 280;
  const left = 44;
  const right = 170;
  const top = 16;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const services = [...new Set(trend.flatMap((p) => Object.keys(p.scores)))].sort();
  const x = (i: number) => left + (trend.length <= 1 ? plotW / 2 : (i * plotW) / (trend.length - 1));
  const y = (score: number) => top + plotH - (Math.max(0, Math.min(100, score)) / 100) * plotH;
  const parts: string[] = [];
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="10">${tick}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(trend.length / 6));
  trend.forEach((point, i) => {
    // Counted from the newest report, so it is always labelled and labels never crowd it.
    if ((trend.length - 1 - i) % labelEvery === 0) {
      const day = formatInstant(point.at, timeZone).slice(0, 10);
      parts.push(`<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle" font-size="10">${day}</text>`);
    }
  });
  services.forEach((service, s) => {
    const colour = PALETTE[s % PALETTE.length];
    const points = trend
      .map((p, i) => ({ i, score: p.scores[service] }))
      .filter((p): p is { i: number; score: number } => typeof p.score === 'number');
    // A line through consecutive reports only: a report where the regime was unreachable is a gap.
    const segments: (typeof points)[] = [];
    for (const point of points) {
      const last = segments.at(-1);
      if (last && last.at(-1)?.i === point.i - 1) last.push(point);
      else segments.push([point]);
    }
    for (const segment of segments.filter((s) => s.length > 1)) {
      const d = segment.map((p) => `${x(p.i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${d}"/>`);
    }
    for (const p of points) {
      parts.push(`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="3" fill="${colour}"/>`);
    }
    const ly = top + 12 + s * 16;
    parts.push(
      `<rect x="${left + plotW + 14}" y="${ly - 8}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${left + plotW + 30}" y="${ly}" font-size="11">${escapeHtml(service)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Score trend">
<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>
${parts.join('\n')}
</svg>`;
}

function regimesTable(doc: ReportDocument): string {
  const rows = doc.regimes.map((entry) => {
    if (!entry.reachable) {
      return `<tr class="down"><td>${escapeHtml(entry.service)}</td><td colspan="6">unreachable: ${escapeHtml(entry.error)}</td></tr>`;
    }
    const s = entry.summary;
    const breaches = Object.entries(s.breaches)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => `${escapeHtml(state)} ${n}`)
      .join(', ');
    return `<tr><td>${escapeHtml(s.name)}<br><small>${escapeHtml(entry.service)}</small></td><td class="n">${s.score}</td>
<td class="n">${s.requests.open}</td><td class="n">${s.requests.overdue}</td><td>${breaches || 'none'}</td>
<td class="n">${s.notifications.pending} pending, ${s.notifications.missed} missed</td>
<td>${s.notifications.nearestDeadline ? escapeHtml(formatInstant(s.notifications.nearestDeadline, doc.timeZone)) : '—'}</td></tr>`;
  });
  return `<table><thead><tr><th>Regime</th><th>Score</th><th>Open requests</th><th>Overdue</th><th>Breaches</th>
<th>Notifications</th><th>Next notification deadline</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function dashboardSection(doc: ReportDocument): string {
  if (!doc.dashboard.reachable) {
    return `<h2>Dashboard</h2><p class="error">The compliance dashboard did not answer: ${escapeHtml(doc.dashboard.error)}</p>`;
  }
  const o: DashboardOverview = doc.dashboard.overview;
  const failing = o.regimes.flatMap((r) =>
    r.reachable ? r.failingControls.map((c) => `<li>${escapeHtml(r.name)}: ${escapeHtml(c.title)}</li>`) : [],
  );
  const deadlines = o.deadlines
    .slice(0, 10)
    .map(
      (d) =>
        `<li>${escapeHtml(formatInstant(d.dueAt, doc.timeZone))} — ${escapeHtml(d.regime)}: ${escapeHtml(d.label)}</li>`,
    );
  const alerts = o.alerts.map(
    (a) =>
      `<li>${escapeHtml(a.service)}: ${escapeHtml(a.message)} (since ${escapeHtml(formatInstant(a.since, doc.timeZone))})</li>`,
  );
  const iot = o.iot.reachable
    ? `${o.iot.devices.total} devices (${o.iot.devices.online} online, ${o.iot.devices.offline} offline), ${o.iot.findings.open} open findings`
    : `unreachable: ${escapeHtml(o.iot.error)}`;
  const list = (items: string[], none: string) => (items.length ? `<ul>${items.join('')}</ul>` : `<p>${none}</p>`);
  return `<h2>Dashboard</h2>
<p>Overall status: <strong>${escapeHtml(o.status)}</strong> (as of ${escapeHtml(formatInstant(o.generatedAt, doc.timeZone))})</p>
<h3>Failing controls</h3>${list(failing, 'No failing controls.')}
<h3>Upcoming deadlines</h3>${list(deadlines, 'No open deadlines.')}
<h3>Open alerts</h3>${list(alerts, 'No open alerts.')}
<h3>IoT</h3><p>${iot}</p>`;
}

function trendTable(doc: ReportDocument): string {
  const services = [...new Set(doc.trend.flatMap((p) => Object.keys(p.scores)))].sort();
  const head = services.map((s) => `<th>${escapeHtml(s.replace(/-compliance$/, ''))}</th>`).join('');
  const rows = doc.trend.map(
    (p) =>
      `<tr><td>${escapeHtml(formatInstant(p.at, doc.timeZone).slice(0, 16))}</td>${services
        .map((s) => `<td class="n">${p.scores[s] ?? '—'}</td>`)
        .join('')}</tr>`,
  );
  return `<table class="trend"><thead><tr><th>Report</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHtml(doc: ReportDocument): string {
  const errors = doc.upstreamErrors.length
    ? `<ul class="error">${doc.upstreamErrors
        .map(
          (e) =>
            `<li><strong>${escapeHtml(e.service)}</strong> (${escapeHtml(e.failure)}): ${escapeHtml(e.message)}</li>`,
        )
        .join('')}</ul>`
    : '<p>Every upstream answered.</p>';
  const when = doc.scheduledFor
    ? `Scheduled for ${escapeHtml(formatInstant(doc.scheduledFor, doc.timeZone))}; generated ${escapeHtml(formatInstant(doc.generatedAt, doc.timeZone))}`
    : `Generated on demand ${escapeHtml(formatInstant(doc.generatedAt, doc.timeZone))}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(doc.title)}</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11px; color: #222; margin: 0; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #ccc; }
h3 { font-size: 12px; margin: 10px 0 4px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; overflow-wrap: anywhere; }
svg { width: 100%; height: auto; }
table.trend th:first-child { width: 9em; } table.trend td:first-child { white-space: nowrap; } th, td { border: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }
td.n { text-align: right; } tr.down td { color: #a00; } .error { color: #a00; } .meta { color: #555; }
</style></head>
<body>
<h1>${escapeHtml(doc.title)}</h1>
<p class="meta">${when}. Report ${escapeHtml(doc.id)}. Status: ${escapeHtml(doc.status)}.</p>
<h2>Upstream errors</h2>${errors}
<h2>Regimes</h2>${regimesTable(doc)}
<h2>Score trend</h2>${trendSvg(doc.trend, doc.timeZone)}
${trendTable(doc)}
${dashboardSection(doc)}
</body></html>`;
}
