// The Traces page's rules, apart from React: the search form checked as the service checks it,
// a refusal put beside its field, a trace's span tree as waterfall rows in the order they ran,
// where each bar sits, durations in words, and the service graph laid out in columns.
import type { ApiError, DependencyEdge, SpanNode, TraceSearch, TraceView } from './api.ts';
import { sentence } from './reports.ts';

/** Traces asked for per search. */
export const SEARCH_LIMIT = 50;
/** The longest minimum duration the service takes: a day. */
export const MAX_DURATION_MS = 86_400_000;

export const WINDOWS: readonly { minutes: number; label: string }[] = [
  { minutes: 15, label: 'the last 15 minutes' },
  { minutes: 60, label: 'the last hour' },
  { minutes: 360, label: 'the last 6 hours' },
  { minutes: 1440, label: 'the last 24 hours' },
  { minutes: 10_080, label: 'the last 7 days' },
];
/** Windows of the per-service stats (the service keeps 6 hours of them at most). */
export const STATS_WINDOWS: readonly { minutes: number; label: string }[] = [
  { minutes: 5, label: '5 minutes' },
  { minutes: 15, label: '15 minutes' },
  { minutes: 60, label: 'hour' },
  { minutes: 360, label: '6 hours' },
];

export const windowLabel = (minutes: number) =>
  WINDOWS.find((w) => w.minutes === minutes)?.label ?? `the last ${minutes} minutes`;

/** The search form as typed. */
export interface SearchForm {
  service: string;
  minDuration: string;
  errorsOnly: boolean;
  sinceMinutes: number;
}
export type SearchField = 'service' | 'minDuration';
export type SearchErrors = Partial<Record<SearchField, string>>;

export const EMPTY_SEARCH: SearchForm = { service: '', minDuration: '', errorsOnly: false, sinceMinutes: 60 };

const SERVICE_NAME = /^[a-z0-9][a-z0-9._-]{0,199}$/;

/** What to ask the service for, or what to fix first, field by field. */
export function searchFrom(form: SearchForm): { ok: true; search: TraceSearch } | { ok: false; errors: SearchErrors } {
  const errors: SearchErrors = {};
  const service = form.service.trim();
  const typed = form.minDuration
    .trim()
    .replace(/\s*ms$/i, '')
    .replace(/[_,\s]/g, '');
  if (service && !SERVICE_NAME.test(service)) {
    errors.service = 'A service name is lower-case letters, digits, dots and dashes, e.g. ai-chatbot.';
  }
  let minDurationMs: number | undefined;
  if (typed) {
    const value = /^\d+(\.\d+)?$/.test(typed) ? Number(typed) : Number.NaN;
    if (!Number.isFinite(value)) errors.minDuration = 'Enter a number of milliseconds, 0 or more, e.g. 250.';
    else if (value > MAX_DURATION_MS) errors.minDuration = 'At most 86400000 ms (a day).';
    else minDurationMs = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    search: {
      ...(service ? { service } : {}),
      ...(minDurationMs !== undefined && minDurationMs > 0 ? { minDurationMs } : {}),
      ...(form.errorsOnly ? { error: true } : {}),
      sinceMinutes: form.sinceMinutes,
      limit: SEARCH_LIMIT,
    },
  };
}

/** A refused search, field by field (the service names the query parameter); `other`: show it as it is. */
export function searchErrors(error: Pick<ApiError, 'status' | 'errors'>): { fields: SearchErrors; other: boolean } {
  const fields: SearchErrors = {};
  for (const item of error.errors) {
    const field: SearchField | undefined =
      item.path === 'service' ? 'service' : item.path === 'minDurationMs' ? 'minDuration' : undefined;
    if (field && !fields[field]) fields[field] = sentence(item.message);
  }
  return { fields, other: Object.keys(fields).length === 0 };
}

/** What the results say above the list: "3 traces from ai-vision with errors, in the last hour." */
export function searchNotice(search: TraceSearch, found: number): string {
  const what = `${found === 0 ? 'No' : found} trace${found === 1 ? '' : 's'}${found >= search.limit ? ' (the newest)' : ''}`;
  const parts = [
    search.service ? ` through ${search.service}` : '',
    search.minDurationMs !== undefined ? ` taking ${formatMs(search.minDurationMs)} or more` : '',
    search.error ? ' with errors' : '',
  ];
  return `${what}${parts.join('')}, in ${windowLabel(search.sinceMinutes)}.`;
}

