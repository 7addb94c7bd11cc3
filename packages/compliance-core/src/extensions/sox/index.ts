// SOX's extension of the shared service: internal controls with their tests and deficiencies,
// change management under segregation of duties, s.302 certifications, whistle-blower reports
// for the audit committee and audit evidence kept seven years (see routes.ts).
import type { Logger } from '@azora/service-kit';
import { lastEndedQuarter } from '../../regimes/sox.ts';
import type { ComplianceExtension } from '../../service/extension.ts';
import { attestControl } from '../../store/assessment.ts';
import type { StoreContext } from '../../store/context.ts';
import { SOX_CHECKS } from './checks.ts';
import { SOX_ROLES, soxRoutes } from './routes.ts';
import {
  addEvidence,
  attestCertification,
  changeStep,
  createCertification,
  createControl,
  createDeficiency,
  fileReport,
  recordTest,
  requestChange,
} from './store.ts';

const DAY = 86_400_000;
const OWNER = 'controller-1';

/**
 * Four controls (preventive, detective, corrective), tests with one failure, a deficiency and a
 * significant deficiency, changes in every state, last quarter's certification attested by the
 * CFO but not yet the CEO (so overdue once its day has passed), a whistle-blower report, evidence
 * and the two manual controls attested.
 */
async function seed(ctx: StoreContext, logger: Logger) {
  const now = ctx.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY);
  const access = await createControl(ctx, OWNER, {
    key: 'ITGC-01',
    title: 'Quarterly user access review of the general ledger',
    description: 'Each quarter the IT manager reviews every user with posting rights in the ERP and revokes leavers.',
    type: 'detective',
    owner: 'IT manager',
    frequency: 'quarterly',
    assertion: 'existence',
    account: 'General ledger',
  });
  const journal = await createControl(ctx, OWNER, {
    key: 'FR-02',
    title: 'Manual journal entries above $50,000 approved before posting',
    description: 'The ERP holds manual entries above $50,000 until a second accountant approves them.',
    type: 'preventive',
    owner: 'Assistant controller',
    frequency: 'per_event',
    assertion: 'accuracy',
    account: 'Journal entries',
  });
  const reconciliation = await createControl(ctx, OWNER, {
    key: 'FR-05',
    title: 'Monthly bank reconciliation reviewed by the controller',
    description: 'Treasury reconciles each bank account monthly; the controller reviews and signs the reconciliation.',
    type: 'detective',
    owner: 'Controller',
    frequency: 'monthly',
    assertion: 'completeness',
    account: 'Cash',
  });
  const reversal = await createControl(ctx, OWNER, {
    key: 'FR-09',
    title: 'Erroneous postings reversed and re-posted within five business days',
    description:
      'Errors found by the reconciliations are reversed, corrected and re-posted with the controller’s sign-off.',
    type: 'corrective',
    owner: 'Controller',
    frequency: 'monthly',
    account: 'General ledger',
  });
  const listing = await addEvidence(ctx, OWNER, {
    title: 'ERP user listing with posting rights, Q3 review',
    kind: 'access_review',
    content: Buffer.from(
      'user,role,reviewed\nakim,AP clerk,kept\nbella,GL accountant,kept\ncarl,former AR clerk,revoked\n',
    ),
    collectedAt: ago(60),
    controlId: access.id,
  });
  await recordTest(ctx, 'internal-audit-1', access.id, {
    testedAt: ago(55),
    sampleSize: 25,
    exceptions: 0,
    result: 'effective',
    notes: 'All 25 sampled users had a documented business need.',
    evidenceIds: [listing.id],
  });
  await recordTest(ctx, 'internal-audit-1', journal.id, {
    testedAt: ago(40),
    sampleSize: 40,
    exceptions: 3,
    result: 'ineffective',
    notes: 'Three entries above $50,000 were posted by the preparer without a second approval.',
    deficiency: {
      severity: 'significant_deficiency',
      description: 'The approval hold can be overridden by the preparer; three entries totalling $412,000 bypassed it.',
    },
  });
  await recordTest(ctx, 'internal-audit-1', reconciliation.id, {
    testedAt: ago(20),
    sampleSize: 12,
    exceptions: 1,
    result: 'ineffective',
    notes: 'The September reconciliation of the payroll account was signed two weeks late.',
    deficiency: { severity: 'deficiency', description: 'One monthly reconciliation was reviewed late.' },
  });
  await createDeficiency(ctx, OWNER, {
    controlId: reversal.id,
    severity: 'deficiency',
    description: 'Two reversals in October lacked the controller’s sign-off.',
    identifiedAt: ago(15),
  });
  await addEvidence(ctx, OWNER, {
    title: 'September bank reconciliation, payroll account (signed)',
    kind: 'reconciliation',
    externalRef: 's3://finance-evidence/2026/09/payroll-bank-rec.pdf',
    sha256: '6f1c0a3b9d2e4f5a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c',
    collectedAt: ago(20),
    controlId: reconciliation.id,
  });

  const change = (title: string, system: string, risk: 'low' | 'medium' | 'high', description: string) =>
    requestChange(ctx, 'dev-alice', { title, system, risk, description });
  await change('Add a cost-centre field to AP invoices', 'ERP', 'low', 'New optional field on the invoice form.');
  const approved = await change(
    'Raise the journal approval threshold check to every currency',
    'ERP',
    'medium',
    'The $50,000 hold applies to USD only; convert other currencies first.',
  );
  await changeStep(ctx, 'cab-bob', approved.id, 'approve', 'Approved by the change advisory board.');
  const rejected = await change(
    'Give developers write access to the production ledger database',
    'ERP database',
    'high',
    'To speed up data fixes.',
  );
  await changeStep(ctx, 'cab-bob', rejected.id, 'reject', 'Conflicts with segregation of duties; use the fix process.');
  const deployed = await change(
    'Remove the preparer override of the approval hold',
    'ERP',
    'high',
    'Remediation of the FR-02 significant deficiency.',
  );
  await changeStep(ctx, 'cab-bob', deployed.id, 'approve', 'Approved: remediation.');
  await changeStep(ctx, 'ops-dave', deployed.id, 'deploy', 'Released in the 2026.11 maintenance window.');

  const { quarter, periodEnd } = lastEndedQuarter(ctx.now());
  const certification = await createCertification(ctx, 'demo-seed', {
    quarter,
    periodEnd,
    officers: [
      { subject: 'ceo-1', title: 'Chief Executive Officer' },
      { subject: 'cfo-1', title: 'Chief Financial Officer' },
    ],
  });
  await attestCertification(
    ctx,
    'cfo-1',
    certification.id,
    `I have reviewed the report for ${quarter}; it contains no untrue statement of a material fact, and I have disclosed the significant deficiency in FR-02 to the auditors and the audit committee.`,
  );
  await fileReport(ctx, 'employee-7', {
    category: 'accounting',
    description: 'Revenue on two December contracts was booked before delivery to meet the quarterly target.',
    anonymous: true,
  });
  // The manual controls, attested as the core's demo data does for the privacy regimes (which SOX's has none of).
  await attestControl(ctx, 'demo-seed', 's404_management_assessment', {
    status: 'pass',
    evidence: 'demo: FY2025 management assessment of ICFR signed; the auditor concurred',
  });
  await attestControl(ctx, 'demo-seed', 'whistleblower_procedures', {
    status: 'pass',
    evidence: 'demo: audit committee charter s.4 sets the complaint procedure; the hotline is run by a third party',
  });
  logger.info(
    `SOX demo data seeded: 4 controls, 3 tests (2 failed), 3 deficiencies, 4 changes, the ${quarter} certification (CFO attested), a whistle-blower report, evidence`,
  );
}

export const SOX_EXTENSION: ComplianceExtension = {
  roles: SOX_ROLES,
  routes: soxRoutes,
  checks: SOX_CHECKS,
  seed,
};
