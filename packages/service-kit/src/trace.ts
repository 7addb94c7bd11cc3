import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): each request joins the
 * caller's trace (or starts one), gets its own span id, and outgoing calls made while
 * handling it carry a `traceparent` naming that span as their parent.
 */
export interface TraceContext {
  traceId: string;
  /** This service's span for the request. */
  spanId: string;
  /** The caller's span, when the request carried a traceparent. */
  parentSpanId?: string;
  sampled: boolean;
  requestId: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export interface ParsedTraceparent {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

/** Parses a traceparent header; returns undefined for anything invalid, as the spec requires. */
export function parseTraceparent(header: string | undefined): ParsedTraceparent | undefined {
  if (!header) return undefined;
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, parentSpanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

// Ids are cut from a pool of random bytes refilled 4 KiB at a time: one system call per
// hundreds of requests instead of several per request (randomUUID does the same).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

export function newSpanId(): string {
  return randomHex(8);
}

export function newTraceId(): string {
  return randomHex(16);
}

export function currentTrace(): TraceContext | undefined {
  return storage.getStore();
}

/** Runs `fn` inside a trace context (for work that does not start from a request). */
export function withTrace<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Starts the request's trace context from `traceparent` (or a new trace) and echoes the
 * request id in `x-request-id`. A request without its own `x-request-id` uses its trace
 * id as request id, so logs and traces share one key.
 */
export const traceMiddleware: RequestHandler = (req, res, next) => {
  const traceparent = req.headers.traceparent;
  // Two traceparent headers are as good as none (the spec says to restart the trace).
  const incoming = parseTraceparent(typeof traceparent === 'string' ? traceparent : undefined);
  const offeredId = req.headers['x-request-id'];
  const traceId = incoming?.traceId ?? newTraceId();
  const context: TraceContext = {
    traceId,
    spanId: newSpanId(),
    sampled: incoming?.sampled ?? true,
    requestId: typeof offeredId === 'string' && REQUEST_ID.test(offeredId) ? offeredId : traceId,
    parentSpanId: incoming?.parentSpanId,
  };
  res.setHeader('x-request-id', context.requestId);
  storage.run(context, next);
};

/**
 * Headers an outgoing call carries so the callee joins this trace, naming `parentSpanId`
 * (the caller's client span, when spans are exported) or the request's own span as parent.
 */
export function propagationHeaders(parentSpanId?: string): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  return {
    traceparent: formatTraceparent(context.traceId, parentSpanId ?? context.spanId, context.sampled),
    'x-request-id': context.requestId,
  };
}
