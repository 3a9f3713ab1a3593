import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generatedCsvArbitrary,
  writeCsv,
  type ExpectedRow,
  type GeneratedCsv,
} from '../../test-support/csv-files.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../../test-support/property-runs.js';
import { ImportError } from './import-error.js';
import { readImport, type ImportOptions, type ImportRow } from './import-reader.js';
import { normalizeProfile } from './normalize-profile.js';

const RUNS = 100;

/** Time one generated import may take before the run counts as a hang, in ms. */
const RUN_TIMEOUT_MS = 10_000;

/** Size limit of one CSV record in the reader, in characters. */
const MAX_RECORD_CHARS = 1_048_576;

const UTF8_ERROR_PATTERN = /^the file is not valid UTF-8: line (\d+) contains an invalid byte/;

interface ReadResult {
  rows: ImportRow[];
  error?: unknown;
}

/** Reads an import from `bytes` split into chunks of the given sizes, used in turn. */
async function readChunked(
  bytes: Buffer,
  chunkSizes: readonly number[],
  options: ImportOptions,
): Promise<ReadResult> {
  const source = Readable.from(splitBytes(bytes, chunkSizes), { objectMode: false });
  const rows: ImportRow[] = [];
  try {
    for await (const row of readImport(source, options)) rows.push(row);
  } catch (error) {
    return { rows, error };
  }

  return { rows };
}

/** Chunks one read gets at most; the rest of the input comes as one last chunk. */
const MAX_CHUNKS = 200;

function splitBytes(bytes: Buffer, chunkSizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (let index = 0; start < bytes.length; index += 1) {
    const size =
      chunkSizes.length === 0 || index === MAX_CHUNKS - 1
        ? bytes.length - start
        : (chunkSizes[index % chunkSizes.length] ?? 1);
    chunks.push(bytes.subarray(start, start + size));
    start += size;
  }

  return chunks;
}

function countLineFeeds(bytes: Buffer, end = bytes.length): number {
  let count = 0;
  for (
    let index = bytes.indexOf(0x0a);
    index !== -1 && index < end;
    index = bytes.indexOf(0x0a, index + 1)
  ) {
    count += 1;
  }

  return count;
}

/**
 * Returns the 1-based line of the first invalid UTF-8 sequence, or undefined for valid UTF-8.
 * The line is the one of the byte where a streaming decoder first fails, found by bisection
 * over prefixes. A sequence cut short at the end of the input is on the last line.
 */
function firstInvalidUtf8Line(bytes: Buffer): number | undefined {
  const failsWithin = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  if (!failsWithin(bytes.length)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return undefined;
    } catch {
      return countLineFeeds(bytes) + 1;
    }
  }
  let low = 1;
  let high = bytes.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsWithin(middle)) high = middle;
    else low = middle + 1;
  }

  // The first `low` bytes fail and fewer do not, so byte `low - 1` is the failing one. A line
  // feed that is itself the failing byte ends the line the error is on, so it does not count.
  return countLineFeeds(bytes, low - 1) + 1;
}

/**
 * Checks what every read promises: an ImportError if anything, and rows with increasing lines
 * that each have an input or an error. CSV data rows start after the header on line 1.
 */
function expectWellFormed(result: ReadResult, bytes: Buffer, firstLine: number): void {
  if (result.error !== undefined) {
    expect(result.error).toBeInstanceOf(ImportError);
  }
  const lastLine = countLineFeeds(bytes) + 1;
  let previousLine = firstLine - 1;
  for (const row of result.rows) {
    expect(Number.isInteger(row.line)).toBe(true);
    expect(row.line).toBeGreaterThan(previousLine);
    expect(row.line).toBeLessThanOrEqual(lastLine);
    expect((row.input === undefined) !== (row.error === undefined)).toBe(true);
    if (row.error !== undefined) expect(row.error).not.toBe('');
    // CSV rows always carry the id cell, while an NDJSON line may lack the id.
    if (row.input !== undefined && firstLine === 2) expect(row.input.id).toBeTypeOf('string');
    if (row.input !== undefined) expect(row.input).toBeTypeOf('object');
    previousLine = row.line;
  }
}

/** Returns whether one list of rows is the start of the other. */
function isPrefixPair(first: ImportRow[], second: ImportRow[]): boolean {
  const [shorter, longer] = first.length <= second.length ? [first, second] : [second, first];

  return JSON.stringify(longer.slice(0, shorter.length)) === JSON.stringify(shorter);
}

const chunkSizesArbitrary = fc.array(
  fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1_000, max: 70_000 })),
  { minLength: 1, maxLength: 5 },
);

/**
 * A piece of a generated input: text (written as UTF-8), raw bytes, or text repeated `count`
 * times. Pieces keep a reported counterexample short when it contains a megabyte-sized field.
 */
