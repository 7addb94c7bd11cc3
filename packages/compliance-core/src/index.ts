/**
 * What the seven jurisdiction services share: the privacy-rights store on Postgres (db/,
 * store/), the HTTP service built on it (service/), the regimes' rule packs and statutory
 * deadlines (regimes/, deadlines/), subject identifiers hashed and sealed (identity/), the
 * audit log's hash chain (audit/) and the PII scanner (pii/).
 */
export * from './audit/index.ts';
export { type Database, openDatabase, openPrismaDatabase, type PrismaDatabase } from './db/database.ts';
export { MIGRATIONS_DIR, MigrationError, migrate, pendingMigrations, readMigrations } from './db/migrate.ts';
export * from './deadlines/index.ts';
export { EXTENSIONS, regimeExtension } from './extensions/index.ts';
export * from './identity/index.ts';
export * from './pii/index.ts';
export * from './regimes/index.ts';
export {
  type ComplianceOptions,
  type ComplianceService,
  createComplianceService,
  isDatabaseUnavailable,
} from './service/app.ts';
export { COMPLIANCE_DEFAULTS, complianceConfigShape, defaultDatabaseUrl } from './service/config.ts';
export type { ComplianceExtension, ExtensionKit } from './service/extension.ts';
export { runComplianceService } from './service/main.ts';
export { type ControlCheck, type StoreContext, StoreError, write } from './store/context.ts';
