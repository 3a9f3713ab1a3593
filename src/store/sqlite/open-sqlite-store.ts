import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import { dataDirError } from '../../errors/data-dir-error.js';
import type { Logger } from '../../log/logger.js';
import { migrateToLatest } from '../migrations.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { storeFaultOf } from '../store-faults.js';
import { StoreSqliteDialect } from './store-sqlite-dialect.js';

export const SQLITE_FILE = 'activator.sqlite';

/**
 * Opens (creating on first start) the embedded SQLite store in `dataDir` and migrates it.
 * WAL mode lets readers run while a write is in progress. Throws a ConfigError naming DATA_DIR
 * when the directory or the store file is not writable or its disk is full.
 */
export async function openSqliteStore(dataDir: string, logger: Logger): Promise<Store> {
  const filePath = path.join(dataDir, SQLITE_FILE);
  checkWritable(dataDir, filePath);
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(filePath);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    sqlite?.close();
    throw startupError(error, filePath);
  }
  const db = new Kysely<Database>({ dialect: new StoreSqliteDialect(sqlite) });
  try {
    await migrateToLatest(db, 'sqlite', logger);
  } catch (error) {
    await db.destroy();
    throw startupError(error, filePath);
  }

  return { db, dialect: 'sqlite', location: filePath, sqlite, close: () => db.destroy() };
}

/**
 * Creates `dataDir` when missing and checks that this process may write to it and to the store
 * files. SQLite opens a file it cannot write in read-only mode, so without this check the
 * service would start and then fail at its first write.
 */
function checkWritable(dataDir: string, filePath: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Node 20.20's recursive mkdir reported ENOENT, not EROFS, below a read-only mount, so the
    // nearest existing parent is checked for the real cause.
    const parent = nearestExistingParent(dataDir);
    try {
      accessSync(parent, constants.W_OK);
    } catch (parentError) {
      throw dataDirError(parent, parentError);
    }
    throw dataDirError(dataDir, error);
  }
  const targets = [dataDir, filePath, `${filePath}-wal`, `${filePath}-shm`];
  for (const target of targets) {
    if (target !== dataDir && !existsSync(target)) continue;
    try {
      accessSync(target, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw dataDirError(target, error);
    }
  }
}

function nearestExistingParent(directory: string): string {
  let parent = path.dirname(directory);
  while (!existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);

  return parent;
}

/** Rewrites a disk-full or read-only failure while opening as a ConfigError naming the file. */
function startupError(error: unknown, filePath: string): unknown {
  const fault = storeFaultOf(error);
  if (!fault || fault.kind === 'io_error') return error;

  return dataDirError(filePath, fault);
}
