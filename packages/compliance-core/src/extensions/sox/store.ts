// The SOX store: internal controls, their tests and deficiencies; change management with
// segregation of duties; s.302 certifications; whistle-blower reports; audit evidence kept
// seven years. Every change goes through write() with its audit row.
import { createHash } from 'node:crypto';
import { localDate } from '../../deadlines/calendar.ts';
import type {
  SoxCertification,
  SoxCertificationOfficer,
  SoxChange,
  SoxControl,
  SoxControlTest,
  SoxDeficiency,
  SoxEvidence,
  SoxWhistleblowerReport,
} from '../../generated/prisma/client.ts';
import { certificationDueAt, evidenceRetainUntil, SOX_CALENDAR } from '../../regimes/sox.ts';
import { type Idempotency, type StoreContext, StoreError, write } from '../../store/context.ts';

export const CONTROL_TYPES = ['preventive', 'detective', 'corrective'] as const;
export const FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly', 'annually', 'per_event'] as const;
export const TEST_RESULTS = ['effective', 'ineffective'] as const;
export const SEVERITIES = ['deficiency', 'significant_deficiency', 'material_weakness'] as const;
export const DEFICIENCY_STATUSES = ['open', 'remediated'] as const;
export const CHANGE_RISKS = ['low', 'medium', 'high'] as const;
export const CHANGE_STATUSES = ['requested', 'approved', 'rejected', 'deployed'] as const;
export const REPORT_CATEGORIES = [
  'accounting',
  'internal_controls',
  'auditing',
  'financial_reporting',
  'fraud',
  'retaliation',
  'other',
] as const;
export const REPORT_STATUSES = ['received', 'investigating', 'closed'] as const;
/** Evidence content kept in the database: at most 1 MiB (larger items: an external reference). */
export const MAX_EVIDENCE_BYTES = 1024 * 1024;

export type Severity = (typeof SEVERITIES)[number];
export type ChangeStep = 'approve' | 'reject' | 'deploy';
type ReportStatus = (typeof REPORT_STATUSES)[number];

const iso = (date: Date | null) => date?.toISOString() ?? null;
const day = (date: Date) => localDate(date, SOX_CALENDAR.timeZone);

// ---------------------------------------------------------------- controls, tests, deficiencies

const presentControl = (c: SoxControl) => ({
  id: c.id,
  key: c.key,
  title: c.title,
  description: c.description,
  type: c.type,
  owner: c.owner,
  frequency: c.frequency,
  assertion: c.assertion,
  account: c.account,
  createdBy: c.createdBy,
  createdAt: c.createdAt.toISOString(),
});
const presentTest = (t: SoxControlTest) => ({
  id: t.id,
  controlId: t.controlId,
  testedAt: t.testedAt.toISOString(),
  tester: t.tester,
  sampleSize: t.sampleSize,
  exceptions: t.exceptions,
  result: t.result,
  notes: t.notes,
  evidenceIds: t.evidenceIds,
});
const presentDeficiency = (d: SoxDeficiency) => ({
  id: d.id,
  controlId: d.controlId,
  testId: d.testId,
  severity: d.severity,
  description: d.description,
  identifiedAt: d.identifiedAt.toISOString(),
  status: d.status,
  remediatedAt: iso(d.remediatedAt),
  remediation: d.remediation,
  createdBy: d.createdBy,
});

export interface NewControl {
  key: string;
  title: string;
  description: string;
  type: (typeof CONTROL_TYPES)[number];
  owner: string;
  frequency: (typeof FREQUENCIES)[number];
  assertion?: string;
  account?: string;
}

export async function createControl(ctx: StoreContext, actor: string, input: NewControl, idempotency?: Idempotency) {
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      if (await tx.soxControl.findUnique({ where: { key: input.key } })) {
        throw new StoreError(409, `a control with key "${input.key}" already exists`);
      }
      const control = await tx.soxControl.create({ data: { ...input, createdBy: actor } });
      await audit({
        action: 'sox.control_created',
        entityType: 'sox_control',
        entityId: control.id,
        data: { key: control.key, type: control.type, owner: control.owner, frequency: control.frequency },
      });
      return presentControl(control);
    },
    idempotency,
  );
}

