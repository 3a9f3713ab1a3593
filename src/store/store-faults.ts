import SQLite from 'better-sqlite3';
import pg from 'pg';

/**
 * A store failure that the operator must fix on the machine and that is no bug in Activator,
 * such as a full disk, a read-only store or an I/O error from the file system.
 */
export interface StoreFault {
  kind: 'disk_full' | 'read_only' | 'io_error';
  dialect: 'sqlite' | 'postgres';
  /** The SQLite result code or the PostgreSQL SQLSTATE, such as `SQLITE_FULL` or `53100`. */
  code: string;
}

/**
 * SQLSTATE codes that are store faults, with their PostgreSQL 15 condition names `disk_full`,
 * `read_only_sql_transaction` and `io_error`.
 */
const POSTGRES_FAULTS: Record<string, StoreFault['kind']> = {
  '53100': 'disk_full',
  '25006': 'read_only',
  '58030': 'io_error',
};

/** How many `cause` links are followed when looking for the driver's error. */
const MAX_CAUSE_DEPTH = 4;

/**
 * Finds the store fault behind `error`, following `cause` links. Returns undefined for every
 * other error, constraint violations included.
 */
export function storeFaultOf(error: unknown): StoreFault | undefined {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    const fault = directFault(current);
    if (fault) return fault;
    current = current.cause;
  }

  return undefined;
}

function directFault(error: Error): StoreFault | undefined {
  if (error instanceof SQLite.SqliteError) {
    // better-sqlite3 reports extended result codes, such as SQLITE_READONLY_DBMOVED.
    const kind = sqliteFaultKind(error.code);

    return kind && { kind, dialect: 'sqlite', code: error.code };
  }
  if (error instanceof pg.DatabaseError && error.code) {
    const kind = POSTGRES_FAULTS[error.code];

    return kind && { kind, dialect: 'postgres', code: error.code };
  }

  return undefined;
}

function sqliteFaultKind(code: string): StoreFault['kind'] | undefined {
  if (code.startsWith('SQLITE_FULL')) return 'disk_full';
  if (code.startsWith('SQLITE_READONLY')) return 'read_only';
  if (code.startsWith('SQLITE_IOERR')) return 'io_error';

  return undefined;
}

const STATUS_CODES: Record<StoreFault['kind'], number> = {
  disk_full: 507,
  read_only: 503,
  io_error: 503,
};

const API_CODES: Record<StoreFault['kind'], string> = {
  disk_full: 'STORE_DISK_FULL',
  read_only: 'STORE_READ_ONLY',
  io_error: 'STORE_IO_ERROR',
};

/** Cause and fix of each fault per dialect, the end of a sentence that starts with "because". */
const CAUSES: Record<StoreFault['dialect'], Record<StoreFault['kind'], string>> = {
  sqlite: {
    disk_full: 'the disk that holds DATA_DIR is full. Free space on that disk.',
    read_only:
      'DATA_DIR or its store file is read-only. Make DATA_DIR and its files writable for the ' +
      'user that runs Activator, or remount its file system read-write.',
    io_error:
      'reading or writing the store file in DATA_DIR failed. Check the disk and its file ' +
      'system, which may have been remounted read-only after errors.',
  },
  postgres: {
    disk_full: "the PostgreSQL server's disk is full. Free space on the database server.",
    read_only:
      'the PostgreSQL database accepts no writes, for example because DATABASE_URL points at ' +
      'a standby. Point DATABASE_URL at the primary server.',
    io_error:
      "the PostgreSQL server failed to read or write its files. Check the database server's " +
      'disk.',
  },
};

/** Returns the HTTP status, the API error code and the message for a fault. */
export function describeStoreFault(fault: StoreFault): {
  statusCode: number;
  code: string;
  message: string;
} {
  const codeLabel = fault.dialect === 'postgres' ? `SQLSTATE ${fault.code}` : fault.code;

  return {
    statusCode: STATUS_CODES[fault.kind],
    code: API_CODES[fault.kind],
    message:
      `The store failed (${codeLabel}) because ${CAUSES[fault.dialect][fault.kind]} Data ` +
      'stored before is kept and the failed write was rolled back, so the same request can be ' +
      'sent again once this is fixed.',
  };
}
