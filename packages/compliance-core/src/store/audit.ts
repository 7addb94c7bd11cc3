// The audit log's storage: rows appended under a transaction-scoped advisory lock (one writer
// at a time extends the chain), read back in `seq` order to verify the chain.
import { type Canonical, type ChainedRow, type ChainReport, chainRow, verifyChain } from '../audit/chain.ts';
import type { PrismaClient } from '../db/database.ts';
import type { Tx } from './context.ts';

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string;
  /** What changed; dates are stored as ISO strings (what JSON gives back). */
  data: Record<string, unknown>;
}

// Any constant, distinct from the migrations' lock.
const AUDIT_LOCK = 0x61_75_64_74; // "audt"

/** JSON-safe copy: the content hashed must be what the jsonb column gives back. */
const jsonSafe = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as Canonical;

function contentOf(entry: {
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}) {
  return {
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    data: jsonSafe(entry.data),
  };
}

export async function appendAudit(tx: Tx, entry: AuditRecord & { actor: string; at: Date }): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`;
  const last = await tx.auditEntry.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  const content = contentOf(entry);
  const row = chainRow(last ? { seq: Number(last.seq), hash: last.hash } : undefined, content);
  await tx.auditEntry.create({
    data: {
      seq: BigInt(row.seq),
      at: entry.at,
      actor: content.actor,
      action: content.action,
      entityType: content.entityType,
      entityId: content.entityId,
      data: content.data as object,
      prevHash: row.prevHash,
      hash: row.hash,
    },
  });
}

type AuditRow = Awaited<ReturnType<PrismaClient['auditEntry']['findMany']>>[number];

const chained = (row: AuditRow): ChainedRow => ({
  seq: Number(row.seq),
  content: contentOf(row),
  prevHash: row.prevHash,
  hash: row.hash,
});

/** Walks the whole log in `seq` order, a page at a time, and reports the first row that does not fit. */
export async function verifyAuditLog(prisma: PrismaClient, pageSize = 1000): Promise<ChainReport> {
  const rows: ChainedRow[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await prisma.auditEntry.findMany({
      where: after === undefined ? {} : { seq: { gt: after } },
      orderBy: { seq: 'asc' },
      take: pageSize,
    });
    rows.push(...page.map(chained));
    if (page.length < pageSize) break;
    after = page[page.length - 1]?.seq;
  }
  return verifyChain(rows);
}

export async function recentAudit(prisma: PrismaClient, limit: number) {
  const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'desc' }, take: limit });
  return rows.map((row) => ({ ...contentOf(row), seq: Number(row.seq), hash: row.hash, prevHash: row.prevHash }));
}
