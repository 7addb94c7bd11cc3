// Start-up against Postgres: apply the migrations, then anything the service prepares (the
// demo seed), with the kit's retrying start-up: without the database the service still
// listens — answering 503 and not ready — and comes up by itself when Postgres does.
import { type Logger, type RetryingStartup, retryingStartup } from '@azora/service-kit';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

export function postgresBootstrap(options: {
  database: Database;
  logger: Logger;
  prepare?: () => Promise<void>;
}): RetryingStartup {
  const { database, logger } = options;
  return retryingStartup({
    name: 'postgres-bootstrap',
    subject: 'the database (connecting to Postgres, applying migrations)',
    logger,
    prepare: async () => {
      const applied = await migrate(database.pool);
      if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
      await options.prepare?.();
    },
    notReadyMessage: 'Postgres is not answering yet; serving (not ready) while connecting',
  });
}
