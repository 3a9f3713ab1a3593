import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type SqlDialectName = 'sqlite' | 'postgres';

/** An open store: the typed query builder and the dialect it runs on. */
export interface Store {
  db: Kysely<Database>;
  dialect: SqlDialectName;
  /** Where the data lives, for logs (a file path; a PostgreSQL URL without its password). */
  location: string;
  close(): Promise<void>;
}
