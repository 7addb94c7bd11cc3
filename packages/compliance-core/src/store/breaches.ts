// Breach incidents and the notifications the regime requires for each (authority,
// individuals), with deadlines computed from the time the controller became aware.
import type { Breach, BreachNotification } from '../generated/prisma/client.ts';
import type { BreachRisk } from '../regimes/types.ts';
import { type Idempotency, type StoreContext, StoreError, write } from './context.ts';

export const BREACH_STATES = ['open', 'contained', 'closed'] as const;
export type BreachState = (typeof BREACH_STATES)[number];

function presentBreach(ctx: StoreContext, breach: Breach & { notifications: BreachNotification[] }) {
  const now = ctx.now();
  const obligations = ctx.pack.breachObligations(breach as Breach & { risk: BreachRisk });
  return {
    id: breach.id,
    regime: ctx.pack.regime,
    title: breach.title,
    description: breach.description,
    state: breach.state,
    detectedAt: breach.detectedAt.toISOString(),
    containedAt: breach.containedAt?.toISOString() ?? null,
    closedAt: breach.closedAt?.toISOString() ?? null,
    categories: breach.categories,
    affectedCount: breach.affectedCount,
    risk: breach.risk,
    details: breach.details ?? null,
    createdBy: breach.createdBy,
    createdAt: breach.createdAt.toISOString(),
    obligations: breach.notifications
      .sort((a, b) => a.recipient.localeCompare(b.recipient))
      .map((notification) => {
        const rule = obligations.find((o) => o.recipient === notification.recipient);
        const due = notification.dueAt;
        return {
          recipient: notification.recipient,
          recipientName: rule?.recipientName ?? notification.recipient,
          legalReference: rule?.legalReference ?? null,
          dueAt: due?.toISOString() ?? null,
          withoutUndueDelay: due === null,
          targetAt: notification.targetAt?.toISOString() ?? null,
          pastTarget: notification.targetAt !== null && notification.notifiedAt === null && notification.targetAt < now,
          notifiedAt: notification.notifiedAt?.toISOString() ?? null,
          reference: notification.reference,
          overdue: due !== null && notification.notifiedAt === null && due < now,
          late: due !== null && notification.notifiedAt !== null && notification.notifiedAt > due,
        };
      }),
  };
}
export type BreachView = ReturnType<typeof presentBreach>;

const withNotifications = { notifications: true } as const;

/** Required notifications whose deadline has passed without being made. */
export function missedNotificationsWhere(now: Date) {
  return { notifiedAt: null, dueAt: { lt: now } };
}

export async function createBreach(
  ctx: StoreContext,
  actor: string,
  input: {
    title: string;
    description?: string;
    detectedAt: Date;
    containedAt?: Date;
    categories: string[];
    affectedCount: number;
    risk: BreachRisk;
    details?: unknown;
  },
  idempotency?: Idempotency,
) {
  if (input.containedAt && input.containedAt < input.detectedAt) {
    throw new StoreError(422, 'containedAt must not be before detectedAt');
  }
  // Where the law sets no time, the deployment's own target (NOTIFICATION_TARGET_HOURS) is tracked.
  const target = new Date(input.detectedAt.getTime() + ctx.notificationTargetHours * 3_600_000);
  const obligations = ctx.pack
    .breachObligations(input)
    .map((o) => ({ recipient: o.recipient, dueAt: o.dueAt, targetAt: o.dueAt === null ? target : null }));
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const breach = await tx.breach.create({
        data: {
          title: input.title,
          description: input.description ?? null,
          state: input.containedAt ? 'contained' : 'open',
          detectedAt: input.detectedAt,
          containedAt: input.containedAt ?? null,
          categories: input.categories,
          affectedCount: input.affectedCount,
          risk: input.risk,
          details: input.details === undefined ? undefined : (input.details as object),
          createdBy: actor,
          notifications: {
            create: obligations,
          },
        },
        include: withNotifications,
      });
      await audit({
        action: 'breach.recorded',
        entityType: 'breach',
        entityId: breach.id,
        data: {
          ...input,
          obligations: obligations.map((o) => ({
            recipient: o.recipient,
            dueAt: o.dueAt,
            targetAt: o.targetAt ?? null,
          })),
        },
      });
      return presentBreach(ctx, breach);
    },
    idempotency,
  );
}

export async function getBreach(ctx: StoreContext, id: string) {
  const breach = await ctx.prisma.breach.findUnique({ where: { id }, include: withNotifications });
  if (!breach) throw new StoreError(404, `no breach with id "${id}"`);
  return presentBreach(ctx, breach);
}

