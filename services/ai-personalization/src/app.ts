import { setTimeout as sleep } from 'node:timers/promises';
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
  type RateLimitOptions,
  type Resource,
  rateLimit,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { DEFAULTS } from './config.ts';
import { seedDemoData } from './demo-seed.ts';
import { type CatalogItem, EVENT_TYPES } from './model.ts';
import { type LoadedModel, ModelManager } from './model-manager.ts';
import { type Reason, recommend, type Scored, similar, similarToNew } from './recommend.ts';
import { type NewEvent, Store, StoreUnavailableError } from './store.ts';

export const SERVICE_NAME = 'ai-personalization';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));

export interface PersonalizationOptions {
  /** A client from createRedisClient, with the service's key prefix. */
  redis: Redis;
  logger?: Logger;
  /** Rebuild the model this often (0: only on POST /model/rebuild). Default MODEL_REBUILD_INTERVAL_MS's (a minute). */
  rebuildIntervalMs?: number;
  /** Fill an empty store with the demo catalogue at start-up (default false). */
  demoSeed?: boolean;
  /**
   * How long start() waits for the first model (default 5000 ms): a healthy start is ready
   * at once, one without Redis listens anyway and keeps trying.
   */
  firstModelWaitMs?: number;
  /**
   * Checks the credentials of catalogue writes, model rebuilds and the user list, which
   * need the role `operator` or `admin`. Default: none accepted, so those answer 401.
   */
  auth?: Auth;
  /**
   * Events one client may post per window (default 120 a minute), counted in Redis so the
   * limit holds across replicas; `trustProxy` as TRUST_PROXY (default: no proxy trusted).
   */
  rateLimit?: Pick<RateLimitOptions, 'limit' | 'windowMs' | 'trustProxy'>;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

/** The service, with its store and models for tests and tools. */
export type PersonalizationService = Service & { readonly store: Store; readonly models: ModelManager };

const MAX_BATCH = 1000;

/** `{ events: [...] }`, as opposed to one event. */
function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
}
/** How long start() waits for the first model before the service listens anyway. */
const FIRST_MODEL_WAIT_MS = 5000;
const SEED_RETRY_MS = 1000;

const id = (what: string, whenMissing = `must be a string (the ${what} id)`) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? whenMissing : `must be a string (the ${what} id)`) })
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const ItemBody = z.object({
  title: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(300, 'must be at most 300 characters'),
  tags: z
    .array(
      z
        .string({ error: 'must be a string' })
        .trim()
        .min(1, 'must not be empty')
        .max(60, 'must be at most 60 characters'),
      {
        error: 'must be an array of strings',
      },
    )
    .max(50, 'must contain at most 50 tags')
    .default([]),
  category: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters'),
  text: z.string({ error: 'must be a string' }).max(20_000, 'must be at most 20000 characters').default(''),
});

const Timestamp = z.union(
  [
    z.number().int().min(0).max(8_640_000_000_000_000),
    z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
  ],
  { error: 'must be milliseconds since the epoch or an ISO 8601 date-time' },
);

