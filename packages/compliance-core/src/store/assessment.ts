// The regime's controls as a checklist, and a score computed from facts: automatic controls
// read the data (overdue requests, missed breach notifications, records kept), the others
// carry a person's latest attestation. Every point lost is listed with its reason.
import type { ControlRule } from '../regimes/types.ts';
import { missedNotificationsWhere } from './breaches.ts';
import { type StoreContext, StoreError, write } from './context.ts';
import { overdueRequestsWhere } from './requests.ts';

export type ControlStatus = 'pass' | 'fail' | 'not_assessed';

export interface ControlResult {
  id: string;
  title: string;
  legalReference: string;
  automatic: boolean;
  status: ControlStatus;
  evidence: string;
  assessedBy: string | null;
  assessedAt: string | null;
}

/** Points lost per overdue request and per missed notification, on top of the failing control. */
const OVERDUE_REQUEST_PENALTY = 2;
const MAX_OVERDUE_PENALTY = 20;
const MISSED_NOTIFICATION_PENALTY = 10;
const MAX_MISSED_PENALTY = 30;

/** What the automatic controls and the penalties read, loaded once per assessment. */
interface Facts {
  overdue: { id: string }[];
  missed: { breachId: string; recipient: string }[];
  activities: number;
}

async function automaticResult(
  ctx: StoreContext,
  rule: ControlRule,
  facts: Facts,
): Promise<Pick<ControlResult, 'status' | 'evidence'>> {
  const { overdue, missed, activities } = facts;
  switch (rule.automatic) {
    case 'no_overdue_requests':
      return overdue.length === 0
        ? { status: 'pass', evidence: 'no open request is past its due date' }
        : {
            status: 'fail',
            evidence: `${overdue.length} open request(s) past their due date: ${overdue
              .slice(0, 5)
              .map((r) => r.id)
              .join(', ')}${overdue.length > 5 ? ', …' : ''}`,
          };
    case 'no_missed_breach_notifications':
      return missed.length === 0
        ? { status: 'pass', evidence: 'every breach notification with a deadline past was made' }
        : {
            status: 'fail',
            evidence: `${missed.length} breach notification(s) past their deadline and not made: ${missed
              .slice(0, 5)
              .map((n) => `${n.recipient} for breach ${n.breachId}`)
              .join(', ')}`,
          };
    case 'processing_records_kept':
      return activities > 0
        ? { status: 'pass', evidence: `${activities} processing activit${activities === 1 ? 'y' : 'ies'} recorded` }
        : { status: 'fail', evidence: 'no processing activity is recorded' };
    default: {
      const check = rule.automatic === undefined ? undefined : ctx.controlChecks?.[rule.automatic];
      if (!check) throw new Error(`unknown automatic control ${rule.automatic}`);
      return check(ctx);
    }
  }
}

export async function assess(ctx: StoreContext) {
  const now = ctx.now();
  const [overdue, missed, activities, attestations] = await Promise.all([
    ctx.prisma.dsrRequest.findMany({
      where: overdueRequestsWhere(now),
      select: { id: true },
      orderBy: { dueAt: 'asc' },
    }),
    ctx.prisma.breachNotification.findMany({
      where: missedNotificationsWhere(now),
      select: { breachId: true, recipient: true },
    }),
    ctx.prisma.processingActivity.count(),
    ctx.prisma.controlAssessment.findMany(),
  ]);
  const facts: Facts = { overdue, missed, activities };
  const attested = new Map(attestations.map((row) => [row.controlId, row]));
  const controls: ControlResult[] = [];
  for (const rule of ctx.pack.controls) {
    const base = {
      id: rule.id,
      title: rule.title,
      legalReference: rule.legalReference,
      automatic: Boolean(rule.automatic),
    };
    if (rule.automatic) {
      controls.push({
        ...base,
        ...(await automaticResult(ctx, rule, facts)),
        assessedBy: null,
        assessedAt: now.toISOString(),
      });
      continue;
    }
    const row = attested.get(rule.id);
    controls.push({
      ...base,
      status: (row?.status as ControlStatus | undefined) ?? 'not_assessed',
      evidence: row?.evidence ?? 'not assessed yet',
      assessedBy: row?.assessedBy ?? null,
      assessedAt: row?.assessedAt.toISOString() ?? null,
    });
  }

  const reasons: { points: number; reason: string }[] = [];
  const perControl = 100 / controls.length;
  for (const control of controls.filter((c) => c.status !== 'pass')) {
    reasons.push({
      points: perControl,
      reason: `${control.title} (${control.legalReference}): ${control.status === 'fail' ? 'failing' : 'not assessed'} — ${control.evidence}`,
    });
  }
  if (overdue.length > 0) {
    reasons.push({
      points: Math.min(MAX_OVERDUE_PENALTY, overdue.length * OVERDUE_REQUEST_PENALTY),
      reason: `${overdue.length} overdue request(s): ${OVERDUE_REQUEST_PENALTY} points each, at most ${MAX_OVERDUE_PENALTY}`,
    });
  }
  if (missed.length > 0) {
    reasons.push({
      points: Math.min(MAX_MISSED_PENALTY, missed.length * MISSED_NOTIFICATION_PENALTY),
      reason: `${missed.length} missed breach notification deadline(s): ${MISSED_NOTIFICATION_PENALTY} points each, at most ${MAX_MISSED_PENALTY}`,
    });
  }
  const lost = reasons.reduce((sum, r) => sum + r.points, 0);
  return {
    regime: ctx.pack.regime,
    score: Math.max(0, Math.round(100 - lost)),
    assessedAt: now.toISOString(),
    controls,
    reasons: reasons.map((r) => ({ points: Math.round(r.points * 10) / 10, reason: r.reason })),
  };
}

export async function attestControl(
  ctx: StoreContext,
  actor: string,
  controlId: string,
  input: { status: 'pass' | 'fail'; evidence: string },
) {
  const rule = ctx.pack.controls.find((c) => c.id === controlId);
  if (!rule) throw new StoreError(404, `${ctx.pack.name} has no control "${controlId}"`);
  if (rule.automatic) throw new StoreError(409, `"${rule.title}" is computed from the data and cannot be attested`);
  const assessedAt = ctx.now();
  await write(ctx, actor, async (tx, audit) => {
    await tx.controlAssessment.upsert({
      where: { controlId },
      create: { controlId, status: input.status, evidence: input.evidence, assessedBy: actor, assessedAt },
      update: { status: input.status, evidence: input.evidence, assessedBy: actor, assessedAt },
    });
    await audit({ action: 'control.assessed', entityType: 'control', entityId: controlId, data: { ...input } });
  });
  return assess(ctx);
}
