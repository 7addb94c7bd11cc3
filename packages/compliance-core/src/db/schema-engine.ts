// Prisma's schema engine, compiled to wasm (@prisma/schema-engine-wasm), used offline to turn
// prisma/schema/*.prisma into the SQL that creates it: the migrations' drift test compares that SQL's
// result with the migrations' result. The package's own entry does `import "*.wasm"`, which
// Node cannot; so the module is instantiated here by hand and handed to its JS glue.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
};

// The project's lib (es2024, no DOM) does not declare WebAssembly; Node has it.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
  };
};

let loading: Promise<Glue> | undefined;

function loadEngine(): Promise<Glue> {
  loading ??= (async () => {
    const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Glue;
    // The .wasm file sits beside the glue module.
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return loading;
}

/** The SQL script that creates the schema (its .prisma files: path and text) on an empty Postgres database. */
export async function sqlForSchema(
  schema: readonly { path: string; content: string }[],
  databaseUrl: string,
): Promise<string> {
  const { SchemaEngine } = await loadEngine();
  const files = schema.map(({ path, content }) => ({ path, content }));
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const datamodels = files.map(({ path, content }) => [path, content] as [string, string]);
  const engine = await SchemaEngine.new({ datamodels }, () => {}, adapter);
  const result = await engine.diff({
    from: { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files },
    script: true,
    shadowDatabaseUrl: null,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  } as Parameters<typeof engine.diff>[0]);
  if (typeof result.stdout !== 'string') throw new Error('the schema engine returned no script');
  return result.stdout;
}
