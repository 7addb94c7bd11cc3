// The kit service the tracing benchmark loads: createService with no routes of its own
// beyond two for the benchmark — GET /bench/rss (the process's resident memory) and
// GET /bench/db (one Postgres query and one Redis round trip, for the span check).
// OTEL_EXPORTER_OTLP_ENDPOINT turns on the kit's span exporter; KIT_EXPORTER=off leaves it
// off (when the OpenTelemetry SDK, preloaded with --import, exports instead).
import pg from 'pg';
import { createLogger, createRedisClient, createService, runService } from '../src/index.ts';

const endpoint = process.env.KIT_EXPORTER === 'off' ? undefined : process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  max: 2,
});
const redis = createRedisClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: 'kit-bench:' });

const name = process.env.BENCH_SERVICE_NAME ?? 'kit-bench';
const service = createService({
  name,
  logger: createLogger(name, process.env.LOG_LEVEL ?? 'info'),
  version: '0.1.0',
  otlpEndpoint: endpoint,
  routes: (app) => {
    app.get('/bench/rss', (_req, res) => {
      res.json({ rss: process.memoryUsage.rss() });
    });
    app.get('/bench/db', async (_req, res) => {
      const { rows } = await pool.query<{ now: Date }>('SELECT now() AS now');
      await redis.set('last', String(rows[0]?.now.getTime()));
      res.json({ now: await redis.get('last') });
    });
  },
  resources: [
    { name: 'postgres', close: () => pool.end() },
    { name: 'redis', close: () => redis.quit() },
  ],
});

await runService(service, { port: Number(process.env.PORT), host: '127.0.0.1' });
