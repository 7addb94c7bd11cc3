// Consent is an append-only history per subject and purpose; whether consent is valid at a
// time is read from that history (the last event at or before it), never from a flag.
import type { ConsentEvent } from '../generated/prisma/client.ts';
import { type Idempotency, type StoreContext, StoreError, write } from './context.ts';
import { findIdentifier, findOrCreateIdentifier, type SubjectRef } from './subjects.ts';

function presentConsent(event: ConsentEvent) {
  return {
    id: event.id,
    subjectId: event.subjectId,
    purpose: event.purpose,
    lawfulBasis: event.lawfulBasis,
    action: event.action,
    at: event.at.toISOString(),
    source: event.source,
    evidence: event.evidence ?? null,
    recordedBy: event.recordedBy,
    createdAt: event.createdAt.toISOString(),
  };
}

export async function recordConsent(
  ctx: StoreContext,
  actor: string,
  input: {
    subject: SubjectRef;
    purpose: string;
    lawfulBasis: string;
    action: 'given' | 'withdrawn';
    at?: Date;
    source: string;
    evidence?: unknown;
  },
  idempotency?: Idempotency,
) {
  const bases = ctx.pack.lawfulBases.map((basis) => basis.id);
  if (!bases.includes(input.lawfulBasis)) {
    throw new StoreError(
      422,
      `"${input.lawfulBasis}" is not a lawful basis under ${ctx.pack.name}; allowed: ${bases.join(', ')}`,
    );
  }
  return write(
    ctx,
    actor,
    async (tx, audit) => {
      const { identifier } = await findOrCreateIdentifier(ctx, tx, input.subject);
      const event = await tx.consentEvent.create({
        data: {
          subjectId: identifier.subjectId,
          purpose: input.purpose,
          lawfulBasis: input.lawfulBasis,
          action: input.action,
          at: input.at ?? ctx.now(),
          source: input.source,
          evidence: (input.evidence ?? undefined) as object | undefined,
          recordedBy: actor,
        },
      });
      await audit({
        action: `consent.${input.action}`,
        entityType: 'consent',
        entityId: event.id,
        data: {
          subjectId: event.subjectId,
          purpose: event.purpose,
          lawfulBasis: event.lawfulBasis,
          at: event.at,
          source: event.source,
        },
      });
      return presentConsent(event);
    },
    idempotency,
  );
}

/** Is there valid consent for the subject and purpose at `at`: the last event up to then says. */
export async function checkConsent(ctx: StoreContext, input: { subject: SubjectRef; purpose: string; at?: Date }) {
  const at = input.at ?? ctx.now();
  const identifier = await findIdentifier(ctx, ctx.prisma, input.subject);
  const last = identifier
    ? await ctx.prisma.consentEvent.findFirst({
        where: { subjectId: identifier.subjectId, purpose: input.purpose, at: { lte: at } },
        orderBy: [{ at: 'desc' }, { createdAt: 'desc' }],
      })
    : null;
  const valid = last?.action === 'given';
  return {
    valid,
    at: at.toISOString(),
    purpose: input.purpose,
    lawfulBasis: valid ? last.lawfulBasis : null,
    since: last ? last.at.toISOString() : null,
    reason: !last
      ? 'no consent recorded for this purpose up to that time'
      : valid
        ? `given at ${last.at.toISOString()} (${last.source})`
        : `withdrawn at ${last.at.toISOString()} (${last.source})`,
    event: last ? presentConsent(last) : null,
  };
}

export async function consentHistory(ctx: StoreContext, subject: SubjectRef) {
  const identifier = await findIdentifier(ctx, ctx.prisma, subject);
  if (!identifier) return [];
  const events = await ctx.prisma.consentEvent.findMany({
    where: { subjectId: identifier.subjectId },
    orderBy: [{ at: 'asc' }, { createdAt: 'asc' }],
  });
  return events.map(presentConsent);
}
