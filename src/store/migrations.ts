import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Logger } from '../log/logger.js';
import type { Database } from './schema.js';
import type { SqlDialectName } from './store.js';
import { createDeliveryTables } from './migrations/0003-delivery.js';
import { createProfileTables } from './migrations/0004-profiles-audiences-journeys.js';
import { createScaleOutTables } from './migrations/0007-scale-out.js';
import { createTokenTables } from './migrations/0008-api-tokens.js';
import { createActivationClaimsTable } from './migrations/0009-activation-claims.js';

/**
 * Versioned schema migrations, run in order at start. Each is written with Kysely's schema
 * builder so the same list runs on SQLite and PostgreSQL; `dialect` covers the few differences.
 */
function buildMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001_connectors_and_audit': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('connectors')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('type', 'text', (column) => column.notNull())
          .addColumn('name', 'text', (column) => column.notNull())
          .addColumn('name_key', 'text', (column) => column.notNull())
          .addColumn('status', 'text', (column) => column.notNull())
          .addColumn('health', 'text', (column) => column.notNull())
          .addColumn('settings', 'text', (column) => column.notNull())
          .addColumn('credentials', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull())
          .addColumn('updated_at', 'text', (column) => column.notNull())
          .addUniqueConstraint('connectors_type_name_key_unique', ['type', 'name_key'])
          .execute();

        await db.schema
          .createTable('audit_log')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
            dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'text', (column) => column.notNull())
          .addColumn('actor', 'text', (column) => column.notNull())
          .addColumn('action', 'text', (column) => column.notNull())
          .addColumn('entity', 'text', (column) => column.notNull())
          .addColumn('entity_id', 'text', (column) => column.notNull())
          .addColumn('changes', 'text', (column) => column.notNull())
          .execute();
      },
    },
    '0002_audiences_and_journeys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('audiences')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('name', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull())
          .execute();

        await db.schema
          .createTable('audience_connections')
          .addColumn('audience_id', 'text', (column) =>
            column.notNull().references('audiences.id').onDelete('cascade'),
          )
          .addColumn('connector_id', 'text', (column) =>
            column.notNull().references('connectors.id'),
          )
          .addColumn('settings', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull())
          .addPrimaryKeyConstraint('audience_connections_pk', ['audience_id', 'connector_id'])
          .execute();
        await db.schema
          .createIndex('audience_connections_connector')
          .on('audience_connections')
          .column('connector_id')
          .execute();

        await db.schema
          .createTable('journeys')
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('name', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull())
          .execute();

        await db.schema
          .createTable('journey_version_connectors')
          .addColumn('journey_id', 'text', (column) =>
            column.notNull().references('journeys.id').onDelete('cascade'),
          )
          .addColumn('version', 'text', (column) => column.notNull())
          .addColumn('connector_id', 'text', (column) =>
            column.notNull().references('connectors.id'),
          )
          .addPrimaryKeyConstraint('journey_version_connectors_pk', [
            'journey_id',
            'version',
            'connector_id',
          ])
          .execute();
        await db.schema
          .createIndex('journey_version_connectors_connector')
          .on('journey_version_connectors')
          .column('connector_id')
          .execute();
      },
    },
    '0003_delivery': {
      async up(db: Kysely<unknown>) {
        await createDeliveryTables(db, dialect);
      },
    },
    '0004_profiles_audiences_journeys': {
      async up(db: Kysely<unknown>) {
        await createProfileTables(db, dialect);
      },
    },
    '0005_console_sessions': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (column) => column.primaryKey())
          .addColumn('actor', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull())
          .addColumn('expires_at', dialect === 'postgres' ? 'bigint' : 'integer', (column) =>
            column.notNull(),
          )
          .execute();
      },
    },
    '0006_pending_confirmations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('pending_confirmations')
          .addColumn('batch_id', 'text', (column) => column.primaryKey())
          .addColumn('connector_id', 'text', (column) => column.notNull())
          .addColumn('confirmation', 'text', (column) => column.notNull())
          .addColumn('next_check_at', dialect === 'postgres' ? 'bigint' : 'integer', (column) =>
            column.notNull(),
          )
          .addColumn('created_at', dialect === 'postgres' ? 'bigint' : 'integer', (column) =>
            column.notNull(),
          )
          .execute();
      },
    },
    '0007_scale_out': {
      async up(db: Kysely<unknown>) {
        await createScaleOutTables(db, dialect);
      },
    },
    '0008_api_tokens': {
      async up(db: Kysely<unknown>) {
        await createTokenTables(db);
      },
    },
    '0009_activation_claims': {
      async up(db: Kysely<unknown>) {
        await createActivationClaimsTable(db, dialect);
      },
    },
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return buildMigrations(this.dialect);
  }
}

/** Brings the schema to the newest version; throws with the failing migration's name. */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  logger: Logger,
): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success')
      logger.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') {
      logger.error({ migration: result.migrationName }, 'migration failed');
    }
  }
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Store migration failed: ${reason}. The store was left at the last good version.`,
      { cause: error },
    );
  }
}

/** Returns the names of the migrations applied so far, oldest first. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    db,
  );

  return rows.rows.map((row) => row.name);
}
