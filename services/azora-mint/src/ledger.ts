/**
 * The double-entry ledger on a standalone MongoDB, without multi-document transactions.
 *
 * An entry (mint, transfer, burn, reversal) is a set of legs that sum to zero. It moves
 * through a state machine made of single-document atomic writes:
 *
 *   1. claim      insert the idempotency key (`idempotency_keys`, insert-only);
 *   2. pending    insert the entry's plan into `pending` (its `_id` is the entry id);
 *   3. legs       debits first, then credits: each a compare-and-set on the account's
 *                 `version` that also pushes the entry id onto the account's `pending`
 *                 list, so a leg is applied at most once and a balance never passes its
 *                 floor (0 for wallets, −cap for issuance);
 *   4. decide     insert the journal entry, `posted` or `failed` (insufficient funds:
 *                 the applied debits are undone). This insert is the commit point: the
 *                 `_id` is unique, so exactly one decision exists per entry;
 *   5. settle     pull the entry id from the accounts' `pending` lists; delete the plan.
 *
 * A crash between any two steps leaves the plan in `pending`; the sweeper (sweeper.ts)
 * finds it and runs the same steps again — each is idempotent — completing the entry
 * when its debits can still be applied and rolling it back otherwise.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchedInserts, isDuplicateKey, naturalId } from '@azora/mongo';
import { AccountCache, type AccountMeta } from './account-cache.ts';
import { SUPPLY_CAP } from './amount.ts';
import {
  type AccountDoc,
  type AccountKind,
  driverCollection,
  type EntryDoc,
  type EntryDraft,
  type EntryType,
  type KeyDoc,
  type Leg,
  type ObjectId,
  type PendingDoc,
  type Store,
} from './store.ts';

/** A refusal the caller can act on: the HTTP layer turns it into a problem response. */
export class LedgerError extends Error {
  override name = 'LedgerError';
  readonly status: 403 | 404 | 409 | 422;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: 403 | 404 | 409 | 422, code: string, detail: string, retryAfterSeconds?: number) {
    super(detail);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An account kept changing under this process's compare-and-sets (other replicas): retry later. */
export class ContentionError extends Error {
  override name = 'ContentionError';
  constructor(account: string) {
    super(`account ${account} is changing too fast to update (${MAX_CAS_ATTEMPTS} attempts)`);
  }
}

/** The system accounts, each with a fixed id derived from its kind. */
export const SYSTEM_KINDS = ['issuance', 'treasury', 'fees'] as const satisfies readonly AccountKind[];
export type SystemKind = (typeof SYSTEM_KINDS)[number];
export const systemAccountId = (kind: SystemKind): ObjectId => naturalId(`system\n${kind}`);
const ISSUANCE = systemAccountId('issuance');

/** Where a crash can be injected between the steps (tests of the sweeper). */
export const STEPS = ['claimed', 'pending', 'debited', 'legs-applied', 'decided'] as const;
export type Step = (typeof STEPS)[number];

export type EntryRequest =
  | { type: 'mint'; to: ObjectId; amount: bigint }
  | { type: 'transfer'; from: ObjectId; to: ObjectId; amount: bigint; memo?: string }
  | { type: 'burn'; from: ObjectId; amount: bigint }
  | { type: 'reversal'; reverses: ObjectId };

export interface Caller {
  subject: string;
  /** May move funds out of accounts it does not own (admin). */
  actsForAnyone: boolean;
}

export interface LedgerOptions {
  store: Store;
  /** Flat fee in base units charged to the sender of a transfer and paid to the fees account (default 0). */
  transferFee?: bigint;
  /** Called after each step of an entry: tests inject a crash here. */
  onStep?: (step: Step, entryId: ObjectId) => void;
  /** Called when an entry is decided. */
  onDecided?: (entry: EntryDoc) => void;
  logger?: { warn: (object: object, message: string) => void; error: (object: object, message: string) => void };
}

type LegResult = 'applied' | 'already' | 'insufficient';
const MAX_CAS_ATTEMPTS = 64;
const SETTLE_GATHER_MS = 20;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const floorOf = (account: ObjectId) => (account.equals(ISSUANCE) ? -SUPPLY_CAP : 0n);
const isIn = (ids: readonly ObjectId[], id: ObjectId) => ids.some((candidate) => candidate.equals(id));

/** The signed change an entry makes to one account. */
export function deltaFor(entry: Pick<EntryDraft, 'legs'>, account: ObjectId): bigint {
  return entry.legs.reduce((sum, leg) => (leg.account.equals(account) ? sum + BigInt(leg.delta) : sum), 0n);
}

export class Ledger {
  readonly store: Store;
  readonly #fee: bigint;
  readonly #options: LedgerOptions;
  /** Entries this process is working on: the sweeper leaves them alone. */
  readonly inFlight = new Set<string>();
  /** Posted entries whose settling (step 5) waits for the next batch. */
  readonly #toSettle: EntryDoc[] = [];
  #settler: Promise<void> | undefined;
  readonly #cache = new AccountCache();
  // The three inserts of an entry's life go to the server in batches with the other entries' (group commit).
  readonly #claims: BatchedInserts<KeyDoc>;
  readonly #plans: BatchedInserts<PendingDoc>;
  readonly #journal: BatchedInserts<EntryDoc>;

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.#fee = options.transferFee ?? 0n;
    this.#options = options;
    this.#claims = new BatchedInserts(() => driverCollection(options.store.keys));
    this.#plans = new BatchedInserts(() => driverCollection(options.store.pending));
    this.#journal = new BatchedInserts(() => driverCollection(options.store.entries));
  }

  /** Creates the system accounts once (a repeated insert is a duplicate `_id`, ignored). */
  async ensureSystemAccounts(): Promise<void> {
    const now = new Date();
    for (const kind of SYSTEM_KINDS) {
      try {
        await this.store.accounts.create({
          _id: systemAccountId(kind),
          key: `system\n${kind}`,
          kind,
          owner: null,
          balance: '0',
          version: 0,
          pending: [],
          ...(kind === 'issuance' ? { minted: '0', burned: '0' } : {}),
          fingerprint: kind,
          createdAt: now,
          updatedAt: now,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  /**
   * A wallet for `owner`, its id derived from the caller and the idempotency key: a retry
   * returns the same wallet; the same key for another owner is a 409.
   */
  async createAccount(owner: string, caller: Caller, idempotencyKey: string): Promise<AccountDoc> {
    const key = `account\n${caller.subject}\n${idempotencyKey}`;
    const fingerprint = sha256(JSON.stringify({ owner }));
    const now = new Date();
    const account = {
      _id: naturalId(key),
      key,
      kind: 'user' as const,
      owner,
      balance: '0',
      version: 0,
      pending: [],
      fingerprint,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.store.accounts.create(account);
      return account;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.store.accounts.findById(account._id).lean();
      if (!existing) throw error;
      if (existing.fingerprint !== fingerprint) throw keyReused();
      return existing;
    }
  }

  getAccount(id: ObjectId): Promise<AccountDoc | null> {
    return this.store.accounts.findById(id).lean();
  }

  listAccounts(owner: string | undefined): Promise<AccountDoc[]> {
    return this.store.accounts
      .find(owner === undefined ? {} : { owner })
      .sort({ createdAt: 1 })
      .lean();
  }

  getEntry(id: ObjectId): Promise<EntryDoc | null> {
    return this.store.entries.findById(id).lean();
  }

  /** An account's posted entries, newest first; `cursor` is the last page's final sortKey. */
  async history(account: ObjectId, limit: number, cursor?: string): Promise<{ entries: EntryDoc[]; next?: string }> {
    const entries = await this.store.entries
      .find({ accounts: account, status: 'posted', ...(cursor ? { sortKey: { $lt: cursor } } : {}) })
      .sort({ sortKey: -1 })
      .limit(limit + 1)
      .lean();
    const page = entries.slice(0, limit);
    return { entries: page, ...(entries.length > limit ? { next: page.at(-1)?.sortKey } : {}) };
  }

  /** The issuance account's counters: circulating supply is minted − burned = −balance. */
  async supply(): Promise<{ cap: bigint; minted: bigint; burned: bigint; circulating: bigint }> {
    const issuance = await this.store.accounts.findById(ISSUANCE).lean();
    if (!issuance) throw new Error('the issuance account is missing');
    return {
      cap: SUPPLY_CAP,
      minted: BigInt(issuance.minted ?? '0'),
      burned: BigInt(issuance.burned ?? '0'),
      circulating: -BigInt(issuance.balance),
    };
  }

  /**
   * Runs one entry for `caller` under `idempotencyKey` and returns its journal record,
   * `posted` or `failed` (insufficient funds, the supply cap). A retry with the same key
   * and request returns the same record; the same key with another request is a 409.
   */
  async submit(request: EntryRequest, caller: Caller, idempotencyKey: string): Promise<EntryDoc> {
    const draft = await this.#plan(request, caller, idempotencyKey);
    const claimed = await this.#claim(draft);
    if (claimed.replay) return claimed.replay;
    this.#step('claimed', draft._id);

    const plan: PendingDoc = { ...draft, createdAt: new Date() };
    const id = draft._id.toHexString();
    if (this.inFlight.has(id)) throw keyInUse();
    this.inFlight.add(id);
    try {
      try {
        await this.#plans.insert(plan);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // The plan of a decided entry stays until its batched settling: the decision answers then.
        const decided = await this.getEntry(draft._id);
        if (!decided) throw keyInUse();
        return answerFor(draft, decided);
      }
      // A key seen before (or a reversal, whose id is the reversed entry's) may have been decided
      // since the claim was checked; the decision is inserted before the plan is deleted, so it shows now.
      if (!claimed.fresh) {
        const decided = await this.getEntry(draft._id);
        if (decided) {
          await this.store.pending.deleteOne({ _id: draft._id });
          return answerFor(draft, decided);
        }
      }
      this.#step('pending', draft._id);
      return await this.execute(plan, true);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /**
   * Applies a plan's legs and decides it (steps 3–5); idempotent, so the sweeper runs it on
   * plans a crash left behind. `isNew`: no leg of it can have been applied yet.
   */
  async execute(plan: PendingDoc, isNew = false): Promise<EntryDoc> {
    const legs = [...plan.legs].sort((a, b) => Number(BigInt(a.delta) > 0n) - Number(BigInt(b.delta) > 0n));
    const applied: Leg[] = [];
    for (const leg of legs) {
      const result = await this.#applyLeg(plan._id, leg, isNew);
      if (result === 'insufficient') {
        const failure = leg.account.equals(ISSUANCE) ? supplyCapFailure() : insufficientFailure(leg.account);
        const entry = await this.#decide(plan, failure);
        await this.#settle(entry);
        return entry;
      }
      applied.push(leg);
      if (BigInt(leg.delta) < 0n) this.#step('debited', plan._id);
    }
    this.#step('legs-applied', plan._id);
    const entry = await this.#decide(plan, null);
    this.#step('decided', plan._id);
    // The entry is decided: the answer need not wait for the bookkeeping, which is batched.
    this.#queueSettling(entry);
    return entry;
  }

  /** Settles a plan that already has a decision (a crash after step 4). */
  async settleDecided(plan: PendingDoc): Promise<EntryDoc | null> {
    const entry = await this.getEntry(plan._id);
    if (entry) await this.#settle(entry);
    return entry;
  }

  /** Waits for the settling of entries already answered. */
  async drain(): Promise<void> {
    while (this.#settler) await this.#settler;
  }

  #queueSettling(entry: EntryDoc): void {
    this.#toSettle.push(entry);
    this.#settler ??= this.#settleQueued();
  }

  /** Settles the posted entries queued so far, many per write: under load a batch is whatever arrived meanwhile. */
  async #settleQueued(): Promise<void> {
    try {
      while (this.#toSettle.length > 0) {
        // A short wait gathers more entries per batch: each batch is two writes that scan accounts and pending.
        await sleep(SETTLE_GATHER_MS);
        const batch = this.#toSettle.splice(0, 500);
        await this.#settlePosted(batch).catch((error: unknown) =>
          this.#options.logger?.warn({ err: error, entries: batch.length }, 'settling failed; the sweeper retries'),
        );
      }
    } finally {
      this.#settler = undefined;
    }
  }

  async #plan(request: EntryRequest, caller: Caller, idempotencyKey: string): Promise<EntryDraft> {
    const key = `entry\n${caller.subject}\n${idempotencyKey}`;
    const base = { requestedBy: caller.subject, memo: null, reverses: null, fee: '0' };
    if (request.type === 'reversal') {
      const original = await this.getEntry(request.reverses);
      if (!original) throw new LedgerError(404, 'unknown-entry', `no entry with id "${request.reverses}"`);
      if (original.status !== 'posted') {
        throw new LedgerError(422, 'not-posted', `entry "${request.reverses}" failed; there is nothing to reverse`);
      }
      if (original.type === 'reversal') {
        throw new LedgerError(422, 'is-reversal', 'a reversal cannot be reversed; post a new entry instead');
      }
      await this.#accounts(original.legs.map((leg) => leg.account));
      return {
        ...base,
        // One reversal per entry: its id comes from the entry it reverses.
        _id: naturalId(`reversal\n${original._id.toHexString()}`),
        key,
        type: 'reversal',
        amount: original.amount,
        fee: original.fee,
        from: original.to,
        to: original.from,
        reverses: original._id,
        legs: original.legs.map((leg) => ({ account: leg.account, delta: (-BigInt(leg.delta)).toString() })),
        fingerprint: sha256(JSON.stringify({ type: 'reversal', reverses: original._id.toHexString() })),
      };
    }
    const amount = request.amount;
    const fee = request.type === 'transfer' ? this.#fee : 0n;
    const from = request.type === 'mint' ? ISSUANCE : request.from;
    const to = request.type === 'burn' ? ISSUANCE : request.to;
    if (from.equals(to)) throw new LedgerError(422, 'same-account', 'from and to must be different accounts');
    const accounts = await this.#accounts([from, to]);
    for (const id of [from, to]) {
      const account = accounts.get(id.toHexString()) as AccountMeta;
      const isSender = id.equals(from);
      if (request.type !== 'mint' && isSender && account.kind === 'issuance') {
        throw new LedgerError(422, 'issuance-account', 'the issuance account only pays out through POST mint');
      }
      if (request.type !== 'burn' && !isSender && account.kind === 'issuance') {
        throw new LedgerError(422, 'issuance-account', 'tokens return to the issuance account only through POST burn');
      }
      if (request.type === 'mint' && !isSender && account.kind !== 'user') {
        throw new LedgerError(422, 'not-a-wallet', 'tokens are minted into wallets (accounts of kind user)');
      }
      if (isSender && request.type !== 'mint' && !caller.actsForAnyone && account.owner !== caller.subject) {
        throw new LedgerError(
          403,
          'not-owner',
          `account "${id}" is not yours; only its owner or an admin can spend from it`,
        );
      }
    }
    const legs: Leg[] = [
      { account: from, delta: (-(amount + fee)).toString() },
      { account: to, delta: amount.toString() },
      ...(fee > 0n ? [{ account: systemAccountId('fees'), delta: fee.toString() }] : []),
    ];
    const memo = request.type === 'transfer' ? (request.memo ?? null) : null;
    const fingerprint = sha256(
      JSON.stringify({ type: request.type, from: from.toHexString(), to: to.toHexString(), amount: `${amount}`, memo }),
    );
    return {
      ...base,
      _id: naturalId(key),
      key,
      type: request.type,
      amount: amount.toString(),
      fee: fee.toString(),
      from,
      to,
      memo,
      legs,
      fingerprint,
    };
  }

  /** Owner and kind of the accounts (404 naming the first unknown one); read once, they never change. */
  async #accounts(ids: readonly ObjectId[]): Promise<Map<string, AccountMeta>> {
    const missing = ids.filter((id) => !this.#cache.meta(id.toHexString()));
    if (missing.length > 0) {
      for (const account of await this.store.accounts.find({ _id: { $in: missing } }).lean())
        this.#cache.remember(account);
    }
    const byId = new Map<string, AccountMeta>();
    for (const id of ids) {
      const meta = this.#cache.meta(id.toHexString());
      if (!meta) throw new LedgerError(404, 'unknown-account', `no account with id "${id}"`);
      byId.set(id.toHexString(), meta);
    }
    return byId;
  }

  /**
   * Step 1. A new key inserts at once; a key seen before is the rare slow path: the same
   * request gets its decision back (or a 409 while it runs), another request a 409.
   */
  async #claim(draft: EntryDraft): Promise<{ fresh: boolean; replay?: EntryDoc }> {
    const claimId = naturalId(draft.key);
    try {
      await this.#claims.insert({
        _id: claimId,
        key: draft.key,
        fingerprint: draft.fingerprint,
        createdAt: new Date(),
      });
      return { fresh: draft.type !== 'reversal' };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const claim = await this.store.keys.findById(claimId).lean();
    if (claim && claim.fingerprint !== draft.fingerprint) throw keyReused();
    const decided = await this.getEntry(draft._id);
    if (decided) return { fresh: false, replay: answerFor(draft, decided) };
    if (await this.store.pending.exists({ _id: draft._id })) throw keyInUse();
    // Claimed, but neither running nor decided: the first attempt died before step 2. Run it now.
    return { fresh: false };
  }

  /**
   * Step 3 for one leg: a compare-and-set on the account's version, one at a time per
   * account in this process. `expectCached`: the entry is new here, so no leg of it can
   * be applied yet and the last state this process saw is a good first expectation.
   */
  #applyLeg(entryId: ObjectId, leg: Leg, expectCached: boolean): Promise<LegResult> {
    const delta = BigInt(leg.delta);
    const accountId = leg.account.toHexString();
    return this.#cache.exclusive(accountId, async () => {
      let state = expectCached ? this.#cache.state(accountId) : undefined;
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const cached = state !== undefined;
        if (!state) {
          const account = await driverCollection(this.store.accounts).findOne({ _id: leg.account });
          if (!account) throw new Error(`account ${accountId} disappeared`);
          if (isIn(account.pending, entryId)) return 'already';
          this.#cache.remember(account);
          state = account;
        }
        const balance = BigInt(state.balance) + delta;
        if (delta < 0n && balance < floorOf(leg.account)) {
          // A remembered balance may be behind another replica's credit: read before refusing.
          if (cached) {
            state = undefined;
            continue;
          }
          return 'insufficient';
        }
        const changes = { balance: balance.toString(), ...issuanceCounters(state, delta) };
        const updated = await driverCollection(this.store.accounts).updateOne(
          // version first: the embedded server tests filter fields in order, and a number is cheaper than an ObjectId.
          { version: state.version, _id: leg.account },
          { $set: { ...changes, updatedAt: new Date() }, $inc: { version: 1 }, $push: { pending: entryId } },
        );
        if (updated.modifiedCount === 1) {
          this.#cache.remember({ ...state, ...changes, version: state.version + 1 });
          return 'applied';
        }
        state = undefined;
        await contentionPause(attempt);
      }
      throw new ContentionError(accountId);
    });
  }

  /** Takes back a leg of a failed entry (only debits are ever undone, which cannot fail). */
  #undoLeg(entryId: ObjectId, account: ObjectId, delta: bigint): Promise<void> {
    const accountId = account.toHexString();
    return this.#cache.exclusive(accountId, async () => {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const current = await driverCollection(this.store.accounts).findOne({ _id: account });
        if (!current || !isIn(current.pending, entryId)) return;
        const changes = { balance: (BigInt(current.balance) - delta).toString(), ...issuanceCounters(current, -delta) };
        const updated = await driverCollection(this.store.accounts).updateOne(
          { version: current.version, _id: account },
          { $set: { ...changes, updatedAt: new Date() }, $inc: { version: 1 }, $pullAll: { pending: [entryId] } },
        );
        if (updated.modifiedCount === 1) {
          this.#cache.remember({ ...current, ...changes, version: current.version + 1 });
          return;
        }
        await contentionPause(attempt);
      }
      throw new ContentionError(accountId);
    });
  }

  /** Step 4: the journal insert decides; an earlier decision (a duplicate `_id`) wins. */
  async #decide(plan: PendingDoc, failure: EntryDoc['failure']): Promise<EntryDoc> {
    const createdAt = new Date();
    const { createdAt: _planned, ...draft } = plan;
    const entry: EntryDoc = {
      ...draft,
      status: failure ? 'failed' : 'posted',
      accounts: [...new Map(plan.legs.map((leg) => [leg.account.toHexString(), leg.account])).values()],
      sortKey: `${createdAt.toISOString()}|${plan._id.toHexString()}`,
      failure,
      createdAt,
    };
    try {
      await this.#journal.insert(entry);
      this.#options.onDecided?.(entry);
      return entry;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const earlier = await this.getEntry(plan._id);
      if (!earlier) throw error;
      return earlier;
    }
  }

  /** Step 5: legs follow the decision (a failed entry's applied debits are undone), then the plan goes. */
  async #settle(entry: EntryDoc): Promise<void> {
    if (entry.status === 'posted') return this.#settlePosted([entry]);
    for (const leg of entry.legs) await this.#undoLeg(entry._id, leg.account, BigInt(leg.delta));
    await this.store.pending.deleteOne({ _id: entry._id });
  }

  /** Step 5 for posted entries: their ids leave the accounts' pending lists, and their plans go. */
  async #settlePosted(entries: readonly EntryDoc[]): Promise<void> {
    const ids = entries.map((entry) => entry._id);
    const accounts = [...new Map(entries.flatMap((e) => e.accounts).map((id) => [id.toHexString(), id])).values()];
    // $pullAll compares values exactly; $pull with an ObjectId is read as a query by the embedded server.
    await driverCollection(this.store.accounts).updateMany({ _id: { $in: accounts } }, { $pullAll: { pending: ids } });
    await driverCollection(this.store.pending).deleteMany({ _id: { $in: ids } });
  }

  #step(step: Step, entryId: ObjectId): void {
    this.#options.onStep?.(step, entryId);
  }
}

