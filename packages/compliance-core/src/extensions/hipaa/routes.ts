// The HIPAA routes under /api/hipaa-compliance/: PHI records read through the minimum
// necessary rule, the access accounting, disclosures, and business associate agreements.
import { HttpProblem, parseBody, parseQuery, z } from '@azora/service-kit';
import type { Express, Request } from 'express';
import { HIPAA } from '../../regimes/hipaa.ts';
import type { ExtensionKit } from '../../service/extension.ts';
import { instant, line, object, pastInstant, Subject } from '../../service/schemas.ts';
import {
  countOverdueReviews,
  createAssociate,
  getAssociate,
  listAssociates,
  reviewAssociate,
  updateAssociate,
} from './associates.ts';
import { accounting, createPhiRecord, findPhiRecord, readPhiRecord, recordDisclosure, updatePhiRecord } from './phi.ts';
import { MINIMUM_NECESSARY, PHI_FIELDS, type PhiField, PURPOSES, phiFieldSchemas, policyView } from './policy.ts';

/** Who may write PHI records, and record disclosures. */
const WRITERS = ['dpo', 'clinician'] as const;

export function hipaaSchemas(timeZone: string, now: () => Date) {
  const past = pastInstant(timeZone, now);
  const values = phiFieldSchemas(timeZone);
  const list = (max: number) =>
    z.array(line(200), { error: 'must be an array of strings' }).max(max, `must have at most ${max} items`);
  const fieldShape = Object.fromEntries(PHI_FIELDS.map((field) => [field, values[field].optional()])) as {
    [F in PhiField]: z.ZodOptional<(typeof values)[F]>;
  };
  const nullableShape = Object.fromEntries(PHI_FIELDS.map((field) => [field, values[field].nullable().optional()])) as {
    [F in PhiField]: z.ZodOptional<z.ZodNullable<(typeof values)[F]>>;
  };
  const purpose = z.enum(PURPOSES, { error: `must be one of ${PURPOSES.join(', ')}` });
  const bases = HIPAA.lawfulBases.map((basis) => basis.id) as [string, ...string[]];
  const hasSome = (value: object) => Object.values(value).some((v) => v !== undefined);
  return {
    newRecord: object({ patient: Subject, ...fieldShape }).refine(
      ({ patient: _patient, ...fields }) => hasSome(fields),
      `must have at least one PHI field (${PHI_FIELDS.join(', ')})`,
    ),
    update: object(nullableShape).refine(hasSome, 'must change at least one PHI field (null removes one)'),
    findRecord: z.strictObject({ patient: Subject }),
    read: z.strictObject({ purpose }),
    disclosure: object({
      recipient: line(200),
      purpose: z.enum(bases, { error: `must be one of ${bases.join(', ')}` }),
      description: line(2000),
      at: past.optional(),
      fields: z
        .array(z.enum(PHI_FIELDS, { error: `must be one of ${PHI_FIELDS.join(', ')}` }), {
          error: 'must be an array of field names',
        })
        .min(1, 'must name at least one field')
        .max(PHI_FIELDS.length)
        .optional(),
    }),
    accounting: z
      .strictObject({
        patient: Subject.optional(),
        accessor: line(200).optional(),
        from: instant(timeZone).optional(),
        to: instant(timeZone).optional(),
        limit: z.coerce
          .number({ error: 'must be a whole number from 1 to 1000' })
          .int('must be a whole number from 1 to 1000')
          .min(1, 'must be a whole number from 1 to 1000')
          .max(1000, 'must be a whole number from 1 to 1000')
          .default(1000),
      })
      .refine((q) => (q.patient === undefined) !== (q.accessor === undefined), {
        message: 'give exactly one of patient (kind:value) or accessor (a principal)',
        path: ['patient'],
      }),
    associate: object({
      name: line(200),
      services: list(50).min(1, 'must name at least one service'),
      phiCategories: list(50).min(1, 'must name at least one category of PHI shared'),
      signedAt: past.optional(),
      reviewDueAt: instant(timeZone),
      terminatedAt: past.optional(),
    }),
    associateUpdate: object({
      name: line(200).optional(),
      services: list(50).min(1, 'must name at least one service').optional(),
      phiCategories: list(50).min(1, 'must name at least one category of PHI shared').optional(),
      signedAt: past.optional(),
      reviewDueAt: instant(timeZone).optional(),
      terminatedAt: past.optional(),
    }).refine(hasSome, 'must change at least one field'),
    review: object({
      reviewedAt: past.optional(),
      nextReviewDueAt: instant(timeZone),
      notes: line(2000).optional(),
    }),
    listAssociates: z.strictObject({
      reviewOverdue: z
        .enum(['true', 'false'], { error: 'must be true or false' })
        .transform((v) => v === 'true')
        .optional(),
    }),
  };
}

const principalOf = (req: Request) => req.principal as NonNullable<Request['principal']>;

