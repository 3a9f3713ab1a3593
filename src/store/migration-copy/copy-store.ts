import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { resetSerialSequences, type SequenceReset } from './serial-sequences.js';
import { StoreCopyError } from './store-copy-error.js';
import { listTablesInCopyOrder } from './table-order.js';

/** Rows read from SQLite and inserted into PostgreSQL per statement, unless set otherwise. */
export const DEFAULT_ROWS_PER_CHUNK = 1_000;

/** PostgreSQL accepts at most 65,535 bind parameters in one statement. */
const MAX_BIND_PARAMETERS = 65_535;

export interface TableCopyResult {
  table: string;
  /** Rows copied, equal to the row count of the table in SQLite and, after the copy, in PostgreSQL. */
  rows: number;
}

export interface StoreCopyResult {
  tables: TableCopyResult[];
  sequences: SequenceReset[];
}

export interface StoreCopyOptions {
  /** Maximum rows held in memory and inserted per statement (default 1,000). */
  rowsPerChunk?: number;
  /** Called after each table is copied, before the transaction commits. */
  onTableCopied?: (result: TableCopyResult) => void;
}

type Row = Record<string, unknown>;

/** The copy passes rows through unchanged, so it treats every table as a map from column name to value. */
type UntypedDatabase = Record<string, Row>;

function untyped(db: Kysely<Database>): Kysely<UntypedDatabase> {
  return db as unknown as Kysely<UntypedDatabase>;
}

/**
 * Copies every table of the SQLite store `source` into the empty PostgreSQL store `target`, in
 * one PostgreSQL transaction. Both stores must already be migrated to the same version, which
 * their openers do.
 *
 * Throws StoreCopyError, and commits nothing, when a target table already has rows, when
 * PostgreSQL rejects a row, or when a table's row count in PostgreSQL differs from SQLite's after
 * the copy. The tables themselves stay, because the target's opener created them before.
 */
export async function copyStore(
  source: Store,
  target: Store,
  options: StoreCopyOptions = {},
): Promise<StoreCopyResult> {
  if (source.dialect !== 'sqlite' || target.dialect !== 'postgres') {
    throw new Error(
      `Internal error: copyStore copies SQLite into PostgreSQL, got ${source.dialect} into ${target.dialect}.`,
    );
  }
  const rowsPerChunk = options.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK;
  if (!Number.isInteger(rowsPerChunk) || rowsPerChunk < 1) {
    throw new Error(`rowsPerChunk must be a positive integer, got ${rowsPerChunk}.`);
  }

  // The SQLite read transaction reads every table from one snapshot, so rows that a running
  // service writes meanwhile cannot leave a reference to a row that was not copied.
  return source.db.transaction().execute((read) =>
    target.db.transaction().execute(async (write) => {
      const names = await listTablesInCopyOrder(read);
      await checkTargetTables(untyped(write), names);
      await lockTables(untyped(write), names);
      await rejectNonEmptyTables(untyped(write), names);

      const tables: TableCopyResult[] = [];
      for (const table of names) {
        const sourceRows = await countRows(untyped(read), table);
        const rows = await copyTable(untyped(read), untyped(write), table, rowsPerChunk);
        await verifyRowCount(untyped(write), table, sourceRows, rows);
        tables.push({ table, rows });
        options.onTableCopied?.({ table, rows });
      }
      const sequences = await resetSerialSequences(write, names);

      return { tables, sequences };
    }),
  );
}

