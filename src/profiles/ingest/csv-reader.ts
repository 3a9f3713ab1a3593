import type { Readable } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Parser } from 'csv-parse';
import { buildProfileInput, planColumns, type ColumnPlan } from './column-plan.js';
import { ImportError } from './import-error.js';
import type { ImportMapping } from './import-mapping.js';
import type { ImportRow } from './import-row.js';
import { linkStreams } from './stream-link.js';
import { createUtf8Validator } from './utf8-validator.js';

/**
 * Maximum characters of one CSV record. It bounds memory when a quote is never closed, which
 * would otherwise make the parser buffer the rest of the file as one field.
 */
const MAX_RECORD_CHARS = 1_048_576;

/**
 * Reads CSV profile rows in batches, one for each read from the source that completes a record.
 * The first record is the header row, which `planColumns` maps to profile fields. A UTF-8 byte
 * order mark, CRLF line ends, quoted fields with line breaks and blank lines are accepted. A
 * record with a different number of columns than the header gives an error row, and reading goes
 * on. Throws an `ImportError` for an empty file, an unusable header row, invalid UTF-8 and
 * malformed CSV such as an unclosed quote. The rows read before such an error are yielded first.
 */
export async function* readCsvRowBatches(
  source: Readable,
  mapping: ImportMapping | undefined,
): AsyncGenerator<ImportRow[]> {
  let plan: ColumnPlan | undefined;
  let recordLines = 0;
  let rows: ImportRow[] = [];
  const takeRows = (): ImportRow[] => {
    const completed = rows;
    rows = [];
    return completed;
  };

  // Each record is turned into a row as the parser finds it and then dropped from the parser's
  // output, so one write of a chunk gives all of its rows without a stream read per record.
  const onRecord = (record: string[], context: InfoRecord): null => {
    // csv-parse 7.0.3 counts a CRLF inside a quoted field as two lines in `info.lines`, so the
    // start line is counted here from the line feeds in each record and the skipped blank lines.
    const line = recordLines + context.empty_lines + 1;
    recordLines += 1 + countLineFeeds(record);
    if (plan === undefined) {
      plan = planColumns(record, mapping);
    } else if (record.length !== plan.length) {
      rows.push({ line, error: columnCountError(record.length, plan.length) });
    } else {
      rows.push({ line, input: buildProfileInput(plan, record) });
    }
    return null;
  };
  // Columns are counted here, not by csv-parse, because its column count error ends the stream
  // while a row with the wrong column count must only reject that row.
  const parser = parse({
    bom: true,
    // Both line endings in any row: exports stitched together from several tools mix them.
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: onRecord,
  });
  // Errors reach the callbacks of `write` and `end`. The parser emits them as 'error' events as
  // well, which would crash the process without a listener.
  parser.on('error', () => {});
  const validator = createUtf8Validator();
  const unlinkSource = linkStreams(source, validator);

  try {
    for await (const chunk of validator as AsyncIterable<Buffer>) {
      await writeChunk(parser, chunk);
      if (rows.length > 0) {
        yield takeRows();
      }
    }
    await endParser(parser);
  } catch (error) {
    if (rows.length > 0) {
      yield takeRows();
    }
    throw error instanceof CsvError
      ? new ImportError(`the file is not valid CSV: ${error.message}`, { cause: error })
      : error;
  } finally {
    unlinkSource();
    parser.destroy();
    validator.destroy();
  }

  if (rows.length > 0) {
    yield takeRows();
  }
  if (plan === undefined) {
    throw new ImportError('the file is empty; expected a header row');
  }
}

/** Parses one chunk; the parser calls `on_record` for every record it completes. */
function writeChunk(parser: Parser, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/** Parses the last record and fails on an unclosed quote. */
function endParser(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}

function columnCountError(rowColumns: number, headerColumns: number): string {
  const columns = rowColumns === 1 ? 'column' : 'columns';
  return `the row has ${rowColumns} ${columns} but the header row has ${headerColumns}`;
}

function countLineFeeds(record: readonly string[]): number {
  let count = 0;
  for (const field of record) {
    for (let index = field.indexOf('\n'); index !== -1; index = field.indexOf('\n', index + 1)) {
      count += 1;
    }
  }
  return count;
}
