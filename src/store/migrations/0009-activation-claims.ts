import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../store.js';

/**
 * One row per batch the embedded SQLite queue has out. Writing it makes a claim fail, before
 * anything is sent, when the store cannot take the outcome (a full disk, a read-only file). The
 * PostgreSQL queue marks the claimed rows themselves and leaves this table empty.
 */
export async function createActivationClaimsTable(db: Kysely<unknown>, dialect: SqlDialectName) {
  await db.schema
    .createTable('activation_claims')
    .addColumn('batch_id', 'text', (column) => column.primaryKey())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('activations', 'integer', (column) => column.notNull())
    .addColumn('claimed_at', dialect === 'postgres' ? 'bigint' : 'integer', (column) =>
      column.notNull(),
    )
    .execute();
}
