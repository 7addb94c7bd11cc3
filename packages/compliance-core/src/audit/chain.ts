/**
 * The audit log's hash chain. Every row carries the hash of the row before it, and its
 * own hash covers its sequence number, its content and that previous hash, over a
 * canonical encoding (below). Editing, deleting or reordering any row then shows when
 * the chain is walked from the start: the first row that no longer fits is reported.
 *
 * The storage (a Postgres table written in the same transaction as the change it
 * records) lives with the services; this is the part that decides what a row's hash is.
 */
import { createHash } from 'node:crypto';

/** The hash the first row links to. */
export const GENESIS_HASH = '0'.repeat(64);

export type Canonical =
  | null
  | boolean
  | number
  | string
  | Date
  | readonly Canonical[]
  | { [key: string]: Canonical | undefined };

/**
 * A value as text, the same for equal values however they were built: object keys
 * sorted, no whitespace, dates as ISO instants, numbers as JSON writes them (finite only),
 * strings in Unicode NFC. `undefined` members are left out, as JSON leaves them out.
 */
export function canonicalEncoding(value: Canonical | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('an invalid Date cannot be encoded');
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be encoded`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value.normalize('NFC'));
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalEncoding(item)).join(',')}]`;
  const object = value as { [key: string]: Canonical | undefined };
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key.normalize('NFC'))}:${canonicalEncoding(object[key])}`);
  return `{${members.join(',')}}`;
}

export interface ChainedRow {
  /** 1, 2, 3…: the row's place in the chain. */
  seq: number;
  /** What the row records (actor, action, entity, before/after, at…). */
  content: { [key: string]: Canonical };
  prevHash: string;
  hash: string;
}

/** The hash of the row at `seq` with `content`, following the row whose hash is `prevHash`. */
export function rowHash(seq: number, content: ChainedRow['content'], prevHash: string): string {
  return createHash('sha256').update(canonicalEncoding({ seq, prevHash, content })).digest('hex');
}

/** The next row of a chain whose last row is `last` (none: the first row). */
export function chainRow(
  last: Pick<ChainedRow, 'seq' | 'hash'> | undefined,
  content: ChainedRow['content'],
): ChainedRow {
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  return { seq, content, prevHash, hash: rowHash(seq, content, prevHash) };
}

export type ChainBreak =
  /** The row's content or sequence number no longer gives its hash. */
  | 'edited'
  /** A row is missing before this one (its sequence number or its link skips one). */
  | 'deleted'
  /** The row is intact but sits after a row it was not written after. */
  | 'reordered';

export interface ChainReport {
  ok: boolean;
  /** Rows walked before the first break (all of them when ok). */
  checked: number;
  firstBreak?: { seq: number; reason: ChainBreak; detail: string };
}

/**
 * Walks rows in the order the store gives them (by `seq`, or by insertion) and reports
 * the first that does not fit the chain.
 */
export function verifyChain(rows: readonly ChainedRow[]): ChainReport {
  const seqs = new Set(rows.map((row) => row.seq));
  let previous: ChainedRow | undefined;
  for (const [checked, row] of rows.entries()) {
    const broken = (reason: ChainBreak, detail: string): ChainReport => ({
      ok: false,
      checked,
      firstBreak: { seq: row.seq, reason, detail },
    });
    if (rowHash(row.seq, row.content, row.prevHash) !== row.hash) {
      return broken('edited', `row ${row.seq} does not hash to the value stored with it`);
    }
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (row.seq === expectedSeq && row.prevHash === expectedPrev) {
      previous = row;
      continue;
    }
    // The row itself is intact but does not follow the one before it.
    if (row.seq < expectedSeq || (row.seq > expectedSeq && seqs.has(expectedSeq))) {
      return broken('reordered', `row ${row.seq} is out of place: it follows row ${previous?.seq ?? 'none'}`);
    }
    if (row.seq > expectedSeq) {
      const missing = row.seq - 1 > expectedSeq ? `rows ${expectedSeq}–${row.seq - 1} are` : `row ${expectedSeq} is`;
      return broken('deleted', `${missing} missing`);
    }
    return broken('edited', `row ${row.seq} links to a row that is not row ${previous?.seq ?? 'none'}`);
  }
  return { ok: true, checked: rows.length };
}
