import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_POSTGRES_URL } from '../../test-support/postgres-database.js';
import { waitFor } from '../../test-support/simulator-client.js';
import { startTestService, type TestService } from '../../test-support/test-service.js';

const CSV = 'id,identifiers.email\nimported,imported@example.com\n';

let service: TestService;

function upsert(id: string) {
  return service.app.inject({
    method: 'POST',
    url: '/api/v1/profiles',
    headers: service.auth,
    payload: { profiles: [{ id, identifiers: { email: `${id}@example.com` } }] },
  });
}

function importCsv(body: string) {
  return service.app.inject({
    method: 'POST',
    url: '/api/v1/profiles/import',
    headers: { ...service.auth, 'content-type': 'text/csv' },
    payload: body,
  });
}

describe('read-only SQLite store under a running service', () => {
  beforeEach(async () => {
    service = await startTestService();
  });

  afterEach(async () => {
    await service.dispose();
  });

  // NOTE: this test does not turn the file system read-only, because remounting it read-only
  // fails while SQLite keeps its files open. PRAGMA query_only makes SQLite fail every write
  // with SQLITE_READONLY instead.
  it('rejects writes and recovers', async () => {
    expect((await upsert('before')).statusCode).toBe(200);
    service.store.sqlite!.pragma('query_only = ON');

    const rejected = await upsert('during');
    expect(rejected.statusCode).toBe(503);
    expect(rejected.json().code).toBe('STORE_READ_ONLY');
    expect(rejected.json().message).toContain('DATA_DIR or its store file is read-only');
    expect(rejected.json().message).toContain('the same request can be sent again');
    const rejectedImport = await importCsv(CSV);
    expect(rejectedImport.statusCode).toBe(503);
    expect(rejectedImport.json().code).toBe('STORE_READ_ONLY');
    const read = await service.app.inject({
      method: 'GET',
      url: '/api/v1/profiles/before',
      headers: service.auth,
    });
    expect(read.statusCode).toBe(200);
    expect(service.logText()).toContain('request failed because of a store fault');

    service.store.sqlite!.pragma('query_only = OFF');
    expect((await upsert('during')).statusCode).toBe(200);
    expect((await importCsv(CSV)).statusCode).toBe(200);
    expect(service.store.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
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

/** Sets `default_transaction_read_only` on the database and ends its other sessions. */
async function setReadOnly(databaseName: string, readOnly: boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(
      `alter database ${databaseName} set default_transaction_read_only = ${readOnly ? 'on' : 'off'}`,
    );
    // The setting applies to new sessions, so the service's pool has to reconnect.
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [databaseName],
    );
  } finally {
    await admin.end();
  }
}

describe.skipIf(!(await postgresAvailable()))('read-only PostgreSQL store', () => {
  it('rejects writes with 503', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase();
    const databaseName = new URL(database.url).pathname.slice(1);
    service = await startTestService({ DATABASE_URL: database.url });
    try {
      expect((await upsert('before')).statusCode).toBe(200);
      await setReadOnly(databaseName, true);

      // The first request after the sessions ended may meet a closed connection.
      let rejected = await upsert('during');
      await waitFor(
        'a read-only rejection',
        async () => {
          rejected = await upsert('during');

          return rejected.statusCode === 503;
        },
        20_000,
      );
      expect(rejected.json().code).toBe('STORE_READ_ONLY');
      expect(rejected.json().message).toContain('SQLSTATE 25006');
      expect(rejected.json().message).toContain('DATABASE_URL');

      await setReadOnly(databaseName, false);
      await waitFor(
        'a stored profile',
        async () => (await upsert('during')).statusCode === 200,
        20_000,
      );
    } finally {
      await setReadOnly(databaseName, false);
      await service.dispose();
      await database.drop();
    }
  });
});
