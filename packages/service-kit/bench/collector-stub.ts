// A stand-in OTLP/HTTP collector for the tracing benchmark: accepts POST /v1/traces in
// JSON or protobuf, answers 200 at once, and counts the spans it got (by service and name),
// so the benchmark can tell that each exporter really delivered.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  service: string;
  traceId: string;
  name: string;
  kind: number;
  spanId: string;
  parentSpanId: string;
}

export interface CollectorStub {
  url: string;
  requests: number;
  spans: number;
  /** Spans kept for inspection (the first 10 000). */
  kept: ReceivedSpan[];
  close: () => Promise<void>;
}

const KEEP = 10_000;

/** The protobuf fields of one message: field number → raw values (varints as numbers, the rest as bytes). */
function fields(buffer: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const out = new Map<number, (number | Uint8Array)[]>();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  const take = (length: number) => {
    at += length;
    return buffer.subarray(at - length, at);
  };
  while (at < buffer.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 1) value = take(8);
    else if (wire === 5) value = take(4);
    else if (wire === 2) value = take(varint());
    else throw new Error(`unsupported protobuf wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

const bytesOf = (values: (number | Uint8Array)[] | undefined) => values?.filter((v) => v instanceof Uint8Array) ?? [];
const text = (value: number | Uint8Array | undefined) =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '';
const hex = (value: number | Uint8Array | undefined) =>
  value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '';

/** ExportTraceServiceRequest (opentelemetry-proto trace/v1): resource_spans → scope_spans → spans. */
function spansFromProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytesOf(fields(body).get(1))) {
    const rs = fields(resourceSpans);
    let service = '';
    for (const resource of bytesOf(rs.get(1))) {
      for (const attribute of bytesOf(fields(resource).get(1))) {
        const kv = fields(attribute);
        if (text(kv.get(1)?.[0]) === 'service.name')
          service = text(fields(bytesOf(kv.get(2))[0] ?? new Uint8Array()).get(1)?.[0]);
      }
    }
    for (const scopeSpans of bytesOf(rs.get(2))) {
      for (const span of bytesOf(fields(scopeSpans).get(2))) {
        const s = fields(span);
        spans.push({
          service,
          name: text(s.get(5)?.[0]),
          kind: Number(s.get(6)?.[0] ?? 0),
          traceId: hex(s.get(1)?.[0]),
          spanId: hex(s.get(2)?.[0]),
          parentSpanId: hex(s.get(4)?.[0]),
        });
      }
    }
  }
  return spans;
}

interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: { name: string; kind: number; traceId: string; spanId: string; parentSpanId?: string }[];
    }[];
  }[];
}

function spansFromJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as JsonRequest;
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        name: s.name,
        kind: s.kind,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
      })),
    );
  });
}

export async function startCollectorStub(): Promise<CollectorStub> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks);
      const json = (req.headers['content-type'] ?? '').includes('json');
      const spans = json ? spansFromJson(body) : spansFromProtobuf(body);
      stub.requests += 1;
      stub.spans += spans.length;
      for (const span of spans) if (stub.kept.length < KEEP) stub.kept.push(span);
      // An empty ExportTraceServiceResponse: `{}` in JSON, zero bytes in protobuf.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stub: CollectorStub = {
    url: `http://127.0.0.1:${port}`,
    requests: 0,
    spans: 0,
    kept: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}
