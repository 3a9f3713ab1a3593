import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../test-support/test-service.js';

const CSV = 'id,identifiers.email\nimported,imported@example.com\n';

let service: TestService;

beforeEach(async () => {
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

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

describe('read-only store under a running service', () => {
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
