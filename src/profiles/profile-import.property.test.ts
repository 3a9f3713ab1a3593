import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedCsvArbitrary, writeCsv, type ExpectedRow } from '../test-support/csv-files.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../test-support/property-runs.js';
import { startTestService, type TestService } from '../test-support/test-service.js';

// Generated CSV files imported through POST /api/v1/profiles/import on a service started
// in-process: the summary must account for every row and name the line of each rejection.

const RUNS = 40;

/** Reasons that reject a whole row, as the summary writes them. */
const ROW_REASON_KEYS = ['invalidRow', 'missingId', 'invalidId'];

interface ImportSummary {
  read: number;
  stored: number;
  rejected: Record<string, number>;
  samples: { line: number; field: string; reason: string }[];
}

let service: TestService;

beforeAll(async () => {
  // The long variant sends more requests than the per-token rate limit allows a minute.
  service = await startTestService({ ACTIVATOR_API_RATE_LIMIT: '1000000' });
}, 30_000);

afterAll(async () => {
  await service?.dispose();
});

/**
 * Returns the reason that rejects a row's profile id, as normalizeProfile documents it: the
 * trimmed id must be 1 to 200 code points without control characters.
 */
function idRejection(id: string): 'missing_id' | 'invalid_id' | undefined {
  const trimmed = id.trim();
  if (trimmed === '') return 'missing_id';
  if ([...trimmed].length > 200 || /\p{Cc}/u.test(trimmed)) return 'invalid_id';

  return undefined;
}

/** Returns the reason that rejects a whole row, or undefined for a row that is stored. */
function rowRejection(row: ExpectedRow): string | undefined {
  return row.input === undefined ? 'invalid_row' : idRejection(row.input.id);
}

describe('profile import properties', () => {
  it(
    'accounts for every row of a CSV file',
    async () => {
      await fc.assert(
        fc.asyncProperty(generatedCsvArbitrary(false), async (csv) => {
          const { bytes, expected } = writeCsv(csv);
          const query = csv.mapping
            ? `?mapping=${encodeURIComponent(JSON.stringify(csv.mapping))}`
            : '';
          const response = await service.app.inject({
            method: 'POST',
            url: `/api/v1/profiles/import${query}`,
            headers: { ...service.auth, 'content-type': 'text/csv' },
            payload: bytes,
          });

          expect(response.statusCode).toBe(200);
          const summary = response.json<ImportSummary>();
          const rejectedRows = expected.filter((row) => rowRejection(row) !== undefined);
          expect(summary.read).toBe(expected.length);
          expect(summary.stored).toBe(expected.length - rejectedRows.length);
          const rowRejections = ROW_REASON_KEYS.reduce(
            (sum, key) => sum + (summary.rejected[key] ?? 0),
            0,
          );
          expect(rowRejections).toBe(rejectedRows.length);

          const rowsByLine = new Map(expected.map((row) => [row.line, row]));
          for (const sample of summary.samples) {
            const row = rowsByLine.get(sample.line);
            expect(row, `sample on line ${sample.line}`).toBeDefined();
            const reason = row === undefined ? undefined : rowRejection(row);
            if (reason !== undefined) {
              // A rejected row has one sample, for the row or its id.
              expect(sample).toEqual({
                line: sample.line,
                field: reason === 'invalid_row' ? 'row' : 'id',
                reason,
              });
            } else {
              expect(sample.field).toMatch(/^(identifiers|attributes|consents)\.\w+$/);
            }
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'answers any bytes with a summary or a 400',
    async () => {
      const bytesArbitrary = fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc
          .string({ unit: 'binary', maxLength: 100 })
          .map((text) => Buffer.from(`id,attributes.city\n${text}`)),
      );
      await fc.assert(
        fc.asyncProperty(bytesArbitrary, async (bytes) => {
          const response = await service.app.inject({
            method: 'POST',
            url: '/api/v1/profiles/import',
            headers: { ...service.auth, 'content-type': 'text/csv' },
            payload: bytes,
          });

          expect([200, 400]).toContain(response.statusCode);
          const body = response.json<Record<string, unknown>>();
          if (response.statusCode === 400) {
            expect(body.code).toBe('IMPORT_INVALID');
            expect(body.message).toBeTypeOf('string');
          } else {
            expect(body.read).toBeTypeOf('number');
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
