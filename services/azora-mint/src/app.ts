import { setTimeout as sleep } from 'node:timers/promises';
import { isMongoUnavailable, MongoConnection, mongoBootstrap, type ObjectId, parseObjectId } from '@azora/mongo';
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
  type Resource,
  requireStarted,
  type Service,
  serviceVersion,
  z,
} from '@azora/service-kit';
import type { ErrorRequestHandler, Request } from 'express';
import { Amount, BASE_UNITS_PER_AZR } from './amount.ts';
import { DEFAULTS } from './config.ts';
import { seedDemoWallets } from './demo-seed.ts';
import { checkInvariants, type InvariantReport } from './invariants.ts';
import { type Caller, ContentionError, deltaFor, type EntryRequest, Ledger, LedgerError, type Step } from './ledger.ts';
import { type AccountDoc, createStore, ENTRY_TYPES, type EntryDoc, ensureIndexes } from './store.ts';
import { type RecoveryOutcome, Sweeper } from './sweeper.ts';

export const SERVICE_NAME = 'azora-mint';
export const VERSION = serviceVersion(new URL('../package.json', import.meta.url));
const API = '/api/azora-mint';

export interface MintOptions {
  /** MONGODB_URI; the service opens (and keeps retrying) the connection when it starts. */
  mongodbUri: string;
  logger?: Logger;
  /** Checks credentials: roles minter, user, auditor, admin. Default: none accepted (every route but supply is 401). */
  auth?: Auth;
  transferFee?: bigint;
  sweeperIntervalMs?: number;
  sweeperWindowMs?: number;
  /** 0: the invariants are checked only on GET invariants. */
  invariantCheckIntervalMs?: number;
  demoSeed?: boolean;
  /** Called after each step of an entry (the crash tests kill the process here). */
  onStep?: (step: Step, entryId: ObjectId) => void;
  bodyLimit?: string;
  otlpEndpoint?: string;
}

export type MintService = Service & {
  readonly ledger: Ledger;
  readonly sweeper: Sweeper;
  readonly mongo: MongoConnection;
  /** Resolves once MongoDB is connected and prepared (or the service stopped), after start(). */
  readonly ready: () => Promise<void>;
};

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

const AccountId = z.string({ error: 'must be an account id (24 hexadecimal digits)' }).transform((value, ctx) => {
  const id = parseObjectId(value);
  if (!id) {
    ctx.addIssue({ code: 'custom', message: 'must be an account id (24 hexadecimal digits)' });
    return z.NEVER;
  }
  return id;
});

// Strict: an unknown field is a 400, not silently dropped.
const NewAccount = z.strictObject({ owner: text(200).optional() }, { error: 'must be a JSON object' });
const MintBody = z.strictObject({ to: AccountId, amount: Amount }, { error: 'must be a JSON object' });
const TransferBody = z.strictObject(
  { from: AccountId, to: AccountId, amount: Amount, memo: text(280).optional() },
  { error: 'must be a JSON object' },
);
const BurnBody = z.strictObject({ from: AccountId, amount: Amount }, { error: 'must be a JSON object' });
const ReversalBody = z.strictObject({}, { error: 'must be a JSON object (no fields)' }).optional();
const IdParams = z.object({ id: AccountId });
const EntryParams = z.object({
  id: z.string().transform((value, ctx) => {
    const id = parseObjectId(value);
    if (!id) ctx.addIssue({ code: 'custom', message: 'must be an entry id (24 hexadecimal digits)' });
    return id as ObjectId;
  }),
});
const HistoryQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int('must be a whole number from 1 to 200')
    .min(1, 'must be a whole number from 1 to 200')
    .max(200, 'must be a whole number from 1 to 200')
    .default(50),
  cursor: z
    .string()
    .regex(/^[\w:.-]+\|[0-9a-f]{24}$/, 'must be the nextCursor of a previous page')
    .optional(),
});
const AccountsQuery = z.strictObject({ owner: text(200).optional() });

/** `Idempotency-Key`: required on every write, 1–255 visible ASCII characters. */
function idempotencyKey(req: Request): string {
  const key = req.get('idempotency-key');
  if (key === undefined) {
    throw new HttpProblem(400, 'the Idempotency-Key header is required on writes (a UUID per intended operation)');
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpProblem(400, 'the Idempotency-Key header must be 1 to 255 visible ASCII characters');
  }
  return key;
}

function caller(req: Request): Caller {
  const principal = req.principal;
  if (!principal) throw new HttpProblem(401, 'authentication required');
  return { subject: principal.subject, actsForAnyone: principal.roles.includes('admin') };
}

const hasRole = (req: Request, ...roles: string[]) => roles.some((role) => req.principal?.roles.includes(role));

