import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Named leases in the store. A lease has one holder until it expires; the holder keeps it by
 * renewing before then, and anyone may take it once it expired. Processes that share a store
 * use them to agree on who runs something, without a coordinator.
 */
export class StoreLeases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes or renews `name` for `holder` for `ttlMs`; returns true when `holder` has it now. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: now + ttlMs })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ holder, expires_at: now + ttlMs })
          .where((eb) =>
            eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)]),
          ),
      )
      .returning('holder')
      .executeTakeFirst();

    return row?.holder === holder;
  }

  /** Gives `name` up if `holder` has it, so another process may take it at once. */
  async release(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  /** Releases every lease of `holder` (a process stopping). */
  async releaseAll(holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('holder', '=', holder).execute();
  }

  /** Unexpired leases whose name starts with `prefix`. */
  async live(prefix: string): Promise<{ name: string; holder: string }[]> {
    return this.db
      .selectFrom('leases')
      .select(['name', 'holder'])
      .where(sql<boolean>`substr(name, 1, ${prefix.length}) = ${prefix}`)
      .where(sql<boolean>`expires_at > ${this.now()}`)
      .execute();
  }
}
