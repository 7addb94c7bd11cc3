import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CongoServer,
  MemoryStorageAdapter,
  plugins,
  QueryEngine,
  UpdateEngine,
} from '@push.rocks/smartmongo/dist_ts/congodb/index.js';
import { freePort } from './http.ts';

// The server copies a document before it applies an update, and its copy knows ObjectId,
// Date and Timestamp only: every other BSON value of the document (Decimal128, Long,
// Binary, …) came out as a plain object of its fields — a field the update did not touch
// included. BSON values are immutable, so the copy keeps them as they are.
// (deepClone is private in the typings only.)
const engine = UpdateEngine as unknown as { deepClone: (value: unknown) => unknown };
const cloneDocument = engine.deepClone;
engine.deepClone = function deepClone(this: unknown, value: unknown) {
  const type = value && typeof value === 'object' ? (value as { _bsontype?: string })._bsontype : undefined;
  if (type !== undefined && type !== 'ObjectId' && type !== 'Timestamp') return value;
  return cloneDocument.call(this, value);
};

// The server answers every find, update and delete by testing each document of the
// collection against the filter (mingo, which turns every document's ObjectId into hex):
// one update costs a scan of its collection. A mongod looks an `_id` up in its `_id`
// index instead, and so does this server now: the memory adapter's `findAll` hands out
// its collection with the documents, and a filter naming one `_id` (or `_id: {$in}`)
// tests only the documents with those ids, in the collection's order.
type Documents = StoredDocument[] & { [byIdKey]?: Map<string, StoredDocument> };
const byIdKey = Symbol('documents by _id');
const storage = MemoryStorageAdapter.prototype as unknown as {
  findAll: (database: string, collection: string) => Promise<StoredDocument[]>;
};
const findAll = storage.findAll;
storage.findAll = async function findAllIndexed(this: unknown, database: string, collection: string) {
  const documents: Documents = await findAll.call(this, database, collection);
  const byId = (this as MemoryInternals).databases.get(database)?.get(collection);
  if (byId) documents[byIdKey] = byId;
  return documents;
};
const queries = QueryEngine as unknown as {
  filter: (documents: Documents, filter: Record<string, unknown> | undefined) => StoredDocument[];
};
const filterAll = queries.filter;
queries.filter = function filterIndexed(this: unknown, documents: Documents, filter) {
  const ids = filter ? idsNamedBy(filter._id) : undefined;
  const byId = documents[byIdKey];
  if (!ids || !byId || ids.length * 4 > documents.length) return filterAll.call(this, documents, filter);
  const named = new Set(ids.map((id) => byId.get(id)).filter((doc) => doc !== undefined));
  const candidates = named.size > 1 ? documents.filter((doc) => named.has(doc)) : [...named];
  return filterAll.call(this, candidates, filter);
};

const isObjectId = (value: unknown): value is InstanceType<typeof plugins.bson.ObjectId> =>
  !!value && typeof value === 'object' && (value as { _bsontype?: string })._bsontype === 'ObjectId';

/** The hex ids an `_id` condition allows, when it is an ObjectId, `{$eq: id}` or `{$in: [ids]}`. */
function idsNamedBy(condition: unknown): string[] | undefined {
  if (isObjectId(condition)) return [condition.toHexString()];
  if (!condition || typeof condition !== 'object' || Object.keys(condition).length !== 1) return undefined;
  const { $eq, $in } = condition as { $eq?: unknown; $in?: unknown };
  if (isObjectId($eq)) return [$eq.toHexString()];
  if (Array.isArray($in) && $in.every(isObjectId)) return $in.map((id) => id.toHexString());
  return undefined;
}

