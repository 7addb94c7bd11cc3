// OTLP/HTTP trace payloads (https://opentelemetry.io/docs/specs/otlp/): the protobuf
// encoding (application/x-protobuf), decoded with protobufjs from the messages of
// opentelemetry/proto/trace/v1 and collector/trace/v1 declared below, and the JSON
// encoding (application/json: lowerCamelCase fields, hex trace and span ids, 64-bit
// integers as decimal strings or numbers, enums as integers). Both become the same rows.
import protobuf from 'protobufjs';

/** The subset of the OTLP trace proto this receiver reads (field numbers as upstream). */
const PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message Status { reserved 1; string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { reserved 1000; Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;
export const ExportTraceServiceRequest = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const ExportTraceServiceResponse = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

/** OTLP span kinds (SpanKind enum). */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
/** Status code 2 is ERROR. */
const STATUS_ERROR = 2;

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** One span as stored: ids as lowercase hex, times as nanoseconds since the epoch. */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  /** Index into SPAN_KINDS. */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  durationMs: number;
  statusCode: number;
  statusMessage: string | null;
  error: boolean;
  attributes: Record<string, AttributeValue>;
}

/** A payload that is not a valid OTLP trace export: answered 400 with this message. */
export class OtlpError extends Error {
  override name = 'OtlpError';
}

// Limits that keep one request from storing absurd rows.
const MAX_NAME = 512;
const MAX_ATTRIBUTES = 128;
const MAX_STRING = 4096;

const HEX_TRACE = /^[0-9a-f]{32}$/;
const HEX_SPAN = /^[0-9a-f]{16}$/;

interface LongLike {
  toString(): string;
}
type Int64 = LongLike | number | string | bigint | null | undefined;

function toBigInt(value: Int64, field: string): bigint {
  if (value === null || value === undefined || value === '') return 0n;
  const text = typeof value === 'object' ? value.toString() : String(value);
  if (!/^\d{1,20}$/.test(text))
    throw new OtlpError(`${field} must be an unsigned 64-bit integer, got ${JSON.stringify(value)}`);
  return BigInt(text);
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

// ---- values: protobuf messages and OTLP JSON share one shape once camelCased ----

interface AnyValueLike {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | string | null;
  arrayValue?: { values?: AnyValueLike[] | null } | null;
  kvlistValue?: { values?: KeyValueLike[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}
interface KeyValueLike {
  key?: string | null;
  value?: AnyValueLike | null;
}

/** Set on the value itself: decoded protobuf messages carry proto3 defaults on their prototype. */
function has<K extends keyof AnyValueLike>(value: AnyValueLike, key: K): boolean {
  return Object.hasOwn(value, key) && value[key] !== null && value[key] !== undefined;
}

function anyValue(value: AnyValueLike | null | undefined, depth = 0): AttributeValue {
  if (!value || typeof value !== 'object' || depth > 4) return null;
  if (has(value, 'stringValue')) return truncate(String(value.stringValue), MAX_STRING);
  if (has(value, 'boolValue')) return Boolean(value.boolValue);
  if (has(value, 'intValue')) {
    const int = value.intValue as NonNullable<Int64>;
    const n = Number(typeof int === 'object' ? int.toString() : int);
    return Number.isFinite(n) ? n : null;
  }
  if (has(value, 'doubleValue')) {
    const n = Number(value.doubleValue);
    return Number.isFinite(n) ? n : String(value.doubleValue);
  }
  if (has(value, 'arrayValue')) return (value.arrayValue?.values ?? []).slice(0, 64).map((v) => anyValue(v, depth + 1));
  if (has(value, 'kvlistValue')) return attributes(value.kvlistValue?.values, depth + 1);
  if (has(value, 'bytesValue')) {
    const bytes = value.bytesValue as Uint8Array | string;
    return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
  }
  return null;
}

function attributes(list: KeyValueLike[] | null | undefined, depth = 0): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list.slice(0, MAX_ATTRIBUTES)) {
    if (!item || typeof item.key !== 'string' || item.key === '') continue;
    out[truncate(item.key, 256)] = anyValue(item.value, depth);
  }
  return out;
}

interface SpanLike {
  traceId?: Uint8Array | string | null;
  spanId?: Uint8Array | string | null;
  parentSpanId?: Uint8Array | string | null;
  name?: string | null;
  kind?: number | string | null;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValueLike[] | null;
  status?: { code?: number | string | null; message?: string | null } | null;
}
interface RequestLike {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValueLike[] | null } | null;
    scopeSpans?: Array<{ spans?: SpanLike[] | null } | null> | null;
  } | null> | null;
}

/** Ids arrive as bytes (protobuf) or hex (JSON); either way they leave as lowercase hex. */
function id(value: Uint8Array | string | null | undefined, field: string, pattern: RegExp, optional: boolean) {
  const hex = typeof value === 'string' ? value.toLowerCase() : value ? Buffer.from(value).toString('hex') : '';
  if (hex === '' && optional) return null;
  if (!pattern.test(hex) || /^0+$/.test(hex)) {
    throw new OtlpError(`${field} must be ${pattern === HEX_TRACE ? 16 : 8} bytes (hex in JSON) and not all zero`);
  }
  return hex;
}

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function kindOf(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'string' ? (KIND_NAMES[value] ?? Number(value)) : value;
  if (!Number.isInteger(n) || n < 0 || n > 5)
    throw new OtlpError(`span kind must be 0–5, got ${JSON.stringify(value)}`);
  return n;
}

