import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AudienceConnectionTable, AudienceTable, Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type AudienceRow = Selectable<AudienceTable>;
export type AudienceConnectionRow = Selectable<AudienceConnectionTable>;

const CHUNK_SIZE = 500;

/** Audiences, their members and their connections to connectors. */
export class AudienceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(
    executor: Executor,
    row: Omit<AudienceRow, 'time_dependent'> & { time_dependent: number },
  ) {
    await executor.insertInto('audiences').values(row).execute();
  }

  async get(id: string, executor: Executor = this.db): Promise<AudienceRow | undefined> {
    return executor.selectFrom('audiences').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<AudienceRow[]> {
    return this.db
      .selectFrom('audiences')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async ruleAudiences(): Promise<AudienceRow[]> {
    return this.db.selectFrom('audiences').selectAll().where('rule', 'is not', null).execute();
  }

  async memberCount(audienceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('audience_members')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('audience_id', '=', audienceId)
      .executeTakeFirstOrThrow();

    return Number(row.count);
  }

  /** Returns which of `profileIds` are members of the audience. */
  async membersAmong(audienceId: string, profileIds: string[]): Promise<Set<string>> {
    const members = new Set<string>();
    for (let start = 0; start < profileIds.length; start += CHUNK_SIZE) {
      const rows = await this.db
        .selectFrom('audience_members')
        .select('profile_id')
        .where('audience_id', '=', audienceId)
        .where('profile_id', 'in', profileIds.slice(start, start + CHUNK_SIZE))
        .execute();
      for (const row of rows) members.add(row.profile_id);
    }

    return members;
  }

  /** Returns up to `limit` member ids after `afterId`, in id order. */
  async memberPage(
    audienceId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<string[]> {
    let query = this.db
      .selectFrom('audience_members')
      .select('profile_id')
      .where('audience_id', '=', audienceId)
      .orderBy('profile_id')
      .limit(limit);
    if (afterId !== undefined) query = query.where('profile_id', '>', afterId);

    return (await query.execute()).map((row) => row.profile_id);
  }

  async addMembers(executor: Executor, audienceId: string, profileIds: string[], at: string) {
    for (let start = 0; start < profileIds.length; start += CHUNK_SIZE) {
      await executor
        .insertInto('audience_members')
        .values(
          profileIds.slice(start, start + CHUNK_SIZE).map((profileId) => ({
            audience_id: audienceId,
            profile_id: profileId,
            entered_at: at,
          })),
        )
        .onConflict((conflict) => conflict.columns(['audience_id', 'profile_id']).doNothing())
        .execute();
    }
  }

  async removeMembers(executor: Executor, audienceId: string, profileIds: string[]) {
    for (let start = 0; start < profileIds.length; start += CHUNK_SIZE) {
      await executor
        .deleteFrom('audience_members')
        .where('audience_id', '=', audienceId)
        .where('profile_id', 'in', profileIds.slice(start, start + CHUNK_SIZE))
        .execute();
    }
  }

  /** Audiences the profile is a member of. */
  async audiencesOf(profileId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('audience_members')
      .select('audience_id')
      .where('profile_id', '=', profileId)
      .execute();

    return rows.map((row) => row.audience_id);
  }

  async removeProfile(executor: Executor, profileId: string) {
    await executor.deleteFrom('audience_members').where('profile_id', '=', profileId).execute();
  }

  async connections(
    audienceId: string,
    executor: Executor = this.db,
  ): Promise<AudienceConnectionRow[]> {
    return executor
      .selectFrom('audience_connections')
      .selectAll()
      .where('audience_id', '=', audienceId)
      .orderBy('created_at')
      .execute();
  }

  async connectionsOfConnector(connectorId: string): Promise<AudienceConnectionRow[]> {
    return this.db
      .selectFrom('audience_connections')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .execute();
  }

  async addConnection(executor: Executor, row: AudienceConnectionRow) {
    await executor.insertInto('audience_connections').values(row).execute();
  }

  async removeConnection(executor: Executor, audienceId: string, connectorId: string) {
    const result = await executor
      .deleteFrom('audience_connections')
      .where('audience_id', '=', audienceId)
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();

    return Number(result.numDeletedRows) > 0;
  }

  async deliveredCounts(connectorId: string, destinationKey: string) {
    const row = await this.db
      .selectFrom('destination_counts')
      .select(['added', 'removed'])
      .where('connector_id', '=', connectorId)
      .where('destination_key', '=', destinationKey)
      .executeTakeFirst();

    return { added: Number(row?.added ?? 0), removed: Number(row?.removed ?? 0) };
  }
}