export async function listControls(ctx: StoreContext) {
  const controls = await ctx.prisma.soxControl.findMany({ orderBy: { key: 'asc' } });
  return controls.map(presentControl);
}

export async function getControl(ctx: StoreContext, id: string) {
  const control = await ctx.prisma.soxControl.findUnique({ where: { id } });
  if (!control) throw new StoreError(404, `no control with id "${id}"`);
  const [tests, deficiencies] = await Promise.all([
    ctx.prisma.soxControlTest.findMany({ where: { controlId: id }, orderBy: { testedAt: 'desc' } }),
    ctx.prisma.soxDeficiency.findMany({ where: { controlId: id }, orderBy: { identifiedAt: 'desc' } }),
  ]);
  return {
    ...presentControl(control),
    tests: tests.map(presentTest),
    deficiencies: deficiencies.map(presentDeficiency),
  };
}

export interface NewTest {
  testedAt?: Date;
  sampleSize: number;
  exceptions: number;
  result: (typeof TEST_RESULTS)[number];
  notes?: string;
  evidenceIds?: string[];
  /** A failed test's deficiency, recorded with it. */
  deficiency?: { severity: Severity; description: string };
}

export async function recordTest(
  ctx: StoreContext,
  actor: string,
  controlId: string,
  input: NewTest,
  idempotency?: Idempotency,
) {
  if (input.exceptions > input.sampleSize) {
    throw new StoreError(422, `exceptions (${input.exceptions}) cannot exceed the sample size (${input.sampleSize})`);
  }
  if (input.deficiency && input.result !== 'ineffective') {
    throw new StoreError(422, 'a deficiency is recorded with an ineffective test only');
  }
  const evidenceIds = [...new Set(input.evidenceIds ?? [])];
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const control = await tx.soxControl.findUnique({ where: { id: controlId } });
      if (!control) throw new StoreError(404, `no control with id "${controlId}"`);
      if (evidenceIds.length > 0) {
        const found = await tx.soxEvidence.findMany({ where: { id: { in: evidenceIds } }, select: { id: true } });
        const missing = evidenceIds.filter((id) => !found.some((f) => f.id === id));
        if (missing.length > 0) throw new StoreError(422, `no evidence item with id ${missing.join(', ')}`);
      }
      const testedAt = input.testedAt ?? ctx.now();
      const test = await tx.soxControlTest.create({
        data: {
          controlId,
          testedAt,
          tester: actor,
          sampleSize: input.sampleSize,
          exceptions: input.exceptions,
          result: input.result,
          notes: input.notes ?? null,
          evidenceIds,
        },
      });
      await audit({
        action: 'sox.control_tested',
        entityType: 'sox_control',
        entityId: controlId,
        data: {
          testId: test.id,
          result: test.result,
          sampleSize: test.sampleSize,
          exceptions: test.exceptions,
          evidenceIds,
        },
      });
      let deficiency: SoxDeficiency | undefined;
      if (input.deficiency) {
        deficiency = await tx.soxDeficiency.create({
          data: {
            controlId,
            testId: test.id,
            severity: input.deficiency.severity,
            description: input.deficiency.description,
            identifiedAt: testedAt,
            status: 'open',
            createdBy: actor,
          },
        });
        await audit({
          action: 'sox.deficiency_identified',
          entityType: 'sox_deficiency',
          entityId: deficiency.id,
          data: { controlId, testId: test.id, severity: deficiency.severity },
        });
      }
      return { ...presentTest(test), deficiency: deficiency ? presentDeficiency(deficiency) : null };
    },
    idempotency,
  );
}

export async function createDeficiency(
  ctx: StoreContext,
  actor: string,
  input: { controlId: string; severity: Severity; description: string; identifiedAt?: Date },
  idempotency?: Idempotency,
) {
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      if (!(await tx.soxControl.findUnique({ where: { id: input.controlId } }))) {
        throw new StoreError(404, `no control with id "${input.controlId}"`);
      }
      const deficiency = await tx.soxDeficiency.create({
        data: {
          controlId: input.controlId,
          severity: input.severity,
          description: input.description,
          identifiedAt: input.identifiedAt ?? ctx.now(),
          status: 'open',
          createdBy: actor,
        },
      });
      await audit({
        action: 'sox.deficiency_identified',
        entityType: 'sox_deficiency',
        entityId: deficiency.id,
        data: { controlId: input.controlId, testId: null, severity: deficiency.severity },
      });
      return presentDeficiency(deficiency);
    },
    idempotency,
  );
}

