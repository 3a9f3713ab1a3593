import { hashSha256Hex, isSha256Hex } from '../../identifiers/sha256.js';
import type { BatchProfile, ProfileOutcome } from '../connector-type.js';

/**
 * Multi-key schema keys that Activator sends to the Meta Custom Audiences `users` endpoint, in
 * column order. The first four are the identifiers Meta can match a profile on by themselves.
 */
export const META_SCHEMA_ORDER = [
  'EXTERN_ID',
  'EMAIL',
  'PHONE',
  'MADID',
  'FN',
  'LN',
  'CT',
  'ST',
  'ZIP',
  'COUNTRY',
  'DOBY',
  'DOBM',
  'DOBD',
  'GEN',
] as const;

export type MetaSchemaKey = (typeof META_SCHEMA_ORDER)[number];

/** The `payload` of a users request, with the activation key of each row and the profiles left out. */
export interface MetaPayload {
  /** Keys present in at least one row, in `META_SCHEMA_ORDER`. Empty when every profile was skipped. */
  schema: MetaSchemaKey[];
  /** One array per row, in `schema` order. A value the profile lacks is `""`. */
  data: string[][];
  /** Activation key of each row, so `keys[i]` belongs to `data[i]`. */
  keys: string[];
  /** Profiles that produced no row. */
  skipped: ProfileOutcome[];
}

/** Position of each key in a full row, which has one cell per key of `META_SCHEMA_ORDER`. */
const COLUMN: { readonly [Key in MetaSchemaKey]: number } = {
  EXTERN_ID: 0,
  EMAIL: 1,
  PHONE: 2,
  MADID: 3,
  FN: 4,
  LN: 5,
  CT: 6,
  ST: 7,
  ZIP: 8,
  COUNTRY: 9,
  DOBY: 10,
  DOBM: 11,
  DOBD: 12,
  GEN: 13,
};

/**
 * Maps a batch to the Meta multi-key payload. Normalizes each value, hashes it with SHA-256, and
 * builds the schema from the keys that occur in the batch.
 *
 * Each profile gets one row with the first value of every identifier type. A profile with several
 * emails, phones or MADIDs gets one more row per additional value. Row `i` carries the `i`-th
 * email, phone and MADID, and repeats EXTERN_ID and the attributes, so `data` can have more rows
 * than the batch has profiles. All rows of a profile are adjacent and share its key.
 *
 * A profile without a usable EXTERN_ID, EMAIL, PHONE or MADID gets no row. It is skipped with
 * `no_identifier`, or with `invalid_identifier` when it has such values but none survives
 * normalization (for example a phone without digits).
 *
 * The caller splits `data` (and `keys` with it) into requests of at most 10,000 rows, Meta's
 * maximum per request.
 */
export function buildMetaPayload(profiles: BatchProfile[]): MetaPayload {
  const fullRows: string[][] = [];
  const keys: string[] = [];
  const skipped: ProfileOutcome[] = [];
  const columnUsed = new Array<boolean>(META_SCHEMA_ORDER.length).fill(false);

  for (const profile of profiles) {
    const identifiers = readMatchIdentifiers(profile);
    if (identifiers.usableCount === 0) {
      const reason = identifiers.rejectedCount > 0 ? 'invalid_identifier' : 'no_identifier';
      skipped.push({ key: profile.key, status: 'skipped', reason });
      continue;
    }

    const { externId, emails, phones, maids } = identifiers;
    const template = readAttributeValues(profile.attributes);
    if (externId !== undefined) template[COLUMN.EXTERN_ID] = externId;
    const rowCount = Math.max(1, emails.length, phones.length, maids.length);

    for (let index = 0; index < rowCount; index++) {
      const row = rowCount === 1 ? template : template.slice();
      row[COLUMN.EMAIL] = emails[index] ?? '';
      row[COLUMN.PHONE] = phones[index] ?? '';
      row[COLUMN.MADID] = maids[index] ?? '';
      fullRows.push(row);
      keys.push(profile.key);

      // The first row contains the first value of every list, so it has a value in every column
      // that any row of the profile uses.
      if (index === 0) {
        for (let column = 0; column < row.length; column++) {
          if (row[column] !== '') columnUsed[column] = true;
        }
      }
    }
  }

  const schema = META_SCHEMA_ORDER.filter((_key, column) => columnUsed[column]);
  if (schema.length === META_SCHEMA_ORDER.length) return { schema, data: fullRows, keys, skipped };

  const schemaColumns = schema.map((key) => COLUMN[key]);
  const data = fullRows.map((row) => schemaColumns.map((column) => row[column] ?? ''));
  return { schema, data, keys, skipped };
}

