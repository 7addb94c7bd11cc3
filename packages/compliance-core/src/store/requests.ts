// Data subject requests: received → identity_verified → in_progress → completed | rejected,
// with the regime's statutory clock (and its pause, interim deadlines and extensions).
import type { DsrRequest } from '../generated/prisma/client.ts';
import { ExtensionRefused } from '../regimes/types.ts';
import { type Idempotency, type StoreContext, StoreError, write } from './context.ts';
import { findOrCreateIdentifier, openIdentifier, type SubjectRef } from './subjects.ts';

export const REQUEST_STATUSES = ['received', 'identity_verified', 'in_progress', 'completed', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
const OPEN_STATUSES: RequestStatus[] = ['received', 'identity_verified', 'in_progress'];

interface Extension {
  at: string;
  reason: string;
  previousDueAt: string;
  dueAt: string;
  by: string;
}
interface Interim {
  name: string;
  label: string;
  legalReference: string;
  dueAt: string;
  doneAt: string | null;
  note?: string;
}

/** Open, running (not paused for verification) and past its due date: the query, and the check below. */
export function overdueRequestsWhere(now: Date) {
  return { status: { in: OPEN_STATUSES }, clockPaused: false, dueAt: { lt: now } };
}

/** Open, running (not paused for verification) and past its due date. */
export function isOverdue(request: Pick<DsrRequest, 'status' | 'clockPaused' | 'dueAt'>, now: Date): boolean {
  return OPEN_STATUSES.includes(request.status as RequestStatus) && !request.clockPaused && request.dueAt < now;
}

export function presentRequest(ctx: StoreContext, request: DsrRequest & { identifier?: { kind: string } }) {
  const rule = ctx.pack.requestTypes.find((r) => r.type === request.type);
  return {
    id: request.id,
    regime: ctx.pack.regime,
    type: request.type,
    typeLabel: rule?.label ?? request.type,
    legalReference: rule?.legalReference ?? null,
    status: request.status,
    receivedAt: request.receivedAt.toISOString(),
    dueAt: request.dueAt.toISOString(),
    originalDueAt: request.originalDueAt.toISOString(),
    clockPaused: request.clockPaused,
    overdue: isOverdue(request, ctx.now()),
    timeZone: ctx.pack.calendar.timeZone,
    interim: request.interim as unknown as Interim[],
    extensions: request.extensions as unknown as Extension[],
    lookBackFrom: request.lookBackFrom?.toISOString() ?? null,
    subject: { id: request.subjectId, kind: request.identifier?.kind ?? null },
    verifiedAt: request.verifiedAt?.toISOString() ?? null,
    verificationMethod: request.verificationMethod,
    startedAt: request.startedAt?.toISOString() ?? null,
    completedAt: request.completedAt?.toISOString() ?? null,
    rejectedAt: request.rejectedAt?.toISOString() ?? null,
    rejectionReason: request.rejectionReason,
    evidence: request.evidence ?? null,
    notes: request.notes,
    createdBy: request.createdBy,
    createdAt: request.createdAt.toISOString(),
  };
}
export type RequestView = ReturnType<typeof presentRequest>;

const withIdentifier = { identifier: { select: { kind: true } } } as const;

export async function createRequest(
  ctx: StoreContext,
  actor: string,
  input: { type: string; subject: SubjectRef; receivedAt?: Date; notes?: string },
  idempotency?: Idempotency,
): Promise<RequestView> {
  const { pack } = ctx;
  if (!pack.requestTypes.some((rule) => rule.type === input.type)) {
    throw new StoreError(
      422,
      `"${input.type}" is not a request type under ${pack.name}; allowed: ${pack.requestTypes.map((r) => r.type).join(', ')}`,
    );
  }
  const receivedAt = input.receivedAt ?? ctx.now();
  const dueAt = pack.dueAt(input.type, receivedAt);
  const interim: Interim[] = pack.interim(input.type, receivedAt).map((deadline) => ({
    name: deadline.name,
    label: deadline.label,
    legalReference: deadline.legalReference,
    dueAt: deadline.dueAt.toISOString(),
    doneAt: null,
  }));
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const { identifier, created } = await findOrCreateIdentifier(ctx, tx, input.subject);
      if (created) {
        await audit({
          action: 'subject.created',
          entityType: 'subject',
          entityId: identifier.subjectId,
          data: { kind: identifier.kind },
        });
      }
      const request = await tx.dsrRequest.create({
        data: {
          subjectId: identifier.subjectId,
          identifierId: identifier.id,
          type: input.type,
          status: 'received',
          receivedAt,
          originalDueAt: dueAt,
          dueAt,
          clockPaused: pack.pausesWhileVerifying,
          lookBackFrom: pack.lookBackFrom(input.type, receivedAt),
          interim: interim as object[],
          notes: input.notes ?? null,
          createdBy: actor,
        },
        include: withIdentifier,
      });
      await audit({
        action: 'request.received',
        entityType: 'request',
        entityId: request.id,
        data: { type: request.type, receivedAt, dueAt, clockPaused: request.clockPaused },
      });
      return presentRequest(ctx, request);
    },
    idempotency,
  );
}

