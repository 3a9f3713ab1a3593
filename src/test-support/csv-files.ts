import fc from 'fast-check';
import type { ImportMapping } from '../profiles/ingest/import-mapping.js';
import type { ProfileInput } from '../profiles/profile.js';

// fast-check generators of CSV profile files, and a writer that quotes each cell with a comma,
// quote or line break in it (doubling the quotes inside) and returns the rows a reader must
// produce for the file.

/** A column of a generated CSV file: its header and the profile field it fills. */
export interface Column {
  header: string;
  target: string;
}

/** A data record of a generated file: its cells and the blank lines written before it. */
export interface GeneratedRecord {
  cells: string[];
  blankLinesBefore: number;
}

export interface GeneratedCsv {
  columns: Column[];
  mapping?: ImportMapping;
  records: GeneratedRecord[];
  headerLineEnd: string;
  recordLineEnd: string;
  quoteAll: boolean;
  bom: boolean;
  finalLineEnd: boolean;
}

/** Cell text with the characters CSV must quote, BOMs, whitespace and any code point. */
const cellArbitrary = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.constantFrom(',', '"', '\n', '\r', '\r\n', ' ', '\t', '\ufeff', 'a', '@'),
      ),
      maxLength: 8,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'p1', 'jane@example.com', '06 12345678') },
);

/** Targets of the columns besides `id`. Identifier columns may repeat, attributes may not. */
const TARGETS = [
  'identifiers.email',
  'identifiers.phone',
  'identifiers.email',
  'attributes.city',
  'attributes.note',
  'consents.email',
];

/**
 * Generates CSV files of profiles. With `mixedLineEnds`, the header row ends in LF and the
 * records in CRLF, or the reverse. Otherwise one line end is used throughout.
 */
export function generatedCsvArbitrary(mixedLineEnds: boolean): fc.Arbitrary<GeneratedCsv> {
  const columnCount = TARGETS.length + 1;
  const recordArbitrary = fc.record({
    cells: fc.array(cellArbitrary, { minLength: columnCount + 1, maxLength: columnCount + 1 }),
    // Most records have the header's number of cells, and some one more or one fewer.
    columnDelta: fc.oneof(
      { weight: 8, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constantFrom(-1, 1) },
    ),
    blankLinesBefore: fc.oneof(
      { weight: 6, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
    ),
  });
  const headerNameArbitrary = fc
    .string({ unit: 'binary', minLength: 1, maxLength: 6 })
    .filter((name) => name.trim() !== '');

  return fc
    .record({
      targets: fc.shuffledSubarray(TARGETS),
      useMapping: fc.boolean(),
      // Mapping keys are trimmed headers, so headers must differ after trimming.
      headerNames: fc.uniqueArray(headerNameArbitrary, {
        minLength: columnCount,
        maxLength: columnCount,
        selector: (name) => name.trim(),
      }),
      idPosition: fc.nat(),
      lineEnd: fc.constantFrom('\n', '\r\n'),
      quoteAll: fc.boolean(),
      bom: fc.boolean(),
      finalLineEnd: fc.boolean(),
      records: fc.array(recordArbitrary, { maxLength: 12 }),
    })
    .map((generated): GeneratedCsv => {
      const targets = [...generated.targets];
      targets.splice(generated.idPosition % (targets.length + 1), 0, 'id');
      const columns = targets.map((target, index) => ({
        header: generated.useMapping ? (generated.headerNames[index] as string) : target,
        target,
      }));
      const mapping = generated.useMapping
        ? Object.fromEntries(columns.map(({ header, target }) => [header.trim(), target]))
        : undefined;
      const otherLineEnd = generated.lineEnd === '\n' ? '\r\n' : '\n';

      return {
        columns,
        ...(mapping === undefined ? {} : { mapping }),
        headerLineEnd: generated.lineEnd,
        recordLineEnd: mixedLineEnds ? otherLineEnd : generated.lineEnd,
        quoteAll: generated.quoteAll,
        bom: generated.bom,
        finalLineEnd: generated.finalLineEnd,
        records: generated.records.map(({ cells, columnDelta, blankLinesBefore }) => ({
          cells: cells.slice(0, Math.max(1, columns.length + columnDelta)),
          blankLinesBefore,
        })),
      };
    });
}

function quoteCell(cell: string, quoteAll: boolean, isOnlyCell: boolean): string {
  // A record of one empty unquoted cell is a blank line, which the reader skips.
  const needsQuotes = quoteAll || /[",\r\n]/.test(cell) || (isOnlyCell && cell === '');

  return needsQuotes ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * A row a reader must return for a generated record: the record's start line, and its profile
 * input, or the number of cells when that differs from the header's.
 */
export interface ExpectedRow {
  line: number;
  input?: ProfileInput;
  cellCount?: number;
}

/** Writes a generated file and the rows a reader must return for it. */
export function writeCsv(csv: GeneratedCsv): { bytes: Buffer; expected: ExpectedRow[] } {
  const writeRecord = (cells: string[]): string =>
    cells.map((cell) => quoteCell(cell, csv.quoteAll, cells.length === 1)).join(',');
  const header = writeRecord(csv.columns.map(({ header }) => header));
  const parts = [csv.bom ? '\ufeff' : '', header];
  let line = 1 + countLineFeeds(header);
  const expected: ExpectedRow[] = [];
  const headerCount = csv.columns.length;

  csv.records.forEach((record, index) => {
    parts.push(index === 0 ? csv.headerLineEnd : csv.recordLineEnd);
    parts.push(csv.recordLineEnd.repeat(record.blankLinesBefore));
    line += 1 + record.blankLinesBefore;
    const written = writeRecord(record.cells);
    parts.push(written);
    const cellCount = record.cells.length;
    expected.push(
      cellCount === headerCount
        ? { line, input: expectedInput(csv.columns, record.cells) }
        : { line, cellCount },
    );
    line += countLineFeeds(written);
  });
  if (csv.finalLineEnd) {
    parts.push(csv.records.length === 0 ? csv.headerLineEnd : csv.recordLineEnd);
  }

  return { bytes: Buffer.from(parts.join('')), expected };
}

/** Builds the profile input a record must give, independently of the reader's column plan. */
function expectedInput(columns: Column[], cells: string[]): ProfileInput {
  const identifiers: Record<string, string[]> = {};
  const attributes: Record<string, string> = {};
  const consents: Record<string, string> = {};
  let id = '';
  columns.forEach(({ target }, index) => {
    const cell = cells[index] ?? '';
    const [kind, name = ''] = target.split('.');
    if (kind === 'id') {
      id = cell;
      return;
    }
    // A blank cell is no value: CSV cannot tell an empty value from a missing one.
    if (cell.trim() === '') return;
    if (kind === 'identifiers') identifiers[name] = [...(identifiers[name] ?? []), cell];
    if (kind === 'attributes') attributes[name] = cell;
    if (kind === 'consents') consents[name] = cell;
  });

  return { id, identifiers, attributes, consents: consents as ProfileInput['consents'] };
}

function countLineFeeds(text: string): number {
  return text.split('\n').length - 1;
}
