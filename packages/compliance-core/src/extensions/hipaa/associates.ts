// Business associates and their agreements (45 CFR §164.502(e), §164.504(e)): who receives
// PHI to provide a service, under a signed BAA that is reviewed on a schedule. An associate
// is active until terminated; the automatic control `baa_reviews_current` fails while an
// active one is unsigned or past its review date.
import type { HipaaBusinessAssociate } from '../../generated/prisma/client.ts';
import type { ControlCheck, StoreContext } from '../../store/context.ts';
import { StoreError, write } from '../../store/context.ts';

export interface AssociateInput {
  name: string;
  services: string[];
  phiCategories: string[];
  signedAt?: Date;
  reviewDueAt: Date;
  terminatedAt?: Date;
}

/** Active (not terminated as of now). */
const activeWhere = (now: Date) => ({ OR: [{ terminatedAt: null }, { terminatedAt: { gt: now } }] });
/** Active and past its review date. */
export const reviewOverdueWhere = (now: Date) => ({ ...activeWhere(now), reviewDueAt: { lt: now } });

function presentAssociate(ctx: StoreContext, a: HipaaBusinessAssociate) {
  const now = ctx.now();
  const active = a.terminatedAt === null || a.terminatedAt > now;
  return {
    id: a.id,
    name: a.name,
    services: a.services,
    phiCategories: a.phiCategories,
    signedAt: a.signedAt?.toISOString() ?? null,
    reviewDueAt: a.reviewDueAt.toISOString(),
    lastReviewedAt: a.lastReviewedAt?.toISOString() ?? null,
    terminatedAt: a.terminatedAt?.toISOString() ?? null,
    active,
    signed: a.signedAt !== null,
    reviewOverdue: active && a.reviewDueAt < now,
    createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function checkDates(input: { signedAt?: Date | null; reviewDueAt: Date; terminatedAt?: Date | null }) {
  if (input.signedAt && input.reviewDueAt <= input.signedAt) {
    throw new StoreError(422, 'reviewDueAt must be after signedAt');
  }
  if (input.signedAt && input.terminatedAt && input.terminatedAt < input.signedAt) {
    throw new StoreError(422, 'terminatedAt must not be before signedAt');
  }
}

export async function createAssociate(ctx: StoreContext, actor: string, input: AssociateInput) {
  checkDates(input);
  return write(ctx, actor, async (tx, audit) => {
    const existing = await tx.hipaaBusinessAssociate.findUnique({ where: { name: input.name } });
    if (existing) throw new StoreError(409, `a business associate named "${input.name}" exists (${existing.id})`);
    const associate = await tx.hipaaBusinessAssociate.create({
      data: {
        name: input.name,
        services: input.services,
        phiCategories: input.phiCategories,
        signedAt: input.signedAt ?? null,
        reviewDueAt: input.reviewDueAt,
        terminatedAt: input.terminatedAt ?? null,
        createdBy: actor,
      },
    });
    await audit({
      action: 'hipaa.associate_created',
      entityType: 'business_associate',
      entityId: associate.id,
      data: { ...input },
    });
    return presentAssociate(ctx, associate);
  });
}

export async function updateAssociate(ctx: StoreContext, actor: string, id: string, changes: Partial<AssociateInput>) {
  return write(ctx, actor, async (tx, audit) => {
    const current = await tx.hipaaBusinessAssociate.findUnique({ where: { id } });
    if (!current) throw new StoreError(404, `no business associate with id "${id}"`);
    if (current.terminatedAt && current.terminatedAt <= ctx.now()) {
      throw new StoreError(409, `the agreement with "${current.name}" was terminated; it can no longer change`);
    }
    if (changes.name && changes.name !== current.name) {
      const clash = await tx.hipaaBusinessAssociate.findUnique({ where: { name: changes.name } });
      if (clash) throw new StoreError(409, `a business associate named "${changes.name}" exists (${clash.id})`);
    }
    checkDates({
      signedAt: changes.signedAt ?? current.signedAt,
      reviewDueAt: changes.reviewDueAt ?? current.reviewDueAt,
      terminatedAt: changes.terminatedAt ?? current.terminatedAt,
    });
    const { count } = await tx.hipaaBusinessAssociate.updateMany({
      where: { id, updatedAt: current.updatedAt },
      data: changes,
    });
    if (count !== 1) throw new StoreError(409, 'the associate changed while this update ran; read it again and retry');
    await audit({
      action: changes.terminatedAt ? 'hipaa.associate_terminated' : 'hipaa.associate_updated',
      entityType: 'business_associate',
      entityId: id,
      data: { ...changes },
    });
    return presentAssociate(ctx, await tx.hipaaBusinessAssociate.findUniqueOrThrow({ where: { id } }));
  });
}

/** A review of the agreement: it moves the next review date. */
export async function reviewAssociate(
  ctx: StoreContext,
  actor: string,
  id: string,
  input: { reviewedAt?: Date; nextReviewDueAt: Date; notes?: string },
) {
  const reviewedAt = input.reviewedAt ?? ctx.now();
  if (input.nextReviewDueAt <= reviewedAt) throw new StoreError(422, 'nextReviewDueAt must be after the review');
  return write(ctx, actor, async (tx, audit) => {
    const current = await tx.hipaaBusinessAssociate.findUnique({ where: { id } });
    if (!current) throw new StoreError(404, `no business associate with id "${id}"`);
    if (current.terminatedAt && current.terminatedAt <= ctx.now()) {
      throw new StoreError(409, `the agreement with "${current.name}" was terminated; there is nothing to review`);
    }
    if (!current.signedAt) {
      throw new StoreError(422, `"${current.name}" has no signed BAA to review; record signedAt first`);
    }
    if (reviewedAt < current.signedAt) throw new StoreError(422, 'reviewedAt must not be before the BAA was signed');
    const { count } = await tx.hipaaBusinessAssociate.updateMany({
      where: { id, updatedAt: current.updatedAt },
      data: { lastReviewedAt: reviewedAt, reviewDueAt: input.nextReviewDueAt },
    });
    if (count !== 1) throw new StoreError(409, 'the associate changed while this review ran; read it again and retry');
    await audit({
      action: 'hipaa.associate_reviewed',
      entityType: 'business_associate',
      entityId: id,
      data: {
        reviewedAt,
        previousReviewDueAt: current.reviewDueAt,
        reviewDueAt: input.nextReviewDueAt,
        notes: input.notes ?? null,
      },
    });
    return presentAssociate(ctx, await tx.hipaaBusinessAssociate.findUniqueOrThrow({ where: { id } }));
  });
}

export async function getAssociate(ctx: StoreContext, id: string) {
  const associate = await ctx.prisma.hipaaBusinessAssociate.findUnique({ where: { id } });
  if (!associate) throw new StoreError(404, `no business associate with id "${id}"`);
  return presentAssociate(ctx, associate);
}

export async function listAssociates(ctx: StoreContext, filter: { reviewOverdue?: boolean }) {
  const now = ctx.now();
  const rows = await ctx.prisma.hipaaBusinessAssociate.findMany({
    where: filter.reviewOverdue === true ? reviewOverdueWhere(now) : {},
    orderBy: [{ name: 'asc' }],
  });
  const list = rows.map((row) => presentAssociate(ctx, row));
  return filter.reviewOverdue === false ? list.filter((a) => !a.reviewOverdue) : list;
}

export function countOverdueReviews(ctx: StoreContext) {
  return ctx.prisma.hipaaBusinessAssociate.count({ where: reviewOverdueWhere(ctx.now()) });
}

/** The automatic control: every active associate has a signed BAA whose review date has not passed. */
export const baaReviewsCurrent: ControlCheck = async (ctx) => {
  const now = ctx.now();
  const active = await ctx.prisma.hipaaBusinessAssociate.findMany({
    where: activeWhere(now),
    select: { name: true, signedAt: true, reviewDueAt: true },
    orderBy: { name: 'asc' },
  });
  const unsigned = active.filter((a) => a.signedAt === null).map((a) => a.name);
  const overdue = active.filter((a) => a.reviewDueAt < now).map((a) => a.name);
  if (unsigned.length === 0 && overdue.length === 0) {
    return { status: 'pass', evidence: `${active.length} active business associate(s), all signed and reviewed` };
  }
  const list = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? ', …' : '');
  return {
    status: 'fail',
    evidence: [
      unsigned.length ? `${unsigned.length} without a signed BAA: ${list(unsigned)}` : '',
      overdue.length ? `${overdue.length} past the review date: ${list(overdue)}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
};
