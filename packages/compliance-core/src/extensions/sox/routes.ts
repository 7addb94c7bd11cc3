// The SOX extension's routes under /api/sox-compliance/: controls, tests and deficiencies;
// change management (segregation of duties); s.302 certifications; whistle-blower reports
// (audit committee only); audit evidence kept seven years. Bodies and queries strict.
import { parseBody, parseQuery, z } from '@azora/service-kit';
import type { Express } from 'express';
import { QUARTER, SOX_CALENDAR } from '../../regimes/sox.ts';
import type { ExtensionKit } from '../../service/extension.ts';
import { line, object, pastInstant } from '../../service/schemas.ts';
import type { StoreContext } from '../../store/context.ts';
import {
  addEvidence,
  attestCertification,
  CHANGE_RISKS,
  CHANGE_STATUSES,
  type ChangeStep,
  CONTROL_TYPES,
  changeCounts,
  changeStep,
  createCertification,
  createControl,
  createDeficiency,
  DEFICIENCY_STATUSES,
  deleteEvidence,
  FREQUENCIES,
  fileReport,
  getCertification,
  getChange,
  getControl,
  getEvidence,
  getReport,
  listCertifications,
  listChanges,
  listControls,
  listDeficiencies,
  listEvidence,
  listReports,
  MAX_EVIDENCE_BYTES,
  openDeficiencyCounts,
  overdueCertificationsWhere,
  REPORT_CATEGORIES,
  REPORT_STATUSES,
  recordTest,
  remediateDeficiency,
  requestChange,
  SEVERITIES,
  TEST_RESULTS,
  updateReportStatus,
} from './store.ts';

/** The roles the SOX routes accept besides the core's dpo, operator and auditor. */
export const SOX_ROLES = {
  control_owner: 'Defines internal controls, records their tests and deficiencies, remediates them, adds evidence',
  change_requester: 'Requests changes to in-scope systems (and may never approve, reject or deploy their own)',
  change_approver: "Approves or rejects other people's change requests",
  deployer: "Deploys approved changes (never the change's requester)",
  officer: 'A principal officer (CEO, CFO) who attests the s.302 certifications naming them',
  audit_committee: 'Receives, reads and handles whistle-blower reports (s.301(4)); the only role that may',
} as const;

const ALL_ROLES = ['dpo', 'operator', 'auditor', ...Object.keys(SOX_ROLES)];
/** Who may read controls, changes, certifications and evidence (not whistle-blower reports). */
const READERS = ALL_ROLES;

