import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { startNodeChild } from '../../test-support/node-child.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import { appliedMigrations } from '../migrations.js';
import { openPostgresStore } from '../postgres/open-postgres-store.js';
import { openSqliteStore, SQLITE_FILE } from '../sqlite/open-sqlite-store.js';

// The child runs the compiled store code from dist/, which `npm test` builds first.
const CHILD = path.resolve('src/store/faults/migration-crash-child.mjs');
const LONG = process.env.ACTIVATOR_LONG_TESTS === '1';
/** Delay before every SQL statement of the child, in ms, so that the migrations can be killed. */
const STATEMENT_DELAY_MS = 5;
const SQLITE_ROUNDS = LONG ? 40 : 3;
const POSTGRES_ROUNDS = LONG ? 12 : 1;

const logger = createLogger('silent');
const dataDirs: string[] = [];

afterAll(() => {
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-migration-crash-'));
  dataDirs.push(dataDir);

  return dataDir;
}

interface ChildRun {
  /** SQL statements the child started. */
  statements: number;
  migrated: boolean;
}

function childRun(stdout: string[]): ChildRun {
  return {
    statements: stdout.filter((line) => line === 'STATEMENT').length,
    migrated: stdout.includes('MIGRATED'),
  };
}

function startChild(env: Record<string, string>) {
  return startNodeChild(CHILD, [], { STATEMENT_DELAY_MS: String(STATEMENT_DELAY_MS), ...env });
}

/** Runs the child to the end and returns how many statements opening the store took. */
async function countStatements(env: Record<string, string>): Promise<number> {
  const child = startChild(env);
  await child.waitForLine((line) => line === 'MIGRATED', 30_000);
  expect(await child.exited).toBe(0);

  return childRun(child.stdout).statements;
}

/**
 * Starts the child and kills it at a random point between the start of its statement number
 * `statement` and the end of the wait before the next one. A child that needs fewer statements,
 * because an earlier run applied the migrations, ends on its own.
 */
async function killAtStatement(env: Record<string, string>, statement: number): Promise<ChildRun> {
  const child = startChild(env);
  let seen = 0;
  try {
    await child.waitForLine((line) => line === 'STATEMENT' && ++seen === statement, 30_000);
  } catch (error) {
    if ((await child.exited) !== 0) throw error;

    return childRun(child.stdout);
  }
  await new Promise((resolve) => setTimeout(resolve, Math.random() * STATEMENT_DELAY_MS));
  await child.kill();

  return childRun(child.stdout);
}

/**
 * Picks a statement number to kill at for each of `rounds` rounds. Round i takes a random
 * statement of the i-th equal part of the first 90 % of a full run, so the kills spread over the
 * migrations and still land before the child ends when the machine is slow.
 */
function spreadStatements(rounds: number, total: number): number[] {
  const last = Math.floor(total * 0.9);

  return Array.from(
    { length: rounds },
    (_, round) => 1 + Math.floor(((round + Math.random()) / rounds) * (last - 1)),
  );
}

function randomStatement(total: number): number {
  return 1 + Math.floor(Math.random() * (total - 1));
}

function sqliteMigrationCount(dataDir: string): number {
  const filePath = path.join(dataDir, SQLITE_FILE);
  if (!existsSync(filePath)) return 0;
  const database = new SQLite(filePath, { readonly: true });
  try {
    const table = database
      .prepare("select count(*) as n from sqlite_master where name = 'kysely_migration'")
      .get() as { n: number };
    if (table.n === 0) return 0;

    return (database.prepare('select count(*) as n from kysely_migration').get() as { n: number })
      .n;
  } finally {
    database.close();
  }
}

function sqliteSchema(filePath: string): string[] {
  const database = new SQLite(filePath, { readonly: true });
  try {
    return (
      database
        .prepare("select type || ' ' || name as entry from sqlite_master order by type, name")
        .all() as { entry: string }[]
    ).map((row) => row.entry);
  } finally {
    database.close();
  }
}

describe('kill -9 during SQLite migrations', () => {
  it('store migrates after kills mid-migration', { timeout: LONG ? 600_000 : 60_000 }, async () => {
    const referenceDir = newDataDir();
    const total = await countStatements({ DATA_DIR: referenceDir });
    const reference = await openSqliteStore(referenceDir, logger);
    const allMigrations = await appliedMigrations(reference.db);
    await reference.close();
    const referenceSchema = sqliteSchema(path.join(referenceDir, SQLITE_FILE));

    const kills: ChildRun[] = [];
    for (const statement of spreadStatements(SQLITE_ROUNDS, total)) {
      const dataDir = newDataDir();
      kills.push(await killAtStatement({ DATA_DIR: dataDir }, statement));
      // The pending migrations commit together, so a kill leaves none or all of them applied.
      expect([0, allMigrations.length]).toContain(sqliteMigrationCount(dataDir));
      // A second kill starts from whatever version the first one left.
      await killAtStatement({ DATA_DIR: dataDir }, randomStatement(total));

      const store = await openSqliteStore(dataDir, logger);
      try {
        expect(await appliedMigrations(store.db)).toEqual(allMigrations);
        expect(store.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        await store.close();
      }
      expect(sqliteSchema(path.join(dataDir, SQLITE_FILE))).toEqual(referenceSchema);
    }
    // A kill landed inside the migrations, not after the child was done.
    expect(kills.some((run) => !run.migrated)).toBe(true);
  });
});

async function postgresAvailable(): Promise<boolean> {
  try {
    const database = await createTestDatabase();
    await database.drop();

    return true;
  } catch {
    return false;
  }
}

async function postgresTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ name: string }>(
      "select tablename as name from pg_tables where schemaname = 'public' order by tablename",
    );

    return result.rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe.skipIf(!(await postgresAvailable()))('kill -9 during PostgreSQL migrations', () => {
  it('store migrates after kills mid-migration', { timeout: LONG ? 600_000 : 60_000 }, async () => {
    const reference = await createTestDatabase();
    try {
      const total = await countStatements({ DATABASE_URL: reference.url });
      const referenceStore = await openPostgresStore(reference.url, logger);
      const allMigrations = await appliedMigrations(referenceStore.db);
      await referenceStore.close();
      const referenceTables = await postgresTables(reference.url);

      const kills: ChildRun[] = [];
      for (const statement of spreadStatements(POSTGRES_ROUNDS, total)) {
        const database = await createTestDatabase();
        try {
          kills.push(await killAtStatement({ DATABASE_URL: database.url }, statement));
          await killAtStatement({ DATABASE_URL: database.url }, randomStatement(total));

          const store = await openPostgresStore(database.url, logger);
          let applied: string[];
          try {
            applied = await appliedMigrations(store.db);
          } finally {
            await store.close();
          }
          expect(applied).toEqual(allMigrations);
          expect(await postgresTables(database.url)).toEqual(referenceTables);
        } finally {
          await database.drop();
        }
      }
      expect(kills.some((run) => !run.migrated)).toBe(true);
    } finally {
      await reference.drop();
    }
  });
});
