// Child process of the migration crash test. It opens the store with the compiled code from
// dist/ and waits STATEMENT_DELAY_MS before every SQL statement, so that the parent can kill it
// between two statements of a migration. DATABASE_URL selects PostgreSQL, else DATA_DIR contains
// the SQLite file. Prints OPENING before the first statement, STATEMENT before each statement
// and MIGRATED when the store is at the latest version.
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { createLogger } from '../../../dist/log/logger.js';
import { openPostgresStore } from '../../../dist/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../../dist/store/sqlite/open-sqlite-store.js';

const delayMs = Number(process.env.STATEMENT_DELAY_MS ?? '0');

// better-sqlite3 runs statements synchronously, so the delay blocks the thread as well.
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const prepare = SQLite.prototype.prepare;
SQLite.prototype.prepare = function prepareAfterDelay(...args) {
  Atomics.wait(sleeper, 0, 0, delayMs);
  process.stdout.write('STATEMENT\n');
  return prepare.apply(this, args);
};

// Kysely's PostgreSQL driver calls `client.query(sql, parameters)` and awaits the promise.
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function queryAfterDelay(...args) {
  if (typeof args.at(-1) === 'function') return query.apply(this, args);
  return new Promise((resolve) => setTimeout(resolve, delayMs)).then(() => {
    process.stdout.write('STATEMENT\n');
    return query.apply(this, args);
  });
};

const logger = createLogger('silent');
process.stdout.write('OPENING\n');
const store = process.env.DATABASE_URL
  ? await openPostgresStore(process.env.DATABASE_URL, logger)
  : await openSqliteStore(process.env.DATA_DIR, logger);
process.stdout.write('MIGRATED\n');
await store.close();
