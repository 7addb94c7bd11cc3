// A jurisdiction service on a database of its own, with a clock the test moves and one API
// key per role: what the integration tests of compliance-core and the three services share.
import { randomBytes } from 'node:crypto';
import { createAuth, createLogger, parseApiKeys } from '@azora/service-kit';
import { createTestDatabase, startNodeProcess, type TestDatabase } from '@azora/testing';
import { regimeExtension } from '../extensions/index.ts';
import { parseKeyring } from '../identity/keys.ts';
import { rulePack } from '../regimes/index.ts';
import type { Regime, RulePack } from '../regimes/types.ts';
import { type ComplianceService, createComplianceService } from '../service/app.ts';
import type { ComplianceExtension } from '../service/extension.ts';

export const KEYS = {
  dpo: 'dpo-key-0123456789abcdefghij',
  operator: 'operator-key-0123456789abcdefghij',
  auditor: 'auditor-key-0123456789abcdefghij',
} as const;
export type Role = keyof typeof KEYS;

export interface TestService {
  service: ComplianceService;
  db: TestDatabase;
  prefix: string;
  /** The service's clock: tests set it. */
  clock: { now: Date };
  as: (role: Role) => Record<string, string>;
  close: () => Promise<void>;
}

export async function startTestService(
  regime: Regime,
  options: {
    now: Date;
    databaseUrl?: string;
    poolMax?: number;
    demoSeed?: boolean;
    /** More keys, `subject:role:key` (an extension's roles); KEYS' roles are always there. */
    apiKeys?: string[];
    /** In place of the regime's own rule pack and extension (tests of the core's hooks). */
    pack?: RulePack;
    extension?: ComplianceExtension;
  },
): Promise<TestService> {
  const name = `${regime}-compliance`;
  const db = await createTestDatabase(`cc_${regime}`);
  const clock = { now: options.now };
  const service = createComplianceService({
    name,
    version: '0.0.0-test',
    pack: options.pack ?? rulePack(regime),
    extension: options.extension ?? regimeExtension(regime),
    databaseUrl: options.databaseUrl ?? db.url,
    databasePoolMax: options.poolMax,
    identity: {
      hashKey: randomBytes(32),
      keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
    },
    auth: createAuth({
      apiKeys: parseApiKeys(
        [...Object.entries(KEYS).map(([role, key]) => `${role}-1:${role}:${key}`), ...(options.apiKeys ?? [])].join(
          ',',
        ),
      ),
    }),
    logger: createLogger(name, 'silent'),
    demoSeed: options.demoSeed,
    metricsRefreshMs: 0,
    now: () => clock.now,
  });
  await service.start();
  // On a loaded machine migrating (PGlite above all) can outlast start()'s wait.
  await service.ready();
  return {
    service,
    db,
    prefix: `/api/${name}`,
    clock,
    as: (role) => ({ 'x-api-key': KEYS[role] }),
    close: async () => {
      for (const resource of [...service.resources].reverse()) await resource.close();
      await db.drop();
    },
  };
}

/**
 * A service's real entry point (`src/main.ts`) in its own process, on a new database, with
 * one API key per role (the core's, and `roles` of its extension): what each service's own
 * test starts, to check its wiring.
 */
export async function startServiceProcess(
  entry: string,
  env: Record<string, string> = {},
  roles: readonly string[] = [],
) {
  // A role may be several, `a|b`: one caller holding both (a key's subject names its roles).
  const subjectOf = (role: string) => role.replaceAll(/[_|]/g, '-');
  const keys: Record<string, string> = { ...KEYS };
  for (const role of roles) keys[role] = `${subjectOf(role)}-key-${randomBytes(16).toString('hex')}`;
  const db = await createTestDatabase('cc_main');
  try {
    const child = await startNodeProcess({
      entry,
      readyPath: '/health/ready',
      env: {
        DATABASE_URL: db.url,
        IDENTIFIER_HASH_KEY: randomBytes(32).toString('base64'),
        ENCRYPTION_KEYS: `2026a:${randomBytes(32).toString('base64')}`,
        API_KEYS: Object.entries(keys)
          .map(([role, key]) => `${subjectOf(role)}-1:${role}:${key}`)
          .join(','),
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
    return {
      ...child,
      db,
      as: (role: Role | (string & {})) => {
        const key = keys[role];
        if (!key) throw new Error(`no key for role "${role}": pass it in startServiceProcess's roles`);
        return { 'x-api-key': key };
      },
      stop: async () => {
        await child.stop();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
