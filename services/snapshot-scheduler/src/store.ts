/**
 * The snapshot volume: one folder per snapshot, `<SNAPSHOTS_DIR>/<id>/`, holding its data
 * files and `manifest.json`. A snapshot is written into `.tmp-<id>/`, every file flushed
 * to disk, the manifest last, and only then renamed into place (after the fencing check):
 * a folder without a leading dot always holds a whole snapshot, and a crash mid-way leaves
 * only a `.tmp-` folder that the sweeper removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kind } from './targets.ts';

export interface SnapshotFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  id: string;
  service: string;
  kind: Kind;
  /** Postgres or MongoDB database, or the Redis key prefix. */
  database: string;
  /** How the files are written: `pg_dump-custom`, `redis-dump-ndjson`, `mongodb-ejson-ndjson`. */
  format: string;
  trigger: 'schedule' | 'manual' | 'demo-seed';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  instance: string;
  fencingToken: number;
  /** The server the data came from and the tool that read it. */
  source: { server: string; version: string; tool?: string };
  files: SnapshotFile[];
  totalBytes: number;
  /** What it holds: tables, keys, collections and documents. */
  contents: Record<string, number>;
}

/** Snapshot ids are folder names: no dots, slashes or anything a path could abuse. */
export const SNAPSHOT_ID = /^[0-9]{8}T[0-9]{9}Z-[a-z0-9-]{1,80}-(postgres|redis|mongodb)-[0-9a-f]{8}$/;

export function newSnapshotId(service: string, kind: Kind, at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${service}-${kind}-${randomBytes(4).toString('hex')}`;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A snapshot being written: its files go into `dir`; nothing is visible before `commit`. */
export class Draft {
  readonly id: string;
  readonly dir: string;
  readonly files: SnapshotFile[] = [];
  readonly #root: string;

  constructor(root: string, id: string) {
    this.#root = root;
    this.id = id;
    this.dir = join(root, `.tmp-${id}`);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Records a file written into the draft: flushed to disk, sized and hashed. */
  async addFile(name: string): Promise<SnapshotFile> {
    const path = this.path(name);
    await fsyncPath(path);
    const file = { name, bytes: (await stat(path)).size, sha256: await sha256Of(path) };
    this.files.push(file);
    return file;
  }

  /**
   * Writes the manifest, flushes it and the folder, asks `fence` (the leader check) and
   * only then renames the folder into place. Refused by the fence: the draft is deleted.
   */
  async commit(manifest: Manifest, fence: () => Promise<void>): Promise<void> {
    const manifestPath = this.path('manifest.json');
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(manifestPath);
    await fsyncPath(this.dir);
    try {
      await fence();
    } catch (error) {
      await this.abort();
      throw error;
    }
    await rename(this.dir, join(this.#root, this.id));
    await fsyncPath(this.#root);
  }

  async abort(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export class SnapshotStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async begin(id: string): Promise<Draft> {
    const draft = new Draft(this.dir, id);
    await mkdir(draft.dir, { recursive: true });
    return draft;
  }

  /** Every whole snapshot, newest first. Folders whose manifest cannot be read are left out. */
  async list(): Promise<Manifest[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const manifests = await Promise.all(
      entries.filter((e) => e.isDirectory() && SNAPSHOT_ID.test(e.name)).map((e) => this.get(e.name)),
    );
    return manifests
      .filter((m): m is Manifest => m !== undefined)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  }

  async get(id: string): Promise<Manifest | undefined> {
    if (!SNAPSHOT_ID.test(id)) return undefined;
    try {
      const manifest = JSON.parse(await readFile(join(this.dir, id, 'manifest.json'), 'utf8')) as Manifest;
      return manifest.id === id ? manifest : undefined;
    } catch {
      return undefined;
    }
  }

  filePath(id: string, name: string): string {
    return join(this.dir, id, name);
  }

  /** The files whose size or SHA-256 no longer match the manifest (missing ones included). */
  async verify(manifest: Manifest): Promise<string[]> {
    const bad: string[] = [];
    for (const file of manifest.files) {
      const path = this.filePath(manifest.id, file.name);
      const ok = await stat(path).then(
        async (s) => s.size === file.bytes && (await sha256Of(path)) === file.sha256,
        () => false,
      );
      if (!ok) bad.push(file.name);
    }
    return bad;
  }

  /** Removes a snapshot: renamed out of sight first, so a listing never sees half of one. */
  async remove(id: string): Promise<void> {
    if (!SNAPSHOT_ID.test(id)) return;
    const trash = join(this.dir, `.trash-${id}`);
    await rename(join(this.dir, id), trash);
    await rm(trash, { recursive: true, force: true });
  }

  /** Drafts and deletions left behind by a crash, older than `olderThanMs`. */
  async removeLeftovers(olderThanMs: number, now = Date.now()): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const removed: string[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory() || !/^\.(tmp|trash)-/.test(entry.name)) continue;
      const path = join(this.dir, entry.name);
      const { mtimeMs } = await stat(path);
      if (now - mtimeMs < olderThanMs) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(entry.name);
    }
    return removed;
  }
}
