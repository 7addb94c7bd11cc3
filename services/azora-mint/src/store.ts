/**
 * The ledger's collections. Only `accounts` and `pending` are ever updated, and both stay
 * small (wallets; entries in flight); `idempotency_keys` and `entries` grow and are
 * insert-only, so their duplicate-`_id` check is the only thing a hot path asks of them.
 * Amounts are canonical decimal strings: 10^24 base units do not fit an int64.
 * The hot path writes through the driver's own collections (`driverCollection`): its
 * documents are built complete by ledger.ts, and mongoose's documents and collection
 * wrapper cost about a third of a transfer.
 */

import { mongoose } from '@azora/mongo';
import type { Connection, Model, mongo, Types } from 'mongoose';

export type ObjectId = Types.ObjectId;
export const ACCOUNT_KINDS = ['user', 'issuance', 'treasury', 'fees'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const ENTRY_TYPES = ['mint', 'transfer', 'burn', 'reversal'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
export type EntryStatus = 'posted' | 'failed';

export interface AccountDoc {
  _id: ObjectId;
  /** The natural key the `_id` is derived from. */
  key: string;
  kind: AccountKind;
  /** The principal's subject for wallets; null for system accounts. */
  owner: string | null;
  balance: string;
  /** Incremented by every balance change: the compare-and-set guard. */
  version: number;
  /** Entries whose leg is applied here but not yet settled (see ledger.ts). */
  pending: ObjectId[];
  /** Issuance only: gross base units ever minted and burned. */
  minted?: string;
  burned?: string;
  /** Hash of the request that created the wallet (idempotent retries). */
  fingerprint: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One account's change in an entry; the legs of an entry sum to zero. */
export interface Leg {
  account: ObjectId;
  delta: string;
}

/** What an entry does, as planned before any leg is applied. */
export interface EntryDraft {
  _id: ObjectId;
  key: string;
  type: EntryType;
  amount: string;
  fee: string;
  from: ObjectId | null;
  to: ObjectId | null;
  memo: string | null;
  reverses: ObjectId | null;
  legs: Leg[];
  requestedBy: string;
  fingerprint: string;
}

/** An entry in flight: applied leg by leg, then journaled and removed. */
export interface PendingDoc extends EntryDraft {
  createdAt: Date;
}

/** The journal: immutable, one document per entry, written once when it is decided. */
export interface EntryDoc extends EntryDraft {
  status: EntryStatus;
  /** Every account in the legs, for an account's history. */
  accounts: ObjectId[];
  /** `<ISO time>|<id>`: newest-first order and the history cursor in one sortable field. */
  sortKey: string;
  failure: { code: string; detail: string } | null;
  createdAt: Date;
}

/** First use of an idempotency key: insert-only, so "seen before?" is a duplicate `_id`. */
export interface KeyDoc {
  _id: ObjectId;
  key: string;
  fingerprint: string;
  createdAt: Date;
}

const { Schema } = mongoose;
const options = { versionKey: false, strict: 'throw', _id: false } as const;
const leg = new Schema<Leg>({ account: { type: Schema.Types.ObjectId, required: true }, delta: String }, options);
const draftFields = {
  _id: { type: Schema.Types.ObjectId, required: true },
  key: { type: String, required: true },
  type: { type: String, enum: ENTRY_TYPES, required: true },
  amount: { type: String, required: true },
  fee: { type: String, required: true },
  from: { type: Schema.Types.ObjectId, default: null },
  to: { type: Schema.Types.ObjectId, default: null },
  memo: { type: String, default: null },
  reverses: { type: Schema.Types.ObjectId, default: null },
  legs: { type: [leg], required: true },
  requestedBy: { type: String, required: true },
  fingerprint: { type: String, required: true },
};

export interface Store {
  accounts: Model<AccountDoc>;
  pending: Model<PendingDoc>;
  entries: Model<EntryDoc>;
  keys: Model<KeyDoc>;
}

export function createStore(connection: Connection): Store {
  const accounts = new Schema<AccountDoc>(
    {
      _id: { type: Schema.Types.ObjectId, required: true },
      key: { type: String, required: true },
      kind: { type: String, enum: ACCOUNT_KINDS, required: true },
      owner: { type: String, default: null },
      balance: { type: String, required: true },
      version: { type: Number, required: true },
      pending: { type: [Schema.Types.ObjectId], default: [] },
      minted: String,
      burned: String,
      fingerprint: { type: String, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { ...options, collection: 'accounts' },
  );
  accounts.index({ owner: 1 });
  const pending = new Schema<PendingDoc>(
    { ...draftFields, createdAt: { type: Date, required: true } },
    { ...options, collection: 'pending' },
  );
  pending.index({ createdAt: 1 });
  const entries = new Schema<EntryDoc>(
    {
      ...draftFields,
      status: { type: String, enum: ['posted', 'failed'], required: true },
      accounts: { type: [Schema.Types.ObjectId], required: true },
      sortKey: { type: String, required: true },
      failure: { type: new Schema({ code: String, detail: String }, options), default: null },
      createdAt: { type: Date, required: true },
    },
    { ...options, collection: 'entries' },
  );
  entries.index({ accounts: 1, sortKey: -1 });
  const keys = new Schema<KeyDoc>(
    {
      _id: { type: Schema.Types.ObjectId, required: true },
      key: { type: String, required: true },
      fingerprint: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { ...options, collection: 'idempotency_keys' },
  );
  return {
    accounts: connection.model('Account', accounts),
    pending: connection.model('Pending', pending),
    entries: connection.model('Entry', entries),
    keys: connection.model('IdempotencyKey', keys),
  };
}

/** Creates the collections' indexes (the embedded server records them; mongod uses them). */
export async function ensureIndexes(store: Store): Promise<void> {
  for (const model of Object.values(store)) await model.createIndexes();
}

/** The driver's collection under a model; while disconnected, mongoose's "not connected" error (a 503). */
export function driverCollection<T extends object>(model: Model<T>): mongo.Collection<T> {
  const db = model.db.db;
  if (!db) throw new mongoose.Error('not connected to MongoDB');
  return db.collection<T>(model.collection.collectionName);
}
