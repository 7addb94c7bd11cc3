// PIPEDA's breach records (s. 10.3; Breach of Security Safeguards Regulations s. 6): every
// breach is recorded, RROSH or not, and the record is kept 24 months from the day the breach
// was determined to have occurred (detectedAt); only then may it be deleted, with its
// notifications, in one transaction with its audit entry.
import { localDate } from '../../deadlines/calendar.ts';
import { BREACH_RECORD_MONTHS, breachRecordKeptUntil, recordedOutcome } from '../../regimes/pipeda.ts';
import { type StoreContext, StoreError, write } from '../../store/context.ts';

const TIME_ZONE = 'America/Toronto';

/** The breach records kept, with how long each must still be kept and whether it may be deleted now. */
export async function listBreachRecords(ctx: StoreContext, limit: number) {
  const now = ctx.now();
  const rows = await ctx.prisma.breach.findMany({
    orderBy: [{ detectedAt: 'desc' }, { id: 'asc' }],
    take: limit,
    select: { id: true, title: true, state: true, detectedAt: true, details: true },
  });
  return rows.map((row) => {
    const keptUntil = breachRecordKeptUntil(row.detectedAt);
    return {
      id: row.id,
      title: row.title,
      state: row.state,
      detectedAt: row.detectedAt.toISOString(),
      rroshOutcome: recordedOutcome(row.details),
      keptUntil: keptUntil.toISOString(),
      deletable: now > keptUntil && row.state === 'closed',
    };
  });
}

/**
 * Deletes a breach record and its notifications once its 24 months are over (409 before, with
 * the date; 409 while the breach is not closed). Two deletions at once: one wins, the other 404.
 */
export async function deleteBreachRecord(ctx: StoreContext, actor: string, id: string) {
  return write(ctx, actor, async (tx, audit) => {
    const breach = await tx.breach.findUnique({ where: { id }, include: { notifications: true } });
    if (!breach) throw new StoreError(404, `no breach with id "${id}"`);
    const now = ctx.now();
    const keptUntil = breachRecordKeptUntil(breach.detectedAt);
    if (now <= keptUntil) {
      throw new StoreError(
        409,
        `this breach record must be kept until ${localDate(keptUntil, TIME_ZONE)} (end of day, ${TIME_ZONE}): ` +
          `${BREACH_RECORD_MONTHS} months from the day the breach was determined to have occurred ` +
          `(${localDate(breach.detectedAt, TIME_ZONE)}) (Breach of Security Safeguards Regulations s. 6)`,
      );
    }
    if (breach.state !== 'closed') {
      throw new StoreError(409, `the breach is ${breach.state}: close it before deleting its record`);
    }
    await tx.breachNotification.deleteMany({ where: { breachId: id } });
    const { count } = await tx.breach.deleteMany({ where: { id } });
    if (count !== 1) throw new StoreError(404, `no breach with id "${id}"`);
    await audit({
      action: 'pipeda.breach_record_deleted',
      entityType: 'breach',
      entityId: id,
      data: {
        detectedAt: breach.detectedAt,
        keptUntil,
        rroshOutcome: recordedOutcome(breach.details),
        notifications: breach.notifications.map((n) => ({ recipient: n.recipient, notifiedAt: n.notifiedAt })),
      },
    });
    return { id, deleted: true, deletedAt: now.toISOString(), keptUntil: keptUntil.toISOString() };
  });
}

/**
 * Safeguards (Principle 4.7, s. 10.1): every RROSH report and notification was made by the
 * deployment's own target (the Act says "as soon as feasible"), and the breach records kept.
 */
export async function breachReportsMade(ctx: StoreContext) {
  const now = ctx.now();
  const [records, late, pending] = await Promise.all([
    ctx.prisma.breach.count(),
    ctx.prisma.breachNotification.findMany({
      where: { notifiedAt: null, targetAt: { lt: now } },
      select: { breachId: true, recipient: true },
      orderBy: { targetAt: 'asc' },
      take: 6,
    }),
    ctx.prisma.breachNotification.count({ where: { notifiedAt: null } }),
  ]);
  if (late.length > 0) {
    const list = late
      .slice(0, 5)
      .map((n) => `${n.recipient} for ${n.breachId}`)
      .join(', ');
    return {
      status: 'fail' as const,
      evidence: `RROSH report or notification not made within ${ctx.notificationTargetHours} h of detection: ${list}${late.length > 5 ? ', …' : ''}`,
    };
  }
  return {
    status: 'pass' as const,
    evidence: `${records} breach record(s) kept; no RROSH report or notification past the ${ctx.notificationTargetHours} h target (${pending} pending within it)`,
  };
}
