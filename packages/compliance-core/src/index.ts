/**
 * What the seven jurisdiction services share. This stop holds the pure parts: subject
 * identifiers hashed for lookup and sealed at rest (identity/), the audit log's hash chain
 * (audit/), statutory deadlines (deadlines/) and the PII scanner (pii/). The Postgres
 * layer (Prisma schema and migrations) comes with the services that store them.
 */
export * from './audit/index.ts';
export * from './identity/index.ts';
export * from './pii/index.ts';
