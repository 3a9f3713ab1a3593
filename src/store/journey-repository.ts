import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, JourneyRunTable, JourneyTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type JourneyRow = Selectable<JourneyTable>;
export type JourneyRunRow = Selectable<JourneyRunTable>;

/** Journeys, the connectors each version sends to, and the runs of profiles through them. */
export class JourneyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(executor: Executor, row: JourneyRow) {
    await executor.insertInto('journeys').values(row).execute();
  }

  async get(id: string, executor: Executor = this.db): Promise<JourneyRow | undefined> {
    return executor.selectFrom('journeys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<JourneyRow[]> {
    return this.db.selectFrom('journeys').selectAll().orderBy('created_at').execute();
  }

  async published(): Promise<JourneyRow[]> {
    return this.db.selectFrom('journeys').selectAll().where('published', 'is not', null).execute();
  }

  async update(executor: Executor, id: string, changes: Partial<Omit<JourneyRow, 'id'>>) {
    await executor.updateTable('journeys').set(changes).where('id', '=', id).execute();
  }

  /** Replaces the connectors a version sends to, for the connector delete guard. */
  async setVersionConnectors(
    executor: Executor,
    journeyId: string,
    version: 'draft' | 'published',
    connectorIds: string[],
  ) {
    await executor
      .deleteFrom('journey_version_connectors')
      .where('journey_id', '=', journeyId)
      .where('version', '=', version)
      .execute();
    if (connectorIds.length === 0) return;
    await executor
      .insertInto('journey_version_connectors')
      .values(
        connectorIds.map((connectorId) => ({
          journey_id: journeyId,
          version,
          connector_id: connectorId,
        })),
      )
      .execute();
  }

  async run(journeyId: string, profileId: string): Promise<JourneyRunRow | undefined> {
    return this.db
      .selectFrom('journey_runs')
      .selectAll()
      .where('journey_id', '=', journeyId)
      .where('profile_id', '=', profileId)
      .executeTakeFirst();
  }

  async saveRun(row: JourneyRunRow) {
    await this.db
      .insertInto('journey_runs')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['journey_id', 'profile_id']).doUpdateSet({
          step_id: row.step_id,
          status: row.status,
          wake_at: row.wake_at,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async dueRuns(now: number, limit: number): Promise<JourneyRunRow[]> {
    return this.db
      .selectFrom('journey_runs')
      .selectAll()
      .where('status', '=', 'waiting')
      .where('wake_at', '<=', now)
      .orderBy('wake_at')
      .limit(limit)
      .execute();
  }

  async runCounts(journeyId: string) {
    const rows = await this.db
      .selectFrom('journey_runs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .where('journey_id', '=', journeyId)
      .groupBy('status')
      .execute();

    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  async removeProfile(executor: Executor, profileId: string) {
    await executor.deleteFrom('journey_runs').where('profile_id', '=', profileId).execute();
  }
}
