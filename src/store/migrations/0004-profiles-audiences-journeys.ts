import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../store.js';

/**
 * Profiles, audience membership and rules, audience connection destinations, journey versions
 * and the runs of profiles through published journeys.
 */
export async function createProfileTables(db: Kysely<unknown>, dialect: SqlDialectName) {
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('identifiers', 'text', (column) => column.notNull())
    .addColumn('attributes', 'text', (column) => column.notNull())
    .addColumn('consents', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();

  await db.schema.alterTable('audiences').addColumn('rule', 'text').execute();
  await db.schema
    .alterTable('audiences')
    .addColumn('time_dependent', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('audience_members')
    .addColumn('audience_id', 'text', (column) =>
      column.notNull().references('audiences.id').onDelete('cascade'),
    )
    .addColumn('profile_id', 'text', (column) => column.notNull())
    .addColumn('entered_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('audience_members_pk', ['audience_id', 'profile_id'])
    .execute();
  await db.schema
    .createIndex('audience_members_profile')
    .on('audience_members')
    .column('profile_id')
    .execute();

  await db.schema.alterTable('audience_connections').addColumn('destination_key', 'text').execute();
  await db.schema.alterTable('delivery_ledger').addColumn('destination', 'text').execute();
  await db.schema
    .createIndex('delivery_ledger_profile')
    .on('delivery_ledger')
    .column('profile_id')
    .execute();
  await db.schema
    .createTable('destination_counts')
    .addColumn('connector_id', 'text', (column) => column.notNull())
    .addColumn('destination_key', 'text', (column) => column.notNull())
    .addColumn('added', bigint, (column) => column.notNull())
    .addColumn('removed', bigint, (column) => column.notNull())
    .addPrimaryKeyConstraint('destination_counts_pk', ['connector_id', 'destination_key'])
    .execute();

  await db.schema.alterTable('journeys').addColumn('draft', 'text').execute();
  await db.schema.alterTable('journeys').addColumn('published', 'text').execute();
  await db.schema.alterTable('journeys').addColumn('published_at', 'text').execute();
  await db.schema.alterTable('journeys').addColumn('updated_at', 'text').execute();
  await db.schema
    .createTable('journey_runs')
    .addColumn('journey_id', 'text', (column) =>
      column.notNull().references('journeys.id').onDelete('cascade'),
    )
    .addColumn('profile_id', 'text', (column) => column.notNull())
    .addColumn('step_id', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('wake_at', bigint, (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('journey_runs_pk', ['journey_id', 'profile_id'])
    .execute();
  await db.schema
    .createIndex('journey_runs_due')
    .on('journey_runs')
    .columns(['status', 'wake_at'])
    .execute();
}
