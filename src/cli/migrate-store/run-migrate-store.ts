import { statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../../log/logger.js';
import {
  copyStore,
  countTableRows,
  type StoreCopyResult,
} from '../../store/migration-copy/copy-store.js';
import { StoreCopyError } from '../../store/migration-copy/store-copy-error.js';
import { openPostgresStore, redactDatabaseUrl } from '../../store/postgres/open-postgres-store.js';
import { openSqliteStore, SQLITE_FILE } from '../../store/sqlite/open-sqlite-store.js';
import type { Store } from '../../store/store.js';
import { checkCredentials, findCredentialKey } from './credential-key.js';
import { formatCredentialWarning, formatMigrateStoreSummary } from './migrate-store-summary.js';

/** Time allowed for the first connection to PostgreSQL, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;

const URL_EXAMPLE = 'postgres://USER:PASSWORD@HOST:5432/DATABASE';

export interface MigrateStoreOptions {
  /** Data directory of the embedded deployment, with its SQLite store and key file. */
  from: string;
  /** URL of the PostgreSQL database to copy into. */
  to?: string;
  /** Key from ACTIVATOR_SECRET_KEY. When set, the embedded deployment used it instead of the key file. */
  secretKey?: Buffer;
  /** Maximum rows per insert statement (default 1,000). */
  rowsPerChunk?: number;
}

/** Output of one run, so tests can capture it. Progress and store logs go to `logger`. */
export interface MigrateStoreIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  logger: Logger;
}

/** A failure with a message written for the operator. */
export class MigrateStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrateStoreError';
  }
}

/**
 * Copies the embedded store of `options.from` into the PostgreSQL database `options.to` and
 * prints the summary on stdout. Returns the exit code: 0 on success, 1 after printing the
 * failure on stderr.
 */
export async function runMigrateStore(
  options: MigrateStoreOptions,
  io: MigrateStoreIo,
): Promise<number> {
  try {
    await migrateStore(options, io);

    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof MigrateStoreError || error instanceof StoreCopyError)) {
      io.logger.error({ err: error }, 'migrate-store failed');
    }
    io.stderr(`activator migrate-store: ${message}\n`);

    return 1;
  }
}

async function migrateStore(options: MigrateStoreOptions, io: MigrateStoreIo): Promise<void> {
  const targetUrl = parseTargetUrl(options.to);
  const target = redactDatabaseUrl(targetUrl);
  const dataDir = path.resolve(options.from);
  const sqliteFile = findSqliteFile(dataDir);
  await checkPostgresConnection(targetUrl);

  // Opening the SQLite store migrates it to the schema version of this build, as a start of
  // the service would, so both stores have the same tables and columns.
  const sourceStore = await openSqliteStore(dataDir, io.logger);
  try {
    const targetStore = await openPostgresStore(targetUrl, io.logger);
    try {
      const credentials = await checkCredentials(
        sourceStore,
        findCredentialKey(options.secretKey, dataDir),
      );
      const copy = await copyStore(sourceStore, targetStore, {
        rowsPerChunk: options.rowsPerChunk,
        onTableCopied: ({ table, rows }) => io.logger.info({ table, rows }, 'table copied'),
      });
      await verifyCommittedCounts(targetStore, copy);

      io.stdout(formatMigrateStoreSummary({ sqliteFile, target, dataDir, copy, credentials }));
      const warning = formatCredentialWarning(credentials);
      if (warning !== undefined) io.stderr(warning);
    } finally {
      await targetStore.close();
    }
  } finally {
    await sourceStore.close();
  }
}

function parseTargetUrl(url: string | undefined): string {
  const text = url?.trim();
  if (!text) {
    throw new MigrateStoreError(
      `No target database: pass --to with a PostgreSQL URL such as ${URL_EXAMPLE}, or set DATABASE_URL.`,
    );
  }

  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new MigrateStoreError(
      `Invalid target URL ${redactDatabaseUrl(text)}: expected a URL such as ${URL_EXAMPLE}.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new MigrateStoreError(
      `Invalid target URL ${redactDatabaseUrl(text)}: the scheme must be postgres:// or ` +
        `postgresql://, got ${parsed.protocol}//.`,
    );
  }

  return text;
}

/** Returns the path of the SQLite store in `dataDir`. Throws when the directory or the file is missing. */
function findSqliteFile(dataDir: string): string {
  const hint =
    'Pass --from with the data directory of the embedded deployment (its DATA_DIR, ./data by default).';
  const directory = statSync(dataDir, { throwIfNoEntry: false });
  if (directory === undefined) {
    throw new MigrateStoreError(`Source directory ${dataDir} does not exist. ${hint}`);
  }
  if (!directory.isDirectory()) {
    throw new MigrateStoreError(`Source ${dataDir} is not a directory. ${hint}`);
  }

  const sqliteFile = path.join(dataDir, SQLITE_FILE);
  if (statSync(sqliteFile, { throwIfNoEntry: false })?.isFile() !== true) {
    throw new MigrateStoreError(
      `Source directory ${dataDir} has no SQLite store: ${SQLITE_FILE} is missing. ${hint}`,
    );
  }

  return sqliteFile;
}

/**
 * Connects once with a timeout before anything is opened, so an unreachable server fails fast
 * with the URL in the message and the SQLite store stays untouched.
 */
async function checkPostgresConnection(url: string): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new MigrateStoreError(
      `Failed to connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${describeConnectionError(error)}. ` +
        'Check the URL in --to or DATABASE_URL, and that the server is running and accepts ' +
        'connections from this host.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Returns the reason of a failed connection. Node reports a refused connection to every address
 * of a host name as an AggregateError without a message, so the inner errors are listed.
 */
function describeConnectionError(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner: unknown) => describeConnectionError(inner)).join('; ');
  }
  if (error instanceof Error) {
    return error.message || ((error as NodeJS.ErrnoException).code ?? error.name);
  }

  return String(error);
}

/** Counts the rows again in new statements after the commit and compares them with the copy. */
async function verifyCommittedCounts(target: Store, copy: StoreCopyResult): Promise<void> {
  const tables = copy.tables.map((table) => table.table);
  const committed = await countTableRows(target, tables);
  for (const [index, { table, rows }] of committed.entries()) {
    const copied = copy.tables[index]?.rows;
    if (copied !== rows) {
      throw new MigrateStoreError(
        `Table ${table} has ${rows} rows in PostgreSQL after the commit, but ${copied} were ` +
          'copied. The copy stays committed. Another process may have written to the target ' +
          'database since, so check which one before a service starts on it.',
      );
    }
  }
}