function statusCodeOf(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const named: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
  const n = typeof value === 'string' ? (named[value] ?? Number(value)) : value;
  if (!Number.isInteger(n) || n < 0 || n > 2)
    throw new OtlpError(`status code must be 0–2, got ${JSON.stringify(value)}`);
  return n;
}

/** Rows from a decoded request (protobuf message or parsed JSON). */
function rowsOf(request: RequestLike): SpanRow[] {
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    throw new OtlpError('the body must be an ExportTraceServiceRequest object');
  }
  if (request.resourceSpans !== undefined && !Array.isArray(request.resourceSpans)) {
    throw new OtlpError('resourceSpans must be an array');
  }
  const rows: SpanRow[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    if (!resourceSpans) continue;
    const resource = attributes(resourceSpans.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    if (resourceSpans.scopeSpans !== undefined && !Array.isArray(resourceSpans.scopeSpans)) {
      throw new OtlpError('scopeSpans must be an array');
    }
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      if (scopeSpans?.spans !== undefined && !Array.isArray(scopeSpans?.spans)) {
        throw new OtlpError('spans must be an array');
      }
      for (const span of scopeSpans?.spans ?? []) {
        if (!span || typeof span !== 'object') throw new OtlpError('each span must be an object');
        const startNs = toBigInt(span.startTimeUnixNano, 'startTimeUnixNano');
        const endNs = toBigInt(span.endTimeUnixNano, 'endTimeUnixNano');
        if (startNs === 0n) throw new OtlpError('startTimeUnixNano is required');
        if (endNs < startNs) throw new OtlpError('endTimeUnixNano must not be before startTimeUnixNano');
        const statusCode = statusCodeOf(span.status?.code);
        const spanAttributes = attributes(span.attributes);
        const httpStatus = Number(spanAttributes['http.response.status_code'] ?? spanAttributes['http.status_code']);
        const kind = kindOf(span.kind);
        rows.push({
          traceId: id(span.traceId, 'traceId', HEX_TRACE, false) as string,
          spanId: id(span.spanId, 'spanId', HEX_SPAN, false) as string,
          parentSpanId: id(span.parentSpanId, 'parentSpanId', HEX_SPAN, true),
          service: truncate(service, 200),
          name: truncate(typeof span.name === 'string' && span.name !== '' ? span.name : '(unnamed)', MAX_NAME),
          kind,
          startNs,
          endNs,
          durationMs: Number(endNs - startNs) / 1e6,
          statusCode,
          statusMessage: span.status?.message ? truncate(String(span.status.message), MAX_STRING) : null,
          // A server span that answered 5xx counts as an error even when its status was left unset.
          error: statusCode === STATUS_ERROR || (kind === 2 && httpStatus >= 500),
          attributes: spanAttributes,
        });
      }
    }
  }
  return rows;
}

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest. */
export function decodeProtobuf(body: Uint8Array): SpanRow[] {
  let message: protobuf.Message;
  try {
    message = ExportTraceServiceRequest.decode(body);
  } catch (error) {
    throw new OtlpError(`the body is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}`);
  }
  return rowsOf(message as unknown as RequestLike);
}

/** Decodes an `application/json` ExportTraceServiceRequest (OTLP JSON encoding). */
export function decodeJson(body: Uint8Array): SpanRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw new OtlpError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  return rowsOf(parsed as RequestLike);
}

/** An empty ExportTraceServiceResponse (full success) in the request's encoding. */
export function successResponse(encoding: 'protobuf' | 'json'): Buffer | string {
  if (encoding === 'json') return '{}';
  return Buffer.from(ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish());
}

// ---- encoding, for tests and the bench: what an OpenTelemetry SDK sends ----

export interface OutgoingSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startNs: bigint;
  endNs: bigint;
  error?: boolean;
  attributes?: Record<string, string | number | boolean>;
}

function keyValues(values: Record<string, string | number | boolean>) {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: value }
            : { doubleValue: value },
  }));
}

/** Encodes spans of one service as an OTLP protobuf ExportTraceServiceRequest. */
export function encodeProtobuf(service: string, spans: readonly OutgoingSpan[]): Uint8Array {
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'service.name': service }) },
        scopeSpans: [
          {
            scope: { name: 'azora-test' },
            spans: spans.map((span) => ({
              traceId: Buffer.from(span.traceId, 'hex'),
              spanId: Buffer.from(span.spanId, 'hex'),
              parentSpanId: span.parentSpanId ? Buffer.from(span.parentSpanId, 'hex') : undefined,
              name: span.name,
              kind: span.kind ?? 2,
              startTimeUnixNano: span.startNs.toString(),
              endTimeUnixNano: span.endNs.toString(),
              attributes: keyValues(span.attributes ?? {}),
              status: { code: span.error ? 2 : 0 },
            })),
          },
        ],
      },
    ],
  });
  return ExportTraceServiceRequest.encode(message).finish();
}
