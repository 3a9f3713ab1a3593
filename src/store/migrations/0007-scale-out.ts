import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../store.js';

/**
 * Tables for running several processes against one store: leases (which process runs a
 * connector's deliveries or the journey timer) and the state the JetStream queue keeps next to
 * the statistics it settles with.
 */
export async function createScaleOutTables(db: Kysely<unknown>, dialect: SqlDialectName) {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('holder', 'text', (column) => column.notNull())
    .addColumn('expires_at', bigint, (column) => column.notNull())
    .execute();

  // Stream messages whose outcome is recorded; a redelivered one is acknowledged, not resent.
  await db.schema
    .createTable('queue_receipts')
    .addColumn('stream', 'text', (column) => column.notNull())
    .addColumn('seq', bigint, (column) => column.notNull())
    .addColumn('settled_at', bigint, (column) => column.notNull())
    .addPrimaryKeyConstraint('queue_receipts_pk', ['stream', 'seq'])
    .execute();
  await db.schema
    .createIndex('queue_receipts_settled_at')
    .on('queue_receipts')
    .column('settled_at')
    .execute();

  // Activations of a batch the partner accepted and confirms later.
  await db.schema
    .createTable('held_activations')
    .addColumn('batch_id', 'text', (column) => column.notNull())
    .addColumn('activation_key', 'text', (column) => column.notNull())
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('subject', 'text', (column) => column.notNull())
    .addColumn('item', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('held_activations_pk', ['batch_id', 'activation_key'])
    .execute();
  await db.schema
    .createIndex('held_activations_connector')
    .on('held_activations')
    .column('connector_id')
    .execute();

  // Figures only the process delivering a connector knows, for the API processes to read.
  await db.schema
    .createTable('queue_gauges')
    .addColumn('connector_id', 'text', (column) => column.primaryKey())
    .addColumn('pending_retry', bigint, (column) => column.notNull().defaultTo(0))
    .addColumn('age_shifts', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('updated_at', bigint, (column) => column.notNull())
    .execute();
}
