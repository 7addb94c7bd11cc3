import { stripVTControlCharacters } from 'node:util';
import { paint, type Style } from './output.ts';

export type ServiceStatus = 'ready' | 'failed' | 'not in repo yet' | 'stopped';

export interface ServiceRow {
  name: string;
  /** Where the service listens; absent when it is not in the repo. */
  url?: string;
  status: ServiceStatus;
  /** Time from start to its first 200 on the readiness path. */
  readyMs?: number;
  /** Why it failed, e.g. `port 3011 is in use by another process`. */
  detail?: string;
}

/** Also the order of the counts below the table. */
const STATUS_STYLE: Record<ServiceStatus, Style> = {
  ready: 'green',
  failed: 'red',
  stopped: 'yellow',
  'not in repo yet': 'gray',
};

/** `850 ms`, `1.2 s`, `45 s`, `1 min`, `1 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Columns padded on their plain text, so colours never skew the alignment. */
function renderColumns(lines: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const cells of lines) {
    cells.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, stripVTControlCharacters(cell).length);
    });
  }
  return lines.map((cells) =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - stripVTControlCharacters(cell).length),
      )
      .join('  ')
      .trimEnd(),
  );
}

/** The table printed once every service is ready or failed, with a count per status below it. */
export function renderTable(rows: readonly ServiceRow[]): string {
  const header = ['service', 'url', 'status', 'ready in', ''].map((title) => paint('bold', title));
  const body = rows.map((row) => [
    row.name,
    row.url ?? '—',
    paint(STATUS_STYLE[row.status], row.status),
    row.readyMs === undefined ? '' : formatDuration(row.readyMs),
    row.detail ?? '',
  ]);
  const summary = (Object.keys(STATUS_STYLE) as ServiceStatus[])
    .map((status) => [status, rows.filter((row) => row.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => paint(STATUS_STYLE[status], `${count} ${status}`))
    .join(', ');
  return `${renderColumns([header, ...body])
    .map((line) => `  ${line}`)
    .join('\n')}\n\n  ${summary}\n`;
}