export interface EmbeddedMongo {
  /** The server's URI without a database (`mongodb://127.0.0.1:<port>/?serverMonitoringMode=poll`). */
  uri: string;
  /** The URI of one database on it — use one database per test file. */
  uriFor: (database: string) => string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedMongoOptions {
  port?: number;
  host?: string;
  /**
   * A data directory: the data is kept in memory and saved to `<storagePath>/congo.json`
   * every `persistIntervalMs` (when it changed) and on stop, and read back on start.
   * Unset: memory only.
   */
  storagePath?: string;
  /** How often changed data is saved to the data directory (default 1000 ms). */
  persistIntervalMs?: number;
}

/** The file the data directory holds. */
export const PERSIST_FILE = 'congo.json';
const DEFAULT_PERSIST_INTERVAL_MS = 1000;

/**
 * Starts the embedded MongoDB-wire server (CongoServer from @push.rocks/smartmongo) on a
 * free loopback port, its data in memory — saved to a data directory when `storagePath`
 * is given. It speaks the wire protocol to mongoose, but does not enforce unique indexes
 * other than `_id` and has no real transactions — the same limits production's standalone
 * mongod imposes by design (see notes/dependencies.md).
 *
 * Memory storage serves each command without real I/O, so a conditional update is atomic
 * against every other client (the server's own file storage re-reads and rewrites a JSON
 * file per operation: concurrent writes interleave and lose updates). Data changed after
 * the last save is lost when the process is killed (SIGKILL, power loss); a stop
 * (SIGTERM) saves it.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const server = new CongoServer({ port, host, storage: 'memory' });
  const persistence = options.storagePath
    ? await persistTo(
        server.getStorage() as unknown as MemoryInternals,
        options.storagePath,
        options.persistIntervalMs ?? DEFAULT_PERSIST_INTERVAL_MS,
      )
    : undefined;
  try {
    await server.start();
  } catch (error) {
    persistence?.cancel();
    throw error;
  }
  // The server answers the driver's streaming heartbeat (exhaust `hello`) like a plain
  // one, which makes the driver clear its pool mid-operation; polling heartbeats avoid it.
  const uriFor = (database: string) => `mongodb://${host}:${port}/${database}?serverMonitoringMode=poll`;
  const stop = async () => {
    // Stop serving first, so nothing changes after the last save.
    await server.stop();
    await persistence?.close();
  };
  return { uri: uriFor(''), uriFor, port, stop };
}

type StoredDocument = Record<string, unknown>;

/** What MemoryStorageAdapter keeps (its fields are private in its typings, not in its code). */
interface MemoryInternals {
  databases: Map<string, Map<string, Map<string, StoredDocument>>>;
  indexes: Map<string, Map<string, unknown[]>>;
  opLogCounter: number;
  [method: string]: unknown;
}

/**
 * The adapter's async methods that change nothing the data file holds; every other async
 * method marks the data changed (its few synchronous helpers are reached through those).
 */
const READS = new Set([
  'initialize',
  'close',
  'persist',
  'restore',
  'listDatabases',
  'databaseExists',
  'listCollections',
  'collectionExists',
  'findAll',
  'findById',
  'count',
  'getIndexes',
  'getOpLogAfter',
  'getLatestOpLogTimestamp',
  'createSnapshot',
  'hasConflicts',
]);

interface SavedData {
  databases: Record<string, Record<string, StoredDocument[]>>;
  indexes: Record<string, Record<string, unknown[]>>;
  opLogCounter: number;
}

/**
 * Saves the adapter's data to `<dir>/congo.json` and reads it back. The adapter's own
 * persistence writes plain JSON, which turns Dates, ObjectIds other than `_id` and Longs
 * into strings and objects that no longer match queries after a restart, and writes the
 * file in place (a crash mid-write leaves it corrupt, and it then starts empty). Here the
 * file is Extended JSON (canonical, every BSON type kept), written to a temporary file,
 * flushed and renamed over the old one; a file that cannot be read stops the start.
 */
async function persistTo(adapter: MemoryInternals, dir: string, intervalMs: number) {
  const file = join(dir, PERSIST_FILE);
  await mkdir(dir, { recursive: true });
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text !== undefined) {
    try {
      load(adapter, plugins.bson.EJSON.parse(text, { relaxed: false }) as SavedData);
    } catch (error) {
      throw new Error(
        `${file} is not a data file this server wrote (${(error as Error).message}); move it away to start empty`,
      );
    }
  }

