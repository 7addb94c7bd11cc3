/**
 * Span export over OTLP/HTTP (JSON encoding) to the endpoint in
 * `OTEL_EXPORTER_OTLP_ENDPOINT` — in Azora, tracing-recovery. Spans are queued in memory
 * (bounded: the oldest are dropped when the collector is away) and sent in batches, so a
 * slow or absent collector never slows a request.
 */
import type { Logger } from 'pino';

export type SpanKind = 'server' | 'client';

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** Unix epoch milliseconds, with sub-millisecond precision. */
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  error: boolean;
}

export interface SpanExporterOptions {
  /** The collector's base URL; spans go to `<endpoint>/v1/traces`. */
  endpoint: string;
  service: string;
  version: string;
  logger: Logger;
  /** Spans kept while the collector cannot be reached (default 2048). */
  maxQueue?: number;
  /** Spans per request (default 512). */
  batchSize?: number;
  /** How often queued spans are sent (default 1000 ms). */
  intervalMs?: number;
  /** Timeout of one export request (default 5000 ms). */
  timeoutMs?: number;
}

const KIND_CODE: Record<SpanKind, number> = { server: 2, client: 3 };

function attribute(key: string, value: string | number | boolean) {
  if (typeof value === 'number') {
    return { key, value: Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value } };
  }
  return { key, value: typeof value === 'boolean' ? { boolValue: value } : { stringValue: value } };
}

function unixNano(ms: number): string {
  return (BigInt(Math.floor(ms * 1000)) * 1000n).toString();
}

export class SpanExporter {
  private readonly options: Required<Omit<SpanExporterOptions, 'logger'>> & { logger: Logger };
  private readonly url: string;
  private queue: SpanRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failing = false;
  /** Spans dropped because the queue was full. */
  dropped = 0;
  exported = 0;

  constructor(options: SpanExporterOptions) {
    this.options = { maxQueue: 2048, batchSize: 512, intervalMs: 1000, timeoutMs: 5000, ...options };
    this.url = `${options.endpoint.replace(/\/+$/, '')}/v1/traces`;
  }

  record(span: SpanRecord): void {
    if (this.queue.length >= this.options.maxQueue) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(span);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Sends everything queued now; resolves when sent (or given up on). Never rejects. */
  flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.batchSize);
        if (!(await this.send(batch))) {
          // Keep what could not be sent for the next attempt, within the queue bound.
          this.queue = [...batch, ...this.queue].slice(-this.options.maxQueue);
          return;
        }
      }
    });
    return this.sending;
  }

  async shutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async send(batch: SpanRecord[]): Promise<boolean> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.encode(batch)),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`collector answered ${response.status}`);
      if (this.failing) this.options.logger.info({ endpoint: this.url }, 'span export recovered');
      this.failing = false;
      this.exported += batch.length;
      return true;
    } catch (error) {
      // Said once per outage, not once per batch.
      if (!this.failing) this.options.logger.warn({ err: error, endpoint: this.url }, 'span export failed; will retry');
      this.failing = true;
      return false;
    }
  }

  private encode(batch: SpanRecord[]) {
    return {
      resourceSpans: [
        {
          resource: {
            attributes: [
              attribute('service.name', this.options.service),
              attribute('service.version', this.options.version),
            ],
          },
          scopeSpans: [
            {
              scope: { name: '@azora/service-kit' },
              spans: batch.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                // Left out of the JSON when undefined (a root span).
                parentSpanId: span.parentSpanId,
                name: span.name,
                kind: KIND_CODE[span.kind],
                startTimeUnixNano: unixNano(span.startMs),
                endTimeUnixNano: unixNano(span.endMs),
                attributes: Object.entries(span.attributes).map(([key, value]) => attribute(key, value)),
                status: { code: span.error ? 2 : 0 },
              })),
            },
          ],
        },
      ],
    };
  }
}

let active: SpanExporter | undefined;

/** The process's exporter, if tracing export is configured (one per process, like OTel's global provider). */
export function activeSpanExporter(): SpanExporter | undefined {
  return active;
}

export function setActiveSpanExporter(exporter: SpanExporter | undefined): void {
  active = exporter;
}

/** Wall-clock milliseconds with sub-millisecond precision, for span timestamps. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
