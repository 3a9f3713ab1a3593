import type { Kysely } from 'kysely';

/**
 * Named API tokens with roles, stored as SHA-256 hashes, and the role and CSRF token hash of
 * each console session.
 */
export async function createTokenTables(db: Kysely<unknown>) {
  await db.schema
    .createTable('api_tokens')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('role', 'text', (column) => column.notNull().defaultTo('admin'))
    .execute();
  await db.schema.alterTable('sessions').addColumn('csrf_hash', 'text').execute();
}
