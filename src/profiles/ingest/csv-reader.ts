import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
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

interface ParsedRecord {
  record: string[];
  info: { empty_lines: number };
}

/**
 * Reads CSV profile rows one record at a time. The first record is the header row, which
 * `planColumns` maps to profile fields. A UTF-8 byte order mark, CRLF line ends, quoted fields
 * with line breaks and blank lines are accepted. A record with a different number of columns than
 * the header gives an error row, and reading goes on. Throws an `ImportError` for an empty file,
 * an unusable header row, invalid UTF-8 and malformed CSV such as an unclosed quote.
 */
export async function* readCsvRows(
  source: Readable,
  mapping: ImportMapping | undefined,
): AsyncGenerator<ImportRow> {
  const validator = createUtf8Validator();
  // Columns are counted here, not by csv-parse, because its column count error ends the stream
  // while a row with the wrong column count must only reject that row.
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
  });
  const unlinkSource = linkStreams(source, validator);
  const unlinkValidator = linkStreams(validator, parser);

  let plan: ColumnPlan | undefined;
  let recordLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      // csv-parse 7.0.3 counts a CRLF inside a quoted field as two lines in `info.lines`, so the
      // start line is counted here from the line feeds in each record and the skipped blank lines.
      const line = recordLines + info.empty_lines + 1;
      recordLines += 1 + countLineFeeds(record);
      if (plan === undefined) {
        plan = planColumns(record, mapping);
      } else if (record.length !== plan.length) {
        yield { line, error: columnCountError(record.length, plan.length) };
      } else {
        yield { line, input: buildProfileInput(plan, record) };
      }
    }
  } catch (error) {
    throw error instanceof CsvError
      ? new ImportError(`the file is not valid CSV: ${error.message}`, { cause: error })
      : error;
  } finally {
    unlinkSource();
    unlinkValidator();
    parser.destroy();
    validator.destroy();
  }

  if (plan === undefined) {
    throw new ImportError('the file is empty; expected a header row');
  }
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
