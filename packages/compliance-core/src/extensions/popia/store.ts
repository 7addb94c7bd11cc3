// POPIA's own records: the Information Officer and deputies (s.55, s.56; registered with the
// Information Regulator), and s.69 direct marketing by electronic communication — a subject
// who has not consented may be approached once, to ask for consent; a refusal is honoured for
// every later approach; consent allows them. Every change is written with its audit entry.
import { localDate } from '../../deadlines/calendar.ts';
import { normalizeIdentifier } from '../../identity/keys.ts';
import { type ControlCheck, type StoreContext, StoreError, type Tx, write } from '../../store/context.ts';
import { findIdentifier, findOrCreateIdentifier, type SubjectRef } from '../../store/subjects.ts';

const TIME_ZONE = 'Africa/Johannesburg';
const day = (instant: Date) => localDate(instant, TIME_ZONE);

export const CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DECISIONS = ['consented', 'refused'] as const;
export type Decision = (typeof DECISIONS)[number];
export type MarketingStatus = 'not_approached' | 'approached_once' | 'consented' | 'refused';

// ---------------------------------------------------------------------------------------------
// Information Officer

export interface Person {
  name: string;
  email: string;
  phone: string;
}
export interface OfficerInput extends Person {
  registrationNumber?: string | null;
  registeredAt?: Date | null;
}
export interface InformationOfficerInput {
  officer: OfficerInput | null;
  deputies: Person[];
}

type OfficerRow = Awaited<ReturnType<StoreContext['prisma']['popiaInformationOfficer']['findMany']>>[number];

function presentOfficers(rows: OfficerRow[]) {
  const officer = rows.find((row) => row.role === 'officer');
  const deputies = rows.filter((row) => row.role === 'deputy').sort((a, b) => a.position - b.position);
  const latest = rows.reduce<OfficerRow | undefined>((a, b) => (!a || b.updatedAt > a.updatedAt ? b : a), undefined);
  return {
    officer: officer
      ? {
          name: officer.name,
          email: officer.email,
          phone: officer.phone,
          registrationNumber: officer.registrationNumber,
          registeredAt: officer.registeredAt?.toISOString() ?? null,
        }
      : null,
    deputies: deputies.map(({ name, email, phone }) => ({ name, email, phone })),
    registered: Boolean(officer?.registrationNumber && officer.registeredAt),
    updatedBy: latest?.updatedBy ?? null,
    updatedAt: latest?.updatedAt.toISOString() ?? null,
  };
}

export async function getInformationOfficer(ctx: StoreContext) {
  return presentOfficers(await ctx.prisma.popiaInformationOfficer.findMany());
}

/** Replaces the officer and deputies as a whole (two at once: the unique (role, position) makes one retry). */
export async function putInformationOfficer(ctx: StoreContext, actor: string, input: InformationOfficerInput) {
  const { officer } = input;
  if (officer && (officer.registrationNumber == null) !== (officer.registeredAt == null)) {
    throw new StoreError(
      422,
      'registrationNumber and registeredAt go together: give both once the Information Regulator has registered the officer, or neither',
    );
  }
  if (!officer && input.deputies.length > 0) {
    throw new StoreError(422, 'deputies are designated by the Information Officer (s.56): name the officer first');
  }
  return write(ctx, actor, async (tx, audit) => {
    const before = presentOfficers(await tx.popiaInformationOfficer.findMany());
    await tx.popiaInformationOfficer.deleteMany({});
    const stamp = { updatedBy: actor, updatedAt: ctx.now() };
    const rows = [
      ...(officer
        ? [
            {
              role: 'officer',
              position: 0,
              name: officer.name,
              email: officer.email,
              phone: officer.phone,
              registrationNumber: officer.registrationNumber ?? null,
              registeredAt: officer.registeredAt ?? null,
              ...stamp,
            },
          ]
        : []),
      ...input.deputies.map((deputy, position) => ({ role: 'deputy', position, ...deputy, ...stamp })),
    ];
    if (rows.length > 0) await tx.popiaInformationOfficer.createMany({ data: rows });
    const after = presentOfficers(await tx.popiaInformationOfficer.findMany());
    await audit({
      action: 'popia.information_officer_updated',
      entityType: 'information_officer',
      entityId: 'information_officer',
      data: {
        before: { officer: before.officer, deputies: before.deputies, registered: before.registered },
        after: { officer: after.officer, deputies: after.deputies, registered: after.registered },
      },
    });
    return after;
  });
}

