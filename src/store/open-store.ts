import type { Logger } from '../log/logger.js';
import { openPostgresStore } from './postgres/open-postgres-store.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';
import type { Store } from './store.js';

/** Opens PostgreSQL when `databaseUrl` is set, else the embedded SQLite file in `dataDir`. */
export async function openStore(
  options: { databaseUrl?: string; dataDir: string },
  logger: Logger,
): Promise<Store> {
  if (options.databaseUrl) return openPostgresStore(options.databaseUrl, logger);

  return openSqliteStore(options.dataDir, logger);
}
