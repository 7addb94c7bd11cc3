// The service's Postgres: one pg pool shared by Prisma (through its pg driver adapter) and the
// migrations (@azora/compliance-core's openPrismaDatabase); and what the store makes of
// Postgres's refusals.
import { fileURLToPath } from 'node:url';
import { openPrismaDatabase, type PrismaDatabase } from '@azora/compliance-core';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma, type PrismaClient } from './generated/prisma/client.ts';

/** The migrations shipped with the service (beside `src/` and `dist/`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export type Database = PrismaDatabase<PrismaClient>;

/**
 * `max` 1 for the embedded PGlite of `pnpm dev` (its socket server runs every connection in
 * one session); a burst of admissions waits up to `connectionTimeoutMs` (10 s) for a connection.
 */
export function openDatabase(options: { url: string; max?: number; connectionTimeoutMs?: number }): Database {
  return openPrismaDatabase((adapter) => new PrismaClient({ adapter }), {
    ...options,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 10_000,
  });
}

/**
 * A change the store refuses: 404 something named does not exist, 409 it conflicts with what
 * exists (a duplicate, something still in use), 422 the request contradicts the stored data.
 */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly status: 404 | 409 | 422;
  constructor(status: 404 | 409 | 422, message: string) {
    super(message);
    this.status = status;
  }
}

/** The SQLSTATE of a Postgres error, through Prisma's and the driver adapter's wrapping. */
export function postgresCode(error: unknown): string | undefined {
  type Failure = { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop() as Failure | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    // Prisma's own codes (P2002…) look like SQLSTATEs but are not.
    for (const code of [e.originalCode, e.code]) {
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code)) return code;
    }
    pending.push(e.cause, e.meta?.driverAdapterError);
  }
  return undefined;
}

/** A unique index refused a duplicate (Prisma P2002, Postgres 23505). */
export const isUniqueViolation = (error: unknown) =>
  (error as { code?: unknown })?.code === 'P2002' || postgresCode(error) === '23505';

/** A foreign key refused the change: the row is still referenced (Prisma P2003, Postgres 23503). */
export const isForeignKeyViolation = (error: unknown) =>
  (error as { code?: unknown })?.code === 'P2003' || postgresCode(error) === '23503';

/** A CHECK constraint refused the change (Postgres 23514): a maximum lowered below what is in use. */
export const isCheckViolation = (error: unknown) => postgresCode(error) === '23514';
