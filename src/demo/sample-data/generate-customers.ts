import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CITY_PREFIXES,
  CITY_STEMS,
  CITY_SUFFIXES,
  COMPANY_SUFFIXES,
  COUNTRIES,
  DOMAIN_ENDINGS,
  FIRST_NAMES,
  LAST_NAMES,
  type SampleCountry,
} from './word-lists.js';

/** Columns of the public sample CRM export, in its order. The date column is written DD-MM-YYYY. */
export const SAMPLE_HEADER: readonly string[] = [
  'Index',
  'Customer Id',
  'First Name',
  'Last Name',
  'Company',
  'City',
  'Country',
  'Phone 1',
  'Phone 2',
  'Email',
  'Subscription Date',
  'Website',
];

export const DEFAULT_SAMPLE_ROWS = 10_000;
export const DEFAULT_SAMPLE_SEED = 1;

/** Creates a mulberry32 PRNG: a function returning floats in [0, 1). It is not for cryptography. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);

    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function integer(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function digits(random: Random, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String(integer(random, 0, 9));

  return text;
}

/** Replaces each `#` in the pattern with a random digit. */
function fillPattern(random: Random, pattern: string): string {
  return pattern.replace(/#/g, () => String(integer(random, 0, 9)));
}

/** 15 hex digits in mixed case, like the ids of the public export. */
function customerId(random: Random): string {
  let id = '';
  for (let i = 0; i < 15; i++) {
    const digit = integer(random, 0, 15).toString(16);
    id += random() < 0.5 ? digit.toUpperCase() : digit;
  }

  return id;
}

function companyName(random: Random): string {
  const roll = random();
  if (roll < 0.35) return `${pick(random, LAST_NAMES)}-${pick(random, LAST_NAMES)}`;
  if (roll < 0.6) {
    // Contains commas, so the CSV writer has to quote it.
    return `${pick(random, LAST_NAMES)}, ${pick(random, LAST_NAMES)} and ${pick(random, LAST_NAMES)}`;
  }

  return `${pick(random, LAST_NAMES)} ${pick(random, COMPANY_SUFFIXES)}`;
}

function cityName(random: Random): string {
  const stem = pick(random, CITY_STEMS) + pick(random, CITY_SUFFIXES);

  return random() < 0.4 ? `${pick(random, CITY_PREFIXES)} ${stem}` : stem;
}

/**
 * Writes a North American number the way the public export does: the digits are random, so the
 * area code often starts with 0 or 1 and the number is invalid even for the US.
 */
function northAmericanPhone(random: Random): string {
  const area = digits(random, 3);
  const exchange = digits(random, 3);
  const line = digits(random, 4);
  const roll = random();
  let number: string;
  if (roll < 0.14) number = `${area}${exchange}${line}`;
  else if (roll < 0.34) number = `${area}-${exchange}-${line}`;
  else if (roll < 0.54) number = `${area}.${exchange}.${line}`;
  else if (roll < 0.7) number = `(${area})${exchange}-${line}`;
  else if (roll < 0.87) number = `001-${area}-${exchange}-${line}`;
  else number = `+1-${area}-${exchange}-${line}`;

  return random() < 0.4 ? `${number}x${digits(random, integer(random, 2, 5))}` : number;
}

/** Writes one phone number: mostly NANP-shaped, sometimes fitting the country, rarely a fragment. */
function phoneNumber(random: Random, country: SampleCountry): string {
  const roll = random();
  if (roll < 0.08 && country.internationalPattern !== undefined) {
    return fillPattern(random, country.internationalPattern);
  }
  if (roll < 0.13 && country.nationalPattern !== undefined) {
    return fillPattern(random, country.nationalPattern);
  }
  if (roll > 0.965) {
    // A truncated value such as "-5361", as the public export has in a few rows.
    return `-${digits(random, 4)}`;
  }

  return northAmericanPhone(random);
}

function emailAddress(random: Random, firstName: string, lastName: string): string {
  const first = firstName.toLowerCase();
  const last = lastName.toLowerCase();
  const roll = random();
  let local: string;
  if (roll < 0.3) local = `${first}${last}`;
  else if (roll < 0.55) local = `${first.charAt(0)}${last}`;
  else if (roll < 0.75) local = `${last}.${first}`;
  else local = `${first}${integer(random, 1, 99)}`;

  return `${local}@${domainName(random)}`;
}

function domainName(random: Random): string {
  const word = pick(random, LAST_NAMES).toLowerCase();
  const name = random() < 0.3 ? `${word}-${pick(random, LAST_NAMES).toLowerCase()}` : word;

  return `${name}.${pick(random, DOMAIN_ENDINGS)}`;
}

function website(random: Random): string {
  const scheme = random() < 0.5 ? 'https' : 'http';
  const host = random() < 0.5 ? `www.${domainName(random)}` : domainName(random);

  return `${scheme}://${host}/`;
}

const FIRST_SUBSCRIPTION_DAY = Date.UTC(2020, 0, 1);
const SUBSCRIPTION_DAYS = 3 * 365 + 1;
const DAY_MS = 86_400_000;

/** Returns a random date from 2020-01-01 to 2022-12-31, written DD-MM-YYYY. */
function subscriptionDate(random: Random): string {
  const date = new Date(
    FIRST_SUBSCRIPTION_DAY + integer(random, 0, SUBSCRIPTION_DAYS - 1) * DAY_MS,
  );
  const day = String(date.getUTCDate()).padStart(2, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');

  return `${day}-${month}-${date.getUTCFullYear()}`;
}

function customerRow(index: number, random: Random): string[] {
  const firstName = pick(random, FIRST_NAMES);
  const lastName = pick(random, LAST_NAMES);
  const country = pick(random, COUNTRIES);
  const secondPhone = random() < 0.06 ? '' : phoneNumber(random, country);

  return [
    String(index),
    customerId(random),
    firstName,
    lastName,
    companyName(random),
    cityName(random),
    country.name,
    phoneNumber(random, country),
    secondPhone,
    emailAddress(random, firstName, lastName),
    subscriptionDate(random),
    website(random),
  ];
}

/**
 * Generates `count` invented customer rows in the columns of SAMPLE_HEADER, with the flaws of
 * the public sample export. The same seed always gives the same rows.
 */
export function* generateCustomerRows(count: number, seed: number): Generator<string[]> {
  const random = mulberry32(seed);
  for (let index = 1; index <= count; index++) {
    yield customerRow(index, random);
  }
}

/** Formats one CSV record (RFC 4180): fields with a comma, quote or line break are quoted. */
export function formatCsvRecord(fields: readonly string[]): string {
  const quoted = fields.map((field) =>
    /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field,
  );

  return `${quoted.join(',')}\n`;
}

function* sampleCsvLines(count: number, seed: number): Generator<string> {
  yield formatCsvRecord(SAMPLE_HEADER);
  for (const row of generateCustomerRows(count, seed)) {
    yield formatCsvRecord(row);
  }
}

/** Writes the header and `count` generated rows to a CSV file, streaming row by row. */
export async function writeSampleCsv(
  filePath: string,
  count = DEFAULT_SAMPLE_ROWS,
  seed = DEFAULT_SAMPLE_SEED,
): Promise<void> {
  await pipeline(Readable.from(sampleCsvLines(count, seed)), createWriteStream(filePath));
}
