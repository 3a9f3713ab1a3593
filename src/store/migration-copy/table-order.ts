import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Kysely's migration bookkeeping, which the target's opener already wrote. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/**
 * Lists the tables of a SQLite store, except Kysely's migration tables, in an order where each
 * table comes after the tables its foreign keys reference. The list is read from the SQLite
 * catalog, so a table that a later migration adds is copied without a change here. Tables
 * without such a constraint keep their creation order.
 */
export async function listTablesInCopyOrder(db: Kysely<Database>): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select name from sqlite_master
    where type = 'table' and name not like 'sqlite\\_%' escape '\\'
    order by rowid
  `.execute(db);
  const names = tables.rows.map((row) => row.name).filter((name) => !MIGRATION_TABLES.has(name));

  const references = new Map<string, Set<string>>();
  for (const name of names) {
    const keys = await sql<{ referenced: string }>`
      select "table" as referenced from pragma_foreign_key_list(${name})
    `.execute(db);
    const referenced = keys.rows
      .map((row) => row.referenced)
      .filter((table) => table !== name && names.includes(table));
    references.set(name, new Set(referenced));
  }

  return orderByReferences(names, references);
}

/**
 * Sorts `names` so that every table follows the tables it references (a topological sort).
 * Among tables that are ready at the same time, the earlier one in `names` goes first.
 */
export function orderByReferences(
  names: readonly string[],
  references: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const ordered: string[] = [];
  const placed = new Set<string>();
  let remaining = [...names];
  while (remaining.length > 0) {
    const ready = remaining.find((name) =>
      [...(references.get(name) ?? [])].every((referenced) => placed.has(referenced)),
    );
    if (ready === undefined) {
      throw new Error(
        `The foreign keys of tables ${remaining.join(', ')} form a cycle, so no insert order ` +
          'satisfies them.',
      );
    }
    ordered.push(ready);
    placed.add(ready);
    remaining = remaining.filter((name) => name !== ready);
  }

  return ordered;
}
