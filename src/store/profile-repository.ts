import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import type { Profile } from '../profiles/profile.js';
import type { Database, ProfileTable } from './schema.js';
import { SqliteProfileWriter } from './sqlite/sqlite-profile-writer.js';

type Executor = Kysely<Database> | Transaction<Database>;

const CHUNK_SIZE = 500;

function toProfile(row: ProfileTable): Profile {
  return {
    id: row.id,
    identifiers: JSON.parse(row.identifiers) as Profile['identifiers'],
    attributes: JSON.parse(row.attributes) as Profile['attributes'],
    consents: JSON.parse(row.consents) as Profile['consents'],
  };
}

/** Stored profiles. An upsert replaces the whole profile with the one sent. */
export class ProfileRepository {
  #sqliteWriter: SqliteProfileWriter | undefined;

  /** `sqlite` is the connection under `db` when the store is SQLite; upserts then reuse statements. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sqlite?: SqliteDatabase,
  ) {}

  async upsertMany(executor: Executor, profiles: Profile[], at: string): Promise<void> {
    if (this.sqlite !== undefined && executor.isTransaction) {
      // A SQLite store has one connection and the transaction keeps it until it ends, so the
      // prepared statements run inside this transaction and no other.
      this.#sqliteWriter ??= new SqliteProfileWriter(this.sqlite);
      this.#sqliteWriter.upsertInTransaction(profiles, at);
      return;
    }
    for (let start = 0; start < profiles.length; start += CHUNK_SIZE) {
      await executor
        .insertInto('profiles')
        .values(
          profiles.slice(start, start + CHUNK_SIZE).map((profile) => ({
            id: profile.id,
            identifiers: JSON.stringify(profile.identifiers),
            attributes: JSON.stringify(profile.attributes),
            consents: JSON.stringify(profile.consents),
            created_at: at,
            updated_at: at,
          })),
        )
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            identifiers: eb.ref('excluded.identifiers'),
            attributes: eb.ref('excluded.attributes'),
            consents: eb.ref('excluded.consents'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async get(id: string): Promise<Profile | undefined> {
    const row = await this.db
      .selectFrom('profiles')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();

    return row ? toProfile(row) : undefined;
  }

  async getMany(ids: string[]): Promise<Map<string, Profile>> {
    const result = new Map<string, Profile>();
    for (let start = 0; start < ids.length; start += CHUNK_SIZE) {
      const rows = await this.db
        .selectFrom('profiles')
        .selectAll()
        .where('id', 'in', ids.slice(start, start + CHUNK_SIZE))
        .execute();
      for (const row of rows) result.set(row.id, toProfile(row));
    }

    return result;
  }

  /** Returns up to `limit` profiles with ids after `afterId`, in id order, for full scans. */
  async page(afterId: string | undefined, limit: number): Promise<Profile[]> {
    let query = this.db.selectFrom('profiles').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) query = query.where('id', '>', afterId);

    return (await query.execute()).map(toProfile);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('profiles')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();

    return Number(row.count);
  }

  async delete(executor: Executor, id: string): Promise<boolean> {
    const result = await executor.deleteFrom('profiles').where('id', '=', id).executeTakeFirst();

    return Number(result.numDeletedRows) > 0;
  }
}