/** The issuance account's counters after a change of `delta`: paying out mints, taking back burns. */
function issuanceCounters(
  account: Pick<AccountDoc, 'kind' | 'minted' | 'burned'>,
  delta: bigint,
): Partial<Pick<AccountDoc, 'minted' | 'burned'>> {
  if (account.kind !== 'issuance' || delta === 0n) return {};
  if (delta < 0n) return { minted: (BigInt(account.minted ?? '0') - delta).toString() };
  return { burned: (BigInt(account.burned ?? '0') + delta).toString() };
}

/** Backs off a little (with jitter) after a lost compare-and-set, so racing writers spread out. */
function contentionPause(attempt: number): Promise<void> {
  if (attempt < 2) return Promise.resolve();
  return sleep(Math.random() * Math.min(2 ** attempt, 50));
}

function insufficientFailure(account: ObjectId): EntryDoc['failure'] {
  return { code: 'insufficient-funds', detail: `account "${account}" has insufficient funds for this entry` };
}

function supplyCapFailure(): EntryDoc['failure'] {
  return {
    code: 'supply-cap',
    detail: `minting this amount would take the circulating supply past the cap of ${SUPPLY_CAP} base units (1,000,000 AZR)`,
  };
}

function keyReused(): LedgerError {
  return new LedgerError(
    409,
    'idempotency-key-reused',
    'this Idempotency-Key was already used for a different request; use a new key for a new request',
  );
}

function keyInUse(): LedgerError {
  return new LedgerError(
    409,
    'idempotency-key-in-use',
    'a request with this Idempotency-Key is still being processed; retry shortly',
    1,
  );
}

/**
 * What a request gets when its entry id is already decided: the decision itself, unless
 * another key reached it — a reversal's id is the reversed entry's, so that is a second reversal.
 */
function answerFor(draft: EntryDraft, decided: EntryDoc): EntryDoc {
  if (decided.key !== draft.key) throw alreadyReversed();
  return decided;
}

function alreadyReversed(): LedgerError {
  return new LedgerError(409, 'already-reversed', 'this entry has already been reversed');
}

export type { EntryType };