const prose = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/(?![\n\r\t])\p{Cc}/u.test(value), 'must not contain control characters');
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
const count = (max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(max, `must be at most ${max}`);
const uuid = z.uuid({ error: 'must be an id (a UUID)' });
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bodies(now: () => Date) {
  const tz = SOX_CALENDAR.timeZone;
  const past = pastInstant(tz, now);
  return {
    control: object({
      key: z
        .string({ error: 'must be a string' })
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-" (e.g. FR-01)'),
      title: line(200),
      description: prose(4000),
      type: oneOf(CONTROL_TYPES),
      owner: line(200),
      frequency: oneOf(FREQUENCIES),
      assertion: line(200).optional(),
      account: line(200).optional(),
    }),
    test: object({
      testedAt: past.optional(),
      sampleSize: count(100_000).min(1, 'must be at least 1'),
      exceptions: count(100_000),
      result: oneOf(TEST_RESULTS),
      notes: prose(4000).optional(),
      evidenceIds: z.array(uuid, { error: 'must be an array of ids' }).max(50, 'must have at most 50 items').optional(),
      deficiency: object({ severity: oneOf(SEVERITIES), description: prose(4000) }).optional(),
    }),
    deficiency: object({
      controlId: uuid,
      severity: oneOf(SEVERITIES),
      description: prose(4000),
      identifiedAt: past.optional(),
    }),
    remediate: object({ how: prose(4000), remediatedAt: past.optional() }),
    deficiencies: z.strictObject({
      status: oneOf(DEFICIENCY_STATUSES).optional(),
      severity: oneOf(SEVERITIES).optional(),
    }),
    change: object({ title: line(200), system: line(200), description: prose(4000), risk: oneOf(CHANGE_RISKS) }),
    changes: z.strictObject({ status: oneOf(CHANGE_STATUSES).optional() }),
    approve: object({ note: prose(2000).optional() }).optional(),
    reject: object({ reason: prose(2000) }),
    deploy: object({ note: prose(2000).optional() }).optional(),
    certification: object({
      quarter: z.string({ error: 'must be a string' }).regex(QUARTER, 'must be a fiscal quarter like 2026-Q3'),
      periodEnd: z
        .string({ error: 'must be a date like 2026-09-30' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be the last day of the fiscal quarter as a date (2026-09-30)')
        .refine((v) => {
          const d = new Date(`${v}T00:00:00Z`);
          return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) && d.getUTCFullYear() >= 1970;
        }, 'must be a real date (2026-09-30)'),
      officers: z
        .array(
          object({
            subject: z.string({ error: 'must be a string' }).regex(SUBJECT, 'must be a subject like cfo-1'),
            title: line(200),
          }),
          { error: 'must be an array of {subject, title}' },
        )
        .min(1, 'must name at least one officer')
        .max(10, 'must have at most 10 items')
        .refine((list) => new Set(list.map((o) => o.subject)).size === list.length, 'must not name an officer twice'),
    }),
    attest: object({ statement: prose(8000) }),
    report: object({
      category: oneOf(REPORT_CATEGORIES),
      description: prose(20_000),
      anonymous: z.boolean({ error: 'must be true or false' }),
    }),
    reports: z.strictObject({ status: oneOf(REPORT_STATUSES).optional() }),
    reportStatus: object({ status: oneOf(REPORT_STATUSES), note: prose(4000).optional() }),
    evidence: object({
      title: line(200),
      kind: line(64),
      content: z
        .string({ error: 'must be a base64 string' })
        .min(1, 'must not be empty')
        .max(Math.ceil(MAX_EVIDENCE_BYTES / 3) * 4, `must be at most ${MAX_EVIDENCE_BYTES} bytes (1 MiB) once decoded`)
        .refine((v) => v.length % 4 === 0 && BASE64.test(v), 'must be base64 (A–Z, a–z, 0–9, +, /, = padding)')
        .transform((v) => Buffer.from(v, 'base64'))
        .optional(),
      externalRef: line(1000).optional(),
      sha256: z
        .string({ error: 'must be a string' })
        .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits')
        .transform((v) => v.toLowerCase())
        .optional(),
      collectedAt: past.optional(),
      controlId: uuid.optional(),
      testId: uuid.optional(),
      changeId: uuid.optional(),
    }),
  };
}

export function soxRoutes(app: Express, kit: ExtensionKit) {
  const { api, ctx, auth, ready, actor, id } = kit;
  const body = bodies(ctx.now);
  const readers = [...auth.requireRole(...READERS), ready];
  const owners = [...auth.requireRole('control_owner', 'dpo'), ready];
  const requesters = [...auth.requireRole('change_requester'), ready];
  const committee = [...auth.requireRole('audit_committee'), ready];
  const anyone = [...auth.requireRole(...ALL_ROLES), ready];
  const step: Record<ChangeStep, ReturnType<typeof auth.requireRole>> = {
    approve: auth.requireRole('change_approver'),
    reject: auth.requireRole('change_approver'),
    deploy: auth.requireRole('deployer', 'change_approver'),
  };

  const sodRefusals = kit.metrics.counter({
    name: 'compliance_sox_sod_refusals_total',
    help: 'Change steps refused because the caller requested the change (segregation of duties), by step',
    labelNames: ['regime', 'step'] as const,
  });
  for (const s of ['approve', 'reject', 'deploy'] as const) sodRefusals.inc({ regime: 'sox', step: s }, 0);
  registerGauges(kit, ctx);

  // Controls, tests, deficiencies.
  app.post(`${api}/controls`, ...owners, async (req, res) => {
    res.status(201).json(await createControl(ctx, actor(req), parseBody(body.control, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/controls`, ...readers, async (_req, res) => {
    res.json({ controls: await listControls(ctx) });
  });
  app.get(`${api}/controls/:id`, ...readers, async (req, res) => {
    res.json(await getControl(ctx, id(req)));
  });
  app.post(`${api}/controls/:id/tests`, ...owners, async (req, res) => {
    const controlId = id(req);
    res
      .status(201)
      .json(await recordTest(ctx, actor(req), controlId, parseBody(body.test, req), kit.idempotencyOf(req)));
  });
  app.post(`${api}/deficiencies`, ...owners, async (req, res) => {
    res
      .status(201)
      .json(await createDeficiency(ctx, actor(req), parseBody(body.deficiency, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/deficiencies`, ...readers, async (req, res) => {
    res.json({ deficiencies: await listDeficiencies(ctx, parseQuery(body.deficiencies, req)) });
  });
  app.post(`${api}/deficiencies/:id/remediate`, ...owners, async (req, res) => {
    const deficiencyId = id(req);
    res.json(await remediateDeficiency(ctx, actor(req), deficiencyId, parseBody(body.remediate, req)));
  });

  // Change management.
  app.post(`${api}/changes`, ...requesters, async (req, res) => {
    res.status(201).json(await requestChange(ctx, actor(req), parseBody(body.change, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/changes`, ...readers, async (req, res) => {
    res.json({ changes: await listChanges(ctx, parseQuery(body.changes, req)) });
  });
  app.get(`${api}/changes/:id`, ...readers, async (req, res) => {
    res.json(await getChange(ctx, id(req)));
  });
  const refused = (s: ChangeStep) => sodRefusals.inc({ regime: 'sox', step: s });
  app.post(`${api}/changes/:id/approve`, ...step.approve, ready, async (req, res) => {
    const changeId = id(req);
    const input = kit.optionalBody(body.approve, req);
    res.json(await changeStep(ctx, actor(req), changeId, 'approve', input.note, refused));
  });
  app.post(`${api}/changes/:id/reject`, ...step.reject, ready, async (req, res) => {
    const changeId = id(req);
    const input = parseBody(body.reject, req);
    res.json(await changeStep(ctx, actor(req), changeId, 'reject', input.reason, refused));
  });
  app.post(`${api}/changes/:id/deploy`, ...step.deploy, ready, async (req, res) => {
    const changeId = id(req);
    const input = kit.optionalBody(body.deploy, req);
    res.json(await changeStep(ctx, actor(req), changeId, 'deploy', input.note, refused));
  });

  // s.302 certifications.
  app.post(`${api}/certifications`, ...auth.requireRole('dpo'), ready, async (req, res) => {
    res
      .status(201)
      .json(await createCertification(ctx, actor(req), parseBody(body.certification, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/certifications`, ...readers, async (_req, res) => {
    res.json({ certifications: await listCertifications(ctx) });
  });
  app.get(`${api}/certifications/:id`, ...readers, async (req, res) => {
    res.json(await getCertification(ctx, id(req)));
  });
  app.post(`${api}/certifications/:id/attest`, ...auth.requireRole('officer'), ready, async (req, res) => {
    const certificationId = id(req);
    res.json(await attestCertification(ctx, actor(req), certificationId, parseBody(body.attest, req).statement));
  });

  // Whistle-blower reports: anyone files one; only the audit committee reads and handles them.
  app.post(`${api}/whistleblower-reports`, ...anyone, async (req, res) => {
    res.status(201).json(await fileReport(ctx, actor(req), parseBody(body.report, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/whistleblower-reports`, ...committee, async (req, res) => {
    res.json({ reports: await listReports(ctx, parseQuery(body.reports, req)) });
  });
  app.get(`${api}/whistleblower-reports/:id`, ...committee, async (req, res) => {
    res.json(await getReport(ctx, id(req)));
  });
  app.post(`${api}/whistleblower-reports/:id/status`, ...committee, async (req, res) => {
    const reportId = id(req);
    res.json(await updateReportStatus(ctx, actor(req), reportId, parseBody(body.reportStatus, req)));
  });

  // Audit evidence.
  app.post(`${api}/evidence`, ...owners, async (req, res) => {
    res.status(201).json(await addEvidence(ctx, actor(req), parseBody(body.evidence, req), kit.idempotencyOf(req)));
  });
  app.get(`${api}/evidence`, ...readers, async (_req, res) => {
    res.json({ evidence: await listEvidence(ctx) });
  });
  app.get(`${api}/evidence/:id`, ...readers, async (req, res) => {
    res.json(await getEvidence(ctx, id(req)));
  });
  app.delete(`${api}/evidence/:id`, ...auth.requireRole('dpo'), ready, async (req, res) => {
    res.json(await deleteEvidence(ctx, actor(req), id(req)));
  });
}

function registerGauges(kit: ExtensionKit, ctx: StoreContext) {
  const regime = 'sox';
  kit.metrics.gauge({
    name: 'compliance_sox_changes',
    help: 'Changes by status (requested, approved, rejected, deployed)',
    labelNames: ['regime', 'status'] as const,
    async collect() {
      const counts = await changeCounts(ctx).catch(() => undefined);
      this.reset();
      if (counts) for (const [status, n] of Object.entries(counts)) this.set({ regime, status }, n);
    },
  });
  kit.metrics.gauge({
    name: 'compliance_sox_open_deficiencies',
    help: 'Open control deficiencies by severity',
    labelNames: ['regime', 'severity'] as const,
    async collect() {
      const counts = await openDeficiencyCounts(ctx).catch(() => undefined);
      this.reset();
      if (counts) for (const [severity, n] of Object.entries(counts)) this.set({ regime, severity }, n);
    },
  });
  kit.metrics.gauge({
    name: 'compliance_sox_certifications_overdue',
    help: 's.302 certifications past their due date and not yet attested by every named officer',
    labelNames: ['regime'] as const,
    async collect() {
      const n = await ctx.prisma.soxCertification
        .count({ where: overdueCertificationsWhere(ctx.now()) })
        .catch(() => undefined);
      this.reset();
      if (n !== undefined) this.set({ regime }, n);
    },
  });
}
