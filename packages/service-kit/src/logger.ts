import type { RequestHandler } from 'express';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { currentTrace } from './trace.ts';

/**
 * Personal and secret fields never reach the logs. Paths cover the field at the top of
 * a log line and one or two objects down (`user.email`, `body.user.email`).
 */
const SENSITIVE_FIELDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'email',
  'phone',
  'phoneNumber',
  'ssn',
  'idNumber',
  'nationalId',
  'dateOfBirth',
  'dob',
  'address',
  'cardNumber',
  'iban',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

/** Query parameters whose values are personal or secret (`?subject=email:…`): logged as `[redacted]`. */
const SENSITIVE_QUERY = new RegExp(`^(${[...SENSITIVE_FIELDS, 'subject', 'key'].join('|')})$`, 'i');

/** The URL as logged: the path and query, with the values of sensitive query parameters censored. */
export function loggedUrl(originalUrl: string): string {
  const mark = originalUrl.indexOf('?');
  if (mark < 0) return originalUrl;
  const params = new URLSearchParams(originalUrl.slice(mark + 1));
  let censored = false;
  for (const name of new Set(params.keys())) {
    if (SENSITIVE_QUERY.test(name)) {
      params.set(name, '[redacted]');
      censored = true;
    }
  }
  return censored ? `${originalUrl.slice(0, mark)}?${params.toString()}` : originalUrl;
}

/** Probes and scrapes are not logged per request: they would drown everything else. */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics']);

/**
 * Every line logged while a request is handled carries its request id and trace id
 * (read from the trace context), so handlers can use the service logger directly.
 */
function traceFields(): Record<string, string> {
  const trace = currentTrace();
  return trace ? { reqId: trace.requestId, traceId: trace.traceId } : {};
}

export function createLogger(
  service: string,
  level: LoggerOptions['level'] = 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin: traceFields,
  };
  const create = (settings: LoggerOptions) => (destination ? pino(settings, destination) : pino(settings));
  const logger = create(options);
  // The request lines, to the same destination without redaction: their fields are fixed
  // and their URL censored by loggedUrl, so there is nothing for it to find, and its walk
  // over the wildcard paths cost as much as the rest of the line (a CPU profile of the
  // gateway under load: 6% of the process).
  const { redact: _none, ...plain } = options;
  requestLines.set(logger, create({ ...plain, level: 'trace' }));
  return logger;
}

/** The unredacted twin of each logger createLogger made; its level is the logger's, checked per line. */
const requestLines = new WeakMap<Logger, Logger>();

/** One log line per request when its response ends: method, URL, status and duration. */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (QUIET_PATHS.has(req.path)) {
      next();
      return;
    }
    const started = performance.now();
    // 'close' fires outside the request's async context, so take the ids now.
    const ids = traceFields();
    res.once('close', () => {
      const status = res.writableFinished ? res.statusCode : 499;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      (requestLines.get(logger) ?? logger)[level](
        {
          ...ids,
          req: { method: req.method, url: loggedUrl(req.originalUrl) },
          res: { statusCode: status },
          responseTimeMs: Math.round((performance.now() - started) * 10) / 10,
        },
        res.writableFinished ? 'request completed' : 'request aborted by the client',
      );
    });
    next();
  };
}
