import { createReadStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleExportPath } from '../../test-support/sample-export.js';
import { ImportError } from './import-error.js';
import { DEFAULT_CRM_MAPPING } from './import-mapping.js';
import { normalizeImportRows, type NormalizedRow } from './import-normalizer.js';
import { readImportBatches } from './import-reader.js';
import type { ImportRow } from './import-row.js';
import { normalizeProfile } from './normalize-profile.js';
import type { PhoneNumberParser } from './phone-number-thread.js';
import { normalizePhoneNumber, type PhoneNumberResult } from './phone-number.js';

/** Parses on this thread after a timer, and counts its requests and records whether it stopped. */
class FakeParser implements PhoneNumberParser {
  requests = 0;
  numbers = 0;
  stopped = false;

  constructor(private readonly failOnRequest?: number) {}

  async normalize(values: string[], regions: (string | undefined)[]) {
    this.requests += 1;
    this.numbers += values.length;
    const request = this.requests;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (request === this.failOnRequest) throw new Error('the worker crashed');

    return values.map((value, index): PhoneNumberResult => {
      return normalizePhoneNumber(value, regions[index]);
    });
  }

  async stop() {
    this.stopped = true;
  }
}

async function sampleRows(): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  const source = createReadStream(sampleExportPath());
  for await (const batch of readImportBatches(source, {
    format: 'csv',
    mapping: DEFAULT_CRM_MAPPING,
  })) {
    rows.push(...batch);
  }

  return rows;
}

/**
 * Yields the sample export twice over in batches of 500 rows, after one unreadable row. The
 * worker starts after the first 10,000 rows.
 */
async function* twoSamples(rows: ImportRow[]): AsyncGenerator<ImportRow[]> {
  yield [{ line: 2, error: 'the row has 1 column but the header row has 12' }];
  for (let copy = 0; copy < 2; copy += 1) {
    for (let start = 0; start < rows.length; start += 500) {
      yield rows.slice(start, start + 500);
    }
  }
}

async function collect(rows: AsyncIterable<NormalizedRow[]>): Promise<NormalizedRow[]> {
  const all: NormalizedRow[] = [];
  for await (const batch of rows) all.push(...batch);

  return all;
}

function expectedOf(rows: ImportRow[]): NormalizedRow[] {
  return rows.map((row) =>
    row.input === undefined ? { row } : { row, result: normalizeProfile(row.input) },
  );
}

async function flatten(batches: AsyncIterable<ImportRow[]>): Promise<ImportRow[]> {
  const all: ImportRow[] = [];
  for await (const batch of batches) all.push(...batch);

  return all;
}

let rows: ImportRow[];
let expected: NormalizedRow[];

beforeAll(async () => {
  rows = await sampleRows();
  expected = expectedOf(await flatten(twoSamples(rows)));
});

describe('normalizeImportRows', () => {
  it('matches normalizeProfile with worker', async () => {
    const parser = new FakeParser();
    const normalized = await collect(
      normalizeImportRows(twoSamples(rows), { startWorker: () => parser }),
    );

    expect(normalized).toEqual(expected);
    expect(parser.requests).toBeGreaterThan(0);
    expect(parser.numbers).toBeGreaterThan(10_000);
    expect(parser.stopped).toBe(true);
  });

  it('matches normalizeProfile without worker', async () => {
    const normalized = await collect(
      normalizeImportRows(twoSamples(rows), { startWorker: () => undefined }),
    );

    expect(normalized).toEqual(expected);
  });

  it('falls back when worker fails', async () => {
    const parser = new FakeParser(1);
    const errors: unknown[] = [];
    const normalized = await collect(
      normalizeImportRows(twoSamples(rows), {
        startWorker: () => parser,
        onWorkerError: (error) => errors.push(error),
      }),
    );

    expect(normalized).toEqual(expected);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('the worker crashed');
  });

  it('yields rows before read error', async () => {
    const parser = new FakeParser();
    async function* failing(): AsyncGenerator<ImportRow[]> {
      yield* twoSamples(rows);
      throw new ImportError('the file is not valid CSV: Quote Not Closed');
    }
    const normalized: NormalizedRow[] = [];
    const reading = (async () => {
      for await (const batch of normalizeImportRows(failing(), { startWorker: () => parser })) {
        normalized.push(...batch);
      }
    })();

    await expect(reading).rejects.toThrow('Quote Not Closed');
    expect(normalized).toEqual(expected);
    expect(parser.requests).toBeGreaterThan(0);
    expect(parser.stopped).toBe(true);
  });

  it('stops worker after early return', async () => {
    const parser = new FakeParser();
    let batches = 0;
    for await (const _batch of normalizeImportRows(twoSamples(rows), {
      startWorker: () => parser,
    })) {
      batches += 1;
      if (batches === 8) break;
    }

    expect(batches).toBe(8);
    expect(parser.requests).toBeGreaterThan(0);
    expect(parser.stopped).toBe(true);
  });
});