  let changed = false;
  for (const name of methodNames(adapter)) {
    const original = adapter[name] as (...args: unknown[]) => unknown;
    if (READS.has(name) || original.constructor.name !== 'AsyncFunction') continue;
    adapter[name] = async (...args: unknown[]) => {
      changed = true;
      try {
        return await original.apply(adapter, args);
      } finally {
        changed = true;
      }
    };
  }

  let writing: Promise<void> = Promise.resolve();
  let busy = false;
  const save = () => {
    writing = writing.then(async () => {
      if (!changed) return;
      changed = false;
      busy = true;
      try {
        // The snapshot is taken synchronously: no command runs in between.
        await writeAtomically(file, plugins.bson.EJSON.stringify(dump(adapter), { relaxed: false }));
      } catch (error) {
        changed = true;
        throw error;
      } finally {
        busy = false;
      }
    });
    return writing;
  };
  const timer = setInterval(() => {
    if (!busy) save().catch((error) => console.error(`saving ${file} failed: ${(error as Error).message}`));
  }, intervalMs);
  timer.unref();
  return {
    cancel: () => clearInterval(timer),
    close: async () => {
      clearInterval(timer);
      await writing.catch(() => {});
      await save();
    },
  };
}

function methodNames(object: object): string[] {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(object);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (object as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

function dump(adapter: MemoryInternals): SavedData {
  const data: SavedData = { databases: {}, indexes: {}, opLogCounter: adapter.opLogCounter };
  for (const [database, collections] of adapter.databases) {
    data.databases[database] = Object.fromEntries(
      [...collections].map(([collection, documents]) => [collection, [...documents.values()]]),
    );
  }
  for (const [database, collections] of adapter.indexes) data.indexes[database] = Object.fromEntries(collections);
  return data;
}

function load(adapter: MemoryInternals, raw: SavedData): void {
  const data = promote(raw) as SavedData;
  if (!data || typeof data.databases !== 'object' || typeof data.indexes !== 'object') {
    throw new Error('no databases and indexes in it');
  }
  adapter.databases.clear();
  adapter.indexes.clear();
  for (const [database, collections] of Object.entries(data.databases)) {
    const byName = new Map<string, Map<string, StoredDocument>>();
    for (const [collection, documents] of Object.entries(collections)) {
      byName.set(
        collection,
        new Map(documents.map((doc) => [(doc._id as InstanceType<typeof plugins.bson.ObjectId>).toHexString(), doc])),
      );
    }
    adapter.databases.set(database, byName);
  }
  for (const [database, collections] of Object.entries(data.indexes)) {
    adapter.indexes.set(database, new Map(Object.entries(collections)));
  }
  adapter.opLogCounter = Number(data.opLogCounter) || 0;
}

/**
 * Canonical Extended JSON parses numbers into Int32 / Double wrappers; the server holds
 * what the driver's BSON decodes to — plain numbers, and a Long only beyond 2^53 — so
 * the restored documents are made the same.
 */
function promote(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(promote);
  if (!value || typeof value !== 'object') return value;
  const type = (value as { _bsontype?: string })._bsontype;
  if (type === 'Int32' || type === 'Double') return (value as { value: number }).value;
  if (type === 'Long') {
    const long = value as InstanceType<typeof plugins.bson.Long>;
    return long.lessThanOrEqual(Number.MAX_SAFE_INTEGER) && long.greaterThanOrEqual(Number.MIN_SAFE_INTEGER)
      ? long.toNumber()
      : long;
  }
  if (type !== undefined || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, promote(inner)]));
}

/** Writes `text` to `file` so that a crash leaves either the old file or the new one. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
