import { activeSpanExporter, nowMs } from './otlp.ts';
import { HttpProblem } from './problem.ts';
import { currentTrace, newSpanId, propagationHeaders } from './trace.ts';

export type UpstreamFailure = 'timeout' | 'unreachable' | 'bad_status' | 'bad_body';

/** An outgoing call that did not produce a usable answer. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly service: string;
  readonly failure: UpstreamFailure;
  /** The upstream's HTTP status, for `bad_status` and `bad_body`. */
  readonly status: number | undefined;

  constructor(
    service: string,
    failure: UpstreamFailure,
    message: string,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.service = service;
    this.failure = failure;
    this.status = status;
  }

  /** The problem a gateway-like caller answers with: 504 for timeouts, 502 otherwise. */
  toProblem(): HttpProblem {
    return new HttpProblem(this.failure === 'timeout' ? 504 : 502, this.message, {
      extensions: { upstream: this.service, failure: this.failure },
    });
  }
}

export interface ServiceClientOptions {
  /** The upstream's name, used in errors and logs. */
  service: string;
  baseUrl: string;
  /** Default 3000 ms; each call may pass its own. */
  timeoutMs?: number;
}

export interface CallOptions {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface UpstreamResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A client for calling another Azora service: every call has a timeout, carries the
 * current trace (`traceparent`, `x-request-id`), and fails with an UpstreamError that
 * says which service failed and how.
 */
export class ServiceClient {
  readonly service: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;

  constructor(options: ServiceClientOptions) {
    this.service = options.service;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** Calls `path`; any status outside 2xx is an UpstreamError of kind `bad_status`. */
  async call<T = unknown>(path: string, options: CallOptions = {}): Promise<UpstreamResponse<T>> {
    const response = await this.fetch(path, options);
    const text = await response.text();
    if (!response.ok) {
      throw new UpstreamError(
        this.service,
        'bad_status',
        `${this.service} answered ${response.status} for ${options.method ?? 'GET'} ${path}`,
        response.status,
      );
    }
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch (error) {
        throw new UpstreamError(this.service, 'bad_body', `${this.service} sent malformed JSON`, response.status, {
          cause: error,
        });
      }
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  /** The raw fetch with timeout and trace headers; resolves for any HTTP status. */
  async fetch(path: string, options: CallOptions = {}): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const span = this.startClientSpan();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...propagationHeaders(span?.spanId),
      ...options.headers,
    };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const method = options.method ?? (body === undefined ? 'GET' : 'POST');
    let status: number | undefined;
    try {
      const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal });
      status = response.status;
      return response;
    } catch (error) {
      if (timeout.aborted) {
        const message = `${this.service} did not answer within ${timeoutMs} ms`;
        throw new UpstreamError(this.service, 'timeout', message, undefined, { cause: error });
      }
      if (options.signal?.aborted) throw error;
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      const message = `${this.service} is unreachable at ${this.baseUrl} (${reason})`;
      throw new UpstreamError(this.service, 'unreachable', message, undefined, { cause: error });
    } finally {
      span?.end(method, path, status);
    }
  }

  /** A client span for the call, when spans are exported and a trace is in progress. */
  private startClientSpan() {
    const exporter = activeSpanExporter();
    const trace = currentTrace();
    if (!exporter || !trace?.sampled) return undefined;
    const spanId = newSpanId();
    const startMs = nowMs();
    return {
      spanId,
      end: (method: string, path: string, status: number | undefined) =>
        exporter.record({
          traceId: trace.traceId,
          spanId,
          parentSpanId: trace.spanId,
          name: `${method} ${this.service}`,
          kind: 'client',
          startMs,
          endMs: nowMs(),
          attributes: {
            'http.request.method': method,
            'url.full': `${this.baseUrl}${path}`,
            'peer.service': this.service,
            ...(status === undefined ? {} : { 'http.response.status_code': status }),
          },
          error: status === undefined || status >= 500,
        }),
    };
  }

  /** A readiness check for this upstream: its `/health` answers 200. */
  async checkHealth(signal?: AbortSignal): Promise<void> {
    await this.call('/health', signal ? { signal } : {});
  }
}
