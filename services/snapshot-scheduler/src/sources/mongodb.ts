/**
 * MongoDB: every collection of the service's database exported through the driver as
 * canonical Extended JSON, one document a line (every BSON type kept: ObjectId, Date,
 * Long, Decimal128, Binary), plus `collections.json` naming each collection's file, its
 * document count and its indexes. Restore makes the target database hold exactly the
 * snapshot's collections: they are dropped, recreated and refilled, their indexes rebuilt,
 * and collections the snapshot does not have are dropped.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { BSON, type Document, MongoClient } from 'mongodb';
import type { Draft, Manifest } from '../store.ts';
import { type SnapshotResult, type Source, SourceError } from './source.ts';

const INDEX = 'collections.json';
const BATCH = 1000;

interface CollectionEntry {
  name: string;
  file: string;
  documents: number;
  /** Index specifications as listIndexes gives them, without `_id_`, `v` and `ns`. */
  indexes: Document[];
}

export class MongoSource implements Source {
  readonly kind = 'mongodb' as const;
  readonly #client: MongoClient;
  #connected: Promise<MongoClient> | undefined;

  /** `uri`: MONGODB_URI, the server (a database in its path is ignored). */
  constructor(uri: string) {
    this.#client = new MongoClient(uri, {
      serverSelectionTimeoutMS: 5000,
      // The embedded test server resets the pool on streaming heartbeats; polling works everywhere.
      serverMonitoringMode: 'poll',
    });
  }

  #connect(): Promise<MongoClient> {
    this.#connected ??= this.#client.connect();
    this.#connected.catch(() => {
      this.#connected = undefined;
    });
    return this.#connected;
  }

  invalidTarget(name: string): string | undefined {
    return /^[A-Za-z0-9_-]{1,63}$/.test(name)
      ? undefined
      : 'a MongoDB target must be a database name: letters, digits, _ and - (at most 63)';
  }

  async #version(): Promise<string> {
    const client = await this.#connect();
    return client
      .db('admin')
      .command({ buildInfo: 1 })
      .then(
        (info) => String(info.version ?? 'unknown'),
        () => 'unknown',
      );
  }

  async check() {
    return { server: `mongodb ${await this.#version()}` };
  }

  async #collections(database: string): Promise<string[]> {
    const client = await this.#connect();
    const listed = await client.db(database).listCollections({}, { nameOnly: true }).toArray();
    return listed
      .map((c) => c.name)
      .filter((name) => !name.startsWith('system.'))
      .sort();
  }

  async snapshot(database: string, draft: Draft, signal: AbortSignal): Promise<SnapshotResult> {
    const client = await this.#connect();
    const version = await this.#version();
    const db = client.db(database);
    const entries: CollectionEntry[] = [];
    for (const [index, name] of (await this.#collections(database)).entries()) {
      signal.throwIfAborted();
      const file = `collection-${index + 1}.ndjson`;
      const out = createWriteStream(draft.path(file));
      const closed = once(out, 'close');
      let documents = 0;
      try {
        for await (const doc of db.collection(name).find({})) {
          if (!out.write(`${BSON.EJSON.stringify(doc, { relaxed: false })}\n`)) await once(out, 'drain');
          documents++;
        }
      } finally {
        out.end();
        await closed;
      }
      await draft.addFile(file);
      const indexes = (await db.collection(name).listIndexes().toArray())
        .filter((spec) => spec.name !== '_id_')
        .map(({ v: _v, ns: _ns, ...spec }) => spec);
      entries.push({ name, file, documents, indexes });
    }
    await writeFile(draft.path(INDEX), `${BSON.EJSON.stringify(entries, { relaxed: false }, 2)}\n`);
    await draft.addFile(INDEX);
    return {
      format: 'mongodb-ejson-ndjson',
      source: { server: 'mongodb', version },
      contents: { collections: entries.length, documents: entries.reduce((sum, e) => sum + e.documents, 0) },
    };
  }

  async restore(_manifest: Manifest, file: (name: string) => string, target: string, signal: AbortSignal) {
    const entries = BSON.EJSON.parse(await readFile(file(INDEX), 'utf8'), { relaxed: false }) as CollectionEntry[];
    if (!Array.isArray(entries)) throw new SourceError(`${INDEX} is not a list of collections`);
    const client = await this.#connect();
    const db = client.db(target);
    const wanted = new Set(entries.map((e) => e.name));
    const existing = new Set(await this.#collections(target));
    for (const name of existing) if (!wanted.has(name)) await db.collection(name).drop();

    let documents = 0;
    for (const entry of entries) {
      signal.throwIfAborted();
      if (existing.has(entry.name)) await db.collection(entry.name).drop();
      const collection = await db.createCollection(entry.name);
      let batch: Document[] = [];
      const reader = createInterface({
        input: createReadStream(file(entry.file)),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of reader) {
        if (!line) continue;
        batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
        if (batch.length >= BATCH) {
          await collection.insertMany(batch, { ordered: true });
          documents += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) {
        await collection.insertMany(batch, { ordered: true });
        documents += batch.length;
      }
      if (entry.indexes.length > 0) {
        await collection.createIndexes(entry.indexes.map(({ key, ...options }) => ({ key, ...options })));
      }
    }
    return { collections: entries.length, documents };
  }

  async close(): Promise<void> {
    await this.#client.close().catch(() => {});
  }
}
