// HIPAA's extension of the shared service: PHI records under the minimum necessary rule, the
// access accounting, disclosures and business associate agreements (see routes.ts).
import type { Logger } from '@azora/service-kit';
import { PHI_TYPES, scanPhi } from '../../pii/phi.ts';
import type { ComplianceExtension } from '../../service/extension.ts';
import { createBreach } from '../../store/breaches.ts';
import type { StoreContext } from '../../store/context.ts';
import { baaReviewsCurrent, createAssociate } from './associates.ts';
import { createPhiRecord, readPhiRecord, recordDisclosure } from './phi.ts';
import { HIPAA_ROLES } from './policy.ts';
import { hipaaRoutes } from './routes.ts';

const DAY = 86_400_000;
const ACTOR = 'demo-seed';

/** Three patients, reads by a clinician and by billing, a disclosure, two BAAs (one overdue), a breach. */
async function seed(ctx: StoreContext, logger: Logger) {
  const now = ctx.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY);
  const inDays = (days: number) => new Date(now + days * DAY);
  const maria = await createPhiRecord(
    ctx,
    ACTOR,
    { kind: 'customer_id', value: 'MRN100234' },
    {
      name: 'Maria Alvarez',
      dateOfBirth: '1978-04-12',
      address: { line1: '214 W 96th St', city: 'New York', state: 'NY', postalCode: '10025' },
      phone: '+1 212 555 0143',
      medicalRecordNumber: 'MRN100234',
      healthPlanNumber: 'EMP-4471-0092',
      diagnoses: [{ code: 'E11.9', description: 'Type 2 diabetes mellitus without complications' }],
      medications: ['metformin 500 mg twice daily'],
      clinicalNotes: 'HbA1c 7.1%. Continue metformin; dietary counselling booked.',
      billingCodes: ['99214', '83036'],
      insurance: { payer: 'Empire Health Plan', memberId: 'EHP889120', groupNumber: 'G-2231' },
      appointments: [{ at: inDays(14).toISOString(), department: 'Endocrinology', with: 'Dr. Chen' }],
    },
  );
  const james = await createPhiRecord(
    ctx,
    ACTOR,
    { kind: 'customer_id', value: 'MRN100871' },
    {
      name: 'James Okafor',
      dateOfBirth: '1990-11-02',
      address: { line1: '88 Pine St', city: 'Newark', state: 'NJ', postalCode: '07102' },
      phone: '+1 973 555 0178',
      diagnoses: [{ code: 'J45.40', description: 'Moderate persistent asthma' }],
      medications: ['budesonide/formoterol inhaler'],
      billingCodes: ['99213'],
      insurance: { payer: 'Garden State Health', memberId: 'GSH22810' },
      appointments: [{ at: inDays(3).toISOString(), department: 'Pulmonology' }],
    },
  );
  await createPhiRecord(
    ctx,
    ACTOR,
    { kind: 'customer_id', value: 'MRN101502' },
    {
      name: 'Linda Park',
      dateOfBirth: '1956-01-30',
      phone: '+1 718 555 0190',
      diagnoses: [{ code: 'I10', description: 'Essential hypertension' }],
      medications: ['lisinopril 10 mg daily'],
      appointments: [{ at: inDays(30).toISOString(), department: 'Cardiology' }],
    },
  );
  await readPhiRecord(ctx, { subject: 'dr-chen', roles: ['clinician'] }, maria.id, 'treatment');
  await readPhiRecord(ctx, { subject: 'billing-office', roles: ['billing'] }, maria.id, 'payment');
  await readPhiRecord(ctx, { subject: 'billing-office', roles: ['billing'] }, james.id, 'payment');
  await recordDisclosure(ctx, { subject: 'dr-chen', roles: ['clinician'] }, 'clinician', james.id, {
    recipient: 'New Jersey Department of Health (immunization registry)',
    purpose: 'public_health',
    description: 'Influenza vaccination reported to the state registry',
    fields: ['name', 'dateOfBirth', 'address'],
  });
  await createAssociate(ctx, ACTOR, {
    name: 'MedBill Claims Processing LLC',
    services: ['claims submission', 'payment posting'],
    phiCategories: ['demographics', 'insurance', 'billing codes', 'diagnosis codes'],
    signedAt: ago(400),
    reviewDueAt: inDays(200),
  });
  await createAssociate(ctx, ACTOR, {
    name: 'CloudChart EHR Hosting Inc.',
    services: ['EHR hosting', 'backups'],
    phiCategories: ['full medical record'],
    signedAt: ago(800),
    reviewDueAt: ago(35), // review overdue: the baa_reviews_current control fails
  });
  await createBreach(ctx, ACTOR, {
    title: 'Misdirected patient statements (mailing vendor error)',
    description: 'Statements for 700 patients were mailed to wrong addresses by the print vendor.',
    detectedAt: ago(12),
    categories: ['name', 'address', 'billing codes'],
    affectedCount: 700,
    risk: 'medium',
    details: { residentsByState: { NY: 620, NJ: 80 } },
  });
  logger.info('HIPAA demo data seeded: 3 patients, PHI reads, a disclosure, 2 BAAs (one overdue), a breach');
}

export const HIPAA_EXTENSION: ComplianceExtension = {
  roles: HIPAA_ROLES,
  routes: hipaaRoutes,
  checks: { baa_reviews_current: baaReviewsCurrent },
  scanner: (text) => scanPhi(text),
  scannerTypes: PHI_TYPES,
  seed,
};
