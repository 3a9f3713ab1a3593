import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeStoreFault, storeFaultOf } from './store-faults.js';

/** Runs `write` on a small in-memory database and returns what it throws. */
function sqliteErrorOf(write: (database: SQLite.Database) => void): unknown {
  const database = new SQLite(':memory:');
  database.exec('create table t (value text)');
  try {
    write(database);
  } catch (error) {
    return error;
  } finally {
    database.close();
  }
  throw new Error('the write did not fail');
}

const diskFull = () =>
  sqliteErrorOf((database) => {
    // max_page_count makes SQLite fail like a full disk once the file would grow past it.
    database.pragma('max_page_count = 2');
    for (let row = 0; row < 100; row += 1) {
      database.prepare('insert into t values (?)').run('x'.repeat(1_000));
    }
  });

const readOnly = () =>
  sqliteErrorOf((database) => {
    database.pragma('query_only = ON');
    database.exec("insert into t values ('x')");
  });

function postgresError(code: string): pg.DatabaseError {
  const error = new pg.DatabaseError('failed', 0, 'error');
  error.code = code;

  return error;
}

describe('storeFaultOf', () => {
  it('finds a full SQLite database', () => {
    expect(storeFaultOf(diskFull())).toEqual({
      kind: 'disk_full',
      dialect: 'sqlite',
      code: 'SQLITE_FULL',
    });
  });

  it('finds a read-only SQLite database', () => {
    expect(storeFaultOf(readOnly())).toEqual({
      kind: 'read_only',
      dialect: 'sqlite',
      code: 'SQLITE_READONLY',
    });
  });

  it('follows cause links', () => {
    const wrapped = new Error('Store migration failed', { cause: diskFull() });

    expect(storeFaultOf(wrapped)?.kind).toBe('disk_full');
  });

  it('ignores constraint violations', () => {
    const error = sqliteErrorOf((database) => {
      database.exec('create table u (id text primary key)');
      database.exec("insert into u values ('a'), ('a')");
    });

    expect(storeFaultOf(error)).toBeUndefined();
  });

  it.each([
    ['53100', 'disk_full'],
    ['25006', 'read_only'],
    ['58030', 'io_error'],
  ])('maps SQLSTATE %s to %s', (code, kind) => {
    expect(storeFaultOf(postgresError(code))).toEqual({ kind, dialect: 'postgres', code });
  });

  it('ignores other PostgreSQL errors', () => {
    expect(storeFaultOf(postgresError('23505'))).toBeUndefined();
  });
});

describe('describeStoreFault', () => {
  it('sends 507 for a full disk', () => {
    const response = describeStoreFault({
      kind: 'disk_full',
      dialect: 'sqlite',
      code: 'SQLITE_FULL',
    });

    expect(response.statusCode).toBe(507);
    expect(response.code).toBe('STORE_DISK_FULL');
    expect(response.message).toContain('SQLITE_FULL');
    expect(response.message).toContain('the disk that holds DATA_DIR is full');
    expect(response.message).toContain('Free space on that disk.');
  });

  it('sends 503 for a read-only store', () => {
    const response = describeStoreFault({
      kind: 'read_only',
      dialect: 'postgres',
      code: '25006',
    });

    expect(response.statusCode).toBe(503);
    expect(response.code).toBe('STORE_READ_ONLY');
    expect(response.message).toContain('DATABASE_URL');
  });
});