type Piece = string | number[] | { repeat: string; count: number };

function toBytes(pieces: readonly Piece[]): Buffer {
  return Buffer.concat(
    pieces.map((piece) => {
      if (typeof piece === 'string') return Buffer.from(piece);
      if (Array.isArray(piece)) return Buffer.from(piece);
      return Buffer.from(piece.repeat.repeat(piece.count));
    }),
  );
}

/** Byte sequences that are not UTF-8: a lone continuation byte, overlong forms, surrogates. */
const INVALID_UTF8: number[][] = [
  [0xff],
  [0x80],
  [0xc3],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
];

/** A field longer than the record size limit, and an unclosed quote before a long text. */
const HUGE_PIECES: Piece[] = [
  { repeat: 'x', count: MAX_RECORD_CHARS + 10 },
  { repeat: '"y', count: 1_000 },
];

/** Pieces of messy CSV: fields, separators, stray quotes, BOMs and line ends. */
const csvPieceArbitrary: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 6, arbitrary: fc.constantFrom(',', '\n', '\r\n', '\r', ' ') },
  { weight: 2, arbitrary: fc.constantFrom('a@b.example', 'p1', '\u0000', '\ufeff') },
  { weight: 1, arbitrary: fc.constantFrom('"', '""') },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 6 })
      .map((text) => `"${text.replaceAll('"', '""')}"`),
  },
);

const HEADERS = [
  'id,identifiers.email,attributes.city\n',
  '\ufeffid,identifiers.email\r\n',
  'id\n',
  '',
];

/**
 * Inserts `piece` into one input in `oneIn`, at a generated position. Huge pieces and invalid
 * bytes are kept rare, because one of them ends most reads at once.
 */
function withInsertedPiece(
  piecesArbitrary: fc.Arbitrary<Piece[]>,
  pieceArbitrary: fc.Arbitrary<Piece>,
  oneIn: number,
): fc.Arbitrary<Piece[]> {
  return fc
    .tuple(
      piecesArbitrary,
      fc.oneof(
        { weight: oneIn - 1, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(pieceArbitrary, fc.nat()) },
      ),
    )
    .map(([pieces, inserted]) => {
      if (inserted === null) return pieces;
      const [piece, position] = inserted;
      const index = position % (pieces.length + 1);

      return [...pieces.slice(0, index), piece, ...pieces.slice(index)];
    });
}

/** Adds invalid UTF-8 to one input in 4 and a huge piece to one in 40. */
function withRarePieces(piecesArbitrary: fc.Arbitrary<Piece[]>): fc.Arbitrary<Piece[]> {
  const withInvalidBytes = withInsertedPiece(piecesArbitrary, fc.constantFrom(...INVALID_UTF8), 4);

  return withInsertedPiece(withInvalidBytes, fc.constantFrom(...HUGE_PIECES), 40);
}

/** A messy CSV file: a valid header most of the time, then messy pieces. */
const messyCsvArbitrary = withRarePieces(
  fc
    .tuple(fc.constantFrom(...HEADERS), fc.array(csvPieceArbitrary, { maxLength: 40 }))
    .map(([header, pieces]): Piece[] => [header, ...pieces]),
);

/** Pieces of messy NDJSON: JSON objects, broken JSON and line ends. */
const ndjsonPieceArbitrary: fc.Arbitrary<Piece> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          id: fc.string({ maxLength: 4 }),
          identifiers: fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 })),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 3, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 6, arbitrary: fc.constantFrom('\n', '\r\n', '{', '}', '"', '\ufeff', ' ') },
);

const messyNdjsonArbitrary = withRarePieces(fc.array(ndjsonPieceArbitrary, { maxLength: 40 }));

function isValidUtf8(bytes: Buffer): boolean {
  return firstInvalidUtf8Line(bytes) === undefined;
}

