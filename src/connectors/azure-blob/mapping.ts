import { createHash } from 'node:crypto';
import { isSha256Hex } from '../../identifiers/sha256.js';
import type { BatchProfile, ProfileOutcome } from '../connector-type.js';

/** Identifier types written to a record, in this order. */
export const EXPORTED_IDENTIFIER_TYPES = ['externalId', 'email', 'phone', 'maid'] as const;

export type ExportedIdentifierType = (typeof EXPORTED_IDENTIFIER_TYPES)[number];

/** One line of an exported blob. */
export interface ProfileRecord {
  operation: 'add' | 'remove';
  /** The activation key the engine reports the profile against. */
  key: string;
  identifiers: Partial<Record<ExportedIdentifierType, string[]>>;
  /** Only on `add` records, with keys sorted. */
  attributes?: Record<string, unknown>;
  /** Only on `add` records, with keys sorted. */
  consents?: Record<string, string>;
}

/** The blob of one batch: its name, its NDJSON body and the profiles left out. */
export interface BatchBlob {
  /** Blob name below the container, or `undefined` when every profile was skipped. */
  name: string | undefined;
  body: string;
  /** Keys of the profiles that have a record in `body`. */
  keys: string[];
  skipped: ProfileOutcome[];
}

/**
 * Builds the NDJSON blob of a batch: one record per profile, sorted by key, each line ending
 * with a newline.
 *
 * The name is `{prefix}/{folder}/{yyyy}/{mm}/{dd}/{HHMM}-{operation}-{sha256}.ndjson`, with the
 * UTC date and minute of `now` and the SHA-256 hex of the folder and the body. A retry of the
 * same batch in the same minute therefore gets the same name, and `If-None-Match: *` keeps it
 * from writing a second blob.
 *
 * NOTE: a retry in a later minute writes a second blob with the same records, so a consumer
 * must apply records idempotently. An identical batch sent again in the same minute (the same
 * profiles added, removed and added again with unchanged data) finds the first blob and writes
 * nothing. A stable delivery id per activation state in `Batch` would remove both cases.
 */
export function buildBatchBlob(options: {
  operation: 'add' | 'remove';
  profiles: BatchProfile[];
  prefix: string | undefined;
  folder: string;
  now: Date;
}): BatchBlob {
  const records: ProfileRecord[] = [];
  const skipped: ProfileOutcome[] = [];
  for (const profile of options.profiles) {
    const record = toProfileRecord(profile, options.operation);
    if (record === undefined) {
      skipped.push({ key: profile.key, status: 'skipped', reason: 'no_identifier' });
    } else {
      records.push(record);
    }
  }
  if (records.length === 0) return { name: undefined, body: '', keys: [], skipped };

  records.sort((a, b) => compareCodeUnits(a.key, b.key));
  const body = records.map((record) => `${JSON.stringify(record)}\n`).join('');
  const digest = createHash('sha256').update(`${options.folder}\n${body}`, 'utf8').digest('hex');
  const name = [
    options.prefix,
    options.folder,
    datePath(options.now),
    `${timeOfDay(options.now)}-${options.operation}-${digest}.ndjson`,
  ]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('/');

  return { name, body, keys: records.map((record) => record.key), skipped };
}

/**
 * Builds the record of a profile, or returns `undefined` when it has no identifier left after
 * normalization. Values are trimmed, blanks dropped and repeats removed. Emails and mobile ad
 * ids are lowercased, and so are SHA-256 values of any type. Phones and external ids keep
 * their case.
 */
export function toProfileRecord(
  profile: BatchProfile,
  operation: 'add' | 'remove',
): ProfileRecord | undefined {
  const identifiers: ProfileRecord['identifiers'] = {};
  for (const type of EXPORTED_IDENTIFIER_TYPES) {
    const values = normalizeValues(profile.identifiers[type], type);
    if (values.length > 0) identifiers[type] = values;
  }
  if (Object.keys(identifiers).length === 0) return undefined;

  const record: ProfileRecord = { operation, key: profile.key, identifiers };
  if (operation === 'add') {
    record.attributes = sortKeys(profile.attributes ?? {});
    record.consents = sortKeys(profile.consents ?? {});
  }

  return record;
}

function normalizeValues(values: string[] | undefined, type: ExportedIdentifierType): string[] {
  const normalized: string[] = [];
  for (const value of values ?? []) {
    const trimmed = value.normalize('NFC').trim();
    if (trimmed === '') continue;
    const lowercase = type === 'email' || type === 'maid' || isSha256Hex(trimmed);
    const result = lowercase ? trimmed.toLowerCase() : trimmed;
    if (!normalized.includes(result)) normalized.push(result);
  }

  return normalized;
}

function sortKeys<T>(object: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => compareCodeUnits(a, b)));
}

/** Orders strings by UTF-16 code units, which does not depend on the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;

  return a < b ? -1 : 1;
}

/** `yyyy/mm/dd` of the UTC date. */
function datePath(now: Date): string {
  const year = String(now.getUTCFullYear());
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  const day = String(now.getUTCDate()).padStart(2, '0');

  return `${year}/${month}/${day}`;
}

/** `HHMM` of the UTC time. */
function timeOfDay(now: Date): string {
  return String(now.getUTCHours()).padStart(2, '0') + String(now.getUTCMinutes()).padStart(2, '0');
}