export async function remediateDeficiency(
  ctx: StoreContext,
  actor: string,
  id: string,
  input: { how: string; remediatedAt?: Date },
) {
  return write(ctx, actor, async (tx, audit) => {
    const deficiency = await tx.soxDeficiency.findUnique({ where: { id } });
    if (!deficiency) throw new StoreError(404, `no deficiency with id "${id}"`);
    const remediatedAt = input.remediatedAt ?? ctx.now();
    if (remediatedAt < deficiency.identifiedAt) {
      throw new StoreError(
        422,
        `remediatedAt must not be before the deficiency was identified (${day(deficiency.identifiedAt)})`,
      );
    }
    const { count } = await tx.soxDeficiency.updateMany({
      where: { id, status: 'open' },
      data: { status: 'remediated', remediatedAt, remediation: input.how },
    });
    if (count !== 1) throw new StoreError(409, 'this deficiency is already remediated');
    await audit({
      action: 'sox.deficiency_remediated',
      entityType: 'sox_deficiency',
      entityId: id,
      data: { severity: deficiency.severity, remediatedAt: remediatedAt.toISOString() },
    });
    return presentDeficiency((await tx.soxDeficiency.findUnique({ where: { id } })) as SoxDeficiency);
  });
}

export async function listDeficiencies(ctx: StoreContext, filter: { status?: string; severity?: string }) {
  const rows = await ctx.prisma.soxDeficiency.findMany({
    where: { status: filter.status, severity: filter.severity },
    orderBy: { identifiedAt: 'desc' },
    take: 500,
  });
  return rows.map(presentDeficiency);
}

export async function openDeficiencyCounts(ctx: StoreContext): Promise<Record<Severity, number>> {
  const rows = await ctx.prisma.soxDeficiency.groupBy({ by: ['severity'], where: { status: 'open' }, _count: true });
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const row of rows) counts[row.severity as Severity] = row._count;
  return counts;
}

// ---------------------------------------------------------------- change management

const presentChange = (c: SoxChange) => ({
  id: c.id,
  title: c.title,
  system: c.system,
  description: c.description,
  risk: c.risk,
  status: c.status,
  requestedBy: c.requestedBy,
  requestedAt: c.requestedAt.toISOString(),
  approvedBy: c.approvedBy,
  approvedAt: iso(c.approvedAt),
  approvalNote: c.approvalNote,
  rejectedBy: c.rejectedBy,
  rejectedAt: iso(c.rejectedAt),
  rejectionReason: c.rejectionReason,
  deployedBy: c.deployedBy,
  deployedAt: iso(c.deployedAt),
  deploymentNote: c.deploymentNote,
});

export async function requestChange(
  ctx: StoreContext,
  actor: string,
  input: { title: string; system: string; description: string; risk: (typeof CHANGE_RISKS)[number] },
  idempotency?: Idempotency,
) {
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const change = await tx.soxChange.create({
        data: { ...input, status: 'requested', requestedBy: actor, requestedAt: ctx.now() },
      });
      await audit({
        action: 'sox.change_requested',
        entityType: 'sox_change',
        entityId: change.id,
        data: { title: change.title, system: change.system, risk: change.risk },
      });
      return presentChange(change);
    },
    idempotency,
  );
}

/** Who must take each step instead of the requester (the 403's wording). */
const STEP_WORDS: Record<ChangeStep, { verb: string; who: string }> = {
  approve: { verb: 'approve', who: 'another change approver' },
  reject: { verb: 'reject', who: 'another change approver' },
  deploy: { verb: 'deploy', who: 'another deployer' },
};

/**
 * A step of a change: approve or reject a requested change, deploy an approved one. The
 * requester may take none of them (segregation of duties: 403); `onRefused` counts those,
 * and each refusal is committed to the audit chain first, as evidence of who tried.
 * The state moves with a conditional update, so of two racing approvals exactly one wins.
 */