/** The automatic control of accountability (s.55(2)): an Information Officer registered with the Regulator. */
export const informationOfficerRegistered: ControlCheck = async (ctx) => {
  const { officer, deputies, registered } = await getInformationOfficer(ctx);
  if (!officer) return { status: 'fail', evidence: 'no Information Officer is designated (POPIA s.55)' };
  if (!registered) {
    return {
      status: 'fail',
      evidence: `Information Officer ${officer.name} is designated but not registered with the Information Regulator (POPIA s.55(2))`,
    };
  }
  return {
    status: 'pass',
    evidence:
      `Information Officer ${officer.name} registered with the Information Regulator (${officer.registrationNumber}) ` +
      `on ${day(new Date(officer.registeredAt as string))}; ${deputies.length} deputy information officer(s)`,
  };
};

/**
 * Security safeguards (s.22): every notification of a security compromise to the Regulator
 * and the data subjects was made by the deployment's target ("as soon as reasonably possible").
 */
export const securityCompromisesNotified: ControlCheck = async (ctx) => {
  const now = ctx.now();
  const [late, pending] = await Promise.all([
    ctx.prisma.breachNotification.findMany({
      where: { notifiedAt: null, targetAt: { lt: now } },
      select: { breachId: true, recipient: true },
      orderBy: [{ targetAt: 'asc' }, { recipient: 'asc' }],
      take: 6,
    }),
    ctx.prisma.breachNotification.count({ where: { notifiedAt: null } }),
  ]);
  const hours = ctx.notificationTargetHours;
  if (late.length > 0) {
    const list = late.slice(0, 5).map((n) => `${n.recipient} for breach ${n.breachId}`);
    return {
      status: 'fail',
      evidence: `security compromise notification(s) not made within the ${hours} h target (POPIA s.22): ${list.join(', ')}${late.length > 5 ? ', …' : ''}`,
    };
  }
  return {
    status: 'pass',
    evidence: `no security compromise notification past the ${hours} h target (${pending} pending within it)`,
  };
};

// ---------------------------------------------------------------------------------------------
// s.69 direct marketing

export const subjectText = (ref: SubjectRef) => `${ref.kind}:${normalizeIdentifier(ref.kind, ref.value)}`;

async function history(tx: Tx, subjectId: string) {
  const order = [{ at: 'asc' as const }, { createdAt: 'asc' as const }, { id: 'asc' as const }];
  const [approaches, decisions] = await Promise.all([
    tx.popiaMarketingApproach.findMany({ where: { subjectId }, orderBy: order }),
    tx.popiaMarketingDecision.findMany({ where: { subjectId }, orderBy: order }),
  ]);
  const made = approaches.filter((a) => a.outcome === 'made');
  const latest = decisions.at(-1);
  const status: MarketingStatus = latest
    ? (latest.decision as Decision)
    : made.length > 0
      ? 'approached_once'
      : 'not_approached';
  return { approaches, made, decisions, latest, status };
}

/** Why s.69 refuses another approach now, or null when one may be made. */
function refusal(h: Awaited<ReturnType<typeof history>>): string | null {
  if (h.latest?.decision === 'refused') {
    return `the subject refused direct marketing on ${day(h.latest.at)}; no further approach may be made (POPIA s.69(1), s.11(3)(b))`;
  }
  if (!h.latest && h.made.length > 0) {
    const first = h.made[0] as { at: Date };
    return (
      `already approached once on ${day(first.at)} without consent; POPIA s.69(1)(b) allows a single approach ` +
      'to ask for consent: record the consent before approaching again'
    );
  }
  return null;
}

