import { once } from 'node:events';
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
  type RetryingStartup,
  requireStarted,
  retryingStartup,
  type Service,
  serviceVersion,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request } from 'express';
import type { Redis } from 'ioredis';
import type { Operator, Outcome, Table } from './classifier.ts';
import { DEFAULTS } from './config.ts';
import { seedDemoData } from './demo-seed.ts';
import {
  BatchBody,
  FlowBody,
  type FlowInput,
  OperatorBody,
  OperatorParams,
  RuleBody,
  RuleParams,
  RulesQuery,
  SubscriberParams,
  subscriberOf,
  toRule,
  UsageQuery,
} from './schemas.ts';
import { monthOf, Store, StoreConflictError, StoreUnavailableError, UnknownOperatorError } from './store.ts';
import { REBUILD_TRIGGERS, Tables } from './tables.ts';

export const SERVICE_NAME = 'zero-rating';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));
const API = '/api/zero-rating';

export interface ZeroRatingOptions {
  /** A client from createRedisClient, with the service's key prefix (replicas share it). */
  redis: Redis;
  logger?: Logger;
  /**
   * Roles: writes `operator` or `admin`; reads `viewer`, `service`, `operator` or `admin`;
   * classifying with bytes (usage is counted) `service`, `operator` or `admin`.
   * Default: none accepted, so every API route answers 401.
   */
  auth?: Auth;
  /** How often the table version is read to catch a missed change message (default 1000 ms). */
  versionCheckIntervalMs?: number;
  demoSeed?: boolean;
  bodyLimit?: string;
  otlpEndpoint?: string;
  /** The clock for validity windows and usage months (tests move it). */
  now?: () => number;
}

export type ZeroRatingService = Service & {
  readonly store: Store;
  readonly tables: Tables;
  readonly bootstrap: RetryingStartup;
};

export interface Classification {
  zeroRated: boolean;
  operator: string | null;
  rule: string | null;
  ratingGroup: number | null;
  /** Bytes left this month under the rule's quota (only for rules with a quota). */
  remainingBytes?: number;
  reason: string;
  /** Whom usage is counted for: the MSISDN, else the client address. */
  subscriber: string;
  /** The table version that decided. */
  tableVersion: number;
}

const OUTCOMES: readonly Outcome[] = ['zero_rated', 'no_operator', 'no_rule', 'outside_validity', 'quota_exhausted'];
/** Roles that may count usage: classifying with bytes changes a subscriber's monthly total. */
const COUNTING_ROLES = ['service', 'operator', 'admin'];

