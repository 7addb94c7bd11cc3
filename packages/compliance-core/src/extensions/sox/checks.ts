// The SOX rule pack's automatic controls, read from the data at each assessment. The store
// already refuses what they look for; they catch rows written or removed around it (a direct
// database edit, an import) and keep the assessment honest about what is there.
import { createHash } from 'node:crypto';
import { verifyAuditLog } from '../../store/audit.ts';
import type { ControlCheck } from '../../store/context.ts';
import { overdueCertificationsWhere } from './store.ts';

const list = (items: string[]) => `${items.slice(0, 5).join(', ')}${items.length > 5 ? ', …' : ''}`;

/** Every s.302 certification past its due date is attested by all the officers it names. */
export const certificationsCurrent: ControlCheck = async (ctx) => {
  const now = ctx.now();
  const [total, overdue] = await Promise.all([
    ctx.prisma.soxCertification.count(),
    ctx.prisma.soxCertification.findMany({
      where: overdueCertificationsWhere(now),
      select: { quarter: true, dueAt: true },
      orderBy: { dueAt: 'asc' },
    }),
  ]);
  if (total === 0) return { status: 'fail', evidence: 'no s.302 certification is recorded' };
  if (overdue.length > 0) {
    return {
      status: 'fail',
      evidence: `${overdue.length} certification(s) past their due date without every named officer's attestation: ${list(
        overdue.map((c) => `${c.quarter} (due ${c.dueAt.toISOString()})`),
      )}`,
    };
  }
  return { status: 'pass', evidence: `${total} certification(s) recorded; none is past its due date unattested` };
};

/** No open deficiency is a material weakness. */
export const noMaterialWeakness: ControlCheck = async (ctx) => {
  const open = await ctx.prisma.soxDeficiency.findMany({
    where: { status: 'open', severity: { in: ['material_weakness', 'significant_deficiency'] } },
    select: { id: true, severity: true },
    orderBy: { identifiedAt: 'asc' },
  });
  const weaknesses = open.filter((d) => d.severity === 'material_weakness');
  const significant = open.length - weaknesses.length;
  if (weaknesses.length > 0) {
    return {
      status: 'fail',
      evidence: `${weaknesses.length} open material weakness(es): ${list(weaknesses.map((d) => d.id))}`,
    };
  }
  return {
    status: 'pass',
    evidence: `no open material weakness (${significant} open significant deficienc${significant === 1 ? 'y' : 'ies'})`,
  };
};

/** Every deployed change was approved, and neither its approver nor its deployer requested it. */
export const changesSegregated: ControlCheck = async (ctx) => {
  const deployed = await ctx.prisma.soxChange.findMany({
    where: { status: 'deployed' },
    select: { id: true, requestedBy: true, approvedBy: true, deployedBy: true },
  });
  const bad = deployed.flatMap((c) => {
    if (c.approvedBy === null) return [`${c.id} deployed without approval`];
    if (c.approvedBy === c.requestedBy) return [`${c.id} approved by its requester ${c.requestedBy}`];
    if (c.deployedBy === c.requestedBy) return [`${c.id} deployed by its requester ${c.requestedBy}`];
    return [];
  });
  if (bad.length > 0)
    return { status: 'fail', evidence: `${bad.length} deployed change(s) not segregated: ${list(bad)}` };
  return {
    status: 'pass',
    evidence: `${deployed.length} deployed change(s), each approved and deployed by someone other than its requester`,
  };
};

/**
 * Every evidence item added and not yet past its retention is still there, and stored content
 * still has the SHA-256 taken when it was added. Content is read one item at a time.
 */
export const evidenceRetained: ControlCheck = async (ctx) => {
  const now = ctx.now();
  const [added, kept] = await Promise.all([
    ctx.prisma.auditEntry.findMany({ where: { action: 'sox.evidence_added' }, select: { entityId: true, data: true } }),
    ctx.prisma.soxEvidence.findMany({ select: { id: true, sha256: true, size: true } }),
  ]);
  const present = new Set(kept.map((e) => e.id));
  const missing = added
    .filter((a) => !present.has(a.entityId))
    .filter((a) => new Date(String((a.data as { retainUntil?: string }).retainUntil)) >= now);
  const deletedProperly = new Set(
    (
      await ctx.prisma.auditEntry.findMany({ where: { action: 'sox.evidence_deleted' }, select: { entityId: true } })
    ).map((d) => d.entityId),
  );
  const problems = missing.filter((a) => !deletedProperly.has(a.entityId)).map((a) => `${a.entityId} is missing`);
  for (const item of kept.filter((e) => e.size !== null)) {
    const row = await ctx.prisma.soxEvidence.findUnique({ where: { id: item.id }, select: { content: true } });
    const actual = row?.content ? createHash('sha256').update(row.content).digest('hex') : null;
    if (actual !== item.sha256) problems.push(`${item.id} no longer matches its SHA-256`);
  }
  if (problems.length > 0) {
    return {
      status: 'fail',
      evidence: `${problems.length} evidence item(s) not retained unaltered: ${list(problems)}`,
    };
  }
  return {
    status: 'pass',
    evidence: `${kept.length} evidence item(s) kept; every item still within its seven years is present and unaltered`,
  };
};

/** The audit log's hash chain verifies from its first row to its last. */
export const auditChainVerifies: ControlCheck = async (ctx) => {
  const report = await verifyAuditLog(ctx.prisma);
  return report.ok
    ? { status: 'pass', evidence: `the hash chain of all ${report.checked} audit rows verifies` }
    : {
        status: 'fail',
        evidence: `the audit log's hash chain breaks at row ${report.firstBreak?.seq} (${report.firstBreak?.reason}: ${report.firstBreak?.detail})`,
      };
};

export const SOX_CHECKS = {
  certifications_current: certificationsCurrent,
  no_material_weakness: noMaterialWeakness,
  changes_segregated: changesSegregated,
  evidence_retained: evidenceRetained,
  audit_chain_verifies: auditChainVerifies,
} as const satisfies Record<string, ControlCheck>;