interface MatchIdentifiers {
  externId: string | undefined;
  emails: string[];
  phones: string[];
  maids: string[];
  /** Values that reach the payload, over all identifier types. */
  usableCount: number;
  /** Non-blank values that normalization emptied. */
  rejectedCount: number;
}

/** Reads and normalizes the identifiers Meta can match on. Blank values count as absent. */
function readMatchIdentifiers(profile: BatchProfile): MatchIdentifiers {
  const rejected = { count: 0 };
  // EXTERN_ID is the operator's own id, sent as given. Only the first one is used.
  const externId = profile.identifiers.externalId?.find((value) => value.trim() !== '');
  const emails = collectValues(profile.identifiers.email, toEmailValue, rejected);
  const phones = collectValues(profile.identifiers.phone, toPhoneValue, rejected);
  const maids = collectValues(profile.identifiers.maid, toMadidValue, rejected);
  const usableCount =
    (externId === undefined ? 0 : 1) + emails.length + phones.length + maids.length;
  return { externId, emails, phones, maids, usableCount, rejectedCount: rejected.count };
}

/**
 * Converts each non-blank value with `toMetaValue` and returns the distinct results in input
 * order. Counts the values that convert to nothing in `rejected`.
 */
function collectValues(
  values: string[] | undefined,
  toMetaValue: (value: string) => string | undefined,
  rejected: { count: number },
): string[] {
  const result: string[] = [];
  if (values === undefined) return result;

  for (const value of values) {
    if (value.trim() === '') continue;
    const metaValue = toMetaValue(value);
    if (metaValue === undefined) {
      rejected.count++;
    } else if (!result.includes(metaValue)) {
      result.push(metaValue);
    }
  }
  return result;
}

function setIfDefined(row: string[], column: number, value: string | undefined): void {
  if (value !== undefined) row[column] = value;
}

/** SHA-256 digests of years, months, days, genders and country codes, which repeat across profiles. */
const boundedValueDigests = new Map<string, string>();

/**
 * Returns the SHA-256 hex digest of `value` from a cache. Callers pass only values of a validated
 * short format (4-digit years from 1900, 2-digit months and days, `m` or `f`, 2-letter codes),
 * which bounds the cache to fewer than 10,000 entries.
 */
function hashBoundedValue(value: string): string {
  let digest = boundedValueDigests.get(value);
  if (digest === undefined) {
    digest = hashSha256Hex(value);
    boundedValueDigests.set(value, digest);
  }
  return digest;
}

/**
 * Normalizes `value` and returns its SHA-256 hex digest, or `undefined` when nothing is left.
 * A value that already is 64 hex digits is taken as pre-hashed and only lowercased.
 */
function hashNormalized(value: string, normalize: (value: string) => string): string | undefined {
  const trimmed = value.trim();
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase();

  const normalized = normalize(trimmed);
  return normalized === '' ? undefined : hashSha256Hex(normalized);
}

function toEmailValue(value: string): string | undefined {
  return hashNormalized(value, normalizeEmail);
}

function toPhoneValue(value: string): string | undefined {
  return hashNormalized(value, normalizePhone);
}

/** MADIDs (IDFA, Android advertising id) are sent in plain text, lowercased. */
function toMadidValue(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed.toLowerCase();
}

/**
 * Trims and lowercases an email address, in Unicode NFC so that composed and decomposed accents
 * give the same digest.
 */
export function normalizeEmail(value: string): string {
  // An ASCII address has nothing to compose, and most addresses are ASCII.
  const composed = ASCII_PATTERN.test(value) ? value : value.normalize('NFC');
  return composed.trim().toLowerCase();
}

const ASCII_PATTERN = /^[\x00-\x7f]*$/;

/**
 * The `(0)` that international formats such as `+44 (0)20 ...` put where national dialing needs
 * the trunk prefix 0. Area codes in brackets, such as `(020)`, have more digits and do not match.
 */
const TRUNK_PREFIX_PATTERN = /\(\s*0\s*\)/g;