const EventBody = z.object({
  // Without an id a retried event would count twice.
  id: id('event', 'is required: a unique id per event (a UUID), so that a retried event counts once'),
  user: id('user'),
  item: id('item'),
  type: z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` }),
  timestamp: Timestamp.optional(),
});

const BatchBody = z.object({
  events: z
    .array(EventBody, { error: 'must be an array of events' })
    .min(1, 'must contain at least one event')
    .max(MAX_BATCH, `must contain at most ${MAX_BATCH} events`),
});

const ItemParams = z.object({ id: id('item') });
const UserParams = z.object({ userId: id('user') });
const K = z.object({
  k: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(10),
});
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  category: z.string().min(1).max(100).optional(),
});
const UsersQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export function createPersonalizationService(options: PersonalizationOptions): PersonalizationService {
  const store = new Store(options.redis);
  const auth = options.auth ?? createAuth({});
  const staff = auth.requireRole('operator', 'admin');
  // Batches are bulk ingest, for operators; the console sends single events, open to all.
  const batchesForStaff = auth.requireRoleWhen((req) => isBatch(req.body), 'operator', 'admin');
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const metrics = createMetrics({ service: SERVICE_NAME });

  const events = metrics.counter({
    name: 'personalization_events_total',
    help: 'Interaction events accepted (duplicates excluded), by type',
    labelNames: ['type'] as const,
  });
  const recommendations = metrics.counter({
    name: 'personalization_recommendations_total',
    help: 'Items recommended to users, by the signal that contributed most',
    labelNames: ['reason'] as const,
  });
  // Every label value exists from the start, so dashboards and rate() see zeros, not gaps.
  for (const type of EVENT_TYPES) events.inc({ type }, 0);
  for (const reason of ['collaborative', 'content', 'popular'] as const) recommendations.inc({ reason }, 0);
  metrics.gauge({
    name: 'personalization_model_age_seconds',
    help: 'Seconds since the current model was built (absent until one is loaded)',
    collect() {
      const model = models.current;
      if (model) this.set((Date.now() - model.builtAt) / 1000);
    },
  });
  const buildDuration = metrics.histogram({
    name: 'personalization_model_build_duration_seconds',
    help: 'Time to rebuild the model: reading Redis and building in the worker',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  const modelItems = metrics.gauge({ name: 'personalization_model_items', help: 'Items in the current model' });
  const modelUsers = metrics.gauge({
    name: 'personalization_model_users',
    help: 'Users with interactions in the current model',
  });

  const models = new ModelManager({
    store,
    logger,
    onBuilt: (model, seconds) => {
      buildDuration.observe(seconds);
      modelItems.set(model.stats.items);
      modelUsers.set(model.stats.users);
    },
  });
  const current = (): LoadedModel => {
    const model = models.current;
    if (!model)
      throw new HttpProblem(503, 'no model is loaded yet; try again shortly', { headers: { 'retry-after': '2' } });
    return model;
  };

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    metrics,
    bodyLimit: options.bodyLimit,
    otlpEndpoint: options.otlpEndpoint,
    checks: [
      { name: 'redis', check: () => store.ping() },
      {
        name: 'model',
        check: async () => {
          const model = models.current;
          if (!model) throw new Error(models.building ? 'the first model is being built' : 'no model loaded');
          return { loaded: true, ...models.summary(model), ...model.stats, buildMs: model.buildMs };
        },
      },
    ],
    // Closed in reverse order: the rebuilds stop before the Redis client goes.
    resources: [
      { name: 'redis', close: () => options.redis.quit().catch(() => options.redis.disconnect()) },
      modelRebuilds(store, models, logger, options),
    ],
    routes: (app) => {
      /** Scored model indices → response items, with the catalogue's current attributes. */
      const present = async (model: LoadedModel, scored: Scored[]) => {
        const items = await store.getItems(scored.map((s) => model.itemIds[s.index] as string));
        return scored.flatMap((s, i) => {
          const item = items[i];
          if (!item) return [];
          const { id, title, category, tags } = item;
          return [{ id, title, category, tags, score: Math.round(s.score * 10_000) / 10_000, reason: s.reason }];
        });
      };

      app.put('/api/personalization/items/:id', ...staff, async (req, res) => {
        const { id: itemId } = parseParams(ItemParams, req);
        const body = parseBody(ItemBody, req);
        const item: CatalogItem = { id: itemId, ...body, tags: [...new Set(body.tags)] };
        const created = await store.putItem(item);
        res.status(created ? 201 : 200).json(item);
      });

      app.get('/api/personalization/items', async (req, res) => {
        const query = parseQuery(ListQuery, req);
        const { items, total } = await store.listItems(query);
        res.json({ items: items.map(({ id, title, tags, category }) => ({ id, title, tags, category })), total });
      });

      app.get('/api/personalization/items/:id/similar', async (req, res) => {
        const { id: itemId } = parseParams(ItemParams, req);
        const { k } = parseQuery(K, req);
        const model = current();
        const item = await store.getItem(itemId);
        if (!item) throw new HttpProblem(404, `no item with id "${itemId}"`);
        const index = model.itemIndex.get(itemId);
        const scored = index === undefined ? similarToNew(model, item, k) : similar(model, index, k);
        res.json({ id: itemId, items: await present(model, scored) });
      });

      app.get('/api/personalization/users', ...staff, async (req, res) => {
        const { limit } = parseQuery(UsersQuery, req);
        res.json({ users: await store.topUsers(limit) });
      });

      // Single events are open to the console's anonymous visitors, so limited per client.
      const eventsLimit = rateLimit({ ...options.rateLimit, redis: options.redis, name: 'events', logger });
      app.post('/api/personalization/events', eventsLimit, batchesForStaff, async (req, res) => {
        const received = isBatch(req.body) ? parseBody(BatchBody, req).events : [parseBody(EventBody, req)];
        const now = Date.now();
        const batch: NewEvent[] = received.map((event) => ({ ...event, timestamp: event.timestamp ?? now }));
        const result = await store.addEvents(batch);
        for (const [type, count] of Object.entries(result.acceptedTypes)) events.inc({ type }, count);
        res.status(202).json({ accepted: result.accepted, duplicates: result.duplicates });
      });

      app.get('/api/personalization/recommendations/:userId', async (req, res) => {
        const { userId } = parseParams(UserParams, req);
        const { k } = parseQuery(K, req);
        const model = current();
        const history = await store.history(userId);
        const items = await present(model, recommend(model, history, k));
        const counts = new Map<Reason, number>();
        for (const item of items) counts.set(item.reason, (counts.get(item.reason) ?? 0) + 1);
        for (const [reason, count] of counts) recommendations.inc({ reason }, count);
        res.json({ userId, k, model: models.summary(model), items });
      });

      app.post('/api/personalization/model/rebuild', ...staff, (_req, res) => {
        const build = models.rebuild();
        build.done.catch((error: unknown) => logger.warn({ err: error }, 'requested model rebuild failed'));
        res.status(202).json({ started: build.started });
      });

      // Redis not answering is a 503 the client may retry, never a hang or a 500.
      const unavailable: ErrorRequestHandler = (error, _req, _res, next) => {
        next(
          error instanceof StoreUnavailableError
            ? new HttpProblem(503, 'the store (Redis) is unavailable; try again shortly', {
                headers: { 'retry-after': '5' },
                cause: error,
              })
            : error,
        );
      };
      app.use(unavailable);
    },
  });

  return Object.assign(service, { store, models });
}

/**
 * The model as a resource. Start: seeds the demo data when asked (retrying until Redis
 * answers), then schedules rebuilds and builds the first model, waiting for it at most
 * `firstModelWaitMs` — a healthy start is ready at once, one without Redis listens anyway
 * (liveness does not depend on Redis) and keeps trying. Close: stops seeding, retries and
 * rebuilds, and waits for a running build.
 */
function modelRebuilds(store: Store, models: ModelManager, logger: Logger, options: PersonalizationOptions): Resource {
  const stopping = new AbortController();
  let running: Promise<void> | undefined;

  const seedAndBuild = async () => {
    while (options.demoSeed && !stopping.signal.aborted) {
      try {
        await seedDemoData(store, logger);
        break;
      } catch (error) {
        logger.warn({ err: error }, 'demo seeding failed; retrying');
        await sleep(SEED_RETRY_MS, undefined, { signal: stopping.signal }).catch(() => {});
      }
    }
    if (!stopping.signal.aborted) await models.start(options.rebuildIntervalMs ?? DEFAULTS.MODEL_REBUILD_INTERVAL_MS);
  };

  return {
    name: 'model rebuilds',
    start: async () => {
      running = seedAndBuild();
      const waited = new AbortController();
      const timeout = sleep(options.firstModelWaitMs ?? FIRST_MODEL_WAIT_MS, undefined, { signal: waited.signal });
      await Promise.race([running, timeout.catch(() => {})]);
      waited.abort();
      if (!models.current && !stopping.signal.aborted) {
        logger.warn('no model yet; serving (not ready) while the first one is built');
      }
    },
    close: async () => {
      stopping.abort();
      await models.close();
      await running;
    },
  };
}
