// quantum-iot-integration: the Express app and the MQTT bridge, built from their dependencies.

import { isDatabaseUnavailable, migrate } from '@azora/compliance-core';
import {
  type Auth,
  createAuth,
  createLogger,
  createMetrics,
  createService,
  HttpProblem,
  type Logger,
  parseBody,
  parseParams,
  parseQuery,
  retryingStartup,
  type Service,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { createBridge } from './bridge.ts';
import { DEFAULTS } from './config.ts';
import { MIGRATIONS_DIR, openDatabase } from './db.ts';
import { FINDING_KINDS } from './detectors.ts';
import { ALGORITHMS, DEVICE_ID } from './envelope.ts';
import { createIngest, REJECTION_REASONS } from './ingest.ts';
import { createRegistry } from './registry.ts';

export const SERVICE_NAME = 'quantum-iot-integration';
const API = `/api/${SERVICE_NAME}`;

export interface IotOptions {
  version?: string;
  databaseUrl: string;
  databasePoolMax?: number;
  mqttUrl: string;
  mqttUsername?: string;
  mqttPassword?: string;
  mqttClientId?: string;
  topicRoot?: string;
  alertsTopic?: string;
  maxClockSkewSeconds?: number;
  offlineAfterSeconds?: number;
  /** Roles operator, dpo, auditor. Default: none accepted (every API route is 401). */
  auth?: Auth;
  logger?: Logger;
  bodyLimit?: string;
  otlpEndpoint?: string;
  now?: () => Date;
  outboxIntervalMs?: number;
}

const schemas = {
  device: z.strictObject({
    id: z
      .string()
      .regex(
        DEVICE_ID,
        'must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
      ),
    type: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. health-sensor'),
    location: z.string().trim().min(1).max(200),
    jurisdiction: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. ZA'),
    algorithm: z.enum(ALGORITHMS).optional(),
    publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  }),
  id: z.object({ id: z.string().regex(DEVICE_ID, 'not a device id') }),
  findingId: z.object({ id: z.uuid('not a finding id') }),
  devices: z.object({ status: z.enum(['online', 'offline', 'decommissioned']).optional() }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
};

const storeErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (isDatabaseUnavailable(error)) {
    return next(
      new HttpProblem(503, 'the database (Postgres) is unavailable; nothing was changed — retry shortly', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  }
  next(error);
};

export function createIotService(options: IotOptions) {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const now = options.now ?? (() => new Date());
  const database = openDatabase({ url: options.databaseUrl, max: options.databasePoolMax });
  const { prisma } = database;
  const offlineAfterMs = 1000 * (options.offlineAfterSeconds ?? DEFAULTS.OFFLINE_AFTER_SECONDS);
  const registry = createRegistry({ prisma, offlineAfterMs, now });

  const metrics = createMetrics({ service: SERVICE_NAME });
  const accepted = metrics.counter({
    name: 'iot_messages_accepted_total',
    help: 'Telemetry messages verified and stored',
  });
  const rejected = metrics.counter({
    name: 'iot_messages_rejected_total',
    help: 'Telemetry messages rejected, by reason',
    labelNames: ['reason'] as const,
  });
  const redelivered = metrics.counter({
    name: 'iot_messages_redelivered_total',
    help: 'Messages the broker delivered again after they were stored (acknowledged, not stored twice)',
  });
  const findings = metrics.counter({
    name: 'iot_findings_total',
    help: 'Compliance detections in verified telemetry, by kind (a new finding or another occurrence of an open one)',
    labelNames: ['kind'] as const,
  });
  const verifySeconds = metrics.histogram({
    name: 'iot_signature_verify_seconds',
    help: 'Time to verify one ML-DSA signature',
    labelNames: ['algorithm'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
  });
  for (const reason of REJECTION_REASONS) rejected.inc({ reason }, 0);
  for (const kind of FINDING_KINDS) findings.inc({ kind }, 0);
  const mqttConnected = metrics.gauge({ name: 'iot_mqtt_connected', help: '1 while connected to the MQTT broker' });
  mqttConnected.set(0);

  const ingest = createIngest({
    prisma,
    now,
    maxClockSkewMs: 1000 * (options.maxClockSkewSeconds ?? DEFAULTS.MAX_CLOCK_SKEW_SECONDS),
    metrics: { accepted, rejected, redelivered, findings, verifySeconds },
  });
  const bridge = createBridge({
    url: options.mqttUrl,
    username: options.mqttUsername,
    password: options.mqttPassword,
    clientId: options.mqttClientId ?? DEFAULTS.MQTT_CLIENT_ID,
    topicRoot: options.topicRoot ?? DEFAULTS.MQTT_TOPIC_ROOT,
    alertsTopic: options.alertsTopic ?? DEFAULTS.ALERTS_TOPIC,
    ingest,
    prisma,
    logger,
    now,
    outboxIntervalMs: options.outboxIntervalMs,
    onStatus: (status) => mqttConnected.set(status === 'online' ? 1 : 0),
  });

  const bootstrap = retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the database (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(database.pool, MIGRATIONS_DIR);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    },
    // Messages are taken from the broker only once the database can store them.
    onPrepared: () => bridge.start(),
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });

  metrics.gauge({
    name: 'iot_devices_online',
    help: 'Registered devices online (seen within OFFLINE_AFTER_SECONDS, no offline status since)',
    async collect() {
      if (!bootstrap.done) return;
      try {
        this.set(await registry.onlineCount());
      } catch (error) {
        logger.warn({ err: error }, 'could not count online devices for /metrics');
      }
    },
  });

  const ready: RequestHandler = (_req, _res, next) => {
    if (!bootstrap.done) {
      throw new HttpProblem(
        503,
        'the service is starting (connecting to Postgres, applying migrations); try again shortly',
        {
          headers: { 'retry-after': '2' },
        },
      );
    }
    next();
  };
  const readers = [...auth.requireRole('operator', 'dpo', 'auditor'), ready];
  const staff = [...auth.requireRole('operator', 'dpo'), ready];
  const dpo = [...auth.requireRole('dpo'), ready];
  const actor = (req: Request) => (req.principal as NonNullable<Request['principal']>).subject;

  const service = createService({
    name: SERVICE_NAME,
    version: options.version ?? '0.0.0',
    logger,
    metrics,
    bodyLimit: options.bodyLimit,
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      {
        name: 'postgres',
        check: async () => {
          await database.pool.query('SELECT 1');
          if (!bootstrap.done) throw new Error('migrations are not applied yet');
          return { pool: { total: database.pool.totalCount, idle: database.pool.idleCount } };
        },
      },
      {
        name: 'mqtt',
        check: async () => {
          if (!bridge.connected)
            throw new Error(`not connected to the MQTT broker at ${new URL(options.mqttUrl).host}`);
          return { broker: new URL(options.mqttUrl).host };
        },
      },
    ],
    // Closed in reverse: the bridge first (stop taking messages), then the bootstrap, then Postgres.
    resources: [
      { name: 'postgres', close: () => database.close() },
      bootstrap,
      { name: 'mqtt', close: () => bridge.close() },
    ],
    routes: (app) => {
      // Who the caller is: the console offers only the actions the caller's roles allow.
      app.get(`${API}/me`, ...auth.whoAmI);
      app.post(`${API}/devices`, ...staff, async (req, res) => {
        const input = parseBody(schemas.device, req);
        res.status(201).json(await registry.register(actor(req), input));
      });
      app.get(`${API}/devices`, ...readers, async (req, res) => {
        res.json({ devices: await registry.list(parseQuery(schemas.devices.loose(), req)) });
      });
      app.get(`${API}/devices/:id`, ...readers, async (req, res) => {
        res.json(await registry.get(parseParams(schemas.id, req).id));
      });
      app.delete(`${API}/devices/:id`, ...staff, async (req, res) => {
        res.json(await registry.decommission(actor(req), parseParams(schemas.id, req).id));
      });
      app.get(`${API}/telemetry`, ...readers, async (req, res) => {
        const query = parseQuery(
          z.object({ device: schemas.id.shape.id.optional(), limit: schemas.limit }).loose(),
          req,
        );
        // Readings in the clear for those who run the devices; auditors see identifiers masked.
        const { roles } = req.principal as NonNullable<Request['principal']>;
        const redacted = !roles.some((role) => role === 'operator' || role === 'dpo');
        res.json({ telemetry: await registry.telemetry(query, { redacted }) });
      });
      app.get(`${API}/findings`, ...readers, async (req, res) => {
        const query = parseQuery(
          z
            .object({
              status: z.enum(['open', 'resolved']).optional(),
              kind: z.enum(FINDING_KINDS).optional(),
              device: schemas.id.shape.id.optional(),
              limit: schemas.limit,
            })
            .loose(),
          req,
        );
        res.json({ findings: await registry.findings(query) });
      });
      app.post(`${API}/findings/:id/resolve`, ...dpo, async (req, res) => {
        res.json(await registry.resolveFinding(actor(req), parseParams(schemas.findingId, req).id));
      });
      app.get(`${API}/rejections`, ...readers, async (req, res) => {
        const query = parseQuery(
          z.object({ reason: z.enum(REJECTION_REASONS).optional(), limit: schemas.limit }).loose(),
          req,
        );
        res.json({ rejections: await registry.rejections(query) });
      });
      app.get(`${API}/summary`, ...readers, async (_req, res) => {
        res.json(await registry.summary());
      });
      app.use(API, storeErrors);
    },
  });

  return Object.assign(service, {
    database,
    bridge,
    ingest,
    /** Resolves once the database is migrated and the bridge started, after start(). */
    ready: () => bootstrap.settled(),
  }) as Service & {
    database: typeof database;
    bridge: typeof bridge;
    ingest: typeof ingest;
    ready: () => Promise<void>;
  };
}

export type IotService = ReturnType<typeof createIotService>;
