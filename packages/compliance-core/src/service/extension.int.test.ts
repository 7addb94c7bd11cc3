// The hooks a regime grows the core by, on a real Postgres database: the deployment's own
// target for notifications the law sets no time for, a regime's breach details, and an
// extension's routes, roles, automatic controls and demo data.
import { z } from '@azora/service-kit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GDPR } from '../regimes/gdpr.ts';
import type { RulePack } from '../regimes/types.ts';
import { StoreError, write } from '../store/context.ts';
import { startTestService, type TestService } from '../testing/service.ts';
import { object } from './schemas.ts';

const metric = (text: string, name: string) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}{`))
    ?.split(' ')[1];

describe('the internal notification target (GDPR: individuals "without undue delay")', () => {
  let t: TestService;
  const app = () => request(t.service.app);
  beforeAll(async () => {
    t = await startTestService('gdpr', { now: new Date('2026-12-07T09:00:00Z') });
  });
  afterAll(async () => t?.close());

  it('tracks the target 72 hours after detection, and counts it missed once past', async () => {
    const res = await app()
      .post(`${t.prefix}/breaches`)
      .set(t.as('dpo'))
      .send({
        title: 'Stolen laptop',
        detectedAt: '2026-12-07T08:00:00Z',
        categories: ['health data'],
        affectedCount: 40,
        risk: 'high',
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.obligations).toEqual([
      expect.objectContaining({ recipient: 'authority', dueAt: '2026-12-10T08:00:00.000Z', targetAt: null }),
      expect.objectContaining({
        recipient: 'individuals',
        dueAt: null,
        withoutUndueDelay: true,
        targetAt: '2026-12-10T08:00:00.000Z',
        pastTarget: false,
      }),
    ]);
    t.clock.now = new Date('2026-12-10T08:00:01Z');
    const late = await app().get(`${t.prefix}/breaches/${res.body.id}`).set(t.as('auditor'));
    expect(late.body.obligations[1]).toMatchObject({ recipient: 'individuals', pastTarget: true, overdue: false });
    expect((await app().get(`${t.prefix}/summary`).set(t.as('auditor'))).body.notifications).toMatchObject({
      pastTarget: 1,
    });
    expect(metric((await app().get('/metrics')).text, 'compliance_notification_targets_missed')).toBe('1');
    await app()
      .post(`${t.prefix}/breaches/${res.body.id}/notifications/individuals`)
      .set(t.as('dpo'))
      .send({})
      .expect(200);
    expect((await app().get(`${t.prefix}/summary`).set(t.as('auditor'))).body.notifications.pastTarget).toBe(0);
  });

  it('refuses breach details where the regime takes none', async () => {
    const res = await app()
      .post(`${t.prefix}/breaches`)
      .set(t.as('dpo'))
      .send({
        title: 'x',
        detectedAt: '2026-12-07T08:00:00Z',
        categories: ['email'],
        affectedCount: 1,
        risk: 'low',
        details: { anything: 1 },
      });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('details');
  });
});

describe('a regime extension', () => {
  // A made-up regime: GDPR's rules plus a breach detail it requires, an automatic control
  // computed from its own data (entries in the audit log) and a route for a role of its own.
  const pack: RulePack = {
    ...GDPR,
    breachDetails: object({
      vector: z.enum(['phishing', 'lost device'], { error: 'must be phishing or lost device' }),
    }),
    controls: [
      ...GDPR.controls,
      { id: 'reviews_logged', title: 'Reviews are logged', legalReference: 'test', automatic: 'reviews_logged' },
    ],
  };
  const REVIEWER = 'reviewer-key-0123456789abcdefghij';
  let t: TestService;
  const app = () => request(t.service.app);
  beforeAll(async () => {
    t = await startTestService('gdpr', {
      now: new Date('2026-12-07T09:00:00Z'),
      demoSeed: true,
      apiKeys: [`rita:reviewer:${REVIEWER}`],
      pack,
      extension: {
        roles: { reviewer: 'logs reviews' },
        routes: (app, kit) => {
          app.post(`${kit.api}/reviews`, ...kit.auth.requireRole('reviewer'), kit.ready, async (req, res) => {
            const body = kit.optionalBody(object({ note: z.string().max(20) }).optional(), req);
            if (body.note === 'self') throw new StoreError(403, `${kit.actor(req)} may not review their own work`);
            await write(kit.ctx, kit.actor(req), (_tx, audit) =>
              audit({ action: 'review.logged', entityType: 'review', entityId: 'r1', data: { note: body.note ?? '' } }),
            );
            res.status(201).json({ by: kit.actor(req) });
          });
        },
        checks: {
          reviews_logged: async (ctx) => {
            const count = await ctx.prisma.auditEntry.count({ where: { action: 'review.logged' } });
            return count > 0
              ? { status: 'pass', evidence: `${count} review(s) logged` }
              : { status: 'fail', evidence: 'no review logged' };
          },
        },
        seed: async (ctx) => {
          await write(ctx, 'demo-seed', (_tx, audit) =>
            audit({ action: 'review.seeded', entityType: 'review', entityId: 'seed', data: {} }),
          );
        },
      },
    });
  });
  afterAll(async () => t?.close());

  const control = async () =>
    (await app().get(`${t.prefix}/assessment`).set(t.as('auditor'))).body.controls.find(
      (c: { id: string }) => c.id === 'reviews_logged',
    );

  it('seeds its demo data after the core’s', async () => {
    const audit = await app().get(`${t.prefix}/audit?limit=500`).set(t.as('auditor'));
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toContain('review.seeded');
    expect(actions).toContain('request.received');
    // No demo breach: this regime's breaches need details the core's demo data cannot know.
    expect(actions).not.toContain('breach.recorded');
  });

  it('serves its routes to its own role only, answers its refusals as the core does, and audits its changes', async () => {
    expect(await control()).toMatchObject({ automatic: true, status: 'fail', evidence: 'no review logged' });
    await app().post(`${t.prefix}/reviews`).set(t.as('dpo')).send({}).expect(403);
    await app().post(`${t.prefix}/reviews`).expect(401);
    const refused = await app().post(`${t.prefix}/reviews`).set({ 'x-api-key': REVIEWER }).send({ note: 'self' });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('rita may not review their own work');
    expect((await app().post(`${t.prefix}/reviews`).set({ 'x-api-key': REVIEWER }).send({ note: 1 })).status).toBe(400);
    expect((await app().post(`${t.prefix}/reviews`).set({ 'x-api-key': REVIEWER })).body).toEqual({ by: 'rita' });
    expect(await control()).toMatchObject({ status: 'pass', evidence: '1 review(s) logged' });
    expect((await app().get(`${t.prefix}/audit/verify`).set(t.as('auditor'))).body).toMatchObject({ ok: true });
  });

  it('validates and keeps the breach details its rules require', async () => {
    const breach = {
      title: 'Phished mailbox',
      detectedAt: '2026-12-07T08:00:00Z',
      categories: ['email'],
      affectedCount: 3,
      risk: 'medium',
    };
    const missing = await app().post(`${t.prefix}/breaches`).set(t.as('dpo')).send(breach);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('details');
    const wrong = await app()
      .post(`${t.prefix}/breaches`)
      .set(t.as('dpo'))
      .send({ ...breach, details: { vector: 'carrier pigeon' } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('must be phishing or lost device');
    const kept = await app()
      .post(`${t.prefix}/breaches`)
      .set(t.as('dpo'))
      .send({ ...breach, details: { vector: 'phishing' } });
    expect(kept.status).toBe(201);
    expect((await app().get(`${t.prefix}/breaches/${kept.body.id}`).set(t.as('auditor'))).body.details).toEqual({
      vector: 'phishing',
    });
  });
});
