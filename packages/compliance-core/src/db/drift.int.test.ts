// The schema (prisma/schema/*.prisma) and the migrations must describe the same database.
// Database A gets the migrations; database B gets the SQL Prisma's schema engine writes
// for the schema; their catalogs must match, table by table, column by column.
import { readdir, readFile } from 'node:fs/promises';
import { createTestDatabase, type TestDatabase } from '@azora/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError, migrate, pendingMigrations, readMigrations } from './migrate.ts';
import { sqlForSchema } from './schema-engine.ts';

const SCHEMA_DIR = new URL('../../prisma/schema/', import.meta.url);

async function schemaFiles() {
  const names = (await readdir(SCHEMA_DIR)).filter((name) => name.endsWith('.prisma')).sort();
  return Promise.all(
    names.map(async (name) => ({ path: name, content: await readFile(new URL(name, SCHEMA_DIR), 'utf8') })),
  );
}

/** What the application sees of a database: columns, constraints and indexes (not the migrations table). */
async function catalog(pool: pg.Pool) {
  const query = async (sql: string) => (await pool.query(sql)).rows.map((row) => Object.values(row).join(' | '));
  return {
    columns: await query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, datetime_precision
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`),
    constraints: await query(`
      SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
      FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '"_prisma_migrations"'
        AND conrelid::regclass::text <> '_prisma_migrations'
      ORDER BY 1, 2`),
    indexes: await query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
      ORDER BY tablename, indexname`),
  };
}

describe('schema and migrations', () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;
  let migratedPool: pg.Pool;
  let schemaPool: pg.Pool;

  beforeAll(async () => {
    [migrated, fromSchema] = await Promise.all([createTestDatabase('drift_a'), createTestDatabase('drift_b')]);
    migratedPool = migrated.pool(2);
    schemaPool = fromSchema.pool(2);
  });
  afterAll(async () => {
    await Promise.all([migratedPool?.end(), schemaPool?.end()]);
    await Promise.all([migrated?.drop(), fromSchema?.drop()]);
  });

  it('describe the same tables, columns, constraints and indexes', async () => {
    expect(await migrate(migratedPool)).toEqual((await readMigrations()).map((m) => m.name));
    const sql = await sqlForSchema(await schemaFiles(), fromSchema.url);
    await schemaPool.query(sql);
    const [a, b] = await Promise.all([catalog(migratedPool), catalog(schemaPool)]);
    expect(a.columns.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });

  it('applies each migration once, records it as Prisma does, and refuses an edited one', async () => {
    expect(await migrate(migratedPool)).toEqual([]);
    expect(await pendingMigrations(migratedPool)).toEqual([]);
    const { rows } = await migratedPool.query(
      'SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const migrations = await readMigrations();
    expect(rows).toEqual(
      migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, applied_steps_count: 1 })),
    );
    const first = migrations[0]?.name;
    await migratedPool.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64) WHERE migration_name = $1`, [
      first,
    ]);
    await expect(migrate(migratedPool)).rejects.toThrow(MigrationError);
    await expect(migrate(migratedPool)).rejects.toThrow(/was edited after it was applied/);
  });

  it('lets two processes migrate one database at once, applying each migration once', async () => {
    const db = await createTestDatabase('drift_race');
    const pools = [0, 1].map(() => db.pool());
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(results.flat().sort()).toEqual((await readMigrations()).map((m) => m.name));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await db.drop();
    }
  });
});
