import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ConnectorTable, Database } from './schema.js';

export type ConnectorRow = Selectable<ConnectorTable>;

/** Audiences and journey versions that use a connector; a connector in use cannot be deleted. */
export interface ConnectorUsage {
  audiences: { id: string; name: string }[];
  journeys: { id: string; name: string; version: 'draft' | 'published' }[];
}

type Executor = Kysely<Database> | Transaction<Database>;

/** Reads and writes connector rows; callers pass a transaction to group writes with the audit. */
export class ConnectorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ConnectorRow, executor: Executor = this.db): Promise<void> {
    await executor.insertInto('connectors').values(row).execute();
  }

  async findById(id: string, executor: Executor = this.db): Promise<ConnectorRow | undefined> {
    return executor.selectFrom('connectors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<ConnectorRow[]> {
    return this.db
      .selectFrom('connectors')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async findByNameKey(type: string, nameKey: string, executor: Executor = this.db) {
    return executor
      .selectFrom('connectors')
      .select(['id'])
      .where('type', '=', type)
      .where('name_key', '=', nameKey)
      .executeTakeFirst();
  }

  async update(
    id: string,
    changes: Partial<Omit<ConnectorRow, 'id' | 'type' | 'created_at'>>,
    executor: Executor = this.db,
  ): Promise<void> {
    await executor.updateTable('connectors').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string, executor: Executor = this.db): Promise<void> {
    await executor.deleteFrom('connectors').where('id', '=', id).execute();
  }

  async usage(id: string, executor: Executor = this.db): Promise<ConnectorUsage> {
    const audiences = await executor
      .selectFrom('audience_connections')
      .innerJoin('audiences', 'audiences.id', 'audience_connections.audience_id')
      .select(['audiences.id', 'audiences.name'])
      .where('audience_connections.connector_id', '=', id)
      .orderBy('audiences.name')
      .execute();
    const journeys = await executor
      .selectFrom('journey_version_connectors')
      .innerJoin('journeys', 'journeys.id', 'journey_version_connectors.journey_id')
      .select(['journeys.id', 'journeys.name', 'journey_version_connectors.version'])
      .where('journey_version_connectors.connector_id', '=', id)
      .orderBy('journeys.name')
      .orderBy('journey_version_connectors.version')
      .execute();

    return { audiences, journeys };
  }
}
