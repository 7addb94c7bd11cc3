import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError, type z } from 'zod';

/** RFC 9457 problem details. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** An error that becomes a problem+json response with its status. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.status = status;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export interface FieldError {
  path: string;
  message: string;
}

/** Zod issues as `{ path, message }` pairs, with paths like `texts[2]` or `user.email`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      '',
    ),
    message: issue.message,
  }));
}

export function sendProblem(res: Response, problem: ProblemDetails): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

export function problem(status: number, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  return {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extensions,
  };
}

/** The 404 for any route no handler matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, problem(404, `no route for ${req.method} ${req.path}`, { instance: req.originalUrl }));
};

interface HttpError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  length?: number;
  charset?: string;
}

/** Errors from Express, its router and body-parser carry a status (the http-errors shape). */
function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && typeof (error as HttpError).status === 'number';
}

/** Maps a thrown error to the problem the client sees. Unknown errors become a bare 500. */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof HttpProblem) return problem(error.status, error.message, error.extensions);
  if (error instanceof ZodError) {
    return problem(400, 'request does not match the expected shape', { errors: fieldErrors(error) });
  }
  if (isHttpError(error)) {
    switch (error.type) {
      case 'entity.parse.failed':
        return problem(400, `malformed JSON body: ${error.message}`);
      case 'entity.too.large':
        return problem(413, `request body is ${error.length ?? 'over'} bytes; the limit is ${error.limit} bytes`);
      case 'charset.unsupported':
        return problem(415, `unsupported charset "${error.charset}"; send UTF-8`);
      case 'encoding.unsupported':
        return problem(415, error.message);
      case 'request.aborted':
        return problem(400, 'request aborted by the client');
      default:
        // http-errors marks client errors as safe to show (`expose`), e.g. a path that fails URI decoding.
        if (error.status && error.status >= 400 && error.status < 500 && error.expose !== false) {
          return problem(error.status, error.message);
        }
    }
  }
  return problem(500, 'an unexpected error occurred; it has been logged');
}

/** The last middleware: every error becomes problem+json; 5xx details stay in the log. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const body = toProblem(error);
    if (body.status >= 500) logger.error({ err: error }, 'unhandled error');
    if (error instanceof HttpProblem) res.set(error.headers);
    sendProblem(res, { ...body, instance: req.originalUrl });
  };
}
