import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { createTestDatabase, TEST_POSTGRES_URL } from '../../test-support/postgres-database.js';
import { openPostgresStore } from '../postgres/open-postgres-store.js';

async function postgresAvailable(): Promise<boolean> {
  try {
    const database = await createTestDatabase();
    await database.drop();

    return true;
  } catch {
    return false;
  }
}

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe.skipIf(!(await postgresAvailable()))('PostgreSQL connection lost in use', () => {
  // Vitest fails the run on an uncaught exception, which is what an unhandled 'error' event of
  // the connection would be.
  it('fails the query, not the process', async () => {
    const database = await createTestDatabase();
    const store = await openPostgresStore(database.url, createLogger('silent'));
    try {
      await store.db.connection().execute(async (connection) => {
        const backend = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(
          connection,
        );
        await terminateBackend(backend.rows[0]!.pid);
        // The server's message that ends the session arrives while no query runs.
        await new Promise((resolve) => setTimeout(resolve, 300));

        await expect(sql`select 1`.execute(connection)).rejects.toThrow();
      });
      const after = await sql<{ one: number }>`select 1 as one`.execute(store.db);

      expect(after.rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
