import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../log/logger.js';
import { migrateToLatest } from '../migrations.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';

// bigint columns hold epoch milliseconds and counters, all far below 2^53, so they are read as
// numbers, the same as on SQLite. pg reads them as strings by default.
const INT8_TYPE_ID = 20;
pg.types.setTypeParser(INT8_TYPE_ID, (value) => Number(value));

/** Connections per process; the API and the workers share them. */
const POOL_SIZE = 10;

/** Returns the URL without its password, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';

    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Opens the PostgreSQL store at `url` and migrates it. Kysely's migrator takes a PostgreSQL
 * advisory lock, so several processes starting together apply each migration once.
 */
export async function openPostgresStore(url: string, logger: Logger): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'));
  // pg-pool 3.14 listens for errors only on idle connections. A connection that Kysely keeps
  // between two queries and that the server closes (a restart, a failover,
  // pg_terminate_backend) would emit an unhandled 'error' event and end the process. Its next
  // query fails, and the pool drops it when it is released.
  const inUseConnectionFailed = (error: Error) =>
    logger.warn({ err: error }, 'PostgreSQL connection in use failed');
  pool.on('acquire', (client) => client.on('error', inUseConnectionFailed));
  pool.on('release', (_error, client) => client.removeListener('error', inUseConnectionFailed));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, 'postgres', logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  return { db, dialect: 'postgres', location: redactDatabaseUrl(url), close: () => db.destroy() };
}
