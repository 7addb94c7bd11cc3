// Starts the OpenTelemetry SDK for Node before the service's modules load, the way the
// OpenTelemetry docs describe for ESM: `node --import ./otel-register.ts main.ts`. It
// registers the instrumentation loader hook (module.register of
// @opentelemetry/instrumentation/hook.mjs, so `import`ed modules get patched too), then
// starts a NodeSDK that exports spans over OTLP/HTTP protobuf to
// `OTEL_EXPORTER_OTLP_ENDPOINT`.
//
// OTEL_BENCH_INSTRUMENTATIONS picks what is patched (each mode loads only its own packages):
//   auto      getNodeAutoInstrumentations() with its defaults (the zero-code setup);
//   selected  http, express, undici (fetch), pg, ioredis and mongoose, with their defaults;
//   lean      the same, but express makes no span per middleware, router and handler (it
//             still names the server span by its route): about the kit's span count;
//   db        pg, ioredis and mongoose only (no HTTP server or client spans).
// (No MQTT instrumentation exists in OpenTelemetry JS or its contrib repository.)
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (!endpoint) throw new Error('otel-register needs OTEL_EXPORTER_OTLP_ENDPOINT');

async function databaseInstrumentations(): Promise<Instrumentation[]> {
  const [{ PgInstrumentation }, { IORedisInstrumentation }, { MongooseInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-mongoose'),
  ]);
  return [new PgInstrumentation(), new IORedisInstrumentation(), new MongooseInstrumentation()];
}

async function httpInstrumentations(expressLayers: boolean): Promise<Instrumentation[]> {
  const [{ HttpInstrumentation }, { ExpressInstrumentation, ExpressLayerType }, { UndiciInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-express'),
      import('@opentelemetry/instrumentation-undici'),
    ]);
  const express = expressLayers
    ? new ExpressInstrumentation()
    : new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
      });
  return [new HttpInstrumentation(), express, new UndiciInstrumentation()];
}

async function instrumentations(): Promise<Instrumentation[]> {
  switch (process.env.OTEL_BENCH_INSTRUMENTATIONS ?? 'auto') {
    case 'auto': {
      const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
      return getNodeAutoInstrumentations();
    }
    case 'selected':
      return [...(await httpInstrumentations(true)), ...(await databaseInstrumentations())];
    case 'lean':
      return [...(await httpInstrumentations(false)), ...(await databaseInstrumentations())];
    case 'db':
      return databaseInstrumentations();
    default:
      throw new Error('OTEL_BENCH_INSTRUMENTATIONS must be auto, selected, lean or db');
  }
}

const sdk = new NodeSDK({
  resource: resourceFromAttributes({
    [ATTR_SERVICE_NAME]: process.env.BENCH_SERVICE_NAME ?? 'kit-bench',
    [ATTR_SERVICE_VERSION]: '0.1.0',
  }),
  traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }),
  metricReaders: [],
  logRecordProcessors: [],
  instrumentations: await instrumentations(),
});
sdk.start();