export function createZeroRatingService(options: ZeroRatingOptions): ZeroRatingService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const now = options.now ?? Date.now;
  const metrics = createMetrics({ service: SERVICE_NAME });
  const store = new Store(options.redis);

  const classifications = metrics.counter({
    name: 'zero_rating_classifications_total',
    help: 'Flows classified, by outcome (zero_rated, or charged because of no_operator, no_rule, outside_validity, quota_exhausted)',
    labelNames: ['outcome'] as const,
  });
  const exhaustions = metrics.counter({
    name: 'zero_rating_quota_exhaustions_total',
    help: 'Flows charged because the monthly quota of the rule that matched was used up, by operator',
    labelNames: ['operator'] as const,
  });
  const usageBytes = metrics.counter({
    name: 'zero_rating_usage_bytes_total',
    help: 'Bytes of zero-rated flows counted against subscribers, by operator',
    labelNames: ['operator'] as const,
  });
  const rebuilds = metrics.counter({
    name: 'zero_rating_table_rebuilds_total',
    help: 'Table rebuilds, by what triggered them (start, write on this replica, change message, version check catching a missed message)',
    labelNames: ['trigger'] as const,
  });
  const rebuildDuration = metrics.histogram({
    name: 'zero_rating_table_rebuild_duration_seconds',
    help: 'Time to read the snapshot from Redis and compile the tries',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  for (const outcome of OUTCOMES) classifications.inc({ outcome }, 0);
  for (const trigger of REBUILD_TRIGGERS) rebuilds.inc({ trigger }, 0);
  const tableGauge = (name: string, help: string, read: (table: Table) => number) =>
    metrics.gauge({
      name,
      help,
      collect() {
        if (tables.current) this.set(read(tables.current));
      },
    });
  metrics.gauge({
    name: 'zero_rating_trie_prefixes',
    help: 'Prefixes in the compiled tries, by address family',
    labelNames: ['family'] as const,
    collect() {
      const stats = tables.current?.stats();
      if (!stats) return;
      this.set({ family: 'ipv4' }, stats.prefixes.ipv4);
      this.set({ family: 'ipv6' }, stats.prefixes.ipv6);
    },
  });
  metrics.gauge({
    name: 'zero_rating_trie_nodes',
    help: 'Nodes in the compiled tries, by address family (about 12 bytes each)',
    labelNames: ['family'] as const,
    collect() {
      const stats = tables.current?.stats();
      if (!stats) return;
      this.set({ family: 'ipv4' }, stats.trieNodes.ipv4);
      this.set({ family: 'ipv6' }, stats.trieNodes.ipv6);
    },
  });
  tableGauge('zero_rating_rules', 'Rules in the compiled table', (table) => table.stats().rules);
  tableGauge('zero_rating_operators', 'Operators in the compiled table', (table) => table.stats().operators);
  tableGauge('zero_rating_table_version', 'Version of the compiled table (every change bumps it)', (t) => t.version);
  metrics.gauge({
    name: 'zero_rating_table_check_age_seconds',
    help: 'Seconds since this replica last confirmed its table version against Redis',
    collect() {
      if (tables.lastCheckAt !== undefined) this.set((Date.now() - tables.lastCheckAt) / 1000);
    },
  });

  const tables = new Tables({
    store,
    logger,
    checkIntervalMs: options.versionCheckIntervalMs ?? DEFAULTS.VERSION_CHECK_INTERVAL_MS,
    onRebuilt: (_table, trigger, seconds) => {
      rebuilds.inc({ trigger });
      rebuildDuration.observe(seconds);
    },
  });

  const bootstrap = retryingStartup({
    name: 'rule table',
    subject: 'the rule table (Redis)',
    logger,
    // The client connects in the background; the first attempt waits for it instead of failing.
    connect: async (signal) => {
      if (options.redis.status !== 'ready') await once(options.redis, 'ready', { signal }).catch(() => {});
    },
    prepare: async () => {
      if (options.demoSeed) await seedDemoData(store, logger);
      await tables.start();
    },
    notReadyMessage: 'Redis is not answering yet; serving (not ready) while connecting',
  });
  const started = requireStarted(bootstrap, 'the rule table is loading from Redis; try again shortly');
  const writers = auth.requireRole('operator', 'admin');
  const readers = auth.requireRole('viewer', 'service', 'operator', 'admin');

  const table = (): Table => tables.current as Table;

  async function classify(flow: FlowInput, at: number): Promise<Classification> {
    const current = table();
    const match = current.match({ address: flow.clientIp, msisdn: flow.msisdn, host: flow.host, path: flow.path }, at);
    const subscriber = subscriberOf({ msisdn: flow.msisdn, address: flow.clientIp });
    const charged = (outcome: Outcome, reason: string, extra: Partial<Classification> = {}): Classification => {
      classifications.inc({ outcome });
      return {
        zeroRated: false,
        operator: match.operator?.id ?? null,
        rule: null,
        ratingGroup: null,
        ...extra,
        reason,
        subscriber,
        tableVersion: current.version,
      };
    };
    if (match.outcome !== 'zero_rated' || !match.rule || !match.operator) return charged(match.outcome, match.reason);
    const { rule, operator } = match;
    const bytes = flow.bytes ?? 0;
    const quota = rule.monthlyQuotaBytes;
    let remainingBytes: number | undefined;
    if (bytes > 0 || quota !== null) {
      const account = await store.account(subscriber, monthOf(at), rule.id, bytes, quota);
      if (quota !== null) remainingBytes = Math.max(0, quota - account.used);
      if (!account.zeroRated) {
        exhaustions.inc({ operator: operator.id });
        return charged('quota_exhausted', 'quota exhausted', {
          rule: rule.id,
          ratingGroup: rule.ratingGroup,
          remainingBytes,
        });
      }
      if (bytes > 0) usageBytes.inc({ operator: operator.id }, bytes);
    }
    classifications.inc({ outcome: 'zero_rated' });
    return {
      zeroRated: true,
      operator: operator.id,
      rule: rule.id,
      ratingGroup: rule.ratingGroup,
      ...(remainingBytes === undefined ? {} : { remainingBytes }),
      reason: match.reason,
      subscriber,
      tableVersion: current.version,
    };
  }

  /** Counting usage changes state: only callers with a counting role may send bytes. */
  function checkMayCount(req: Request, flows: FlowInput[]) {
    if (!flows.some((flow) => flow.bytes !== undefined && flow.bytes > 0)) return;
    const roles = req.principal?.roles ?? [];
    if (!COUNTING_ROLES.some((role) => roles.includes(role))) {
      throw new HttpProblem(
        403,
        `classifying with bytes counts usage and requires one of the roles: ${COUNTING_ROLES.join(', ')}; leave bytes out to classify only`,
      );
    }
  }

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
        name: 'table',
        check: async () => {
          const current = tables.current;
          if (!current) throw new Error('the rule table has not been built yet');
          const checked =
            tables.lastCheckAt === undefined ? null : Math.round((Date.now() - tables.lastCheckAt) / 1000);
          return { ...current.stats(), checkedSecondsAgo: checked };
        },
      },
    ],
    // Closed in reverse: the table sync stops, then start-up, then the Redis client.
    resources: [
      { name: 'redis', close: () => options.redis.quit().catch(() => options.redis.disconnect()) },
      bootstrap,
      { name: 'table sync', close: () => tables.close() },
    ],
    routes: (app) => {
      app.put(`${API}/operators/:id`, ...writers, started, async (req, res) => {
        const { id } = parseParams(OperatorParams, req);
        const body = parseBody(OperatorBody, req);
        const operator: Operator = { id, ...body, updatedAt: new Date(now()).toISOString() };
        const result = await store.putOperator(operator);
        await tables.catchUp(result.version);
        res.status(result.status === 'created' ? 201 : 200).json(operator);
      });

      app.get(`${API}/operators`, ...readers, async (_req, res) => {
        const { operators } = await store.snapshot();
        res.json({ operators: operators });
      });

      app.get(`${API}/operators/:id`, ...readers, async (req, res) => {
        const { id } = parseParams(OperatorParams, req);
        const operator = await store.getOperator(id);
        if (!operator) throw new HttpProblem(404, `there is no operator ${id}`);
        res.json(operator);
      });

      app.delete(`${API}/operators/:id`, ...writers, started, async (req, res) => {
        const { id } = parseParams(OperatorParams, req);
        const result = await store.deleteOperator(id);
        if (!result) throw new HttpProblem(404, `there is no operator ${id}`);
        await tables.catchUp(result.version);
        res.status(204).end();
      });

      app.put(`${API}/rules/:id`, ...writers, started, async (req, res) => {
        const { id } = parseParams(RuleParams, req);
        const body = parseBody(RuleBody, req);
        const rule = toRule(id, body, new Date(now()).toISOString());
        const result = await store.putRule(rule);
        await tables.catchUp(result.version);
        res.status(result.status === 'created' ? 201 : 200).json(rule);
      });

      app.get(`${API}/rules`, ...readers, async (req, res) => {
        const { operator } = parseQuery(RulesQuery, req);
        const { rules } = await store.snapshot();
        res.json({ rules: rules.filter((rule) => !operator || rule.operator === operator) });
      });

      app.get(`${API}/rules/:id`, ...readers, async (req, res) => {
        const { id } = parseParams(RuleParams, req);
        const rule = await store.getRule(id);
        if (!rule) throw new HttpProblem(404, `there is no rule ${id}`);
        res.json(rule);
      });

      app.delete(`${API}/rules/:id`, ...writers, started, async (req, res) => {
        const { id } = parseParams(RuleParams, req);
        const result = await store.deleteRule(id);
        if (!result) throw new HttpProblem(404, `there is no rule ${id}`);
        await tables.catchUp(result.version);
        res.status(204).end();
      });

      app.post(`${API}/classify`, ...readers, started, async (req, res) => {
        const flow = parseBody(FlowBody, req);
        checkMayCount(req, [flow]);
        res.json(await classify(flow, now()));
      });

      app.post(`${API}/classify/batch`, ...readers, started, async (req, res) => {
        const { flows } = parseBody(BatchBody, req);
        checkMayCount(req, flows);
        const at = now();
        res.json({ results: await Promise.all(flows.map((flow) => classify(flow, at))) });
      });

      app.get(`${API}/usage/:subscriber`, ...readers, started, async (req, res) => {
        const { subscriber } = parseParams(SubscriberParams, req);
        const month = parseQuery(UsageQuery, req).month ?? monthOf(now());
        const usage = await store.usage(subscriber, month);
        const current = table();
        const rules = [...usage]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([id, usedBytes]) => {
            const rule = current.rule(id);
            const quota = rule?.monthlyQuotaBytes ?? null;
            return {
              rule: id,
              operator: rule?.operator ?? null,
              usedBytes,
              monthlyQuotaBytes: quota,
              remainingBytes: quota === null ? null : Math.max(0, quota - usedBytes),
            };
          });
        res.json({ subscriber, month, totalBytes: rules.reduce((sum, r) => sum + r.usedBytes, 0), rules });
      });

      app.get(`${API}/table`, ...readers, started, (_req, res) => {
        res.json({
          ...table().stats(),
          checkedAt: tables.lastCheckAt ? new Date(tables.lastCheckAt).toISOString() : null,
        });
      });

      const storeErrors: ErrorRequestHandler = (error, _req, _res, next) => {
        if (error instanceof StoreUnavailableError) {
          next(
            new HttpProblem(503, 'the store (Redis) is unavailable; try again shortly', {
              headers: { 'retry-after': '5' },
              cause: error,
            }),
          );
        } else if (error instanceof StoreConflictError) {
          next(new HttpProblem(409, error.message));
        } else if (error instanceof UnknownOperatorError) {
          next(new HttpProblem(422, `${error.message}; create the operator first`));
        } else {
          next(error);
        }
      };
      app.use(storeErrors);
    },
  });

  return Object.assign(service, { store, tables, bootstrap });
}