export async function changeStep(
  ctx: StoreContext,
  actor: string,
  id: string,
  step: ChangeStep,
  note: string | undefined,
  onRefused?: (step: ChangeStep) => void,
) {
  const outcome = await write(ctx, actor, async (tx, audit) => {
    const change = await tx.soxChange.findUnique({ where: { id } });
    if (!change) throw new StoreError(404, `no change with id "${id}"`);
    if (change.requestedBy === actor) {
      const { verb, who } = STEP_WORDS[step];
      const refused = `segregation of duties: ${actor} requested this change and may not ${verb} it; ${who} must`;
      await audit({
        action: 'sox.change_step_refused',
        entityType: 'sox_change',
        entityId: id,
        data: { step, status: change.status, reason: refused },
      });
      return { refused };
    }
    const at = ctx.now();
    const from = step === 'deploy' ? 'approved' : 'requested';
    if (change.status !== from) {
      if (step === 'deploy' && change.status === 'requested') {
        throw new StoreError(409, 'this change needs approval before it is deployed (it is still requested)');
      }
      throw new StoreError(409, `cannot ${step} a change that is ${change.status}`);
    }
    const data =
      step === 'approve'
        ? { status: 'approved', approvedBy: actor, approvedAt: at, approvalNote: note ?? null }
        : step === 'reject'
          ? { status: 'rejected', rejectedBy: actor, rejectedAt: at, rejectionReason: note ?? null }
          : { status: 'deployed', deployedBy: actor, deployedAt: at, deploymentNote: note ?? null };
    const { count } = await tx.soxChange.updateMany({ where: { id, status: from }, data });
    if (count !== 1)
      throw new StoreError(
        409,
        `this change was already ${step === 'deploy' ? 'deployed' : 'decided'} by someone else`,
      );
    await audit({
      action: `sox.change_${step === 'approve' ? 'approved' : step === 'reject' ? 'rejected' : 'deployed'}`,
      entityType: 'sox_change',
      entityId: id,
      data: { requestedBy: change.requestedBy, from, to: data.status },
    });
    return { change: presentChange((await tx.soxChange.findUnique({ where: { id } })) as SoxChange) };
  });
  if (outcome.refused !== undefined) {
    onRefused?.(step);
    throw new StoreError(403, outcome.refused);
  }
  return outcome.change;
}

export async function getChange(ctx: StoreContext, id: string) {
  const change = await ctx.prisma.soxChange.findUnique({ where: { id } });
  if (!change) throw new StoreError(404, `no change with id "${id}"`);
  return presentChange(change);
}

export async function listChanges(ctx: StoreContext, filter: { status?: string }) {
  const rows = await ctx.prisma.soxChange.findMany({
    where: { status: filter.status },
    orderBy: { requestedAt: 'desc' },
    take: 500,
  });
  return rows.map(presentChange);
}

export async function changeCounts(ctx: StoreContext) {
  const rows = await ctx.prisma.soxChange.groupBy({ by: ['status'], _count: true });
  const counts = Object.fromEntries(CHANGE_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const row of rows) counts[row.status] = row._count;
  return counts;
}

// ---------------------------------------------------------------- s.302 certifications

type CertificationRow = SoxCertification & { officers: SoxCertificationOfficer[] };

function presentCertification(ctx: StoreContext, c: CertificationRow) {
  const overdue = c.completedAt === null && c.dueAt < ctx.now();
  return {
    id: c.id,
    quarter: c.quarter,
    periodEnd: c.periodEnd.toISOString().slice(0, 10),
    dueAt: c.dueAt.toISOString(),
    dueDate: day(c.dueAt),
    complete: c.completedAt !== null,
    completedAt: iso(c.completedAt),
    overdue,
    officers: c.officers
      .sort((a, b) => a.subject.localeCompare(b.subject))
      .map((o) => ({ subject: o.subject, title: o.title, statement: o.statement, attestedAt: iso(o.attestedAt) })),
    createdBy: c.createdBy,
  };
}

