// The schema (prisma/schema/iot.prisma) and the migrations must describe the same database:
// database A gets the migrations, database B the SQL Prisma's schema engine writes for the
// schema; their catalogs must match, table by table, column by column.
import { readdir, readFile } from 'node:fs/promises';
import { migrate } from '@azora/compliance-core';
import { sqlForSchema } from '@azora/compliance-core/schema-engine';
import { createTestDatabase } from '@azora/testing';
import type pg from 'pg';
import { expect, it } from 'vitest';
import { MIGRATIONS_DIR } from './db.ts';

const SCHEMA_DIR = new URL('../prisma/schema/', import.meta.url);

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
      WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')
      ORDER BY 1, 2`),
    indexes: await query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
      ORDER BY tablename, indexname`),
  };
}

it('the schema and the migrations describe the same tables, columns, constraints and indexes', async () => {
  const [migrated, fromSchema] = await Promise.all([
    createTestDatabase('iot_drift_a'),
    createTestDatabase('iot_drift_b'),
  ]);
  try {
    const [a, b] = [migrated.pool(2), fromSchema.pool(2)];
    await migrate(a, MIGRATIONS_DIR);
    const names = (await readdir(SCHEMA_DIR)).filter((name) => name.endsWith('.prisma')).sort();
    const files = await Promise.all(
      names.map(async (name) => ({ path: name, content: await readFile(new URL(name, SCHEMA_DIR), 'utf8') })),
    );
    await b.query(await sqlForSchema(files, fromSchema.url));
    const [left, right] = await Promise.all([catalog(a), catalog(b)]);
    expect(left.columns.length).toBeGreaterThan(30);
    expect(left).toEqual(right);
  } finally {
    await Promise.all([migrated.drop(), fromSchema.drop()]);
  }
});