function presentAccount(account: AccountDoc) {
  return {
    id: account._id.toHexString(),
    owner: account.owner,
    kind: account.kind,
    balance: account.balance,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

function presentEntry(entry: EntryDoc) {
  return {
    id: entry._id.toHexString(),
    type: entry.type,
    status: entry.status,
    amount: entry.amount,
    fee: entry.fee,
    from: entry.from?.toHexString() ?? null,
    to: entry.to?.toHexString() ?? null,
    memo: entry.memo,
    reverses: entry.reverses?.toHexString() ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

export function createMintService(options: MintOptions): MintService {
  const logger = options.logger ?? createLogger(SERVICE_NAME);
  const auth = options.auth ?? createAuth({});
  const metrics = createMetrics({ service: SERVICE_NAME });
  const windowMs = options.sweeperWindowMs ?? DEFAULTS.SWEEPER_WINDOW_MS;

  const entries = metrics.counter({
    name: 'mint_entries_total',
    help: 'Journal entries decided, by type and outcome (posted, or failed for insufficient funds or the cap)',
    labelNames: ['type', 'outcome'] as const,
  });
  const recoveries = metrics.counter({
    name: 'mint_sweeper_recovered_total',
    help: 'Entries left pending that the sweeper finished, by outcome',
    labelNames: ['outcome'] as const,
  });
  // Every label value exists from the start, so rate() and dashboards see zeros, not gaps.
  for (const type of ENTRY_TYPES) for (const outcome of ['posted', 'failed']) entries.inc({ type, outcome }, 0);
  for (const outcome of ['rolled_forward', 'rolled_back', 'cleaned']) recoveries.inc({ outcome }, 0);
  const transferDuration = metrics.histogram({
    name: 'mint_transfer_duration_seconds',
    help: 'POST transfers, from request to answer',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  const mongo = new MongoConnection({
    uri: options.mongodbUri,
    onRetry: (error) => logger.warn({ err: error }, 'MongoDB is not reachable yet; retrying'),
  });
  const ledger = new Ledger({
    store: createStore(mongo.connection),
    transferFee: options.transferFee,
    onStep: options.onStep,
    onDecided: (entry) => entries.inc({ type: entry.type, outcome: entry.status }),
    logger,
  });
  const sweeper = new Sweeper({
    ledger,
    intervalMs: options.sweeperIntervalMs ?? DEFAULTS.SWEEPER_INTERVAL_MS,
    windowMs,
    logger,
    onRecovered: (outcome: RecoveryOutcome) => recoveries.inc({ outcome }),
  });

  let lastCheck: { report: InvariantReport; at: number } | undefined;
  let circulatingAzr = 0;
  const runInvariantCheck = async () => {
    const report = await checkInvariants(ledger.store, windowMs);
    lastCheck = { report, at: Date.now() };
    if (!report.ok) logger.error({ violations: report.violations.slice(0, 20) }, 'ledger invariants violated');
    circulatingAzr = Number((await ledger.supply()).circulating / (BASE_UNITS_PER_AZR / 1000n)) / 1000;
    return report;
  };
  metrics.gauge({
    name: 'mint_invariants_ok',
    help: '1 when the last invariant check found no violation, 0 when it found one (absent before the first check)',
    collect() {
      if (lastCheck) this.set(lastCheck.report.ok ? 1 : 0);
    },
  });
  metrics.gauge({
    name: 'mint_invariant_violations',
    help: 'Violations found by the last invariant check',
    collect() {
      if (lastCheck) this.set(lastCheck.report.violations.length);
    },
  });
  metrics.gauge({
    name: 'mint_invariant_check_age_seconds',
    help: 'Seconds since the last completed invariant check',
    collect() {
      if (lastCheck) this.set((Date.now() - lastCheck.at) / 1000);
    },
  });
  metrics.gauge({
    name: 'mint_pending_entries',
    help: 'Entries in pending (in flight, or left by a crash) at the last sweep',
    collect() {
      this.set(sweeper.lastReport.pending);
    },
  });
  metrics.gauge({
    name: 'mint_oldest_pending_seconds',
    help: 'Age of the oldest entry in pending at the last sweep (0 when none)',
    collect() {
      this.set(sweeper.lastReport.oldestPendingMs / 1000);
    },
  });
  metrics.gauge({
    name: 'mint_sweeper_last_run_age_seconds',
    help: 'Seconds since the sweeper last completed a pass',
    collect() {
      if (sweeper.lastRunAt !== undefined) this.set((Date.now() - sweeper.lastRunAt) / 1000);
    },
  });
  metrics.gauge({
    name: 'mint_circulating_supply_azr',
    help: 'Circulating supply in whole AZR at the last invariant check (for dashboards; the API has exact amounts)',
    collect() {
      this.set(circulatingAzr);
    },
  });

  const bootstrap = bootstrapResource({ mongo, ledger, sweeper, logger, options, runInvariantCheck });
  const minters = auth.requireRole('minter', 'admin');
  const spenders = auth.requireRole('user', 'admin');
  const auditors = auth.requireRole('auditor', 'admin');
  const admins = auth.requireRole('admin');
  const readers = auth.authenticate;
  const seesEverything = (req: Request) => hasRole(req, 'auditor', 'admin');
  const ready = requireStarted(bootstrap, 'the ledger is starting (connecting to MongoDB); try again shortly');

  /** Runs an entry and answers with its decision: 201 posted, 422 failed (the same on a retry). */
  const submit = async (req: Request, request: EntryRequest) => {
    const entry = await ledger.submit(request, caller(req), idempotencyKey(req));
    if (entry.status === 'failed' && entry.failure) {
      throw new HttpProblem(422, entry.failure.detail, {
        extensions: { code: entry.failure.code, entry: entry._id.toHexString() },
      });
    }
    return presentEntry(entry);
  };

  const service = createService({
    name: SERVICE_NAME,
    version: VERSION,
    logger,
    metrics,
    bodyLimit: options.bodyLimit ?? '16kb',
    otlpEndpoint: options.otlpEndpoint,
    // The original platform's compose healthcheck probed this path.
    readyAliases: ['/api/health/ready'],
    checks: [
      { name: 'mongodb', check: () => mongo.ping() },
      {
        name: 'sweeper',
        check: async () => {
          if (!sweeper.healthy) {
            throw new Error(
              sweeper.lastError
                ? `sweeps are failing: ${(sweeper.lastError as Error).message}`
                : 'no sweep has completed yet',
            );
          }
          return {
            lastRunSecondsAgo: Math.round((Date.now() - (sweeper.lastRunAt ?? 0)) / 1000),
            ...sweeper.lastReport,
          };
        },
      },
    ],
    resources: [{ name: 'mongodb', close: () => mongo.close() }, bootstrap],
    routes: (app) => {
      app.get(`${API}/supply`, ready, async (_req, res) => {
        const supply = await ledger.supply();
        res.json(Object.fromEntries(Object.entries(supply).map(([name, value]) => [name, value.toString()])));
      });

      app.get(`${API}/me`, ...auth.whoAmI);

      app.post(`${API}/accounts`, ...spenders, ready, async (req, res) => {
        const body = parseBody(NewAccount, req);
        const who = caller(req);
        const owner = body.owner ?? who.subject;
        if (owner !== who.subject && !who.actsForAnyone) {
          throw new HttpProblem(403, 'you can only create wallets that you own (owner must be your subject)');
        }
        const account = await ledger.createAccount(owner, who, idempotencyKey(req));
        res.status(201).json(presentAccount(account));
      });

      app.get(`${API}/accounts`, readers, ready, async (req, res) => {
        const query = parseQuery(AccountsQuery, req);
        if (query.owner !== undefined && query.owner !== caller(req).subject && !seesEverything(req)) {
          throw new HttpProblem(403, "only auditors and admins can list other owners' wallets");
        }
        const owner = query.owner ?? (seesEverything(req) ? undefined : caller(req).subject);
        const accounts = await ledger.listAccounts(owner);
        res.json({ accounts: accounts.map(presentAccount) });
      });

      /** The account, for its owner, auditors and admins. */
      const readableAccount = async (req: Request) => {
        const { id } = parseParams(IdParams, req);
        const account = await ledger.getAccount(id);
        if (!account) throw new HttpProblem(404, `no account with id "${id}"`);
        if (account.owner !== caller(req).subject && !seesEverything(req)) {
          throw new HttpProblem(403, 'this account is not yours; only its owner, auditors and admins can read it');
        }
        return account;
      };

      app.get(`${API}/accounts/:id`, readers, ready, async (req, res) => {
        res.json(presentAccount(await readableAccount(req)));
      });

      app.get(`${API}/accounts/:id/entries`, readers, ready, async (req, res) => {
        const account = await readableAccount(req);
        const { limit, cursor } = parseQuery(HistoryQuery, req);
        const page = await ledger.history(account._id, limit, cursor);
        res.json({
          entries: page.entries.map((entry) => ({
            ...presentEntry(entry),
            delta: deltaFor(entry, account._id).toString(),
          })),
          nextCursor: page.next ?? null,
        });
      });

      app.get(`${API}/entries/:id`, readers, ready, async (req, res) => {
        const { id } = parseParams(EntryParams, req);
        const entry = await ledger.getEntry(id);
        if (!entry) throw new HttpProblem(404, `no entry with id "${id}"`);
        if (!seesEverything(req)) {
          const owned = await ledger.listAccounts(caller(req).subject);
          if (!owned.some((account) => entry.accounts.some((id) => id.equals(account._id)))) {
            throw new HttpProblem(403, 'this entry moves none of your accounts');
          }
        }
        res.json({
          ...presentEntry(entry),
          legs: entry.legs.map((leg) => ({ account: leg.account.toHexString(), delta: leg.delta })),
          failure: entry.failure,
        });
      });

      app.post(`${API}/mint`, ...minters, ready, async (req, res) => {
        const { to, amount } = parseBody(MintBody, req);
        res.status(201).json(await submit(req, { type: 'mint', to, amount }));
      });

      app.post(`${API}/transfers`, ...spenders, ready, async (req, res) => {
        const stop = transferDuration.startTimer();
        try {
          const { from, to, amount, memo } = parseBody(TransferBody, req);
          res.status(201).json(await submit(req, { type: 'transfer', from, to, amount, memo }));
        } finally {
          stop();
        }
      });

      app.post(`${API}/burn`, ...spenders, ready, async (req, res) => {
        const { from, amount } = parseBody(BurnBody, req);
        res.status(201).json(await submit(req, { type: 'burn', from, amount }));
      });

      app.post(`${API}/entries/:id/reversal`, ...admins, ready, async (req, res) => {
        const { id } = parseParams(EntryParams, req);
        if (req.body !== undefined) parseBody(ReversalBody, req);
        res.status(201).json(await submit(req, { type: 'reversal', reverses: id }));
      });

      app.get(`${API}/invariants`, ...auditors, ready, async (_req, res) => {
        res.json(await runInvariantCheck());
      });

      app.use(ledgerErrors);
    },
  });

  return Object.assign(service, { ledger, sweeper, mongo, ready: bootstrap.settled });
}

/** Refusals become problems with a `code`; MongoDB being away is a 503 the client may retry. */
const ledgerErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof LedgerError) {
    next(
      new HttpProblem(error.status, error.message, {
        extensions: { code: error.code },
        headers: error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {},
      }),
    );
  } else if (error instanceof ContentionError) {
    next(
      new HttpProblem(503, 'the account is too busy right now; retry with the same Idempotency-Key', {
        headers: { 'retry-after': '1' },
        cause: error,
      }),
    );
  } else if (isMongoUnavailable(error)) {
    next(
      new HttpProblem(503, 'the ledger database (MongoDB) is unavailable; retry with the same Idempotency-Key', {
        headers: { 'retry-after': '2' },
        cause: error,
      }),
    );
  } else next(error);
};

/**
 * Connects, creates indexes and system accounts (and the demo wallets when asked), then
 * starts the sweeper and the periodic invariant check. Without MongoDB the service listens
 * anyway (not ready, writes 503) and keeps trying (`mongoBootstrap`).
 */
function bootstrapResource(parts: {
  mongo: MongoConnection;
  ledger: Ledger;
  sweeper: Sweeper;
  logger: Logger;
  options: MintOptions;
  runInvariantCheck: () => Promise<InvariantReport>;
}): Resource & { readonly done: boolean; settled: () => Promise<void> } {
  const { mongo, ledger, sweeper, logger, options } = parts;
  const intervalMs = options.invariantCheckIntervalMs ?? DEFAULTS.INVARIANT_CHECK_INTERVAL_MS;
  let checks: Promise<void> | undefined;

  const periodicChecks = async (stopping: AbortSignal) => {
    while (!stopping.aborted) {
      try {
        await parts.runInvariantCheck();
      } catch (error) {
        logger.warn({ err: error }, 'invariant check failed');
      }
      if (intervalMs === 0) return;
      await sleep(intervalMs, undefined, { signal: stopping }).catch(() => {});
    }
  };

  const bootstrap = mongoBootstrap({
    name: 'ledger',
    subject: 'the ledger',
    mongo,
    logger,
    prepare: async () => {
      await ensureIndexes(ledger.store);
      await ledger.ensureSystemAccounts();
      if (options.demoSeed) await seedDemoWallets(ledger, logger);
    },
    onPrepared: (stopping) => {
      sweeper.start();
      checks = periodicChecks(stopping);
    },
  });
  return {
    name: bootstrap.name,
    get done() {
      return bootstrap.done;
    },
    start: bootstrap.start,
    settled: bootstrap.settled,
    close: async () => {
      await bootstrap.close();
      await sweeper.stop();
      await checks;
      await ledger.drain();
    },
  };
}