/** "0.42 ms", "48 ms", "1.21 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Number(ms.toFixed(2))} ms`;
  if (ms < 100) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

/** One row of the waterfall. */
export interface WaterfallRow {
  span: SpanNode;
  depth: number;
  /** Where the bar starts and how wide it is, in percent of the trace's duration. */
  left: number;
  width: number;
}

/** The narrowest bar drawn, in percent, so a span of no measurable time is still seen. */
export const MIN_BAR = 0.5;

/** Where a span's bar sits on a trace of `total` ms: [left, width] in percent, inside 0–100. */
export function barOf(offsetMs: number, durationMs: number, total: number): { left: number; width: number } {
  if (!(total > 0)) return { left: 0, width: 100 };
  const left = Math.min(100 - MIN_BAR, Math.max(0, (offsetMs / total) * 100));
  const width = Math.max(MIN_BAR, Math.min(100 - left, (Math.max(0, durationMs) / total) * 100));
  return { left: round(left), width: round(width) };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * The spans depth first, each parent before its children and siblings in the order they
 * started (as a waterfall reads, top to bottom). A span met twice (broken data) is shown once.
 */
export function waterfallRows(trace: Pick<TraceView, 'roots' | 'durationMs'>): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs;
  const visit = (span: SpanNode, depth: number) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({ span, depth, ...barOf(span.offsetMs, span.durationMs, trace.durationMs) });
    for (const child of [...span.children].sort(byStart)) visit(child, depth + 1);
  };
  for (const root of [...trace.roots].sort(byStart)) visit(root, 0);
  return rows;
}

export const KIND_LABELS: Record<string, string> = {
  server: 'Server',
  client: 'Client',
  internal: 'Internal',
  producer: 'Producer',
  consumer: 'Consumer',
  unspecified: 'Span',
};

/** An attribute's value as text. */
export const attributeText = (value: unknown): string =>
  typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);

/** "2 of 10 failed (20%)", "none of 12 failed". */
export function errorsInWords(errors: number, calls: number): string {
  if (errors === 0) return calls === 1 ? 'no errors' : `none of ${calls} failed`;
  return `${errors} of ${calls} failed (${percent(errors / calls)})`;
}

/** 0.0512 → "5.1%"; 0 → "0%". */
export function percent(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return '0%';
  const value = ratio * 100;
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))}%`;
}

/** Requests per second as people read it: "0.01/s", "12/s". */
export function rate(perSecond: number): string {
  if (!(perSecond > 0)) return '0/s';
  if (perSecond < 0.01) return '<0.01/s';
  return `${perSecond >= 10 ? Math.round(perSecond) : Number(perSecond.toFixed(2))}/s`;
}

/** The service graph laid out for a drawing: each service in a column after every service that calls it. */
export interface GraphLayout {
  columns: string[][];
  /** Column and row of each service. */
  at: Map<string, { column: number; row: number }>;
}

/**
 * Columns by the longest chain of callers above each service (callers left, callees right); a
 * service in a cycle stays where the chain first put it, so the layout always ends.
 */
export function graphLayout(nodes: readonly string[], edges: readonly Pick<DependencyEdge, 'caller' | 'callee'>[]) {
  const names = [...new Set([...nodes, ...edges.flatMap((e) => [e.caller, e.callee])])].sort();
  const column = new Map(names.map((name) => [name, 0]));
  // At most one pass per service: a longer chain than that is a cycle going round.
  for (let pass = 0; pass < names.length; pass++) {
    let moved = false;
    for (const { caller, callee } of edges) {
      if (caller === callee) continue;
      const next = (column.get(caller) ?? 0) + 1;
      if (next > (column.get(callee) ?? 0) && next < names.length) {
        column.set(callee, next);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const columns: string[][] = [];
  for (const name of names) {
    const c = column.get(name) ?? 0;
    columns[c] ??= [];
    columns[c].push(name);
  }
  const dense = columns.filter((list) => list !== undefined);
  const at = new Map<string, { column: number; row: number }>();
  dense.forEach((list, c) => {
    list.forEach((name, row) => {
      at.set(name, { column: c, row });
    });
  });
  return { columns: dense, at } satisfies GraphLayout;
}
