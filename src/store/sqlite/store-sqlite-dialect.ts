import type { Database as SqliteDatabase } from 'better-sqlite3';
import {
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';

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

/**
 * After SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, SQLITE_BUSY or SQLITE_INTERRUPT, SQLite may
 * roll the transaction back by itself (see sqlite3_get_autocommit() in its C API reference). The
 * ROLLBACK that Kysely sends next then fails with "cannot rollback - no transaction is active",
 * and that error replaced the one that explains the failure, such as a full disk. This driver
 * skips the ROLLBACK when no transaction is open.
 */
class AutoRollbackAwareSqliteDriver extends SqliteDriver {
  constructor(private readonly sqlite: SqliteDatabase) {
    super({ database: sqlite });
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

/** The Kysely dialect of the embedded store, on one better-sqlite3 connection. */
export class StoreSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: SqliteDatabase) {
    super({ database: sqlite });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new AutoRollbackAwareSqliteDriver(this.sqlite);
  }
}
