// PIPEDA's additions to the core service: the RROSH rule (read it, try an assessment before
// recording the breach), the breach records register with its 24-month retention, deletion
// after it, the safeguards control computed from the reports made, metrics and demo data.
import { type Logger, parseBody, parseQuery, z } from '@azora/service-kit';
import {
  PipedaBreachDetailsSchema,
  RROSH_FACTORS,
  RROSH_LEVELS,
  rroshOutcome,
  SIGNIFICANT_HARMS,
} from '../../regimes/pipeda.ts';
import type { ComplianceExtension } from '../../service/extension.ts';
import { object } from '../../service/schemas.ts';
import { createBreach } from '../../store/breaches.ts';
import type { StoreContext } from '../../store/context.ts';
import { createRequest, extendRequest } from '../../store/requests.ts';
import { breachReportsMade, deleteBreachRecord, listBreachRecords } from './records.ts';

const REGIME = 'pipeda';

const recordsQuery = z.strictObject({
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 500' }).int().min(1).max(500).default(100),
});
const noBody = object({}).optional();

/** The outcome of every sensitivity × probability pair (factors none): the documented table. */
function outcomeTable() {
  return Object.fromEntries(
    RROSH_LEVELS.map((sensitivity) => [
      sensitivity,
      Object.fromEntries(
        RROSH_LEVELS.map((probabilityOfMisuse) => [
          probabilityOfMisuse,
          rroshOutcome({ sensitivity, probabilityOfMisuse, factors: [] }).outcome,
        ]),
      ),
    ]),
  );
}

async function seed(ctx: StoreContext, logger: Logger) {
  const actor = 'demo-seed';
  const now = ctx.now().getTime();
  const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000);
  await createBreach(ctx, actor, {
    title: 'demo: payroll export on a stolen laptop',
    description: 'An unencrypted laptop holding a payroll export was stolen from a car.',
    detectedAt: hoursAgo(20),
    categories: ['name', 'social insurance number', 'bank account'],
    affectedCount: 312,
    risk: 'high',
    details: PipedaBreachDetailsSchema.parse({
      rrosh: {
        sensitivity: 'high',
        probabilityOfMisuse: 'medium',
        factors: ['malicious_intent'],
        harms: ['identity_theft', 'financial_loss'],
        rationale: 'SINs and bank details of employees, taken by a thief; the device was not encrypted.',
      },
      organizations: ['the employees’ banks'],
    }),
  });
  await createBreach(ctx, actor, {
    title: 'demo: newsletter list sent to one wrong recipient',
    description: 'A CSV of newsletter addresses was emailed to a partner, who confirmed deleting it unread.',
    detectedAt: hoursAgo(72),
    categories: ['email'],
    affectedCount: 40,
    risk: 'low',
    details: PipedaBreachDetailsSchema.parse({
      rrosh: {
        sensitivity: 'low',
        probabilityOfMisuse: 'low',
        factors: ['data_recovered'],
        rationale: 'Email addresses only; the recipient is a trusted partner who deleted the file unread.',
      },
    }),
  });
  const request = await createRequest(ctx, actor, {
    type: 'access',
    subject: { kind: 'email', value: 'marie.tremblay@example.ca' },
    receivedAt: new Date(now - 20 * 86_400_000),
    notes: 'demo: records held in three systems',
  });
  await extendRequest(ctx, actor, request.id, {
    reason: 'demo: consultations with two service providers make 30 days impracticable (s. 8(4)(b))',
  });
  logger.info('pipeda demo data seeded: a breach with RROSH, one without, an access request extended once');
}

export const PIPEDA_EXTENSION: ComplianceExtension = {
  checks: { pipeda_breach_reports_made: breachReportsMade },
  seed,
  routes(app, kit) {
    const { api, ctx, auth, ready } = kit;
    const readers = [...auth.requireRole('dpo', 'operator', 'auditor'), ready];
    const staff = [...auth.requireRole('dpo', 'operator'), ready];
    const dpo = [...auth.requireRole('dpo'), ready];

    // Monotonic: read from the append-only audit log (one grouped count), so it survives restarts.
    kit.metrics.counter({
      name: 'compliance_pipeda_rrosh_assessments_total',
      help: 'Breaches recorded with a RROSH assessment, by the recorded outcome (real_risk, no_real_risk)',
      labelNames: ['regime', 'outcome'] as const,
      async collect() {
        try {
          const rows = await ctx.prisma.$queryRaw<{ outcome: string | null; n: number }[]>`
            SELECT data->'details'->'rrosh'->>'outcome' AS outcome, count(*)::int AS n
            FROM audit_log WHERE action = 'breach.recorded' GROUP BY 1`;
          this.reset();
          for (const outcome of ['real_risk', 'no_real_risk']) {
            this.inc({ regime: REGIME, outcome }, rows.find((r) => r.outcome === outcome)?.n ?? 0);
          }
        } catch {
          this.reset(); // not migrated yet: nothing to count
        }
      },
    });
    kit.metrics.gauge({
      name: 'compliance_pipeda_breach_records',
      help: 'Breach records kept (s. 10.3), RROSH or not',
      labelNames: ['regime'] as const,
      async collect() {
        try {
          this.set({ regime: REGIME }, await ctx.prisma.breach.count());
        } catch {
          this.reset();
        }
      },
    });

    app.get(`${api}/pipeda/rrosh-rule`, ...readers, (_req, res) => {
      res.json({
        legalReference: 'PIPEDA s. 10.1(7), (8)',
        rule:
          'probability of misuse: data_misused → high; else encrypted → low; else the stated level +1 for each of ' +
          'malicious_intent, long_exposure, publicly_exposed, −1 for data_recovered (within low…high). Real risk of ' +
          'significant harm when sensitivity and that probability are both medium or high.',
        levels: RROSH_LEVELS,
        factors: RROSH_FACTORS,
        harms: SIGNIFICANT_HARMS,
        table: outcomeTable(),
        override:
          'A DPO may record a different outcome (rrosh.outcome); both the computed and the recorded outcome are kept, ' +
          'the rationale giving the reason. The obligations follow the recorded outcome.',
      });
    });

    // The assessment as it would be recorded, without recording anything.
    app.post(`${api}/pipeda/rrosh/evaluate`, ...staff, (req, res) => {
      res.json(parseBody(PipedaBreachDetailsSchema, req));
    });

    app.get(`${api}/pipeda/breach-records`, ...readers, async (req, res) => {
      res.json({ records: await listBreachRecords(ctx, parseQuery(recordsQuery, req).limit) });
    });

    app.delete(`${api}/breaches/:id`, ...dpo, async (req, res) => {
      const id = kit.id(req);
      kit.optionalBody(noBody, req);
      res.json(await deleteBreachRecord(ctx, kit.actor(req), id));
    });
  },
};
