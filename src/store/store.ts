import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type SqlDialectName = 'sqlite' | 'postgres';

/** An open store: the typed query builder and the dialect it runs on. */
export interface Store {
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** Where the data lives, for logs (a file path; a PostgreSQL URL without its password). */
  location: string;
  /**
   * The better-sqlite3 connection under `db` when the dialect is SQLite, for statements that are
   * prepared once and reused. Use it only inside a transaction of `db`, because the transaction
   * keeps the connection to itself until it ends.
   */
  sqlite?: SqliteDatabase;
  close(): Promise<void>;
}