export async function getRequest(ctx: StoreContext, id: string): Promise<RequestView> {
  const request = await ctx.prisma.dsrRequest.findUnique({ where: { id }, include: withIdentifier });
  if (!request) throw new StoreError(404, `no request with id "${id}"`);
  return presentRequest(ctx, request);
}

export async function listRequests(
  ctx: StoreContext,
  filter: { status?: RequestStatus; overdue?: boolean; limit: number },
): Promise<RequestView[]> {
  const now = ctx.now();
  const overdueWhere = overdueRequestsWhere(now);
  const where =
    filter.overdue === true
      ? { ...overdueWhere, ...(filter.status ? { status: filter.status } : {}) }
      : filter.overdue === false
        ? { ...(filter.status ? { status: filter.status } : {}), NOT: overdueWhere }
        : filter.status
          ? { status: filter.status }
          : {};
  const requests = await ctx.prisma.dsrRequest.findMany({
    where,
    orderBy: [{ receivedAt: 'desc' }, { id: 'asc' }],
    take: filter.limit,
    include: withIdentifier,
  });
  return requests.map((request) => presentRequest(ctx, request));
}

type Transition = 'verify' | 'start' | 'extend' | 'complete' | 'reject' | 'interim';
const ALLOWED_FROM: Record<Transition, RequestStatus[]> = {
  verify: ['received'],
  start: ['identity_verified'],
  extend: OPEN_STATUSES,
  complete: ['identity_verified', 'in_progress'],
  reject: OPEN_STATUSES,
  interim: OPEN_STATUSES,
};

/**
 * Applies one lifecycle step. The update is conditional on the status the step starts from,
 * so of two racing steps exactly one wins and the other gets 409.
 */
async function transition(
  ctx: StoreContext,
  actor: string,
  id: string,
  step: Transition,
  decide: (request: DsrRequest, now: Date) => { data: Record<string, unknown>; audit: Record<string, unknown> },
): Promise<RequestView> {
  return write(ctx, actor, async (tx, audit) => {
    const request = await tx.dsrRequest.findUnique({ where: { id } });
    if (!request) throw new StoreError(404, `no request with id "${id}"`);
    const allowed = ALLOWED_FROM[step];
    if (!allowed.includes(request.status as RequestStatus)) {
      throw new StoreError(
        409,
        `cannot ${step} a request that is ${request.status.replace('_', ' ')} (allowed from: ${allowed.join(', ')})`,
      );
    }
    const now = ctx.now();
    const { data, audit: details } = decide(request, now);
    const { count } = await tx.dsrRequest.updateMany({
      where: { id, status: request.status, updatedAt: request.updatedAt },
      data,
    });
    if (count !== 1) throw new StoreError(409, 'the request changed while this step ran; read it again and retry');
    await audit({ action: `request.${step}`, entityType: 'request', entityId: id, data: details });
    const updated = await tx.dsrRequest.findUniqueOrThrow({ where: { id }, include: withIdentifier });
    return presentRequest(ctx, updated);
  });
}

export function verifyRequest(
  ctx: StoreContext,
  actor: string,
  id: string,
  input: { method: string; evidence?: string },
) {
  return transition(ctx, actor, id, 'verify', (request, now) => {
    const data: Record<string, unknown> = {
      status: 'identity_verified',
      verifiedAt: now,
      verificationMethod: input.method,
      evidence: {
        verification: { method: input.method, evidence: input.evidence ?? null, by: actor, at: now.toISOString() },
      },
    };
    // Where the clock waited for verification, it starts now.
    if (request.clockPaused) {
      const dueAt = ctx.pack.dueAt(request.type, now);
      Object.assign(data, { clockPaused: false, originalDueAt: dueAt, dueAt });
    }
    return { data, audit: { method: input.method, dueAt: data.dueAt ?? request.dueAt } };
  });
}