export async function createCertification(
  ctx: StoreContext,
  actor: string,
  input: { quarter: string; periodEnd: string; officers: { subject: string; title: string }[] },
  idempotency?: Idempotency,
) {
  const dueAt = certificationDueAt(input.quarter, input.periodEnd);
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      if (await tx.soxCertification.findUnique({ where: { quarter: input.quarter } })) {
        throw new StoreError(409, `the certification of ${input.quarter} already exists`);
      }
      const certification = await tx.soxCertification.create({
        data: {
          quarter: input.quarter,
          periodEnd: new Date(`${input.periodEnd}T00:00:00Z`),
          dueAt,
          createdBy: actor,
          officers: { create: input.officers.map((o) => ({ subject: o.subject, title: o.title })) },
        },
        include: { officers: true },
      });
      await audit({
        action: 'sox.certification_opened',
        entityType: 'sox_certification',
        entityId: certification.id,
        data: {
          quarter: input.quarter,
          periodEnd: input.periodEnd,
          dueAt: dueAt.toISOString(),
          officers: input.officers,
        },
      });
      return presentCertification(ctx, certification);
    },
    idempotency,
  );
}

/** The named officer `actor` attests for themselves; complete when the last named officer has. */
export async function attestCertification(ctx: StoreContext, actor: string, id: string, statement: string) {
  return write(ctx, actor, async (tx, audit) => {
    const certification = await tx.soxCertification.findUnique({ where: { id }, include: { officers: true } });
    if (!certification) throw new StoreError(404, `no certification with id "${id}"`);
    const named = certification.officers.map((o) => o.subject).sort();
    const mine = certification.officers.find((o) => o.subject === actor);
    if (!mine) {
      throw new StoreError(
        403,
        `only the officers named in the ${certification.quarter} certification (${named.join(', ')}) may attest it, each for themselves; ${actor} is not named`,
      );
    }
    const at = ctx.now();
    const { count } = await tx.soxCertificationOfficer.updateMany({
      where: { id: mine.id, attestedAt: null },
      data: { statement, attestedAt: at },
    });
    if (count !== 1) throw new StoreError(409, `${actor} already attested the ${certification.quarter} certification`);
    const pending = await tx.soxCertificationOfficer.count({ where: { certificationId: id, attestedAt: null } });
    if (pending === 0) await tx.soxCertification.update({ where: { id }, data: { completedAt: at } });
    await audit({
      action: 'sox.certification_attested',
      entityType: 'sox_certification',
      entityId: id,
      data: { quarter: certification.quarter, officer: actor, title: mine.title, complete: pending === 0 },
    });
    return presentCertification(
      ctx,
      (await tx.soxCertification.findUnique({ where: { id }, include: { officers: true } })) as CertificationRow,
    );
  });
}

export async function getCertification(ctx: StoreContext, id: string) {
  const row = await ctx.prisma.soxCertification.findUnique({ where: { id }, include: { officers: true } });
  if (!row) throw new StoreError(404, `no certification with id "${id}"`);
  return presentCertification(ctx, row);
}

export async function listCertifications(ctx: StoreContext) {
  const rows = await ctx.prisma.soxCertification.findMany({
    orderBy: { periodEnd: 'desc' },
    include: { officers: true },
  });
  return rows.map((row) => presentCertification(ctx, row));
}

export function overdueCertificationsWhere(now: Date) {
  return { completedAt: null, dueAt: { lt: now } };
}

// ---------------------------------------------------------------- whistle-blower reports

const presentReport = (r: SoxWhistleblowerReport) => ({
  id: r.id,
  category: r.category,
  description: r.description,
  anonymous: r.anonymous,
  reporter: r.reporter,
  status: r.status,
  statusNote: r.statusNote,
  receivedAt: r.receivedAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * Files a report. Anonymous: the reporter is stored nowhere, not even as the audit row's actor
 * (which reads `anonymous`). The audit row holds the category, never the text. An anonymous
 * report takes no Idempotency-Key: stored under `anonymous`, one reporter's key could replay
 * another's receipt, and the key itself could identify the sender.
 */
export async function fileReport(
  ctx: StoreContext,
  caller: string,
  input: { category: string; description: string; anonymous: boolean },
  idempotency?: Idempotency,
) {
  if (input.anonymous && idempotency) {
    throw new StoreError(
      422,
      'an anonymous report takes no Idempotency-Key (a key could link the report to its sender); send it without one',
    );
  }
  const actor = input.anonymous ? 'anonymous' : caller;
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const at = ctx.now();
      const report = await tx.soxWhistleblowerReport.create({
        data: {
          category: input.category,
          description: input.description,
          anonymous: input.anonymous,
          reporter: input.anonymous ? null : caller,
          status: 'received',
          receivedAt: at,
          updatedAt: at,
        },
      });
      await audit({
        action: 'sox.whistleblower_report_filed',
        entityType: 'sox_whistleblower_report',
        entityId: report.id,
        data: { category: report.category, anonymous: report.anonymous },
      });
      // The reporter gets a receipt, not the report back.
      return {
        id: report.id,
        category: report.category,
        anonymous: report.anonymous,
        status: report.status,
        receivedAt: at.toISOString(),
      };
    },
    idempotency,
  );
}