const lockSubject = (tx: Tx, subjectId: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`popia.marketing:${subjectId}`}))`;

export type ApproachResult =
  | {
      outcome: 'made';
      approach: { id: string; subject: string; channel: string; purpose: string | null; at: string; kind: string };
    }
  | { outcome: 'refused'; reason: string };

/**
 * An approach of `ref` for direct marketing. Refused ones are recorded too (with why), so the
 * register shows every attempt; the caller answers 409 with the reason.
 */
export async function recordApproach(
  ctx: StoreContext,
  actor: string,
  ref: SubjectRef,
  input: { channel: Channel; purpose?: string },
): Promise<ApproachResult> {
  return write(ctx, actor, async (tx, audit) => {
    const { identifier } = await findOrCreateIdentifier(ctx, tx, ref);
    await lockSubject(tx, identifier.subjectId);
    const h = await history(tx, identifier.subjectId);
    const reason = refusal(h);
    const at = ctx.now();
    const kind = reason ? null : h.latest?.decision === 'consented' ? 'marketing' : 'consent_request';
    const row = await tx.popiaMarketingApproach.create({
      data: {
        subjectId: identifier.subjectId,
        identifierId: identifier.id,
        channel: input.channel,
        purpose: input.purpose ?? null,
        outcome: reason ? 'refused' : 'made',
        kind,
        reason,
        at,
        createdBy: actor,
      },
    });
    await audit({
      action: reason ? 'popia.marketing_approach_refused' : 'popia.marketing_approach_made',
      entityType: 'subject',
      entityId: identifier.subjectId,
      data: { approachId: row.id, channel: input.channel, purpose: input.purpose ?? null, kind, reason },
    });
    if (reason) return { outcome: 'refused', reason };
    return {
      outcome: 'made',
      approach: {
        id: row.id,
        subject: subjectText(ref),
        channel: row.channel,
        purpose: row.purpose,
        at: at.toISOString(),
        kind: kind as string,
      },
    };
  });
}

/** The subject's consent to direct marketing, or refusal (opt-out): the latest decision counts. */
export async function recordDecision(ctx: StoreContext, actor: string, ref: SubjectRef, decision: Decision) {
  return write(ctx, actor, async (tx, audit) => {
    const { identifier } = await findOrCreateIdentifier(ctx, tx, ref);
    await lockSubject(tx, identifier.subjectId);
    const previous = (await history(tx, identifier.subjectId)).status;
    const at = ctx.now();
    const row = await tx.popiaMarketingDecision.create({
      data: { subjectId: identifier.subjectId, identifierId: identifier.id, decision, at, createdBy: actor },
    });
    await audit({
      action: decision === 'refused' ? 'popia.marketing_refused' : 'popia.marketing_consented',
      entityType: 'subject',
      entityId: identifier.subjectId,
      data: { decisionId: row.id, decision, previousStatus: previous },
    });
    return {
      id: row.id,
      subject: subjectText(ref),
      decision,
      at: at.toISOString(),
      previousStatus: previous,
      status: decision,
    };
  });
}

/** Everything recorded for the subject `ref` (nothing, and not_approached, when unknown). */
export async function marketingOf(ctx: StoreContext, ref: SubjectRef) {
  const identifier = await findIdentifier(ctx, ctx.prisma as unknown as Tx, ref);
  const subject = subjectText(ref);
  if (!identifier)
    return { subject, status: 'not_approached' as const, approaches: [], refusedApproaches: [], decisions: [] };
  const h = await history(ctx.prisma as unknown as Tx, identifier.subjectId);
  return {
    subject,
    status: h.status,
    approaches: h.made.map((a) => ({
      id: a.id,
      channel: a.channel,
      purpose: a.purpose,
      kind: a.kind,
      at: a.at.toISOString(),
      by: a.createdBy,
    })),
    refusedApproaches: h.approaches
      .filter((a) => a.outcome === 'refused')
      .map((a) => ({
        id: a.id,
        channel: a.channel,
        purpose: a.purpose,
        reason: a.reason,
        at: a.at.toISOString(),
        by: a.createdBy,
      })),
    decisions: h.decisions.map((d) => ({ id: d.id, decision: d.decision, at: d.at.toISOString(), by: d.createdBy })),
  };
}

/** Approaches by outcome: consent_request and marketing (made), refused. */
export async function countApproaches(ctx: StoreContext) {
  const rows = await ctx.prisma.popiaMarketingApproach.groupBy({ by: ['outcome', 'kind'], _count: { _all: true } });
  const counts = { consent_request: 0, marketing: 0, refused: 0 };
  for (const row of rows) {
    const key = row.outcome === 'refused' ? 'refused' : (row.kind as 'consent_request' | 'marketing');
    if (key in counts) counts[key] += row._count._all;
  }
  return counts;
}
