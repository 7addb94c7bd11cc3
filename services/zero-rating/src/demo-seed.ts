// DEMO_SEED: two South African mobile operators and zero-rating rules for education sites,
// validated by the API's own schemas and written through the store, so the demo behaves
// exactly as data entered through the API would. The operators' MCC-MNC codes and number
// ranges are the public ones (082/072/076/079 are Vodacom's, 081 is Telkom Mobile's); the
// address blocks are taken to be the operators' AFRINIC allocations (41.0.0.0/11 Vodacom,
// 105.224.0.0/11 Telkom) — check them in AFRINIC WHOIS before relying on them outside a
// demo: allocations move, and this machine cannot reach WHOIS to confirm them.
import type { Logger } from '@azora/service-kit';
import type { Operator } from './classifier.ts';
import { OperatorBody, RuleBody, toRule } from './schemas.ts';
import type { Store } from './store.ts';

export const DEMO_OPERATORS = {
  vodacom: {
    name: 'Vodacom South Africa',
    country: 'ZA',
    mccMnc: '65501',
    prefixes: ['41.0.0.0/11', '2c0f:f000::/24'],
    msisdnPrefixes: ['2782', '2772', '2776', '2779'],
  },
  'telkom-mobile': {
    name: 'Telkom Mobile',
    country: 'ZA',
    mccMnc: '65502',
    prefixes: ['105.224.0.0/11'],
    msisdnPrefixes: ['2781'],
  },
} as const;

export const DEMO_RULES = {
  'vodacom-universities': {
    operator: 'vodacom',
    ratingGroup: 100,
    // Every public university's site sits under ac.za.
    hosts: ['*.ac.za'],
  },
  'vodacom-school-learning': {
    operator: 'vodacom',
    ratingGroup: 101,
    hosts: ['www.siyavula.com', '*.siyavula.com', 'www.education.gov.za', 'www.nsfas.org.za'],
  },
  'vodacom-wikipedia': {
    operator: 'vodacom',
    ratingGroup: 102,
    hosts: ['*.wikipedia.org'],
    // 2 GiB a month per subscriber, then charged.
    monthlyQuotaBytes: 2 * 1024 ** 3,
  },
  'telkom-universities': {
    operator: 'telkom-mobile',
    ratingGroup: 200,
    hosts: ['*.ac.za'],
  },
  'telkom-khan-academy': {
    operator: 'telkom-mobile',
    ratingGroup: 201,
    hosts: ['www.khanacademy.org', '*.khanacademy.org'],
    monthlyQuotaBytes: 1024 ** 3,
  },
  'telkom-gov-education': {
    operator: 'telkom-mobile',
    ratingGroup: 202,
    // Only the education pages of the government portal.
    hosts: ['www.gov.za'],
    pathPrefixes: ['/about-sa/education'],
  },
} as const;

/** Seeds when the store has no operators; true when this call seeded. */
export async function seedDemoData(store: Store, logger: Logger): Promise<boolean> {
  if ((await store.snapshot()).operators.length > 0) return false;
  // Two replicas starting together: only one seeds.
  if (!(await store.claim('demo:seeded', new Date().toISOString()))) return false;
  const updatedAt = new Date().toISOString();
  for (const [id, body] of Object.entries(DEMO_OPERATORS)) {
    const operator: Operator = { id, ...OperatorBody.parse(body), updatedAt };
    await store.putOperator(operator);
  }
  for (const [id, body] of Object.entries(DEMO_RULES)) {
    await store.putRule(toRule(id, RuleBody.parse(body), updatedAt));
  }
  logger.info(
    { operators: Object.keys(DEMO_OPERATORS).length, rules: Object.keys(DEMO_RULES).length },
    'demo operators and rules seeded',
  );
  return true;
}