export async function listBreaches(ctx: StoreContext, filter: { state?: BreachState; limit: number }) {
  const breaches = await ctx.prisma.breach.findMany({
    where: filter.state ? { state: filter.state } : {},
    orderBy: [{ detectedAt: 'desc' }, { id: 'asc' }],
    take: filter.limit,
    include: withNotifications,
  });
  return breaches.map((breach) => presentBreach(ctx, breach));
}

export async function recordNotification(
  ctx: StoreContext,
  actor: string,
  id: string,
  recipient: string,
  input: { notifiedAt?: Date; reference?: string },
) {
  return write(ctx, actor, async (tx, audit) => {
    const breach = await tx.breach.findUnique({ where: { id }, include: withNotifications });
    if (!breach) throw new StoreError(404, `no breach with id "${id}"`);
    const notification = breach.notifications.find((n) => n.recipient === recipient);
    if (!notification) {
      const required = breach.notifications.map((n) => n.recipient).join(', ') || 'none';
      throw new StoreError(404, `this breach requires no notification to "${recipient}" (required: ${required})`);
    }
    const notifiedAt = input.notifiedAt ?? ctx.now();
    if (notifiedAt < breach.detectedAt)
      throw new StoreError(422, 'notifiedAt must not be before the breach was detected');
    const { count } = await tx.breachNotification.updateMany({
      where: { id: notification.id, notifiedAt: null },
      data: { notifiedAt, reference: input.reference ?? null },
    });
    if (count !== 1) throw new StoreError(409, `the ${recipient} notification was already recorded`);
    await audit({
      action: 'breach.notified',
      entityType: 'breach',
      entityId: id,
      data: { recipient, notifiedAt, reference: input.reference ?? null, dueAt: notification.dueAt },
    });
    return presentBreach(ctx, await tx.breach.findUniqueOrThrow({ where: { id }, include: withNotifications }));
  });
}

export async function changeBreachState(
  ctx: StoreContext,
  actor: string,
  id: string,
  to: 'contained' | 'closed',
  at?: Date,
) {
  const from: Record<typeof to, BreachState[]> = { contained: ['open'], closed: ['open', 'contained'] };
  return write(ctx, actor, async (tx, audit) => {
    const breach = await tx.breach.findUnique({ where: { id } });
    if (!breach) throw new StoreError(404, `no breach with id "${id}"`);
    if (!from[to].includes(breach.state as BreachState)) {
      throw new StoreError(409, `cannot mark a ${breach.state} breach as ${to}`);
    }
    const when = at ?? ctx.now();
    if (when < breach.detectedAt) throw new StoreError(422, `the time it was ${to} must not be before it was detected`);
    const stamp =
      to === 'contained' ? { containedAt: when } : { closedAt: when, containedAt: breach.containedAt ?? when };
    const { count } = await tx.breach.updateMany({ where: { id, state: breach.state }, data: { state: to, ...stamp } });
    if (count !== 1) throw new StoreError(409, 'the breach changed while this step ran; read it again and retry');
    await audit({ action: `breach.${to}`, entityType: 'breach', entityId: id, data: { at: when } });
    return presentBreach(ctx, await tx.breach.findUniqueOrThrow({ where: { id }, include: withNotifications }));
  });
}

export async function breachCounts(ctx: StoreContext) {
  const now = ctx.now();
  const [groups, missed, pastTarget, pending, nearest] = await Promise.all([
    ctx.prisma.breach.groupBy({ by: ['state'], _count: { _all: true } }),
    ctx.prisma.breachNotification.count({ where: missedNotificationsWhere(now) }),
    ctx.prisma.breachNotification.count({ where: { notifiedAt: null, targetAt: { lt: now } } }),
    ctx.prisma.breachNotification.count({ where: { notifiedAt: null } }),
    ctx.prisma.breachNotification.findFirst({
      where: { notifiedAt: null, dueAt: { not: null } },
      orderBy: { dueAt: 'asc' },
      select: { dueAt: true },
    }),
  ]);
  const byState = Object.fromEntries(BREACH_STATES.map((state) => [state, 0])) as Record<BreachState, number>;
  for (const group of groups) byState[group.state as BreachState] = group._count._all;
  return {
    byState,
    missed,
    /** Notifications without a legal deadline, not made by the deployment's own target. */
    pastTarget,
    pending,
    /** The nearest deadline of a notification not yet made (past or future), if any. */
    nearestDeadline: nearest?.dueAt ?? null,
  };
}
