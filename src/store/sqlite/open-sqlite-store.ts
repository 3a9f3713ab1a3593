import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Logger } from '../../log/logger.js';
import { migrateToLatest } from '../migrations.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { StoreSqliteDialect } from './store-sqlite-dialect.js';

export const SQLITE_FILE = 'activator.sqlite';

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
  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect(sqlite) });
  try {
    await migrateToLatest(db, 'sqlite', logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  return { db, dialect: 'sqlite', location: filePath, sqlite, close: () => db.destroy() };
}
