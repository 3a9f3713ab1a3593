import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLE_ROWS,
  DEFAULT_SAMPLE_SEED,
  generateCustomerRows,
  SAMPLE_HEADER,
  writeSampleCsv,
} from './generate-customers.js';
import { COUNTRIES, type SampleCountry } from './word-lists.js';

const COLUMN = Object.fromEntries(SAMPLE_HEADER.map((name, index) => [name, index]));
const COUNTRY_BY_NAME = new Map(COUNTRIES.map((country) => [country.name, country]));
const CALLING_CODES = new Map(COUNTRIES.map((country) => [country.name, country.callingCode]));

/** Turns a phone pattern such as `06-2#######` into a regular expression, in which `#` is any digit. */
function patternRegex(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/#/g, '\\d');

  return new RegExp(`^${escaped}$`);
}

/** Returns the row's phone numbers written in one of its country's patterns. */
function countryPatternPhones(row: string[]): { country: SampleCountry; phone: string }[] {
  const country = COUNTRY_BY_NAME.get(column(row, 'Country'));
  if (country === undefined) return [];
  const patterns = [country.internationalPattern, country.nationalPattern].filter(
    (pattern): pattern is string => pattern !== undefined,
  );

  return phones(row)
    .filter((phone) => patterns.some((pattern) => patternRegex(pattern).test(phone)))
    .map((phone) => ({ country, phone }));
}

function column(row: string[], name: string): string {
  return row[COLUMN[name] as number] ?? '';
}

function phones(row: string[]): string[] {
  return [column(row, 'Phone 1'), column(row, 'Phone 2')];
}

/** Flaws of the public sample export that the generated rows must reproduce. */
const MESS_KINDS: [kind: string, appears: (row: string[]) => boolean][] = [
  ['phone with dots', (row) => phones(row).some((phone) => /^\d{3}\.\d{3}\.\d{4}/.test(phone))],
  ['phone with dashes', (row) => phones(row).some((phone) => /^\d{3}-\d{3}-\d{4}/.test(phone))],
  ['phone with parentheses', (row) => phones(row).some((phone) => /^\(\d{3}\)\d{3}-/.test(phone))],
  ['phone of bare digits', (row) => phones(row).some((phone) => /^\d{10}$/.test(phone))],
  ['phone extension', (row) => phones(row).some((phone) => /x\d{2,5}$/.test(phone))],
  ['001- prefix', (row) => phones(row).some((phone) => phone.startsWith('001-'))],
  ['+1- prefix', (row) => phones(row).some((phone) => phone.startsWith('+1-'))],
  ['truncated phone', (row) => phones(row).some((phone) => /^-\d{4}$/.test(phone))],
  [
    'NANP number outside North America',
    (row) =>
      CALLING_CODES.get(column(row, 'Country')) !== '1' &&
      /^(\+1-|001-)/.test(column(row, 'Phone 1')),
  ],
  [
    'number with the country calling code',
    (row) => {
      const code = CALLING_CODES.get(column(row, 'Country'));
      return code !== undefined && code !== '1' && column(row, 'Phone 1').startsWith(`+${code} `);
    },
  ],
  [
    'national number of the country',
    (row) =>
      countryPatternPhones(row).some(
        ({ country, phone }) =>
          country.nationalPattern !== undefined &&
          patternRegex(country.nationalPattern).test(phone),
      ),
  ],
  ['country Korea', (row) => column(row, 'Country') === 'Korea'],
  ['country Congo', (row) => column(row, 'Country') === 'Congo'],
  ['country with a comma', (row) => column(row, 'Country').includes(',')],
  ['company with a comma', (row) => column(row, 'Company').includes(',')],
  ['empty Phone 2', (row) => column(row, 'Phone 2') === ''],
];

let directory: string;
let csvText: string;
let rows: string[][];

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'activator-sample-'));
  const filePath = path.join(directory, 'customers.csv');
  await writeSampleCsv(filePath);
  csvText = await readFile(filePath, 'utf8');
  rows = [...generateCustomerRows(DEFAULT_SAMPLE_ROWS, DEFAULT_SAMPLE_SEED)];
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('generateCustomerRows', () => {
  it('repeats rows for the same seed', () => {
    const again = [...generateCustomerRows(DEFAULT_SAMPLE_ROWS, DEFAULT_SAMPLE_SEED)];

    expect(again).toEqual(rows);
  });

  it('differs for another seed', () => {
    const other = [...generateCustomerRows(100, DEFAULT_SAMPLE_SEED + 1)];
    const differentRows = other.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(rows[index]),
    );

    expect(differentRows.length).toBeGreaterThan(90);
  });

  it('yields nothing for a count of 0', () => {
    expect([...generateCustomerRows(0, DEFAULT_SAMPLE_SEED)]).toEqual([]);
  });

  it('numbers rows from 1', () => {
    const indexes = rows.map((row) => column(row, 'Index'));

    expect(indexes[0]).toBe('1');
    expect(indexes.at(-1)).toBe(String(DEFAULT_SAMPLE_ROWS));
  });

  it('writes well-formed ids, emails, dates and websites', () => {
    for (const row of rows) {
      expect(column(row, 'Customer Id')).toMatch(/^[0-9a-fA-F]{15}$/);
      expect(column(row, 'Email')).toMatch(/^[a-z0-9.]+@[a-z-]+\.[a-z]+$/);
      expect(column(row, 'Subscription Date')).toMatch(/^\d{2}-\d{2}-202[0-2]$/);
      expect(column(row, 'Website')).toMatch(/^https?:\/\/(www\.)?[a-z-]+\.[a-z]+\/$/);
    }
  });

  it('writes valid numbers in the country patterns', () => {
    const matches = rows.flatMap(countryPatternPhones);
    const invalid = matches.filter(({ country, phone }) => {
      const parsed = parsePhoneNumberFromString(phone, country.region as CountryCode);
      return parsed?.isValid() !== true || parsed.country !== country.region;
    });

    expect(matches.length).toBeGreaterThan(100);
    expect(invalid).toEqual([]);
  });

  it.each(MESS_KINDS)('includes the flaw: %s', (_kind, appears) => {
    expect(rows.some(appears)).toBe(true);
  });
});

describe('writeSampleCsv', () => {
  it('writes 12 columns in every record', () => {
    const records = parse(csvText) as string[][];
    const wrongWidth = records.filter((record) => record.length !== 12);

    expect(records).toHaveLength(DEFAULT_SAMPLE_ROWS + 1);
    expect(wrongWidth).toEqual([]);
  });

  it('writes the header and the generated rows', () => {
    const [header, ...records] = parse(csvText) as string[][];

    expect(header).toEqual(SAMPLE_HEADER);
    expect(records).toEqual(rows);
  });

  it('writes the given count and seed', async () => {
    const filePath = path.join(directory, 'five.csv');

    await writeSampleCsv(filePath, 5, 7);
    const records = parse(await readFile(filePath, 'utf8')) as string[][];

    expect(records.slice(1)).toEqual([...generateCustomerRows(5, 7)]);
  });

  it('quotes companies with commas', () => {
    const company = rows.map((row) => column(row, 'Company')).find((name) => name.includes(','));

    expect(csvText).toContain(`,"${company}",`);
  });
});
