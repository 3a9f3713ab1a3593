import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ImportError } from './import-error.js';
import type { ImportMapping } from './import-mapping.js';
import {
  readImport,
  readImportBatches,
  type ImportOptions,
  type ImportRow,
} from './import-reader.js';

const MAPPING: ImportMapping = {
  Index: null,
  'Customer Id': 'id',
  Email: 'identifiers.email',
  'Phone 1': 'identifiers.phone',
  'Phone 2': 'identifiers.phone',
  City: 'attributes.city',
};

function streamOf(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
}

async function collect(source: Readable, options: ImportOptions): Promise<ImportRow[]> {
  const rows: ImportRow[] = [];
  for await (const row of readImport(source, options)) {
    rows.push(row);
  }
  return rows;
}

async function collectCsv(text: string | Buffer, mapping?: ImportMapping): Promise<ImportRow[]> {
  return collect(streamOf(text), mapping ? { format: 'csv', mapping } : { format: 'csv' });
}

describe('readImport CSV', () => {
  it('maps columns through mapping', async () => {
    const rows = await collectCsv(
      'Index,Customer Id,Email,Phone 1,Phone 2,City\n1,c-1,a@b.co,+1 201,,Paris\n',
      MAPPING,
    );
    expect(rows).toEqual([
      {
        line: 2,
        input: {
          id: 'c-1',
          identifiers: { email: ['a@b.co'], phone: ['+1 201'] },
          attributes: { city: 'Paris' },
          consents: {},
        },
      },
    ]);
  });

  it('reads target headers without mapping', async () => {
    const rows = await collectCsv('id,identifiers.email,consents.email\np1,a@b.co,granted\n');
    expect(rows[0]?.input).toEqual({
      id: 'p1',
      identifiers: { email: ['a@b.co'] },
      attributes: {},
      consents: { email: 'granted' },
    });
  });

  it('keeps empty id for rejection later', async () => {
    const rows = await collectCsv('id,attributes.city\n,Paris\n');
    expect(rows[0]?.input?.id).toBe('');
  });

  it('strips byte order mark', async () => {
    const rows = await collectCsv('\uFEFFid,attributes.city\np1,Paris\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.input?.id).toBe('p1');
  });

  it('reads CRLF line ends', async () => {
    const rows = await collectCsv('id,attributes.city\r\np1,Paris\r\np2,Rome\r\n');
    expect(rows.map((row) => [row.line, row.input?.attributes])).toEqual([
      [2, { city: 'Paris' }],
      [3, { city: 'Rome' }],
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('reads quoted newline with %s', async (_name, eol) => {
    const text = ['id,attributes.note', `p1,"two${eol}lines"`, '', 'p2,after', ''].join(eol);
    const rows = await collectCsv(text);
    expect(rows).toEqual([
      { line: 2, input: expect.objectContaining({ attributes: { note: `two${eol}lines` } }) },
      { line: 5, input: expect.objectContaining({ id: 'p2' }) },
    ]);
  });

  it('reports wrong column count and goes on', async () => {
    const rows = await collectCsv('id,attributes.city\np1,Paris,extra\np2\np3,Rome\n');
    expect(rows).toEqual([
      { line: 2, error: 'the row has 3 columns but the header row has 2' },
      { line: 3, error: 'the row has 1 column but the header row has 2' },
      { line: 4, input: expect.objectContaining({ id: 'p3' }) },
    ]);
  });

  it('reads header only', async () => {
    expect(await collectCsv('id,attributes.city\n')).toEqual([]);
  });

  it('reads rows split across chunks', async () => {
    const source = streamOf('id,attributes.ci', 'ty\np1,Pa', 'ris\np2,R\u00f4', 'me');
    const rows = await collect(source, { format: 'csv' });
    expect(rows.map((row) => row.input?.attributes)).toEqual([
      { city: 'Paris' },
      { city: 'R\u00f4me' },
    ]);
  });

  it('reads character split across chunks', async () => {
    const bytes = Buffer.from('id,attributes.city\np1,R\u00f4me\n');
    const split = bytes.indexOf(0xc3) + 1;
    const rows = await collect(streamOf(bytes.subarray(0, split), bytes.subarray(split)), {
      format: 'csv',
    });
    expect(rows[0]?.input?.attributes).toEqual({ city: 'R\u00f4me' });
  });

  it.each<[string, string | Buffer, ImportMapping | undefined, string]>([
    ['empty file', '', undefined, 'the file is empty; expected a header row'],
    ['blank lines only', '\r\n\r\n', undefined, 'the file is empty; expected a header row'],
    ['byte order mark only', '\uFEFF', undefined, 'the file is empty; expected a header row'],
    [
      'missing header row',
      '1,c-1,a@b.co,,,Paris\n',
      MAPPING,
      'column "1" is not in the mapping; map it to id, identifiers.<type>',
    ],
    [
      'unknown column',
      'Customer Id,Email,Loyalty\nc-1,a@b.co,gold\n',
      MAPPING,
      'column "Loyalty" is not in the mapping; map it to id, identifiers.<type>, ' +
        'attributes.<name> or consents.<purpose> (advertising, email), or to null to ignore it',
    ],
    [
      'unknown column without mapping',
      'id,email\np1,a@b.co\n',
      undefined,
      'column "email" is not a profile field; rename it to id, identifiers.<type>',
    ],
    [
      'empty header',
      'id,,attributes.city\np1,x,Paris\n',
      undefined,
      'column 2 has an empty header; name it',
    ],
    [
      'missing id column',
      'Email,City\na@b.co,Paris\n',
      MAPPING,
      'the mapping maps "Customer Id" to "id", but the header row has no column "Customer Id"',
    ],
    [
      'missing id without mapping',
      'identifiers.email\na@b.co\n',
      undefined,
      'no column is named "id"',
    ],
    [
      'duplicate attribute column',
      'Customer Id,City,City\nc-1,Paris,Rome\n',
      MAPPING,
      'columns "City" and "City" both map to "attributes.city"',
    ],
    [
      'invalid mapping',
      'id\np1\n',
      { Id: 'id', City: 'address.city' },
      'header "City" to "address.city"',
    ],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('id,attributes.city\np1,Paris\np2,R'), Buffer.from([0xf4, 0x6d])]),
      undefined,
      'the file is not valid UTF-8: line 3 contains an invalid byte sequence',
    ],
    [
      'truncated UTF-8 at end',
      Buffer.concat([Buffer.from('id,attributes.city\np1,R'), Buffer.from([0xc3])]),
      undefined,
      'the file is not valid UTF-8: line 2 contains an invalid byte sequence',
    ],
    [
      'unclosed quote',
      'id,attributes.city\np1,"Paris\np2,Rome\n',
      undefined,
      'the file is not valid CSV: Quote Not Closed',
    ],
  ])('rejects %s', async (_name, text, mapping, message) => {
    const result = collectCsv(text, mapping);
    await expect(result).rejects.toThrow(ImportError);
    await expect(collectCsv(text, mapping)).rejects.toThrow(message);
  });

  it('yields rows read before malformed CSV', async () => {
    const rows: ImportRow[] = [];
    const reading = (async () => {
      const source = streamOf('id,attributes.city\np1,Paris\np2,"Rome\n');
      for await (const batch of readImportBatches(source, { format: 'csv' })) rows.push(...batch);
    })();

    await expect(reading).rejects.toThrow('the file is not valid CSV: Quote Not Closed');
    expect(rows).toEqual([{ line: 2, input: expect.objectContaining({ id: 'p1' }) }]);
  });

  it('batches rows in input order', async () => {
    const source = streamOf('id\np1\np2\n', 'p3\n', 'p4');
    const batches: string[][] = [];
    for await (const batch of readImportBatches(source, { format: 'csv' })) {
      batches.push(batch.map((row) => row.input?.id ?? ''));
    }

    expect(batches.flat()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
  });

  it('names line of invalid byte after quoted newline', async () => {
    const text = Buffer.concat([
      Buffer.from('id,attributes.note\np1,"a\r\nb"\r\np2,'),
      Buffer.from([0xff]),
    ]);
    await expect(collectCsv(text)).rejects.toThrow('line 4 contains an invalid byte sequence');
  });

  it('passes source error through', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(collect(source, { format: 'csv' })).rejects.toThrow('connection reset');
  });

  it('leaves source open after early stop', async () => {
    // The source never ends, like a request body that is still arriving.
    const source = new Readable({ read() {} });
    source.push('id\np1\np2\n');
    for await (const row of readImport(source, { format: 'csv' })) {
      expect(row.input?.id).toBe('p1');
      break;
    }
    expect(source.destroyed).toBe(false);
  });

  it('reads 200,000 generated rows', async () => {
    const rowCount = 200_000;
    // Chunks are generated on demand, so the test never keeps the whole input in memory.
    async function* generateCsv(): AsyncGenerator<Buffer> {
      yield Buffer.from('id,identifiers.email,attributes.city\r\n');
      for (let start = 0; start < rowCount; start += 1_000) {
        let chunk = '';
        for (let index = start; index < start + 1_000; index += 1) {
          chunk += `p${index},user${index}@example.com,"City ${index % 97}"\r\n`;
        }
        yield Buffer.from(chunk);
      }
    }

    let count = 0;
    let lastLine = 0;
    for await (const row of readImport(Readable.from(generateCsv()), { format: 'csv' })) {
      count += row.input === undefined ? 0 : 1;
      lastLine = row.line;
    }
    expect(count).toBe(rowCount);
    expect(lastLine).toBe(rowCount + 1);
  });
});

describe('readImport NDJSON', () => {
  it('reads objects and skips blank lines', async () => {
    const text = '\uFEFF{"id":"p1"}\r\n\n  \n{"id":"p2","identifiers":{"email":"a@b.co"}}';
    const rows = await collect(streamOf(text), { format: 'ndjson' });
    expect(rows).toEqual([
      { line: 1, input: { id: 'p1' } },
      { line: 4, input: { id: 'p2', identifiers: { email: 'a@b.co' } } },
    ]);
  });

  it('reports bad lines and goes on', async () => {
    const text = '{"id":"p1"}\n{"id":\n[1,2]\nnull\n"p2"\n{"id":"p3"}\n';
    const rows = await collect(streamOf(text), { format: 'ndjson' });
    expect(rows.map((row) => [row.line, row.error === undefined])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
      [6, true],
    ]);
    expect(rows[1]?.error).toMatch(/^the line is not valid JSON: /);
    expect(rows[2]?.error).toBe('the line is not a JSON object; expected {"id": ...}');
  });

  it('reads lines split across chunks', async () => {
    const source = streamOf('{"id":', '"p1"}\n{"id":"R\u00f4', 'me"}\n');
    const rows = await collect(source, { format: 'ndjson' });
    expect(rows.map((row) => row.input?.id)).toEqual(['p1', 'R\u00f4me']);
  });

  it('reports overlong line and goes on', async () => {
    const long = `{"id":"p1","attributes":{"note":"${'x'.repeat(1_100_000)}"}}\n`;
    const rows = await collect(
      streamOf(long.slice(0, 600_000), long.slice(600_000), '{"id":"p2"}\n'),
      {
        format: 'ndjson',
      },
    );
    expect(rows).toEqual([
      { line: 1, error: 'the line is longer than 1048576 characters' },
      { line: 2, input: { id: 'p2' } },
    ]);
  });

  it('reads empty input as no rows', async () => {
    expect(await collect(streamOf(''), { format: 'ndjson' })).toEqual([]);
  });

  it('rejects mapping', async () => {
    const result = collect(streamOf('{"id":"p1"}\n'), { format: 'ndjson', mapping: MAPPING });
    await expect(result).rejects.toThrow('a mapping applies only to CSV');
  });

  it('batches lines in input order', async () => {
    const source = streamOf('{"id":"p1"}\n{"id":"p2"}\n{"id"', ':"p3"}\n', '{"id":"p4"}');
    const batches: string[][] = [];
    for await (const batch of readImportBatches(source, { format: 'ndjson' })) {
      batches.push(batch.map((row) => row.input?.id ?? ''));
    }

    expect(batches.flat()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(batches.every((batch) => batch.length > 0)).toBe(true);
  });

  it('rejects invalid UTF-8', async () => {
    const text = Buffer.concat([Buffer.from('{"id":"p1"}\n{"id":"'), Buffer.from([0xc0, 0x80])]);
    const result = collect(streamOf(text), { format: 'ndjson' });
    await expect(result).rejects.toThrow('line 2 contains an invalid byte sequence');
  });

  it('reads 200,000 generated lines', async () => {
    const lineCount = 200_000;
    async function* generateNdjson(): AsyncGenerator<Buffer> {
      for (let start = 0; start < lineCount; start += 1_000) {
        let chunk = '';
        for (let index = start; index < start + 1_000; index += 1) {
          chunk += `{"id":"p${index}","identifiers":{"email":"user${index}@example.com"}}\n`;
        }
        yield Buffer.from(chunk);
      }
    }

    let count = 0;
    for await (const row of readImport(Readable.from(generateNdjson()), { format: 'ndjson' })) {
      count += row.input === undefined ? 0 : 1;
    }
    expect(count).toBe(lineCount);
  });
});
