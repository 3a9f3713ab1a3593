import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

type UntypedDatabase = Record<string, Record<string, unknown>>;

/** Reads every row of `table`, sorted by its JSON form, so rows of two stores can be compared. */
export async function readSortedRows(
  db: Kysely<Database>,
  table: string,
): Promise<Record<string, unknown>[]> {
  const rows = await (db as unknown as Kysely<UntypedDatabase>)
    .selectFrom(table)
    .selectAll()
    .execute();
  const keyed = rows.map((row) => ({ row, key: JSON.stringify(row, Object.keys(row).sort()) }));
  keyed.sort((a, b) => a.key.localeCompare(b.key));

  return keyed.map(({ row }) => row);
}
