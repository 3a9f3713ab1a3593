import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../store.js';

/**
 * Tables of the delivery engine: the embedded activation queue, the delivery ledger, hourly
 * and daily statistics, and error samples.
 */
export async function createDeliveryTables(db: Kysely<unknown>, dialect: SqlDialectName) {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('activations')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
      dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('destination_key', 'text', (column) => column.notNull())
    .addColumn('destination', 'text', (column) => column.notNull())
    .addColumn('profile_id', 'text', (column) => column.notNull())
    .addColumn('operation', 'text', (column) => column.notNull())
    .addColumn('profile', 'text', (column) => column.notNull())
    .addColumn('in_flight', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('batch_id', 'text')
    .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('next_attempt_at', bigint, (column) => column.notNull())
    .addColumn('enqueued_at', bigint, (column) => column.notNull())
    .addColumn('first_enqueued_at', bigint, (column) => column.notNull())
    .addColumn('last_error', 'text')
    .execute();
  // At most one waiting and one in-flight row per key: the coalescing rule.
  await db.schema
    .createIndex('activations_key_unique')
    .on('activations')
    .columns(['connector_id', 'destination_key', 'profile_id', 'in_flight'])
    .unique()
    .execute();
  await db.schema
    .createIndex('activations_ready')
    .on('activations')
    .columns(['connector_id', 'in_flight', 'next_attempt_at'])
    .execute();

  await db.schema.createIndex('activations_batch').on('activations').column('batch_id').execute();
  await db.schema.alterTable('connectors').addColumn('paused_at', bigint).execute();

  await db.schema
    .createTable('delivery_ledger')
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('destination_key', 'text', (column) => column.notNull())
    .addColumn('profile_id', 'text', (column) => column.notNull())
    .addColumn('identifiers', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('delivery_ledger_pk', [
      'connector_id',
      'destination_key',
      'profile_id',
    ])
    .execute();

  for (const [table, bucket] of [
    ['stats_hourly', 'hour'],
    ['stats_daily', 'day'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('connector_id', 'text', (column) => column.notNull())
      .addColumn(bucket, 'text', (column) => column.notNull())
      .addColumn('metric', 'text', (column) => column.notNull())
      .addColumn('count', bigint, (column) => column.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['connector_id', bucket, 'metric'])
      .execute();
  }

  await db.schema
    .createTable('error_samples')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
      dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('at', 'text', (column) => column.notNull())
    .addColumn('category', 'text', (column) => column.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('partner_code', 'text')
    .addColumn('partner_message', 'text')
    .addColumn('batch_size', 'integer', (column) => column.notNull())
    .addColumn('summary', 'text', (column) => column.notNull())
    .addColumn('fix', 'text', (column) => column.notNull())
    .addColumn('request', 'text', (column) => column.notNull())
    .addColumn('response', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('error_samples_connector')
    .on('error_samples')
    .columns(['connector_id', 'id'])
    .execute();
}