/**
 * Keeps the digits of a phone number and drops leading zeros, so the number starts with its
 * country code. For example `+1 (555) 123-4567` becomes `15551234567`. A trunk prefix written as
 * `(0)` is removed first, so `+44 (0)20 7946 0958` becomes `442079460958`. Numbers arrive in
 * E.164 from ingest, which has already added the country code where it was missing.
 *
 * NOTE: a trunk 0 without brackets after the country code (`+44 020 ...`) is kept, because some
 * countries, such as Italy (`+39 06 ...`), dial that 0 as part of the number. Telling them apart
 * needs per-country numbering data.
 */
export function normalizePhone(value: string): string {
  // E.164 from ingest: a country code never starts with 0, so only the `+` goes.
  if (E164_PATTERN.test(value)) return value.slice(1);
  return value.replace(TRUNK_PREFIX_PATTERN, '').replace(/\D/g, '').replace(/^0+/, '');
}

const E164_PATTERN = /^\+[1-9]\d*$/;

/**
 * Lowercases a first or last name, removes punctuation and collapses whitespace to single spaces.
 * Letters outside a-z are kept, in Unicode NFC.
 */
export function normalizeName(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\p{P}/gu, '').replace(/\s+/g, ' ').trim();
}

/**
 * Lowercases a city and keeps only its letters.
 *
 * NOTE: Meta expects a-z only. Letters outside a-z (as in "münchen") are kept in NFC and not
 * transliterated, which may lower the match rate for such cities.
 */
export function normalizeCity(value: string): string {
  return value
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}]/gu, '');
}

/**
 * Lowercases a state or region and keeps only letters and digits. When the profile may be in the
 * US (its country is `us` or unknown), a full US state name becomes its 2-letter USPS code.
 */
export function normalizeState(value: string, mayBeUs: boolean): string {
  const compact = value
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}]/gu, '');
  if (!mayBeUs) return compact;
  return US_STATE_CODES.get(compact) ?? compact;
}

/**
 * Lowercases a postal code and removes whitespace. When the profile may be in the US, a ZIP+4
 * code keeps its first 5 digits (`12345-6789` becomes `12345`). A 9-digit code without the dash
 * is cut to 5 digits only when the country is `us`.
 */
export function normalizeZip(value: string, countryCode: string | undefined): string {
  const compact = value.toLowerCase().replace(/\s+/g, '');
  const mayBeUs = countryCode === undefined || countryCode === 'us';
  if (mayBeUs && /^\d{5}-\d{4}$/.test(compact)) return compact.slice(0, 5);
  if (countryCode === 'us' && /^\d{9}$/.test(compact)) return compact.slice(0, 5);
  return compact;
}

/**
 * Returns the lowercase ISO 3166-1 alpha-2 code, or `undefined` for anything that is not two
 * ASCII letters.
 *
 * NOTE: country names and alpha-3 codes ("Netherlands", "NLD") are left out of the payload, so
 * such profiles are sent without COUNTRY. Mapping names to codes would need a country table.
 */
