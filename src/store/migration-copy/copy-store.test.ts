import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { createTestDatabase } from '../../test-support/postgres-database.js';
import { readSortedRows } from '../../test-support/table-rows.js';
import { openPostgresStore } from '../postgres/open-postgres-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import type { Store } from '../store.js';
import { copyStore, countTableRows } from './copy-store.js';
import { StoreCopyError } from './store-copy-error.js';
import { listTablesInCopyOrder, orderByReferences } from './table-order.js';

const logger = createLogger('silent');
const NOW = '2026-01-02T03:04:05.000Z';

let dataDir: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let source: Store;
let target: Store;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'activator-copy-store-'));
  source = await openSqliteStore(dataDir, logger);
  database = await createTestDatabase();
  target = await openPostgresStore(database.url, logger);
});

afterEach(async () => {
  await source.close();
  await target.close();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Fills the SQLite store with rows in tables with and without foreign keys. */
async function fillSource(profileCount: number) {
  const db = source.db;
  await db
    .insertInto('connectors')
    .values(
      ['c1', 'c2'].map((id) => ({
        id,
        type: 'meta-custom-audiences',
        name: `Meta ${id}`,
        name_key: `meta ${id}`,
        status: 'active' as const,
        health: 'ok' as const,
        settings: '{"adAccountId":"12"}',
        credentials: 'v1.aXY=.dGFn.c2VhbGVk',
        created_at: NOW,
        updated_at: NOW,
        paused_at: id === 'c2' ? 1_767_000_000_000 : null,
      })),
    )
    .execute();

  for (const action of ['connector.create', 'connector.create', 'connector.update']) {
    await db
      .insertInto('audit_log')
      .values({
        at: NOW,
        actor: 'default',
        action,
        entity: 'connector',
        entity_id: 'c1',
        changes: '{}',
      })
      .execute();
  }

  await db
    .insertInto('audiences')
    .values({ id: 'a1', name: 'Dutch', created_at: NOW, rule: null })
    .execute();

  await db
    .insertInto('audience_connections')
    .values({
      audience_id: 'a1',
      connector_id: 'c1',
      settings: '{"customAudienceId":"111"}',
      created_at: NOW,
      destination_key: '111',
    })
    .execute();

  await db
    .insertInto('journeys')
    .values({
      id: 'j1',
      name: 'Welcome',
      created_at: NOW,
      draft: '{}',
      published: null,
      published_at: null,
      updated_at: null,
    })
    .execute();

  await db
    .insertInto('journey_version_connectors')
    .values({ journey_id: 'j1', version: 'draft', connector_id: 'c2' })
    .execute();

  const profiles = Array.from({ length: profileCount }, (_, index) => ({
    id: `p${index}`,
    identifiers: JSON.stringify({ email: [`p${index}@example.com`] }),
    attributes: '{"country":"NL"}',
    consents: '{}',
    created_at: NOW,
    updated_at: NOW,
  }));

  await db.insertInto('profiles').values(profiles).execute();

  await db
    .insertInto('audience_members')
    .values(
      profiles.map((profile) => ({ audience_id: 'a1', profile_id: profile.id, entered_at: NOW })),
    )
    .execute();

  await db
    .insertInto('activations')
    .values({
      connector_id: 'c1',
      destination_key: '111',
      destination: '{"customAudienceId":"111"}',
      profile_id: 'p0',
      operation: 'add',
      profile: '{"identifiers":{"email":["p0@example.com"]}}',
      in_flight: 1,
      batch_id: 'b1',
      attempts: 1,
      next_attempt_at: 1_767_000_000_000,
      enqueued_at: 1_767_000_000_000,
      first_enqueued_at: 1_767_000_000_000,
      last_error: null,
    })
    .execute();

  await db
    .insertInto('pending_confirmations')
    .values({
      batch_id: 'b1',
      connector_id: 'c1',
      confirmation: '{"requestId":"r1"}',
      next_check_at: 1_767_000_005_000,
      created_at: 1_767_000_000_000,
    })
    .execute();

  await db
    .insertInto('sessions')
    .values({ id_hash: 'h1', actor: 'default', created_at: NOW, expires_at: 1_767_043_200_000 })
    .execute();

  for (const category of ['timeout', 'other']) {
    await db
      .insertInto('error_samples')
      .values({
        connector_id: 'c1',
        at: NOW,
        category,
        http_status: category === 'other' ? 503 : null,
        partner_code: null,
        partner_message: null,
        batch_size: 10,
        summary: 'failed',
        fix: 'retry',
        request: '{}',
        response: '{}',
      })
      .execute();
  }
}

async function countAll(store: Store) {
  const tables = await listTablesInCopyOrder(source.db);

  return Object.fromEntries(
    (await countTableRows(store, tables)).map(({ table, rows }) => [table, rows]),
  );
}

describe('orderByReferences', () => {
  it('puts referenced tables first', () => {
    const references = new Map([
      ['members', new Set(['audiences'])],
      ['audiences', new Set<string>()],
      ['connections', new Set(['audiences', 'connectors'])],
    ]);

    expect(
      orderByReferences(['members', 'connections', 'audiences', 'connectors'], references),
    ).toEqual(['audiences', 'members', 'connectors', 'connections']);
  });

  it('rejects a cycle of references', () => {
    const references = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['a'])],
    ]);

    expect(() => orderByReferences(['a', 'b', 'c'], references)).toThrow(
      /tables a, b form a cycle/,
    );
  });
});

