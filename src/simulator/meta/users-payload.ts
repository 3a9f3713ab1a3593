import type { AudienceMember } from '../audience-members.js';
import { invalidParameter } from './graph-error.js';
import { checkKnownFields, decodeJsonParameter } from './graph-params.js';

/** Keys of Meta's multi-key schema for customer file uploads. */
export const MULTI_KEY_SCHEMA_KEYS = [
  'EXTERN_ID',
  'EMAIL',
  'PHONE',
  'GEN',
  'DOBY',
  'DOBM',
  'DOBD',
  'LN',
  'FN',
  'FI',
  'CT',
  'ST',
  'ZIP',
  'MADID',
  'COUNTRY',
] as const;

/** Keys whose values Meta receives as plain text. Every other key takes SHA-256 hex. */
const PLAIN_TEXT_KEYS: ReadonlySet<string> = new Set(['EXTERN_ID', 'MADID']);

/** Maximum rows in one add or remove request, as Meta documents for the `users` edge. */
export const MAX_ROWS_PER_REQUEST = 10_000;

const PAYLOAD_FIELDS = ['schema', 'data', 'is_raw', 'data_source', 'app_ids', 'page_ids'];

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A validated `payload`: the schema keys and rows of the same length. */
export interface UsersPayload {
  schema: string[];
  data: string[][];
}

/**
 * Validates the `payload` of an add or remove request and throws code 100 naming the first
 * problem. Rows with bad values pass this check, and `isValidRow` sorts them out one by one.
 */
export function parseUsersPayload(value: unknown): UsersPayload {
  const payload = decodeJsonParameter(value, 'payload');
  if (payload === undefined) throw invalidParameter('The parameter payload is required.');
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw invalidParameter('The parameter payload must be an object with schema and data.');
  }

  const fields = payload as Record<string, unknown>;
  checkKnownFields(fields, PAYLOAD_FIELDS, 'payload.');
  const schema = parseSchema(fields.schema);

  return { schema, data: parseData(fields.data, schema.length) };
}

/**
 * Returns whether Meta would accept the row: at least one value is non-empty, and each hashed
 * key's value is empty or lowercase SHA-256 hex.
 */
export function isValidRow(schema: readonly string[], row: readonly string[]): boolean {
  let hasValue = false;
  for (const [index, key] of schema.entries()) {
    const value = row[index] ?? '';
    if (value === '') continue;

    hasValue = true;
    if (!PLAIN_TEXT_KEYS.has(key) && !SHA256_HEX.test(value)) return false;
  }

  return hasValue;
}

/** Returns the row as a member keyed by schema key. */
export function toAudienceMember(
  schema: readonly string[],
  row: readonly string[],
): AudienceMember {
  const member: AudienceMember = {};
  for (const [index, key] of schema.entries()) member[key] = row[index] ?? '';

  return member;
}

function parseSchema(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter(
      'The parameter payload.schema must be a non-empty array of keys, such as ["EMAIL", "PHONE"].',
    );
  }

  const seen = new Set<string>();
  for (const key of value) {
    if (typeof key !== 'string' || !MULTI_KEY_SCHEMA_KEYS.some((known) => known === key)) {
      throw invalidParameter(
        `Invalid key ${JSON.stringify(key)} in payload.schema. ` +
          `Accepted keys: ${MULTI_KEY_SCHEMA_KEYS.join(', ')}.`,
      );
    }
    if (seen.has(key)) throw invalidParameter(`Key ${key} appears twice in payload.schema.`);

    seen.add(key);
  }

  return value as string[];
}

function parseData(value: unknown, columnCount: number): string[][] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter('The parameter payload.data must be a non-empty array of rows.');
  }
  if (value.length > MAX_ROWS_PER_REQUEST) {
    throw invalidParameter(
      `payload.data has ${value.length} rows, but the limit is ${MAX_ROWS_PER_REQUEST} rows ` +
        'per request. Split the upload into several requests.',
    );
  }

  for (const [rowIndex, row] of value.entries()) checkRow(row, rowIndex, columnCount);

  return value as string[][];
}

function checkRow(row: unknown, rowIndex: number, columnCount: number): void {
  if (!Array.isArray(row)) {
    throw invalidParameter(`payload.data[${rowIndex}] must be an array of strings.`);
  }
  if (row.length !== columnCount) {
    throw invalidParameter(
      `payload.data[${rowIndex}] has ${row.length} values, but payload.schema has ` +
        `${columnCount} keys.`,
    );
  }

  const badIndex = row.findIndex((cell) => typeof cell !== 'string');
  if (badIndex !== -1) {
    throw invalidParameter(`payload.data[${rowIndex}][${badIndex}] must be a string.`);
  }
}
