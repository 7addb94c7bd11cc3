// The POPIA routes under /api/<name>/popia/: the Information Officer registration and the s.69
// direct-marketing register (approaches, the subject's decisions, the state per subject).
import { HttpProblem, parseBody, parseQuery, z } from '@azora/service-kit';
import type { Express } from 'express';
import { isEmail, isPhone } from '../../pii/validators.ts';
import type { ExtensionKit } from '../../service/extension.ts';
import { line, object, pastInstant, Subject } from '../../service/schemas.ts';
import {
  CHANNELS,
  countApproaches,
  DECISIONS,
  getInformationOfficer,
  marketingOf,
  putInformationOfficer,
  recordApproach,
  recordDecision,
} from './store.ts';

export function popiaSchemas(timeZone: string, now: () => Date) {
  const email = line(200).refine((value) => isEmail(value.toLowerCase()), 'must be an email address');
  const phone = line(40).refine(
    (value) => isPhone(value) || /^\+[1-9]\d{6,14}$/.test(value.replace(/[\s\-()]/g, '')),
    'must be a phone number (e.g. +27 21 555 0100)',
  );
  const person = { name: line(200), email, phone };
  return {
    officer: object({
      officer: object({
        ...person,
        registrationNumber: line(64).nullable().optional(),
        registeredAt: pastInstant(timeZone, now).nullable().optional(),
      }).nullable(),
      deputies: z
        .array(object(person), { error: 'must be an array of { name, email, phone }' })
        .max(20, 'must have at most 20 deputies')
        .default([]),
    }),
    approach: object({
      subject: Subject,
      channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }),
      purpose: line(500).optional(),
    }),
    decision: object({
      subject: Subject,
      decision: z.enum(DECISIONS, { error: `must be one of ${DECISIONS.join(', ')}` }),
    }),
    marketing: z.strictObject({ subject: Subject }),
  };
}

export function popiaRoutes(app: Express, kit: ExtensionKit) {
  const { api, ctx, auth, metrics, ready } = kit;
  const regime = ctx.pack.regime;
  const body = popiaSchemas(ctx.pack.calendar.timeZone, ctx.now);
  const readers = [...auth.requireRole('dpo', 'operator', 'auditor'), ready];
  const marketers = [...auth.requireRole('dpo', 'operator', 'marketing'), ready];
  const marketingReaders = [...auth.requireRole('dpo', 'operator', 'auditor', 'marketing'), ready];
  const dpo = [...auth.requireRole('dpo'), ready];

  // Read from the register (refused attempts are rows too), so the counts survive restarts.
  metrics.counter({
    name: 'compliance_popia_marketing_approaches_total',
    help: 'Direct-marketing approaches (POPIA s.69) by outcome: consent_request, marketing (made) or refused',
    labelNames: ['regime', 'outcome'] as const,
    async collect() {
      try {
        const counts = await countApproaches(ctx);
        this.reset();
        for (const [outcome, n] of Object.entries(counts)) this.inc({ regime, outcome }, n);
      } catch {
        this.reset(); // not migrated yet, or the database is down: no value rather than a wrong one
      }
    },
  });
  metrics.gauge({
    name: 'compliance_popia_information_officer_registered',
    help: 'Whether an Information Officer is registered with the Information Regulator (1) or not (0)',
    labelNames: ['regime'] as const,
    async collect() {
      try {
        this.set({ regime }, (await getInformationOfficer(ctx)).registered ? 1 : 0);
      } catch {
        this.reset();
      }
    },
  });

  app.get(`${api}/popia/information-officer`, ...readers, async (_req, res) => {
    res.json(await getInformationOfficer(ctx));
  });
  app.put(`${api}/popia/information-officer`, ...dpo, async (req, res) => {
    res.json(await putInformationOfficer(ctx, kit.actor(req), parseBody(body.officer, req)));
  });

  app.post(`${api}/popia/marketing/approaches`, ...marketers, async (req, res) => {
    const { subject, ...input } = parseBody(body.approach, req);
    const result = await recordApproach(ctx, kit.actor(req), subject, input);
    if (result.outcome === 'refused') {
      throw new HttpProblem(409, result.reason, { extensions: { error: result.reason } });
    }
    res.status(201).json(result.approach);
  });
  app.post(`${api}/popia/marketing/decisions`, ...marketers, async (req, res) => {
    const { subject, decision } = parseBody(body.decision, req);
    res.status(201).json(await recordDecision(ctx, kit.actor(req), subject, decision));
  });
  app.get(`${api}/popia/marketing`, ...marketingReaders, async (req, res) => {
    res.json(await marketingOf(ctx, parseQuery(body.marketing, req).subject));
  });
}
