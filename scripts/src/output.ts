import { relative } from 'node:path';
import { styleText } from 'node:util';

/** A `util.styleText` format; colours are dropped when stdout is not a terminal or NO_COLOR is set. */
export type Style = Parameters<typeof styleText>[0];

export function paint(style: Style, text: string): string {
  return styleText(style, text);
}

/** `path` relative to the working directory when inside it (`pnpm dev` runs at the repo root). */
export function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' || fromHere.startsWith('..') ? path : fromHere;
}

const PALETTE: readonly Style[] = [
  'cyan',
  'magenta',
  'yellow',
  'green',
  'blue',
  'cyanBright',
  'magentaBright',
  'yellowBright',
  'greenBright',
  'blueBright',
];

/** The prefix colour of the `index`-th service. */
export function serviceColour(index: number): Style {
  return PALETTE[index % PALETTE.length] ?? 'cyan';
}

const LEVEL_LABELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const LEVEL_STYLES: Record<string, Style> = {
  trace: 'gray',
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
  fatal: ['bgRed', 'white'],
};

/** Shown in their own way (level, message, request summary, error) or not at all (noise in a terminal). */
const NOT_AS_FIELDS = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'service',
  'req',
  'res',
  'responseTime',
  'err',
]);

interface PinoRecord {
  /** A number by default, the label when the logger formats levels as labels. */
  level: number | string;
  msg: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { type?: string; message?: string };
  [field: string]: unknown;
}

function isPinoRecord(value: unknown): value is PinoRecord {
  const record = value as PinoRecord | null;
  return (typeof record?.level === 'number' || typeof record?.level === 'string') && typeof record.msg === 'string';
}

/**
 * A pino JSON line rendered compactly — `info  request completed GET /x → 200 3 ms` —
 * with its other plain fields as `key=value`. Any other line is returned unchanged.
 */
export function renderLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (!isPinoRecord(record)) return line;
  const label = typeof record.level === 'number' ? (LEVEL_LABELS[record.level] ?? String(record.level)) : record.level;
  const parts = [paint(LEVEL_STYLES[label] ?? 'white', label.padEnd(5)), record.msg];
  if (record.req?.method) {
    const time = typeof record.responseTime === 'number' ? ` ${record.responseTime} ms` : '';
    parts.push(`${record.req.method} ${record.req.url ?? ''} → ${record.res?.statusCode ?? '…'}${time}`);
  }
  if (record.err?.message) parts.push(paint('red', `${record.err.type ?? 'Error'}: ${record.err.message}`));
  for (const [key, value] of Object.entries(record)) {
    if (NOT_AS_FIELDS.has(key) || value === null || typeof value === 'object') continue;
    const shown = typeof value === 'string' && /\s/.test(value) ? JSON.stringify(value) : String(value);
    parts.push(paint('dim', `${key}=${shown}`));
  }
  return parts.join(' ');
}

/**
 * A writer that gathers what it is given and passes it on once per turn of the event loop.
 * Node writes to a terminal or a pipe synchronously: a system call per log line costs
 * `pnpm dev` more CPU than the line is worth when a service logs every request under load.
 * `flush()` passes on what is pending at once (before the process exits, say).
 */
export function batchedWriter(out: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    out(text);
  };
  return {
    write: (text) => {
      pending.push(text);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

/** A log record at info level or below, as pino writes it (labels or numbers). */
const ROUTINE_RECORD = /^\{"level":(?:"(?:info|debug|trace)"|[123]0)[,}]/;

/**
 * Decides which of a service's lines reach the terminal: at most `perSecond` routine lines
 * (log records at info and below) per service in each second, and every other line. A
 * service under a load test logs thousands of requests a second; nobody reads them on a
 * terminal, and rendering them would cost pnpm dev most of a core. `takeHeld()` gives, per
 * service, how many lines were held back since it was last called (they are all in the log).
 */
export function terminalLineLimit(perSecond: number, now: () => number = () => performance.now()) {
  const windows = new Map<string, { start: number; shown: number; held: number }>();
  return {
    admit(name: string, line: string): boolean {
      const at = now();
      let window = windows.get(name);
      if (!window) {
        window = { start: at, shown: 0, held: 0 };
        windows.set(name, window);
      }
      if (at - window.start >= 1000) {
        window.start = at;
        window.shown = 0;
      }
      if (window.shown < perSecond || !ROUTINE_RECORD.test(line)) {
        window.shown++;
        return true;
      }
      window.held++;
      return false;
    },
    takeHeld(): [name: string, held: number][] {
      const held: [string, number][] = [];
      for (const [name, window] of windows) {
        if (window.held === 0) continue;
        held.push([name, window.held]);
        window.held = 0;
      }
      return held;
    },
  };
}
