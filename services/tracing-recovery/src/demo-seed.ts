// Demo traces for `pnpm dev` (DEMO_SEED=true): a console request through the gateway to the
// chatbot, which asks the sentiment service, and a failing vision request — written through
// the span store and the aggregates, only into an empty span table, so restarts add nothing.
import { type Logger, newSpanId, newTraceId } from '@azora/service-kit';
import type { Aggregates } from './aggregates.ts';
import type { SpanRow } from './otlp.ts';
import type { SpanStore } from './spans.ts';

const NS = 1_000_000n;

function span(
  traceId: string,
  service: string,
  name: string,
  kind: number,
  startMs: number,
  durationMs: number,
  parentSpanId: string | null,
  attributes: SpanRow['attributes'],
  error = false,
): SpanRow {
  const startNs = BigInt(Math.round(startMs)) * NS;
  return {
    traceId,
    spanId: newSpanId(),
    parentSpanId,
    service,
    name,
    kind,
    startNs,
    endNs: startNs + BigInt(Math.round(durationMs * 1e6)),
    durationMs,
    statusCode: error ? 2 : 0,
    statusMessage: null,
    error,
    attributes,
  };
}

/** One chat request: main-app (server, client) → ai-chatbot (server, client) → ai-sentiment (server). */
function chatTrace(startMs: number): SpanRow[] {
  const traceId = newTraceId();
  const gateway = span(traceId, 'main-app', 'POST /api/chatbot/*path', 2, startMs, 48, null, {
    'http.request.method': 'POST',
    'http.route': '/api/chatbot/*path',
    'http.response.status_code': 200,
  });
  const proxy = span(traceId, 'main-app', 'POST ai-chatbot', 3, startMs + 1, 46, gateway.spanId, {
    'peer.service': 'ai-chatbot',
  });
  const chat = span(traceId, 'ai-chatbot', 'POST /api/chatbot/messages', 2, startMs + 2, 43, proxy.spanId, {
    'http.request.method': 'POST',
    'http.route': '/api/chatbot/messages',
    'http.response.status_code': 200,
  });
  const ask = span(traceId, 'ai-chatbot', 'POST ai-sentiment', 3, startMs + 20, 9, chat.spanId, {
    'peer.service': 'ai-sentiment',
  });
  const sentiment = span(traceId, 'ai-sentiment', 'POST /api/sentiment/analyze', 2, startMs + 21, 7, ask.spanId, {
    'http.request.method': 'POST',
    'http.route': '/api/sentiment/analyze',
    'http.response.status_code': 200,
  });
  return [gateway, proxy, chat, ask, sentiment];
}

function failedVisionTrace(startMs: number): SpanRow[] {
  const traceId = newTraceId();
  const gateway = span(traceId, 'main-app', 'POST /api/vision/*path', 2, startMs, 1210, null, {
    'http.request.method': 'POST',
    'http.route': '/api/vision/*path',
    'http.response.status_code': 502,
  });
  const proxy = span(
    traceId,
    'main-app',
    'POST ai-vision',
    3,
    startMs + 1,
    1205,
    gateway.spanId,
    { 'peer.service': 'ai-vision' },
    true,
  );
  const vision = span(
    traceId,
    'ai-vision',
    'POST /api/vision/analyze',
    2,
    startMs + 3,
    1200,
    proxy.spanId,
    {
      'http.request.method': 'POST',
      'http.route': '/api/vision/analyze',
      'http.response.status_code': 500,
    },
    true,
  );
  return [gateway, proxy, vision];
}

export async function seedDemo(stores: { spans: SpanStore; aggregates: Aggregates; logger: Logger }) {
  if ((await stores.spans.count()) > 0) return;
  const now = Date.now();
  const rows = [
    ...Array.from({ length: 12 }, (_, i) => chatTrace(now - (12 - i) * 20_000)).flat(),
    ...failedVisionTrace(now - 90_000),
  ];
  await stores.spans.insert(rows);
  await stores.aggregates.record(rows).catch(() => {});
  stores.logger.info({ traces: 13, spans: rows.length }, 'demo traces ready');
}
