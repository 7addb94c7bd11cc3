import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server test databases are created on; `TEST_DATABASE_URL` overrides. */
export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  name: string;
  /** Connection string for the new, empty database. */
  url: string;
  /**
   * A pool of raw connections to the database, for what a test reads or tampers with
   * behind the service's back. Its connections' errors are ignored: `drop` ends the pool,
   * but pg closes sockets after `end()` resolves, and the drop terminates what is left.
   */
  pool: (max?: number) => pg.Pool;
  /** Drops the database (ending its pools, terminating any connections left open). */
  drop: () => Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database of its own for one test file on the real Postgres server,
 * so test files never see each other's rows. Call `drop` in `afterAll`.
 */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const safePrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `${safePrefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const pools: pg.Pool[] = [];
  return {
    name,
    url: url.toString(),
    pool: (max = 1) => {
      const pool = new pg.Pool({ connectionString: url.toString(), max });
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    drop: async () => {
      await Promise.all(pools.filter((pool) => !pool.ending).map((pool) => pool.end()));
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