/** Throws when a table of the SQLite store is missing in PostgreSQL. */
async function checkTargetTables(write: Kysely<UntypedDatabase>, names: string[]): Promise<void> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema()
  `.execute(write);
  const present = new Set(result.rows.map((row) => row.table_name));
  const missing = names.filter((name) => !present.has(name));
  if (missing.length === 0) return;

  throw new Error(
    `Internal error: the PostgreSQL database lacks the tables ${missing.join(', ')} of the ` +
      'SQLite store, although this build migrated both stores.',
  );
}

/**
 * Takes EXCLUSIVE locks on the target tables until the commit. Reads go on, but a service or a
 * second copy writing to the same database waits, and the second copy then finds rows and stops.
 */
async function lockTables(write: Kysely<UntypedDatabase>, names: string[]): Promise<void> {
  const tables = sql.join(names.map((table) => sql.table(table)));
  await sql`lock table ${tables} in exclusive mode`.execute(write);
}

async function rejectNonEmptyTables(
  write: Kysely<UntypedDatabase>,
  names: string[],
): Promise<void> {
  const nonEmpty: string[] = [];
  for (const table of names) {
    const row = await write
      .selectFrom(table)
      .select(sql<number>`1`.as('present'))
      .limit(1)
      .executeTakeFirst();
    if (row !== undefined) nonEmpty.push(table);
  }
  if (nonEmpty.length === 0) return;

  const tablesWithRows =
    nonEmpty.length === 1
      ? `table ${nonEmpty[0]} already has rows`
      : `tables ${nonEmpty.join(', ')} already have rows`;
  throw new StoreCopyError(
    `The target database is not empty: ${tablesWithRows}. The copy writes only into an empty database, ` +
      'so that no row is merged with or overwritten by another. Point --to at a new database ' +
      '(for example one made with createdb), or drop and re-create this one, then run the command again.',
  );
}

async function countRows(db: Kysely<UntypedDatabase>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((expression) => expression.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();

  return Number(row.count);
}

/**
 * Streams the rows of `table` from SQLite and inserts them in chunks, so memory contains at most
 * one chunk of rows. Returns the number of rows inserted.
 */
async function copyTable(
  read: Kysely<UntypedDatabase>,
  write: Kysely<UntypedDatabase>,
  table: string,
  rowsPerChunk: number,
): Promise<number> {
  let chunk: Row[] = [];
  let chunkLimit = rowsPerChunk;
  let copied = 0;

  const insertChunk = async () => {
    try {
      await write.insertInto(table).values(chunk).execute();
    } catch (error) {
      const reason = describeInsertError(error);
      throw new StoreCopyError(
        `Failed to copy table ${table}: PostgreSQL rejected one of rows ${copied + 1} to ` +
          `${copied + chunk.length} in SQLite's row order: ${reason}. The transaction was rolled ` +
          'back, so the target database has no copied rows. Fix or delete the rejected row in ' +
          'the SQLite store, then run the command again.',
        { cause: error },
      );
    }
    copied += chunk.length;
    chunk = [];
  };

  for await (const row of read.selectFrom(table).selectAll().stream()) {
    if (chunk.length === 0 && copied === 0) {
      const columns = Math.max(1, Object.keys(row).length);
      chunkLimit = Math.min(rowsPerChunk, Math.floor(MAX_BIND_PARAMETERS / columns));
    }
    chunk.push(row);
    if (chunk.length >= chunkLimit) await insertChunk();
  }
  if (chunk.length > 0) await insertChunk();

  return copied;
}

/**
 * Returns the PostgreSQL error message, with the detail of a key violation, which names the
 * key and its value. Other details can contain a whole row, profile data included, so they
 * are left out.
 */
function describeInsertError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const detail = (error as { detail?: unknown }).detail;
  if (typeof detail === 'string' && detail.startsWith('Key (')) {
    return `${error.message} (${detail})`;
  }

  return error.message;
}

async function verifyRowCount(
  write: Kysely<UntypedDatabase>,
  table: string,
  sourceRows: number,
  copiedRows: number,
): Promise<void> {
  const targetRows = await countRows(write, table);
  if (sourceRows === copiedRows && copiedRows === targetRows) return;

  throw new StoreCopyError(
    `Row counts of table ${table} differ after the copy: ${sourceRows} in SQLite, ` +
      `${copiedRows} copied, ${targetRows} in PostgreSQL. The transaction was rolled back, ` +
      'so the target database has no copied rows. Stop every service that uses either store ' +
      'and run the command again.',
  );
}

/** Counts the rows of each of `tables` in `store`. */
export async function countTableRows(
  store: Store,
  tables: readonly string[],
): Promise<TableCopyResult[]> {
  const counts: TableCopyResult[] = [];
  for (const table of tables) {
    counts.push({ table, rows: await countRows(untyped(store.db), table) });
  }

  return counts;
}
