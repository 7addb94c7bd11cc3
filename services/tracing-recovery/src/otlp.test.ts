import { describe, expect, it } from 'vitest';
import { quantile } from './aggregates.ts';
import { decodeJson, decodeProtobuf, ExportTraceServiceRequest, encodeProtobuf, OtlpError } from './otlp.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('OTLP decoding', () => {
  it('decodes a protobuf export into rows with hex ids, nanosecond times and typed attributes', () => {
    const body = encodeProtobuf('ai-chatbot', [
      {
        traceId,
        spanId: '00f067aa0ba902b7',
        parentSpanId: 'aaaaaaaaaaaaaaaa',
        name: 'POST /api/chatbot/messages',
        kind: 2,
        startNs: 1_765_000_000_123_456_789n,
        endNs: 1_765_000_000_173_456_789n,
        attributes: {
          'http.route': '/api/chatbot/messages',
          'http.response.status_code': 503,
          ratio: 0.5,
          cached: false,
        },
      },
    ]);
    const [row] = decodeProtobuf(body);
    expect(row).toEqual({
      traceId,
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      service: 'ai-chatbot',
      name: 'POST /api/chatbot/messages',
      kind: 2,
      startNs: 1_765_000_000_123_456_789n,
      endNs: 1_765_000_000_173_456_789n,
      durationMs: 50,
      statusCode: 0,
      statusMessage: null,
      // A server span that answered 503 is an error even with its status unset.
      error: true,
      attributes: {
        'http.route': '/api/chatbot/messages',
        'http.response.status_code': 503,
        ratio: 0.5,
        cached: false,
      },
    });
  });

  it('decodes the OTLP JSON encoding as the kit exporter and the OpenTelemetry SDKs write it', () => {
    const rows = decodeJson(
      json({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'main-app' } }] },
            scopeSpans: [
              {
                scope: { name: '@azora/service-kit' },
                spans: [
                  {
                    traceId: traceId.toUpperCase(),
                    spanId: '00f067aa0ba902b7',
                    name: 'GET /health',
                    kind: 'SPAN_KIND_CLIENT',
                    startTimeUnixNano: '1765000000000000000',
                    endTimeUnixNano: 1765000000002000000,
                    attributes: [{ key: 'n', value: { intValue: '42' } }],
                    status: { code: 2, message: 'boom' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      traceId,
      parentSpanId: null,
      service: 'main-app',
      kind: 3,
      durationMs: 2,
      error: true,
      statusMessage: 'boom',
      attributes: { n: 42 },
    });
  });

  it('accepts an empty export and rejects malformed ones with a message naming the problem', () => {
    expect(decodeJson(json({}))).toEqual([]);
    expect(decodeProtobuf(new Uint8Array())).toEqual([]);
    const span = { traceId, spanId: '00f067aa0ba902b7', name: 'x', startTimeUnixNano: '10', endTimeUnixNano: '20' };
    const wrap = (s: unknown) => json({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] });
    expect(() => decodeJson(Buffer.from('{not json'))).toThrow(/not valid JSON/);
    expect(() => decodeJson(json([1]))).toThrow(OtlpError);
    expect(() => decodeJson(wrap({ ...span, traceId: 'xyz' }))).toThrow(/traceId must be 16 bytes/);
    expect(() => decodeJson(wrap({ ...span, spanId: '0000000000000000' }))).toThrow(/spanId/);
    expect(() => decodeJson(wrap({ ...span, endTimeUnixNano: '5' }))).toThrow(/must not be before/);
    expect(() => decodeJson(wrap({ ...span, startTimeUnixNano: '-1' }))).toThrow(/unsigned 64-bit/);
    expect(() => decodeJson(wrap({ ...span, kind: 9 }))).toThrow(/span kind/);
    expect(() => decodeJson(json({ resourceSpans: 'no' }))).toThrow(/must be an array/);
    expect(() => decodeProtobuf(Buffer.from('this is not protobuf at all'))).toThrow(OtlpError);
    // A protobuf span with a 3-byte trace id.
    const bad = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: Buffer.from('abcdef', 'hex'),
                    spanId: Buffer.alloc(8, 1),
                    startTimeUnixNano: '10',
                    endTimeUnixNano: '20',
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    expect(() => decodeProtobuf(bad)).toThrow(/traceId/);
  });
});

describe('latency quantiles from histogram buckets', () => {
  it('interpolates inside the bucket that holds the rank', () => {
    // 100 requests: 90 within 5 ms, 10 between 500 and 1000 ms.
    const counts = Array(13).fill(0);
    counts[0] = 90;
    counts[7] = 10;
    expect(quantile(counts, 0.5)).toBeCloseTo(2.78, 1);
    expect(quantile(counts, 0.95)).toBe(750);
    expect(quantile(Array(13).fill(0), 0.95)).toBeNull();
  });
});