describe('CSV import properties on any bytes', () => {
  it(
    'ends with rows or an ImportError',
    async () => {
      await fc.assert(
        fc.asyncProperty(messyCsvArbitrary, chunkSizesArbitrary, async (pieces, chunkSizes) => {
          const bytes = toBytes(pieces);
          const result = await readChunked(bytes, chunkSizes, { format: 'csv' });

          expectWellFormed(result, bytes, 2);
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'reads the same rows whatever the chunk sizes',
    async () => {
      await fc.assert(
        fc.asyncProperty(messyCsvArbitrary, chunkSizesArbitrary, async (pieces, chunkSizes) => {
          const bytes = toBytes(pieces);
          const whole = await readChunked(bytes, [], { format: 'csv' });
          const chunked = await readChunked(bytes, chunkSizes, { format: 'csv' });

          expect(chunked.error === undefined).toBe(whole.error === undefined);
          if (whole.error === undefined) {
            expect(chunked.rows).toEqual(whole.rows);
            return;
          }
          // The rows read before an error depend on where the chunks end, and so does which of
          // a CSV error and a later invalid UTF-8 sequence is found first.
          expect(isPrefixPair(chunked.rows, whole.rows)).toBe(true);
          if (isValidUtf8(bytes)) {
            expect((chunked.error as Error).message).toBe((whole.error as Error).message);
          }
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'names the line of invalid UTF-8',
    async () => {
      await fc.assert(
        fc.asyncProperty(messyCsvArbitrary, chunkSizesArbitrary, async (pieces, chunkSizes) => {
          const bytes = toBytes(pieces);
          const invalidLine = firstInvalidUtf8Line(bytes);
          const result = await readChunked(bytes, chunkSizes, { format: 'csv' });
          const message = result.error instanceof Error ? result.error.message : '';
          const match = UTF8_ERROR_PATTERN.exec(message);

          if (invalidLine === undefined) {
            expect(match).toBeNull();
            return;
          }
          // A CSV or header error before the invalid bytes may stop the import first.
          expect(result.error).toBeInstanceOf(ImportError);
          if (match) expect(Number(match[1])).toBe(invalidLine);
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('NDJSON import properties on any bytes', () => {
  it(
    'ends with rows or an ImportError',
    async () => {
      await fc.assert(
        fc.asyncProperty(messyNdjsonArbitrary, chunkSizesArbitrary, async (pieces, chunkSizes) => {
          const bytes = toBytes(pieces);
          const result = await readChunked(bytes, chunkSizes, { format: 'ndjson' });

          expectWellFormed(result, bytes, 1);
          if (!isValidUtf8(bytes)) expect(result.error).toBeInstanceOf(ImportError);
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'reads the same rows whatever the chunk sizes',
    async () => {
      await fc.assert(
        fc.asyncProperty(messyNdjsonArbitrary, chunkSizesArbitrary, async (pieces, chunkSizes) => {
          const bytes = toBytes(pieces);
          const whole = await readChunked(bytes, [], { format: 'ndjson' });
          const chunked = await readChunked(bytes, chunkSizes, { format: 'ndjson' });

          expect(chunked.error === undefined).toBe(whole.error === undefined);
          if (whole.error === undefined) expect(chunked.rows).toEqual(whole.rows);
          else expect(isPrefixPair(chunked.rows, whole.rows)).toBe(true);
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

/** The rows the reader returns for the rows a generated file must give. */
function expectedRows(rows: readonly ExpectedRow[]): ImportRow[] {
  return rows.map(({ line, input, cellCount }) =>
    input === undefined
      ? { line, error: expect.stringContaining(`the row has ${cellCount} column`) as string }
      : { line, input },
  );
}

function optionsFor(csv: GeneratedCsv): ImportOptions {
  return csv.mapping ? { format: 'csv', mapping: csv.mapping } : { format: 'csv' };
}

describe('CSV import properties on generated files', () => {
  it(
    'reads written profiles back unchanged',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          generatedCsvArbitrary(false),
          chunkSizesArbitrary,
          async (csv, chunkSizes) => {
            const { bytes, expected } = writeCsv(csv);
            const result = await readChunked(bytes, chunkSizes, optionsFor(csv));

            expect(result.error).toBeUndefined();
            expect(result.rows).toEqual(expectedRows(expected));
          },
        ),
        propertyRuns(RUNS * 2, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  // Left alone, csv-parse detects the line end once, from the header row, and then keeps "\r" in
  // cells or runs LF rows together. The reader therefore names both line ends.
  it(
    'reads files that mix LF and CRLF line ends',
    async () => {
      await fc.assert(
        fc.asyncProperty(generatedCsvArbitrary(true), async (csv) => {
          const { bytes, expected } = writeCsv(csv);
          const result = await readChunked(bytes, [], optionsFor(csv));

          expect(result.error).toBeUndefined();
          expect(result.rows).toEqual(expectedRows(expected));
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'accepts or rejects every row read',
    async () => {
      await fc.assert(
        fc.asyncProperty(generatedCsvArbitrary(false), async (csv) => {
          const { bytes, expected } = writeCsv(csv);
          const { rows } = await readChunked(bytes, [], optionsFor(csv));
          let accepted = 0;
          let rejected = 0;
          for (const row of rows) {
            const result = row.input === undefined ? undefined : normalizeProfile(row.input);
            if (result === undefined || 'error' in result) {
              rejected += 1;
              continue;
            }
            accepted += 1;
            // Values left out of a stored profile each name their field.
            for (const rejection of result.rejections) {
              expect(rejection.field).toMatch(/^(identifiers|attributes|consents)\.\w+$/);
            }
          }

          expect(rows).toHaveLength(expected.length);
          expect(accepted + rejected).toBe(rows.length);
        }),
        propertyRuns(RUNS, { timeout: RUN_TIMEOUT_MS }),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