export function hipaaRoutes(app: Express, kit: ExtensionKit) {
  const { api, ctx, auth, metrics, ready } = kit;
  const regime = ctx.pack.regime;
  const body = hipaaSchemas(ctx.pack.calendar.timeZone, ctx.now);
  const readers = Object.keys(MINIMUM_NECESSARY);

  const reads = metrics.counter({
    name: 'compliance_hipaa_phi_reads_total',
    help: 'Reads of PHI records, by the role the minimum necessary rule applied to, purpose and outcome (ok|refused)',
    labelNames: ['regime', 'role', 'purpose', 'outcome'] as const,
  });
  const disclosures = metrics.counter({
    name: 'compliance_hipaa_disclosures_total',
    help: 'Disclosures of PHI outside the organisation recorded for the accounting, by purpose',
    labelNames: ['regime', 'purpose'] as const,
  });
  for (const [role, purposes] of Object.entries(MINIMUM_NECESSARY)) {
    for (const purpose of Object.keys(purposes)) reads.inc({ regime, role, purpose, outcome: 'ok' }, 0);
  }
  metrics.gauge({
    name: 'compliance_hipaa_baa_reviews_overdue',
    help: 'Active business associates whose BAA review date has passed',
    labelNames: ['regime'] as const,
    async collect() {
      try {
        this.set({ regime }, await countOverdueReviews(ctx));
      } catch {
        this.reset(); // not migrated yet, or the database is down: no value rather than a wrong one
      }
    },
  });

  app.get(`${api}/phi/policy`, ...auth.requireRole(...readers, 'auditor', 'operator'), ready, (_req, res) => {
    res.json({
      rule: 'minimum necessary (45 CFR §164.502(b), §164.514(d))',
      purposes: PURPOSES,
      fields: PHI_FIELDS,
      roles: policyView(),
    });
  });

  app.post(`${api}/phi/records`, ...auth.requireRole(...WRITERS), ready, async (req, res) => {
    const { patient, ...values } = parseBody(body.newRecord, req);
    res.status(201).json(await createPhiRecord(ctx, kit.actor(req), patient, values));
  });
  app.get(`${api}/phi/records`, ...auth.requireRole(...readers), ready, async (req, res) => {
    res.json(await findPhiRecord(ctx, parseQuery(body.findRecord, req).patient));
  });
  app.patch(`${api}/phi/records/:id`, ...auth.requireRole(...WRITERS), ready, async (req, res) => {
    const id = kit.id(req);
    res.json(await updatePhiRecord(ctx, kit.actor(req), id, parseBody(body.update, req)));
  });
  app.get(`${api}/phi/records/:id`, ...auth.requireRole(...readers), ready, async (req, res) => {
    const id = kit.id(req);
    const { purpose } = parseQuery(body.read, req);
    const { subject, roles } = principalOf(req);
    const result = await readPhiRecord(ctx, { subject, roles }, id, purpose);
    reads.inc({ regime, role: result.role, purpose, outcome: result.outcome });
    if (result.outcome === 'refused') throw new HttpProblem(403, result.reason);
    res.json(result.view);
  });
  app.post(`${api}/phi/records/:id/disclosures`, ...auth.requireRole(...WRITERS), ready, async (req, res) => {
    const id = kit.id(req);
    const input = parseBody(body.disclosure, req);
    const { subject, roles } = principalOf(req);
    const role = WRITERS.find((r) => roles.includes(r)) as string;
    const disclosure = await recordDisclosure(ctx, { subject, roles }, role, id, input);
    disclosures.inc({ regime, purpose: input.purpose });
    res.status(201).json(disclosure);
  });
  app.get(`${api}/phi/accounting`, ...auth.requireRole('dpo', 'auditor'), ready, async (req, res) => {
    res.json(await accounting(ctx, parseQuery(body.accounting, req)));
  });

  app.post(`${api}/baa/associates`, ...auth.requireRole('dpo'), ready, async (req, res) => {
    res.status(201).json(await createAssociate(ctx, kit.actor(req), parseBody(body.associate, req)));
  });
  app.get(`${api}/baa/associates`, ...auth.requireRole('dpo', 'auditor'), ready, async (req, res) => {
    res.json({ associates: await listAssociates(ctx, parseQuery(body.listAssociates, req)) });
  });
  app.get(`${api}/baa/associates/:id`, ...auth.requireRole('dpo', 'auditor'), ready, async (req, res) => {
    res.json(await getAssociate(ctx, kit.id(req)));
  });
  app.patch(`${api}/baa/associates/:id`, ...auth.requireRole('dpo'), ready, async (req, res) => {
    const id = kit.id(req);
    res.json(await updateAssociate(ctx, kit.actor(req), id, parseBody(body.associateUpdate, req)));
  });
  app.post(`${api}/baa/associates/:id/review`, ...auth.requireRole('dpo'), ready, async (req, res) => {
    const id = kit.id(req);
    res.json(await reviewAssociate(ctx, kit.actor(req), id, parseBody(body.review, req)));
  });
}
