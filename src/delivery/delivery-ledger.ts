import type { Database as SqliteDatabase, Statement as SqliteStatement } from 'better-sqlite3';
import type { Kysely, Transaction } from 'kysely';
import type { BatchProfile } from '../connectors/connector-type.js';
import type { Database } from '../store/schema.js';

export type Identifiers = BatchProfile['identifiers'];

const CHUNK_SIZE = 1000;

/** Entries arrive as one JSON array of `[profileId, identifiers]` pairs. */
const UPSERT_ENTRIES_SQL = `
  insert into delivery_ledger (connector_id, destination_key, profile_id, identifiers,
    updated_at, destination)
  select @connectorId, @destinationKey, value ->> 0, value ->> 1, @updatedAt, @destination
  from json_each(@entries) where true
  on conflict (connector_id, destination_key, profile_id) do update set
    identifiers = excluded.identifiers, updated_at = excluded.updated_at`;

/**
 * Record of what each partner has: per (connector, destination, profile), the identifiers the
 * partner last accepted. A removal sends exactly these, so a changed email still removes the person.
 */
export class DeliveryLedger {
  #upsert: SqliteStatement | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    /** The SQLite connection under `db`: `record` then runs one prepared statement per batch. */
    private readonly sqlite?: SqliteDatabase,
  ) {}

  async find(
    connectorId: string,
    destinationKey: string,
    profileIds: string[],
  ): Promise<Map<string, Identifiers>> {
    const result = new Map<string, Identifiers>();
    for (let start = 0; start < profileIds.length; start += CHUNK_SIZE) {
      const rows = await this.db
        .selectFrom('delivery_ledger')
        .select(['profile_id', 'identifiers'])
        .where('connector_id', '=', connectorId)
        .where('destination_key', '=', destinationKey)
        .where('profile_id', 'in', profileIds.slice(start, start + CHUNK_SIZE))
        .execute();
      for (const row of rows)
        result.set(row.profile_id, JSON.parse(row.identifiers) as Identifiers);
    }

    return result;
  }

  async record(
    trx: Transaction<Database>,
    connectorId: string,
    destinationKey: string,
    entries: { profileId: string; identifiers: Identifiers }[],
    at: string,
    destination: Record<string, unknown>,
  ): Promise<void> {
    const destinationJson = JSON.stringify(destination);
    if (this.sqlite) {
      // `trx` has the connection, so this statement runs inside its transaction.
      this.#upsert ??= this.sqlite.prepare(UPSERT_ENTRIES_SQL);
      this.#upsert.run({
        connectorId,
        destinationKey,
        entries: JSON.stringify(
          entries.map((entry) => [entry.profileId, JSON.stringify(entry.identifiers)]),
        ),
        updatedAt: at,
        destination: destinationJson,
      });

      return;
    }
    for (let start = 0; start < entries.length; start += CHUNK_SIZE) {
      await trx
        .insertInto('delivery_ledger')
        .values(
          entries.slice(start, start + CHUNK_SIZE).map((entry) => ({
            connector_id: connectorId,
            destination_key: destinationKey,
            profile_id: entry.profileId,
            identifiers: JSON.stringify(entry.identifiers),
            updated_at: at,
            destination: destinationJson,
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['connector_id', 'destination_key', 'profile_id']).doUpdateSet((eb) => ({
            identifiers: eb.ref('excluded.identifiers'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  /** Returns every destination that has the profile, for a profile deletion. */
  async entriesOf(profileId: string): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('delivery_ledger')
      .selectAll()
      .where('profile_id', '=', profileId)
      .execute();

    return rows.map((row) => ({
      connectorId: row.connector_id,
      destinationKey: row.destination_key,
      destination: JSON.parse(row.destination ?? '{}') as Record<string, unknown>,
      identifiers: JSON.parse(row.identifiers) as Identifiers,
    }));
  }

  /** Profile ids the destination holds. */
  async profileIdsAt(connectorId: string, destinationKey: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('delivery_ledger')
      .select('profile_id')
      .where('connector_id', '=', connectorId)
      .where('destination_key', '=', destinationKey)
      .execute();

    return rows.map((row) => row.profile_id);
  }

  async forget(
    trx: Transaction<Database>,
    connectorId: string,
    destinationKey: string,
    profileIds: string[],
  ): Promise<void> {
    for (let start = 0; start < profileIds.length; start += CHUNK_SIZE) {
      await trx
        .deleteFrom('delivery_ledger')
        .where('connector_id', '=', connectorId)
        .where('destination_key', '=', destinationKey)
        .where('profile_id', 'in', profileIds.slice(start, start + CHUNK_SIZE))
        .execute();
    }
  }
}

/** A destination a profile was delivered to, as the ledger stores it. */
export interface LedgerEntry {
  connectorId: string;
  destinationKey: string;
  destination: Record<string, unknown>;
  identifiers: Identifiers;
}

/** Returns the identifiers in `held` that `next` no longer has, or undefined when none. */
export function staleIdentifiers(held: Identifiers, next: Identifiers): Identifiers | undefined {
  const stale: Identifiers = {};
  let found = false;
  for (const [type, values] of Object.entries(held)) {
    const kept = new Set(next[type] ?? []);
    const gone = (values ?? []).filter((value) => !kept.has(value));
    if (gone.length > 0) {
      stale[type] = gone;
      found = true;
    }
  }

  return found ? stale : undefined;
}