export async function listReports(ctx: StoreContext, filter: { status?: string }) {
  const rows = await ctx.prisma.soxWhistleblowerReport.findMany({
    where: { status: filter.status },
    orderBy: { receivedAt: 'desc' },
    take: 500,
  });
  return rows.map(presentReport);
}

export async function getReport(ctx: StoreContext, id: string) {
  const row = await ctx.prisma.soxWhistleblowerReport.findUnique({ where: { id } });
  if (!row) throw new StoreError(404, `no whistle-blower report with id "${id}"`);
  return presentReport(row);
}

const NEXT_STATUS: Record<ReportStatus, readonly ReportStatus[]> = {
  received: ['investigating', 'closed'],
  investigating: ['closed'],
  closed: [],
};

export async function updateReportStatus(
  ctx: StoreContext,
  actor: string,
  id: string,
  input: { status: ReportStatus; note?: string },
) {
  return write(ctx, actor, async (tx, audit) => {
    const report = await tx.soxWhistleblowerReport.findUnique({ where: { id } });
    if (!report) throw new StoreError(404, `no whistle-blower report with id "${id}"`);
    const from = report.status as ReportStatus;
    if (!NEXT_STATUS[from].includes(input.status)) {
      throw new StoreError(409, `a report that is ${from} cannot become ${input.status}`);
    }
    const { count } = await tx.soxWhistleblowerReport.updateMany({
      where: { id, status: from },
      data: { status: input.status, statusNote: input.note ?? null, updatedAt: ctx.now() },
    });
    if (count !== 1) throw new StoreError(409, 'the report changed while this step ran; read it again and retry');
    // Status only: the note may describe the matter, and the auditor reads the audit log.
    await audit({
      action: 'sox.whistleblower_report_status',
      entityType: 'sox_whistleblower_report',
      entityId: id,
      data: { from, to: input.status },
    });
    return presentReport((await tx.soxWhistleblowerReport.findUnique({ where: { id } })) as SoxWhistleblowerReport);
  });
}

// ---------------------------------------------------------------- evidence

const presentEvidence = (e: SoxEvidence, now: Date) => ({
  id: e.id,
  title: e.title,
  kind: e.kind,
  sha256: e.sha256,
  size: e.size,
  stored: e.content !== null,
  externalRef: e.externalRef,
  collectedAt: e.collectedAt.toISOString(),
  retainUntil: e.retainUntil.toISOString(),
  retainUntilDate: day(e.retainUntil),
  deletable: e.retainUntil < now,
  controlId: e.controlId,
  testId: e.testId,
  changeId: e.changeId,
  createdBy: e.createdBy,
});

export interface NewEvidence {
  title: string;
  kind: string;
  /** Base64 content stored in the database (at most 1 MiB decoded). */
  content?: Buffer;
  externalRef?: string;
  sha256?: string;
  collectedAt?: Date;
  controlId?: string;
  testId?: string;
  changeId?: string;
}

