import { sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** A PostgreSQL sequence behind a serial or identity column, after its reset. */
export interface SequenceReset {
  table: string;
  column: string;
  /** Value the next insert without an explicit id receives. */
  nextValue: number;
}

/**
 * Moves every sequence of a serial or identity column in `tables` past the largest copied value,
 * so that inserts after the copy do not reuse a copied id. The migrations create these columns
 * as `bigserial` (audit_log.id, activations.id and error_samples.id), and the columns are found
 * in the catalog so that a later migration's serial column is reset too.
 */
export async function resetSerialSequences(
  trx: Transaction<Database>,
  tables: readonly string[],
): Promise<SequenceReset[]> {
  const columns = await sql<{ table_name: string; column_name: string; sequence_name: string }>`
    select table_name, column_name,
      pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), column_name)
        as sequence_name
    from information_schema.columns
    where table_schema = current_schema()
      and (column_default like 'nextval(%' or is_identity = 'YES')
    order by table_name, column_name
  `.execute(trx);

  const resets: SequenceReset[] = [];
  for (const { table_name: table, column_name: column, sequence_name: sequence } of columns.rows) {
    if (!tables.includes(table) || sequence === null) continue;

    // With is_called = false, the next nextval() returns exactly this value.
    const result = await sql<{ next_value: number }>`
      select setval(${sequence}::regclass, coalesce(max(${sql.ref(column)}), 0) + 1, false)
        as next_value
      from ${sql.table(table)}
    `.execute(trx);
    resets.push({ table, column, nextValue: Number(result.rows[0]?.next_value) });
  }

  return resets;
}
