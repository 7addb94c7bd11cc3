/**
 * Postgres: one logical dump per database with `pg_dump --format=custom` (Debian's
 * postgresql-client 15, the server's major version), restored with `pg_restore --clean
 * --if-exists --single-transaction`: the dumped tables are dropped and recreated with the
 * snapshot's rows in one transaction — all of it or, on any error, nothing. Objects created
 * after the snapshot that it does not contain are left alone.
 */
import { execFile } from 'node:child_process';
import pg from 'pg';
import type { Draft, Manifest } from '../store.ts';
import { type SnapshotResult, type Source, SourceError } from './source.ts';

const FILE = 'database.dump';

export interface PostgresSourceOptions {
  /** POSTGRES_URL: the server, with credentials; its database path is ignored. */
  url: string;
  pgDump?: string;
  pgRestore?: string;
  timeoutMs: number;
}

interface Connection {
  /** A libpq URI without the password. */
  uri: string;
  env: NodeJS.ProcessEnv;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, timeout: timeoutMs, signal, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new SourceError(`${command} is not installed (install postgresql-client 15, or set its path)`));
        }
        const detail = stderr.trim().split('\n').slice(-5).join('; ') || error.message;
        reject(new Error(`${command} failed: ${detail}`));
      },
    );
  });
}

export class PostgresSource implements Source {
  readonly kind = 'postgres' as const;
  readonly #options: PostgresSourceOptions;
  readonly #pgDump: string;
  readonly #pgRestore: string;
  #toolVersion: Promise<string> | undefined;

  constructor(options: PostgresSourceOptions) {
    this.#options = options;
    this.#pgDump = options.pgDump ?? 'pg_dump';
    this.#pgRestore = options.pgRestore ?? 'pg_restore';
  }

  #connection(database: string): Connection {
    const url = new URL(this.#options.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    url.pathname = `/${database}`;
    // The password goes through the environment, not the command line other processes can read.
    return { uri: url.toString(), env: { PGPASSWORD: password || undefined, PGCONNECT_TIMEOUT: '10' } };
  }

  async #admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(this.#options.url);
    url.pathname = '/postgres';
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }

  toolVersion(): Promise<string> {
    this.#toolVersion ??= run(this.#pgDump, ['--version'], {}, 10_000).then((out) => out.trim());
    this.#toolVersion.catch(() => {
      this.#toolVersion = undefined;
    });
    return this.#toolVersion;
  }

  invalidTarget(name: string): string | undefined {
    return /^[a-z_][a-z0-9_]{0,62}$/.test(name)
      ? undefined
      : 'a Postgres target must be a database name: lower-case letters, digits and _ (at most 63)';
  }

  async check() {
    return { tool: await this.toolVersion() };
  }

  async snapshot(database: string, draft: Draft, signal: AbortSignal): Promise<SnapshotResult | undefined> {
    const version = await this.#admin(async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) return undefined;
      return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
    });
    if (version === undefined) return undefined;
    const tool = await this.toolVersion();
    const { uri, env } = this.#connection(database);
    const { timeoutMs } = this.#options;
    await run(
      this.#pgDump,
      [
        '--format=custom',
        '--no-password',
        '--lock-wait-timeout=60000',
        `--file=${draft.path(FILE)}`,
        `--dbname=${uri}`,
      ],
      env,
      timeoutMs,
      signal,
    );
    await draft.addFile(FILE);
    const listing = await run(this.#pgRestore, ['--list', draft.path(FILE)], {}, timeoutMs, signal);
    const tables = listing.split('\n').filter((line) => /^\d+; \d+ \d+ TABLE DATA /.test(line)).length;
    return {
      format: 'pg_dump-custom',
      source: { server: 'postgres', version: version.split(' ')[0] ?? version, tool },
      contents: { tables },
    };
  }

  async restore(manifest: Manifest, file: (name: string) => string, target: string, signal: AbortSignal) {
    await this.#admin(async (client) => {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [target]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${target}"`);
    });
    const { uri, env } = this.#connection(target);
    await run(
      this.#pgRestore,
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        '--no-password',
        `--dbname=${uri}`,
        file(FILE),
      ],
      env,
      this.#options.timeoutMs,
      signal,
    );
    return { tables: manifest.contents.tables ?? 0 };
  }

  async close(): Promise<void> {}
}
