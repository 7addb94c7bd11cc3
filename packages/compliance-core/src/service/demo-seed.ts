// Demo data for `pnpm dev` (DEMO_SEED=true), written once into an empty database through the
// same store functions the API uses (so it is audited like everything else): requests at
// several stages — one of them overdue — consents given and withdrawn, two records of
// processing, a breach whose notification is due and the DPO's attestations of the controls.
import type { Logger } from '@azora/service-kit';
import { attestControl } from '../store/assessment.ts';
import { createBreach } from '../store/breaches.ts';
import { recordConsent } from '../store/consents.ts';
import type { StoreContext } from '../store/context.ts';
import { createActivity } from '../store/processing.ts';
import { completeRequest, createRequest, verifyRequest } from '../store/requests.ts';

const DAY = 86_400_000;
const ACTOR = 'demo-seed';

/** Writes the demo data; the caller runs it on an empty database only. */
export async function seedDemoData(ctx: StoreContext, logger: Logger): Promise<void> {
  const now = ctx.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY);
  const basis = ctx.pack.lawfulBases[0]?.id ?? 'consent';
  if (ctx.pack.requestTypes.length > 0) await seedRequests(ctx, ago);
  if (ctx.pack.lawfulBases.length > 0) await seedRecords(ctx, ago, basis);
  logger.info('demo data seeded: requests (one overdue), consents, records of processing, a breach');
}

/** Requests at each stage, one overdue (the regime's types in turn: it may have fewer than three). */
async function seedRequests(ctx: StoreContext, ago: (days: number) => Date) {
  const types = ctx.pack.requestTypes;
  const [first, second, third] = [0, 1, 2].map((i) => types[i % types.length]) as [
    (typeof types)[number],
    (typeof types)[number],
    (typeof types)[number],
  ];
  await createRequest(ctx, ACTOR, {
    type: first.type,
    subject: { kind: 'email', value: 'ana.souza@example.com' },
    receivedAt: ago(1),
  });
  const verified = await createRequest(ctx, ACTOR, {
    type: second.type,
    subject: { kind: 'phone', value: '+5511987654321' },
    receivedAt: ago(3),
  });
  await verifyRequest(ctx, ACTOR, verified.id, { method: 'one-time code sent to the phone number' });
  // Received long ago and never answered: overdue under every regime (shows in summary, metric, alert).
  const old = await createRequest(ctx, ACTOR, {
    type: first.type,
    subject: { kind: 'email', value: 'late.reply@example.com' },
    receivedAt: ago(120),
    notes: 'demo: a request nobody answered',
  });
  if (ctx.pack.pausesWhileVerifying) {
    // Where the clock waits for verification, verify it long ago too (as of then, audited
    // like any other step), so this one is overdue as well.
    await verifyRequest({ ...ctx, now: () => ago(119) }, ACTOR, old.id, { method: 'demo: signed letter' });
  }
  const done = await createRequest(ctx, ACTOR, {
    type: third.type,
    subject: { kind: 'email', value: 'ana.souza@example.com' },
    receivedAt: ago(10),
  });
  await verifyRequest(ctx, ACTOR, done.id, { method: 'signed-in account' });
  await completeRequest(ctx, ACTOR, done.id, { summary: 'demo: answered in full', actions: ['exported account data'] });
}

async function seedRecords(ctx: StoreContext, ago: (days: number) => Date, basis: string) {
  const now = ctx.now().getTime();
  const subject = { kind: 'email' as const, value: 'ana.souza@example.com' };
  await recordConsent(ctx, ACTOR, {
    subject,
    purpose: 'newsletter',
    lawfulBasis: basis,
    action: 'given',
    at: ago(30),
    source: 'signup form',
  });
  await recordConsent(ctx, ACTOR, {
    subject,
    purpose: 'newsletter',
    lawfulBasis: basis,
    action: 'withdrawn',
    at: ago(2),
    source: 'unsubscribe link',
  });
  await recordConsent(ctx, ACTOR, {
    subject,
    purpose: 'analytics',
    lawfulBasis: basis,
    action: 'given',
    at: ago(30),
    source: 'cookie banner',
  });

  await createActivity(ctx, ACTOR, {
    name: 'Customer accounts',
    controller: 'Azora OS Ltd',
    purposes: ['account management', 'customer support'],
    lawfulBasis: ctx.pack.lawfulBases.find((b) => b.id === 'contract')?.id ?? basis,
    dataCategories: ['name', 'email', 'phone'],
    subjectCategories: ['customers'],
    recipients: ['hosting provider'],
    transfers: [{ country: 'US', safeguard: 'standard contractual clauses' }],
    retention: 'account lifetime + 6 years',
  });
  await createActivity(ctx, ACTOR, {
    name: 'Newsletter',
    controller: 'Azora OS Ltd',
    purposes: ['marketing email'],
    lawfulBasis: basis,
    dataCategories: ['email'],
    subjectCategories: ['subscribers'],
    recipients: ['email delivery provider'],
    transfers: [],
    retention: 'until consent is withdrawn',
  });
  // A regime whose breaches need details of its own seeds its breaches itself (its extension).
  if (ctx.pack.breachDetails?.safeParse(undefined).success ?? true) {
    await createBreach(ctx, ACTOR, {
      title: 'demo: misdirected export email',
      description: 'A customer export was emailed to the wrong address.',
      detectedAt: new Date(now - 6 * 3_600_000),
      categories: ['email', 'order history'],
      affectedCount: 1,
      risk: 'medium',
    });
  }
  // A DPO's attestations: all but the last manual control pass, so the score shows both kinds of reason.
  const manual = ctx.pack.controls.filter((control) => !control.automatic);
  for (const [index, control] of manual.entries()) {
    const passes = index < manual.length - 1;
    await attestControl(ctx, ACTOR, control.id, {
      status: passes ? 'pass' : 'fail',
      evidence: passes ? 'demo: reviewed and documented' : 'demo: not in place yet',
    });
  }
}