export async function addEvidence(ctx: StoreContext, actor: string, input: NewEvidence, idempotency?: Idempotency) {
  if ((input.content === undefined) === (input.externalRef === undefined)) {
    throw new StoreError(422, 'evidence needs either its content (base64) or an external reference, not both');
  }
  let sha256 = input.sha256;
  if (input.content !== undefined) {
    if (input.content.length > MAX_EVIDENCE_BYTES) {
      throw new StoreError(
        422,
        `evidence content is at most ${MAX_EVIDENCE_BYTES} bytes (1 MiB); this is ${input.content.length}: store it elsewhere and give an external reference`,
      );
    }
    const actual = createHash('sha256').update(input.content).digest('hex');
    if (sha256 !== undefined && sha256 !== actual) {
      throw new StoreError(422, `the sha256 given does not match the content (its SHA-256 is ${actual})`);
    }
    sha256 = actual;
  } else if (sha256 === undefined) {
    throw new StoreError(422, 'evidence kept by external reference needs the sha256 of its content');
  }
  const collectedAt = input.collectedAt ?? ctx.now();
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const links: [string, string | undefined, () => Promise<unknown>][] = [
        ['control', input.controlId, () => tx.soxControl.findUnique({ where: { id: input.controlId } })],
        ['control test', input.testId, () => tx.soxControlTest.findUnique({ where: { id: input.testId } })],
        ['change', input.changeId, () => tx.soxChange.findUnique({ where: { id: input.changeId } })],
      ];
      for (const [what, linked, find] of links) {
        if (linked !== undefined && !(await find())) throw new StoreError(422, `no ${what} with id "${linked}"`);
      }
      const evidence = await tx.soxEvidence.create({
        data: {
          title: input.title,
          kind: input.kind,
          sha256: sha256 as string,
          content: input.content ? new Uint8Array(input.content) : null,
          size: input.content?.length ?? null,
          externalRef: input.externalRef ?? null,
          collectedAt,
          retainUntil: evidenceRetainUntil(collectedAt),
          controlId: input.controlId ?? null,
          testId: input.testId ?? null,
          changeId: input.changeId ?? null,
          createdBy: actor,
        },
      });
      await audit({
        action: 'sox.evidence_added',
        entityType: 'sox_evidence',
        entityId: evidence.id,
        data: {
          title: evidence.title,
          kind: evidence.kind,
          sha256: evidence.sha256,
          size: evidence.size,
          retainUntil: evidence.retainUntil.toISOString(),
        },
      });
      return presentEvidence(evidence, ctx.now());
    },
    idempotency,
  );
}

export async function listEvidence(ctx: StoreContext) {
  const rows = await ctx.prisma.soxEvidence.findMany({
    omit: { content: true },
    orderBy: { collectedAt: 'desc' },
    take: 500,
  });
  return rows.map((row) =>
    presentEvidence({ ...row, content: row.size === null ? null : Buffer.alloc(0) } as SoxEvidence, ctx.now()),
  );
}

export async function getEvidence(ctx: StoreContext, id: string) {
  const row = await ctx.prisma.soxEvidence.findUnique({ where: { id } });
  if (!row) throw new StoreError(404, `no evidence item with id "${id}"`);
  return {
    ...presentEvidence(row, ctx.now()),
    content: row.content ? Buffer.from(row.content).toString('base64') : null,
  };
}

/** Deletes an evidence item once its seven years are over; before, 409 saying until when. */
export async function deleteEvidence(ctx: StoreContext, actor: string, id: string) {
  return write(ctx, actor, async (tx, audit) => {
    const row = await tx.soxEvidence.findUnique({ where: { id }, omit: { content: true } });
    if (!row) throw new StoreError(404, `no evidence item with id "${id}"`);
    const now = ctx.now();
    if (now <= row.retainUntil) {
      throw new StoreError(
        409,
        `audit evidence must be kept until ${day(row.retainUntil)} (seven years after its collection on ${day(row.collectedAt)}: SOX s.802, 18 U.S.C. §1520, 17 CFR 210.2-06); it may be deleted from ${day(new Date(row.retainUntil.getTime() + 1))}`,
      );
    }
    await tx.soxEvidence.delete({ where: { id } });
    await audit({
      action: 'sox.evidence_deleted',
      entityType: 'sox_evidence',
      entityId: id,
      data: {
        title: row.title,
        sha256: row.sha256,
        collectedAt: row.collectedAt.toISOString(),
        retainUntil: row.retainUntil.toISOString(),
      },
    });
    return { id, deleted: true, deletedAt: now.toISOString() };
  });
}