export function startRequest(ctx: StoreContext, actor: string, id: string) {
  return transition(ctx, actor, id, 'start', (_request, now) => ({
    data: { status: 'in_progress', startedAt: now },
    audit: {},
  }));
}

export function extendRequest(ctx: StoreContext, actor: string, id: string, input: { reason: string; until?: Date }) {
  return transition(ctx, actor, id, 'extend', (request, now) => {
    const extensions = request.extensions as unknown as Extension[];
    let dueAt: Date;
    try {
      dueAt = ctx.pack.extend(request.type, {
        originalDueAt: request.originalDueAt,
        currentDueAt: request.dueAt,
        count: extensions.length,
        until: input.until,
      });
    } catch (error) {
      if (error instanceof ExtensionRefused) throw new StoreError(422, error.message);
      throw error;
    }
    const extension: Extension = {
      at: now.toISOString(),
      reason: input.reason,
      previousDueAt: request.dueAt.toISOString(),
      dueAt: dueAt.toISOString(),
      by: actor,
    };
    return { data: { dueAt, extensions: [...extensions, extension] }, audit: { ...extension } };
  });
}

export function completeRequest(
  ctx: StoreContext,
  actor: string,
  id: string,
  input: { summary: string; actions?: string[] },
) {
  return transition(ctx, actor, id, 'complete', (request, now) => ({
    data: {
      status: 'completed',
      completedAt: now,
      evidence: {
        ...((request.evidence as object | null) ?? {}),
        completion: { summary: input.summary, actions: input.actions ?? [], by: actor, at: now.toISOString() },
      },
    },
    audit: { summary: input.summary, actions: input.actions ?? [], late: now > request.dueAt },
  }));
}

export function rejectRequest(ctx: StoreContext, actor: string, id: string, input: { reason: string }) {
  return transition(ctx, actor, id, 'reject', (_request, now) => ({
    data: { status: 'rejected', rejectedAt: now, rejectionReason: input.reason },
    audit: { reason: input.reason },
  }));
}

/** Marks an interim deadline (CCPA receipt confirmation, LGPD simplified answer) as met. */
export function completeInterim(ctx: StoreContext, actor: string, id: string, name: string, input: { note?: string }) {
  return transition(ctx, actor, id, 'interim', (request, now) => {
    const interim = request.interim as unknown as Interim[];
    const deadline = interim.find((item) => item.name === name);
    if (!deadline) {
      throw new StoreError(
        404,
        `this request has no interim deadline "${name}" (it has: ${interim.map((i) => i.name).join(', ') || 'none'})`,
      );
    }
    if (deadline.doneAt) throw new StoreError(409, `the ${deadline.label} was already recorded at ${deadline.doneAt}`);
    const updated = interim.map((item) =>
      item.name === name ? { ...item, doneAt: now.toISOString(), note: input.note } : item,
    );
    return { data: { interim: updated }, audit: { name, late: now.toISOString() > deadline.dueAt } };
  });
}

export async function requestCounts(ctx: StoreContext): Promise<{ open: number; overdue: number }> {
  const now = ctx.now();
  const [open, overdue] = await Promise.all([
    ctx.prisma.dsrRequest.count({ where: { status: { in: OPEN_STATUSES } } }),
    ctx.prisma.dsrRequest.count({ where: overdueRequestsWhere(now) }),
  ]);
  return { open, overdue };
}

/**
 * The raw identifier a request was filed under, opened for the person answering it; each
 * opening is itself recorded in the audit log (who looked at whose identity, and when).
 */
export async function revealRequestSubject(ctx: StoreContext, actor: string, id: string) {
  return write(ctx, actor, async (tx, audit) => {
    const request = await tx.dsrRequest.findUnique({ where: { id }, include: { identifier: true } });
    if (!request) throw new StoreError(404, `no request with id "${id}"`);
    await audit({
      action: 'identifier.opened',
      entityType: 'request',
      entityId: id,
      data: { kind: request.identifier.kind },
    });
    return { kind: request.identifier.kind, value: openIdentifier(ctx, request.identifier) };
  });
}
