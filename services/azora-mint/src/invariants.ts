/**
 * The ledger's invariants, checked from the data alone:
 *   - every entry's legs sum to zero;
 *   - every account's balance equals its posted entries plus the legs of entries still
 *     in flight on it (listed in its `pending`), and no wallet is negative;
 *   - the balances of all accounts sum to zero, so user and system balances together
 *     equal minted − burned, which is −(issuance balance) and at most the cap;
 *   - no entry has been pending longer than the sweeper's window.
 * Accounts, plans and the journal are read one after another, not as one snapshot: an
 * account whose version moved while the journal was read is not judged (it is checked
 * again, up to three rounds), so traffic never shows up as a false violation.
 */
import { SUPPLY_CAP } from './amount.ts';
import { deltaFor } from './ledger.ts';
import type { AccountDoc, PendingDoc, Store } from './store.ts';

export interface Violation {
  rule: 'unbalanced-entry' | 'balance-mismatch' | 'negative-balance' | 'supply' | 'stuck-pending' | 'dangling-leg';
  detail: string;
  account?: string;
  entry?: string;
}

export interface InvariantReport {
  ok: boolean;
  checkedEntries: number;
  checkedAccounts: number;
  /** Accounts that kept changing during every round, so were not judged (0 when the ledger is quiet). */
  unverifiedAccounts: number;
  violations: Violation[];
  checkedAt: string;
}

const ROUNDS = 3;

export async function checkInvariants(store: Store, windowMs: number, now = Date.now()): Promise<InvariantReport> {
  let report: InvariantReport | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    report = await checkOnce(store, windowMs, now);
    if (report.unverifiedAccounts === 0) break;
  }
  return report as InvariantReport;
}

async function checkOnce(store: Store, windowMs: number, now: number): Promise<InvariantReport> {
  const accounts = await store.accounts.find().lean();
  const plans = await store.pending.find().lean();
  const violations: Violation[] = [];

  // Posted deltas per account, streamed from the journal.
  const posted = new Map<string, bigint>();
  const postedIds = new Set<string>();
  let checkedEntries = 0;
  for await (const entry of store.entries.find().lean().cursor()) {
    checkedEntries++;
    const id = entry._id.toHexString();
    const sum = entry.legs.reduce((total, leg) => total + BigInt(leg.delta), 0n);
    if (sum !== 0n) violations.push({ rule: 'unbalanced-entry', entry: id, detail: `legs sum to ${sum}, not 0` });
    if (entry.status !== 'posted') continue;
    postedIds.add(id);
    for (const leg of entry.legs) {
      const account = leg.account.toHexString();
      posted.set(account, (posted.get(account) ?? 0n) + BigInt(leg.delta));
    }
  }
  const after = new Map(
    (await store.accounts.find({}, { version: 1 }).lean()).map((a) => [a._id.toHexString(), a.version]),
  );
  const plansById = new Map(plans.map((plan) => [plan._id.toHexString(), plan]));

  let unverified = 0;
  let settledSum = 0n;
  for (const account of accounts) {
    const id = account._id.toHexString();
    if (after.get(id) !== account.version) {
      unverified++;
      continue;
    }
    const inFlight = inFlightDelta(account, postedIds, plansById, violations);
    const balance = BigInt(account.balance);
    const expected = (posted.get(id) ?? 0n) + inFlight;
    if (balance !== expected) {
      violations.push({
        rule: 'balance-mismatch',
        account: id,
        detail: `balance ${balance} but its entries add up to ${expected}`,
      });
    }
    if (account.kind !== 'issuance' && balance < 0n) {
      violations.push({ rule: 'negative-balance', account: id, detail: `balance ${balance} is negative` });
    }
    settledSum += balance - inFlight;
    if (account.kind === 'issuance') checkSupply(account, violations);
  }
  // The sum is meaningful only when every account was judged in this round.
  if (unverified === 0 && settledSum !== 0n) {
    violations.push({
      rule: 'supply',
      detail: `settled balances sum to ${settledSum}: user and system balances do not equal minted − burned`,
    });
  }
  for (const plan of plans) {
    const age = now - plan.createdAt.getTime();
    if (age > windowMs) {
      violations.push({
        rule: 'stuck-pending',
        entry: plan._id.toHexString(),
        detail: `pending for ${Math.round(age / 1000)} s, longer than the sweeper's window (${windowMs / 1000} s)`,
      });
    }
  }
  return {
    ok: violations.length === 0,
    checkedEntries,
    checkedAccounts: accounts.length - unverified,
    unverifiedAccounts: unverified,
    violations,
    checkedAt: new Date(now).toISOString(),
  };
}

/** The legs of entries applied to `account` but not yet posted (their plans are still in `pending`). */
function inFlightDelta(
  account: AccountDoc,
  postedIds: ReadonlySet<string>,
  plans: ReadonlyMap<string, PendingDoc>,
  violations: Violation[],
): bigint {
  let delta = 0n;
  for (const entryId of account.pending) {
    const id = entryId.toHexString();
    if (postedIds.has(id)) continue;
    const plan = plans.get(id);
    if (plan) delta += deltaFor(plan, account._id);
    else
      violations.push({
        rule: 'dangling-leg',
        account: account._id.toHexString(),
        entry: id,
        detail: 'a leg is applied for an entry that is neither posted nor pending',
      });
  }
  return delta;
}

function checkSupply(issuance: AccountDoc, violations: Violation[]): void {
  const circulating = -BigInt(issuance.balance);
  const minted = BigInt(issuance.minted ?? '0');
  const burned = BigInt(issuance.burned ?? '0');
  if (minted - burned !== circulating) {
    violations.push({
      rule: 'supply',
      detail: `minted − burned is ${minted - burned} but the issuance account has paid out ${circulating}`,
    });
  }
  if (circulating > SUPPLY_CAP) {
    violations.push({ rule: 'supply', detail: `circulating supply ${circulating} is over the cap ${SUPPLY_CAP}` });
  }
}
