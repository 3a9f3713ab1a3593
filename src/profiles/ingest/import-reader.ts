import type { Readable } from 'node:stream';
import { readCsvRowBatches } from './csv-reader.js';
import { ImportError } from './import-error.js';
import { validateImportMapping, type ImportMapping } from './import-mapping.js';
import type { ImportRow } from './import-row.js';
import { readNdjsonRowBatches } from './ndjson-reader.js';

export type { ImportRow } from './import-row.js';

export interface ImportOptions {
  format: 'csv' | 'ndjson';
  /** CSV only: maps each header to a profile field. Without it, headers must be targets. */
  mapping?: ImportMapping;
}

/**
 * Reads profile inputs from a CSV or NDJSON byte stream, one row at a time, so memory stays
 * bounded whatever the size of the input. A row that cannot be read yields `{ line, error }` and
 * reading goes on. Iteration throws an `ImportError` when the whole import cannot go on, such as
 * for an empty CSV file, a header that is not in the mapping, or invalid UTF-8.
 *
 * This reader unpipes `stream` when reading ends, fails or is stopped early, but does not destroy
 * it. The caller owns the stream and decides whether to drain or close it.
 */
export async function* readImport(
  stream: Readable,
  options: ImportOptions,
): AsyncGenerator<ImportRow> {
  for await (const rows of readImportBatches(stream, options)) {
    yield* rows;
  }
}

/**
 * Reads the same rows as `readImport` in batches, which saves an asynchronous step per row. A
 * batch contains the rows that one read from `stream` completes, so its size follows the chunk
 * size of the stream, and it is never empty. Rows read before an `ImportError` are yielded
 * before it is thrown.
 */
export async function* readImportBatches(
  stream: Readable,
  options: ImportOptions,
): AsyncGenerator<ImportRow[]> {
  if (options.format === 'ndjson') {
    if (options.mapping !== undefined) {
      throw new ImportError(
        'a mapping applies only to CSV; import NDJSON without one, because each line names its fields',
      );
    }
    yield* readNdjsonRowBatches(stream);
    return;
  }
  const mapping =
    options.mapping === undefined ? undefined : validateImportMapping(options.mapping);
  yield* readCsvRowBatches(stream, mapping);
}
