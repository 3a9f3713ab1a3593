/** Maximum rows in one add or remove request, as Meta documents for the `users` edge. */
export const META_MAX_ROWS_PER_REQUEST = 10_000;

/** The rows of one `users` request and the profiles they belong to. */
export interface UsersRequestRows {
  /** Rows in the column order of the batch's schema. */
  data: string[][];
  /** Activation keys of the profiles in this request, each once, in batch order. */
  keys: string[];
}

/**
 * Splits the rows of a batch into `users` requests of at most `maxRows` rows, keeping the order
 * of the batch. `keys[i]` is the activation key of `data[i]`.
 *
 * All rows of a profile go into the same request. The exception is a profile with more than
 * `maxRows` rows by itself: its rows fill as many requests as they need.
 *
 * A row equal to a row already in the request is left out. So two profiles that are the same
 * person after normalization (the same email in different case, for example) are sent once per
 * request, and both keys are listed in that request.
 */
export function splitUsersRequests(
  data: readonly string[][],
  keys: readonly string[],
  maxRows: number = META_MAX_ROWS_PER_REQUEST,
): UsersRequestRows[] {
  const requests: UsersRequestRows[] = [];
  let current = new RequestBuilder();

  for (const [key, rows] of groupRowsByKey(data, keys)) {
    const ids = rows.map(rowId);
    if (current.rowCount + current.countNewRows(ids) > maxRows && current.rowCount > 0) {
      requests.push(current.build());
      current = new RequestBuilder();
    }

    if (current.rowCount + current.countNewRows(ids) <= maxRows) {
      current.add(key, rows, ids);
      continue;
    }

    // The request is empty here, and the profile alone has more rows than fit in one request.
    const distinctRows = distinct(rows);
    for (let start = 0; start < distinctRows.length; start += maxRows) {
      if (current.rowCount > 0) {
        requests.push(current.build());
        current = new RequestBuilder();
      }
      const slice = distinctRows.slice(start, start + maxRows);
      current.add(key, slice, slice.map(rowId));
    }
  }

  if (current.rowCount > 0) requests.push(current.build());
  return requests;
}

/** Collects the rows of one request and skips rows it already has. */
class RequestBuilder {
  readonly #data: string[][] = [];
  readonly #keys: string[] = [];
  readonly #rowIds = new Set<string>();

  get rowCount(): number {
    return this.#data.length;
  }

  /** Returns how many of the rows with these ids this request does not have yet, counting repeats once. */
  countNewRows(ids: readonly string[]): number {
    if (ids.length === 1) return this.#rowIds.has(ids[0]!) ? 0 : 1;
    const newIds = new Set<string>();
    for (const id of ids) if (!this.#rowIds.has(id)) newIds.add(id);
    return newIds.size;
  }

  /** Adds the rows this request does not have yet; `ids[i]` is the `rowId` of `rows[i]`. */
  add(key: string, rows: readonly string[][], ids: readonly string[]): void {
    rows.forEach((row, index) => {
      const id = ids[index]!;
      if (this.#rowIds.has(id)) return;
      this.#rowIds.add(id);
      this.#data.push(row);
    });
    this.#keys.push(key);
  }

  build(): UsersRequestRows {
    return { data: this.#data, keys: this.#keys };
  }
}

/** Groups rows by activation key, in the order in which each key first appears. */
function groupRowsByKey(
  data: readonly string[][],
  keys: readonly string[],
): Map<string, string[][]> {
  const groups = new Map<string, string[][]>();
  data.forEach((row, index) => {
    const key = keys[index];
    if (key === undefined)
      throw new Error(`Row ${index} has no activation key: data and keys differ in length.`);

    const rows = groups.get(key);
    if (rows === undefined) groups.set(key, [row]);
    else rows.push(row);
  });
  return groups;
}

function distinct(rows: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const id = rowId(row);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function rowId(row: readonly string[]): string {
  return JSON.stringify(row);
}