export function normalizeCountryCode(value: string): string | undefined {
  const trimmed = value.trim();
  return /^[a-z]{2}$/i.test(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** Returns `m` or `f` for a gender written as either letter in any case, otherwise `undefined`. */
export function normalizeGender(value: string): 'm' | 'f' | undefined {
  const lower = value.trim().toLowerCase();
  return lower === 'm' || lower === 'f' ? lower : undefined;
}

/**
 * Splits a `YYYY-MM-DD` date of birth into year, month and day, each zero-padded as Meta expects.
 * Returns `undefined` for another format, a date that does not exist or a year before 1900.
 */
export function splitDateOfBirth(
  value: string,
): { year: string; month: string; day: string } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (match === null) return undefined;

  const [, year = '', month = '', day = ''] = match;
  const yearNumber = Number(year);
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  if (yearNumber < 1900 || monthNumber < 1 || monthNumber > 12 || dayNumber < 1) return undefined;

  // Day 0 of the next month is the last day of this month.
  const daysInMonth = new Date(Date.UTC(yearNumber, monthNumber, 0)).getUTCDate();
  if (dayNumber > daysInMonth) return undefined;
  return { year, month, day };
}

/** Reads an attribute as a trimmed string. Values of other types and blank strings give `undefined`. */
function readStringAttribute(
  attributes: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = attributes[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Builds a full row that contains the hashed attribute columns (FN to GEN) of a profile and `""`
 * everywhere else. An attribute that is missing or invalid stays `""`.
 */
function readAttributeValues(attributes: Record<string, unknown> | undefined): string[] {
  const row = new Array<string>(META_SCHEMA_ORDER.length).fill('');
  if (attributes === undefined) return row;

  const country = readStringAttribute(attributes, 'country');
  const countryCode = country === undefined ? undefined : normalizeCountryCode(country);
  const mayBeUs = countryCode === undefined || countryCode === 'us';

  const firstName = readStringAttribute(attributes, 'firstName');
  if (firstName !== undefined)
    setIfDefined(row, COLUMN.FN, hashNormalized(firstName, normalizeName));

  const lastName = readStringAttribute(attributes, 'lastName');
  if (lastName !== undefined) setIfDefined(row, COLUMN.LN, hashNormalized(lastName, normalizeName));

  const city = readStringAttribute(attributes, 'city');
  if (city !== undefined) setIfDefined(row, COLUMN.CT, hashNormalized(city, normalizeCity));

  const state = readStringAttribute(attributes, 'state');
  if (state !== undefined) {
    setIfDefined(
      row,
      COLUMN.ST,
      hashNormalized(state, (value) => normalizeState(value, mayBeUs)),
    );
  }

  const zip = readStringAttribute(attributes, 'zip');
  if (zip !== undefined) {
    setIfDefined(
      row,
      COLUMN.ZIP,
      hashNormalized(zip, (value) => normalizeZip(value, countryCode)),
    );
  }

  if (countryCode !== undefined) {
    row[COLUMN.COUNTRY] = hashBoundedValue(countryCode);
  } else if (country !== undefined && isSha256Hex(country)) {
    row[COLUMN.COUNTRY] = country.toLowerCase();
  }

  // A pre-hashed date of birth cannot be split into DOBY, DOBM and DOBD, so it is left out.
  const dateOfBirth = readStringAttribute(attributes, 'dateOfBirth');
  const birth = dateOfBirth === undefined ? undefined : splitDateOfBirth(dateOfBirth);
  if (birth !== undefined) {
    row[COLUMN.DOBY] = hashBoundedValue(birth.year);
    row[COLUMN.DOBM] = hashBoundedValue(birth.month);
    row[COLUMN.DOBD] = hashBoundedValue(birth.day);
  }

  const gender = readStringAttribute(attributes, 'gender');
  const genderCode = gender === undefined ? undefined : normalizeGender(gender);
  if (genderCode !== undefined) {
    row[COLUMN.GEN] = hashBoundedValue(genderCode);
  } else if (gender !== undefined && isSha256Hex(gender)) {
    row[COLUMN.GEN] = gender.toLowerCase();
  }

  return row;
}

/** USPS codes of the 50 states and the District of Columbia, keyed by lowercase name without spaces. */
const US_STATE_CODES: ReadonlyMap<string, string> = new Map([
  ['alabama', 'al'],
  ['alaska', 'ak'],
  ['arizona', 'az'],
  ['arkansas', 'ar'],
  ['california', 'ca'],
  ['colorado', 'co'],
  ['connecticut', 'ct'],
  ['delaware', 'de'],
  ['districtofcolumbia', 'dc'],
  ['florida', 'fl'],
  ['georgia', 'ga'],
  ['hawaii', 'hi'],
  ['idaho', 'id'],
  ['illinois', 'il'],
  ['indiana', 'in'],
  ['iowa', 'ia'],
  ['kansas', 'ks'],
  ['kentucky', 'ky'],
  ['louisiana', 'la'],
  ['maine', 'me'],
  ['maryland', 'md'],
  ['massachusetts', 'ma'],
  ['michigan', 'mi'],
  ['minnesota', 'mn'],
  ['mississippi', 'ms'],
  ['missouri', 'mo'],
  ['montana', 'mt'],
  ['nebraska', 'ne'],
  ['nevada', 'nv'],
  ['newhampshire', 'nh'],
  ['newjersey', 'nj'],
  ['newmexico', 'nm'],
  ['newyork', 'ny'],
  ['northcarolina', 'nc'],
  ['northdakota', 'nd'],
  ['ohio', 'oh'],
  ['oklahoma', 'ok'],
  ['oregon', 'or'],
  ['pennsylvania', 'pa'],
  ['rhodeisland', 'ri'],
  ['southcarolina', 'sc'],
  ['southdakota', 'sd'],
  ['tennessee', 'tn'],
  ['texas', 'tx'],
  ['utah', 'ut'],
  ['vermont', 'vt'],
  ['virginia', 'va'],
  ['washington', 'wa'],
  ['westvirginia', 'wv'],
  ['wisconsin', 'wi'],
  ['wyoming', 'wy'],
]);
