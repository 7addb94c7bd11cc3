import { fileURLToPath } from 'node:url';
import { openPrismaDatabase, type PrismaDatabase } from '@azora/compliance-core';
import { PrismaClient } from './generated/prisma/client.ts';

export { Prisma, type PrismaClient } from './generated/prisma/client.ts';

/** This service's migrations (Prisma's layout), beside `src/` and `dist/`. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export type Database = PrismaDatabase<PrismaClient>;

/** One pool, shared by Prisma (its pg driver adapter) and the raw queries (migrations, health). */
export function openDatabase(options: { url: string; max?: number }): Database {
  return openPrismaDatabase((adapter) => new PrismaClient({ adapter }), options);
}