describe('listTablesInCopyOrder', () => {
  it('lists every table of the PostgreSQL schema', async () => {
    const postgresTables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_name not like 'kysely_migration%'
    `.execute(target.db);

    const tables = await listTablesInCopyOrder(source.db);

    expect([...tables].sort()).toEqual(postgresTables.rows.map((row) => row.table_name).sort());
    expect(tables).toContain('connectors');
    expect(tables).not.toContain('kysely_migration');
  });

  it('orders each table after those it references', async () => {
    // The PostgreSQL catalog is a second, independent source of the foreign keys.
    const foreignKeys = await sql<{ referencing: string; referenced: string }>`
      select distinct constraints.table_name as referencing, usage.table_name as referenced
      from information_schema.table_constraints constraints
      join information_schema.constraint_column_usage usage
        on usage.constraint_name = constraints.constraint_name
        and usage.constraint_schema = constraints.constraint_schema
      where constraints.constraint_type = 'FOREIGN KEY'
        and constraints.table_schema = current_schema()
    `.execute(target.db);

    const tables = await listTablesInCopyOrder(source.db);

    expect(foreignKeys.rows.length).toBeGreaterThanOrEqual(5);
    for (const { referencing, referenced } of foreignKeys.rows) {
      expect(tables.indexOf(referenced), `${referenced} before ${referencing}`).toBeLessThan(
        tables.indexOf(referencing),
      );
    }
  });
});

describe('copyStore', () => {
  it('copies every row in chunks', async () => {
    await fillSource(25);

    const result = await copyStore(source, target, { rowsPerChunk: 4 });

    const tables = await listTablesInCopyOrder(source.db);
    expect(result.tables.map((table) => table.table)).toEqual(tables);
    expect(result.tables.find((table) => table.table === 'profiles')?.rows).toBe(25);
    expect(result.tables.find((table) => table.table === 'audience_members')?.rows).toBe(25);
    for (const table of tables) {
      expect(await readSortedRows(target.db, table), table).toEqual(
        await readSortedRows(source.db, table),
      );
    }
  });

  it('resets sequences past the copied ids', async () => {
    await fillSource(1);

    const result = await copyStore(source, target);
    const inserted = await target.db
      .insertInto('audit_log')
      .values({
        at: NOW,
        actor: 'default',
        action: 'x',
        entity: 'connector',
        entity_id: 'c1',
        changes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    expect(result.sequences).toEqual(
      expect.arrayContaining([
        { table: 'audit_log', column: 'id', nextValue: 4 },
        { table: 'error_samples', column: 'id', nextValue: 3 },
        { table: 'activations', column: 'id', nextValue: 2 },
      ]),
    );
    expect(inserted.id).toBe(4);
  });

  it('rejects a non-empty target and names the table', async () => {
    await fillSource(3);
    await target.db
      .insertInto('profiles')
      .values({
        id: 'x',
        identifiers: '{}',
        attributes: '{}',
        consents: '{}',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();

    const copy = copyStore(source, target);

    await expect(copy).rejects.toThrow(StoreCopyError);
    await expect(copy).rejects.toThrow(/table profiles already has rows/);
    const counts = await countAll(target);
    expect(counts.profiles).toBe(1);
    expect(counts.connectors).toBe(0);
  });

  it('leaves the target empty when a row is rejected', async () => {
    await fillSource(3);
    // PostgreSQL rejects NUL characters in text, and SQLite accepts them.
    await source.db
      .insertInto('sessions')
      .values({ id_hash: 'h2', actor: 'bad\u0000actor', created_at: NOW, expires_at: 1 })
      .execute();

    const copy = copyStore(source, target, { rowsPerChunk: 2 });

    await expect(copy).rejects.toThrow(StoreCopyError);
    await expect(copy).rejects.toThrow(/Failed to copy table sessions/);
    const counts = await countAll(target);
    expect(
      Object.values(counts).every((rows) => rows === 0),
      JSON.stringify(counts),
    ).toBe(true);
  });
});
