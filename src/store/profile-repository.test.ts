import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import { ProfileRepository } from './profile-repository.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';
import type { Store } from './store.js';

const FIRST_AT = '2026-12-01T10:00:00.000Z';
const SECOND_AT = '2026-12-02T10:00:00.000Z';

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-profiles-'));
  store = await openSqliteStore(dataDir, createLogger('silent'));
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function profile(id: string, email = `${id}@example.com`): Profile {
  return {
    id,
    identifiers: { email: [email] },
    attributes: { city: 'Paris', visits: 3, vip: false, note: null },
    consents: { advertising: 'granted', email: 'unknown' },
  };
}

async function upsert(repository: ProfileRepository, profiles: Profile[], at: string) {
  await store.db.transaction().execute((trx) => repository.upsertMany(trx, profiles, at));
}

async function timestamps(id: string) {
  return store.db
    .selectFrom('profiles')
    .select(['created_at', 'updated_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe.each([
  ['prepared SQLite statements', () => new ProfileRepository(store.db, store.sqlite)],
  ['Kysely queries', () => new ProfileRepository(store.db)],
])('ProfileRepository.upsertMany with %s', (_name, createRepository) => {
  it('stores profiles across statement chunks', async () => {
    const repository = createRepository();
    // 1,203 rows fill two statements of 500 rows and leave 203 for single-row statements.
    const profiles = Array.from({ length: 1_203 }, (_, index) => profile(`p${index}`));
    await upsert(repository, profiles, FIRST_AT);

    expect(await repository.count()).toBe(1_203);
    expect(await repository.get('p0')).toEqual(profiles[0]);
    expect(await repository.get('p1202')).toEqual(profiles[1_202]);
  });

  it('replaces stored profile keeping created_at', async () => {
    const repository = createRepository();
    await upsert(repository, [profile('p1'), profile('p2')], FIRST_AT);
    const changed: Profile = { ...profile('p1', 'new@example.com'), attributes: { city: 'Rome' } };
    await upsert(repository, [changed], SECOND_AT);

    expect(await repository.get('p1')).toEqual(changed);
    expect(await repository.get('p2')).toEqual(profile('p2'));
    expect(await timestamps('p1')).toEqual({ created_at: FIRST_AT, updated_at: SECOND_AT });
    expect(await timestamps('p2')).toEqual({ created_at: FIRST_AT, updated_at: FIRST_AT });
  });

  it('rolls back with the transaction', async () => {
    const repository = createRepository();
    const failed = store.db.transaction().execute(async (trx) => {
      await repository.upsertMany(trx, [profile('p1')], FIRST_AT);
      throw new Error('a later step failed');
    });

    await expect(failed).rejects.toThrow('a later step failed');
    expect(await repository.count()).toBe(0);
  });
});

describe('ProfileRepository.upsertMany on SQLite', () => {
  it('prepares statements once', async () => {
    if (store.sqlite === undefined) throw new Error('the SQLite store has no connection handle');
    const prepare = vi.spyOn(store.sqlite, 'prepare');
    const repository = new ProfileRepository(store.db, store.sqlite);
    await upsert(repository, [profile('p1')], FIRST_AT);
    await upsert(repository, [profile('p2')], FIRST_AT);
    const inserts = prepare.mock.calls.filter(([sql]) => sql.startsWith('insert into profiles'));

    expect(inserts).toHaveLength(2);
    expect(await repository.count()).toBe(2);
  });
});

describe('ProfileRepository.upsertMany outside a transaction', () => {
  it('stores through Kysely with a SQLite connection', async () => {
    const repository = new ProfileRepository(store.db, store.sqlite);
    await repository.upsertMany(store.db, [profile('p1')], FIRST_AT);

    expect(await repository.get('p1')).toEqual(profile('p1'));
  });
});
