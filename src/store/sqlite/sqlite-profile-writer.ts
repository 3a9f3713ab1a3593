import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Profile } from '../../profiles/profile.js';

/**
 * Profiles per multi-row INSERT. At six parameters a row that is 3,000 parameters, far below
 * the limit of 32,766 of the SQLite that better-sqlite3 12 bundles (3.53).
 */
const ROWS_PER_STATEMENT = 500;

const COLUMNS_PER_ROW = 6;

function upsertSql(rowCount: number): string {
  const rows = new Array<string>(rowCount).fill('(?, ?, ?, ?, ?, ?)').join(', ');
  return (
    'insert into profiles (id, identifiers, attributes, consents, created_at, updated_at) ' +
    `values ${rows} on conflict (id) do update set identifiers = excluded.identifiers, ` +
    'attributes = excluded.attributes, consents = excluded.consents, ' +
    'updated_at = excluded.updated_at'
  );
}

/**
 * Upserts profiles with prepared multi-row statements, which skips building and compiling a
 * query for every chunk. The statements are prepared once per connection and reused.
 */
export class SqliteProfileWriter {
  readonly #chunkStatement: Statement;
  readonly #rowStatement: Statement;
  readonly #parameters = new Array<string>(ROWS_PER_STATEMENT * COLUMNS_PER_ROW);

  constructor(private readonly sqlite: SqliteDatabase) {
    this.#chunkStatement = sqlite.prepare(upsertSql(ROWS_PER_STATEMENT));
    this.#rowStatement = sqlite.prepare(upsertSql(1));
  }

  /**
   * Writes `profiles` in the open transaction of the connection. Throws when none is open,
   * because statements outside one would commit one by one and could interleave with another
   * caller's transaction on the same connection.
   */
  upsertInTransaction(profiles: readonly Profile[], at: string): void {
    if (!this.sqlite.inTransaction) {
      throw new Error('SqliteProfileWriter needs an open transaction on its connection');
    }
    // Ids are random in most exports. In id order, consecutive inserts into the primary key
    // index land on the same or neighbouring pages, so fewer pages are read and written.
    const sorted = [...profiles].sort(compareIds);
    let start = 0;
    for (; start + ROWS_PER_STATEMENT <= sorted.length; start += ROWS_PER_STATEMENT) {
      const parameters = this.#parameters;
      for (let offset = 0; offset < ROWS_PER_STATEMENT; offset += 1) {
        writeRow(parameters, offset * COLUMNS_PER_ROW, sorted[start + offset] as Profile, at);
      }
      this.#chunkStatement.run(parameters);
    }
    const row = new Array<string>(COLUMNS_PER_ROW);
    for (; start < sorted.length; start += 1) {
      writeRow(row, 0, sorted[start] as Profile, at);
      this.#rowStatement.run(row);
    }
  }
}

function compareIds(left: Profile, right: Profile): number {
  if (left.id === right.id) return 0;
  return left.id < right.id ? -1 : 1;
}

function writeRow(target: string[], offset: number, profile: Profile, at: string): void {
  target[offset] = profile.id;
  target[offset + 1] = JSON.stringify(profile.identifiers);
  target[offset + 2] = JSON.stringify(profile.attributes);
  target[offset + 3] = JSON.stringify(profile.consents);
  target[offset + 4] = at;
  target[offset + 5] = at;
}
