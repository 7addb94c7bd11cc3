import type { Draft, Manifest } from '../store.ts';
import type { Kind } from '../targets.ts';

/** What a source says about a snapshot it wrote (the rest of the manifest is the scheduler's). */
export interface SnapshotResult {
  format: string;
  source: Manifest['source'];
  contents: Record<string, number>;
}

/** One kind of data store: reads a database into a draft's files and writes them back. */
export interface Source {
  readonly kind: Kind;
  /** Why a restore target name is unacceptable, or undefined when it is fine. */
  invalidTarget(name: string): string | undefined;
  /**
   * Writes `database` into the draft (each file registered with `draft.addFile`).
   * Undefined when there is nothing to snapshot: the database does not exist (yet).
   */
  snapshot(database: string, draft: Draft, signal: AbortSignal): Promise<SnapshotResult | undefined>;
  /** Replaces the data in `target` by the snapshot's; answers what it restored. */
  restore(
    manifest: Manifest,
    file: (name: string) => string,
    target: string,
    signal: AbortSignal,
  ): Promise<Record<string, number>>;
  /** The readiness detail: the tool and server this source uses, or an error. */
  check?: () => Promise<unknown>;
  close(): Promise<void>;
}

/** A snapshot or restore that cannot work whatever the server says (bad data, missing tool). */
export class SourceError extends Error {
  override name = 'SourceError';
}
