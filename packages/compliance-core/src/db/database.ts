import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient } from '../generated/prisma/client.ts';
export { Prisma } from '../generated/prisma/client.ts';

/** A Postgres pool and a Prisma client of any generated schema on it. */
export interface PrismaDatabase<Client> {
  /** Raw connections: migrations, health checks, locks. */
  readonly pool: pg.Pool;
  readonly prisma: Client;
  close(): Promise<void>;
}

/** The jurisdiction services' database: the core's own Prisma schema. */
export type Database = PrismaDatabase<PrismaClient>;

/**
 * One pool shared by Prisma (through its pg driver adapter, given to `createClient`) and
 * the raw queries; each service passes the client generated from its own schema. `max` 1
 * for the embedded PGlite of `pnpm dev`: its socket server runs every connection in one
 * session, so two transactions on two connections would interleave there.
 */
export function openPrismaDatabase<Client extends { $disconnect(): Promise<void> }>(
  createClient: (adapter: PrismaPg) => Client,
  options: { url: string; max?: number; connectionTimeoutMs?: number },
): PrismaDatabase<Client> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    // How long a query waits for a free connection (a burst of requests queues here).
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
  });
  // An idle connection that dies (Postgres restarted) must not crash the process.
  pool.on('error', () => {});
  const prisma = createClient(new PrismaPg(pool));
  return {
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function openDatabase(options: { url: string; max?: number }): Database {
  return openPrismaDatabase((adapter) => new PrismaClient({ adapter }), options);
}
