// The schema (prisma/schema/*.prisma) and the migrations must describe the same database.
// Database A gets the migrations; database B gets the SQL Prisma's schema engine writes for the
// schema; their catalogs must match, table by table, column by column — except the CHECK
// constraints, which only the migrations can add (Prisma's schema language has none).
import { readdir, readFile } from 'node:fs/promises';
import { migrate, pendingMigrations, readMigrations } from '@azora/compliance-core';
import { sqlForSchema } from '@azora/compliance-core/schema-engine';
import { createTestDatabase, type TestDatabase } from '@azora/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from './db.ts';

const SCHEMA_DIR = new URL('../prisma/schema/', import.meta.url);

async function schemaFiles() {
  const names = (await readdir(SCHEMA_DIR)).filter((name) => name.endsWith('.prisma')).sort();
  return Promise.all(
    names.map(async (name) => ({ path: name, content: await readFile(new URL(name, SCHEMA_DIR), 'utf8') })),
  );
}

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
      WHERE connamespace = 'public'::regnamespace AND contype <> 'c'
        AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')
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
    [migrated, fromSchema] = await Promise.all([
      createTestDatabase('fiveg_drift_a'),
      createTestDatabase('fiveg_drift_b'),
    ]);
    migratedPool = migrated.pool(2);
    schemaPool = fromSchema.pool(2);
  });
  afterAll(async () => {
    await Promise.all([migratedPool?.end(), schemaPool?.end()]);
    await Promise.all([migrated?.drop(), fromSchema?.drop()]);
  });

  it('describe the same tables, columns, constraints and indexes', async () => {
    expect(await migrate(migratedPool, MIGRATIONS_DIR)).toEqual(
      (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name),
    );
    expect(await pendingMigrations(migratedPool, MIGRATIONS_DIR)).toEqual([]);
    await schemaPool.query(await sqlForSchema(await schemaFiles(), fromSchema.url));
    const [a, b] = await Promise.all([catalog(migratedPool), catalog(schemaPool)]);
    expect(a.columns.length).toBeGreaterThan(60);
    expect(a).toEqual(b);
  });

  it('adds the capacity CHECK constraints the schema cannot express', async () => {
    const { rows } = await migratedPool.query(
      `SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = 'c' ORDER BY conname`,
    );
    expect(rows.map((row) => row.conname)).toEqual([
      'cells_sessions_within_capacity',
      'slices_bitrate_within_guarantee',
      'slices_limits_positive',
      'slices_sessions_within_capacity',
    ]);
    // The last line of defence: even a bare UPDATE cannot overfill a slice.
    await migratedPool.query(`INSERT INTO operators (id, name, mcc, mnc) VALUES (gen_random_uuid(), 'x', '001', '01')`);
    await migratedPool.query(
      `INSERT INTO slices (id, operator_id, sst, snssai, name, guaranteed_bitrate_kbps, max_bitrate_kbps, max_sessions, latency_budget_ms, updated_at)
       SELECT gen_random_uuid(), id, 1, '1', 's', 10, 10, 1, 5, now() FROM operators`,
    );
    await expect(migratedPool.query('UPDATE slices SET active_sessions = 2')).rejects.toThrow(
      /slices_sessions_within_capacity/,
    );
  });
});
