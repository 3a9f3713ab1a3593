import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type DialectAdapter, Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import type { Logger } from '../../log/logger.js';
import { migrateToLatest } from '../migrations.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';

export const SQLITE_FILE = 'activator.sqlite';

/**
 * SQLite runs schema changes inside transactions, but Kysely 0.28's SqliteAdapter reports that
 * it cannot, so its Migrator would run each statement of a migration on its own. A process
 * killed between two statements then left a half-applied migration that failed at every later
 * start ("table already exists"). With this adapter the pending migrations and their rows in
 * `kysely_migration` commit together or not at all.
 * NOTE: a future migration that must change `PRAGMA foreign_keys` cannot run in a transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Opens (creating on first start) the embedded SQLite store in `dataDir` and migrates it.
 * WAL mode lets readers run while a write is in progress.
 */
export async function openSqliteStore(dataDir: string, logger: Logger): Promise<Store> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const filePath = path.join(dataDir, SQLITE_FILE);
  const sqlite = new SQLite(filePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db, 'sqlite', logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  return { db, dialect: 'sqlite', location: filePath, sqlite, close: () => db.destroy() };
}
