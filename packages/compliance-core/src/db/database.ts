import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient } from '../generated/prisma/client.ts';
export { Prisma } from '../generated/prisma/client.ts';

export interface Database {
  /** Raw connections: migrations, health checks, the audit chain's lock. */
  readonly pool: pg.Pool;
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * One pool shared by Prisma (through its pg driver adapter) and the raw queries. `max` 1 for
 * the embedded PGlite of `pnpm dev`: its socket server runs every connection in one
 * session, so two transactions on two connections would interleave there.
 */
export function openDatabase(options: { url: string; max?: number }): Database {
  const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle connection that dies (Postgres restarted) must not crash the process.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
