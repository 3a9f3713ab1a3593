import { isSha256Hex } from '../../identifiers/sha256.js';
import type { BatchProfile, ProfileOutcome } from '../connector-type.js';
import type { CustomerFields } from './client.js';

/** Lookup of a profile among Clang's customers: by external id, else by email address. */
export type ClangLookup =
  { by: 'externalId'; value: string } | { by: 'emailAddress'; value: string };

/** A profile ready for Clang: the lookup and the customer fields of an insert or update. */
export interface ClangProfile {
  key: string;
  lookup: ClangLookup;
  customer: CustomerFields;
}

export type ClangMappingResult =
  { ok: true; profile: ClangProfile } | { ok: false; outcome: ProfileOutcome };

/** Maximum attribute length sent to Clang, in characters. Longer values are cut. */
export const MAX_CLANG_FIELD_LENGTH = 255;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

/**
 * Maps a profile to a Clang lookup and customer fields.
 *
 * The lookup uses the first non-blank `externalId`, else the first usable email. Clang needs
 * plain values, so a SHA-256 email or phone is not usable. A profile without a lookup is skipped:
 * `no_identifier` when it has no external id or email at all, `invalid_identifier` when it has
 * emails but none is a plain address.
 */
export function mapClangProfile(profile: BatchProfile): ClangMappingResult {
  const externalId = firstValue(profile.identifiers.externalId, (value) => value.trim());
  const emails = profile.identifiers.email ?? [];
  const email = firstValue(emails, normalizeClangEmail);

  let lookup: ClangLookup;
  if (externalId !== undefined) {
    lookup = { by: 'externalId', value: externalId };
  } else if (email !== undefined) {
    lookup = { by: 'emailAddress', value: email };
  } else {
    const hasEmails = emails.some((value) => value.trim() !== '');
    const reason = hasEmails ? 'invalid_identifier' : 'no_identifier';

    return { ok: false, outcome: { key: profile.key, status: 'skipped', reason } };
  }

  const customer: CustomerFields = readAttributeFields(profile.attributes);
  if (externalId !== undefined) customer.externalId = externalId;
  if (email !== undefined) customer.emailAddress = email;
  const phone = firstValue(profile.identifiers.phone, normalizeClangPhone);
  if (phone !== undefined) customer.mobilePhone = phone;

  return { ok: true, profile: { key: profile.key, lookup, customer } };
}

/** Returns the text form of a lookup, so that profiles of one customer can be grouped. */
export function lookupKeyOf(lookup: ClangLookup): string {
  return `${lookup.by}:${lookup.value}`;
}

/**
 * Trims and lowercases an email address in Unicode NFC. Returns `undefined` for a SHA-256 digest
 * or a value without the form `name@domain.tld`.
 */
export function normalizeClangEmail(value: string): string | undefined {
  const normalized = value.normalize('NFC').trim().toLowerCase();
  if (normalized === '' || isSha256Hex(normalized)) return undefined;

  return EMAIL_PATTERN.test(normalized) ? normalized : undefined;
}

/**
 * Returns an E.164 phone number (`+31612345678`) as it is, or `undefined` for a SHA-256 digest
 * or any other form. Ingest has already normalized phones to E.164.
 */
export function normalizeClangPhone(value: string): string | undefined {
  const trimmed = value.trim();

  return E164_PATTERN.test(trimmed) ? trimmed : undefined;
}

/** Returns `MAN` for `m` and `WOMAN` for `f` in any case, the values Clang's gender field takes. */
export function toClangGender(value: string): 'MAN' | 'WOMAN' | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'm') return 'MAN';
  if (lower === 'f') return 'WOMAN';

  return undefined;
}

/**
 * Reads the attributes with a fixed meaning into customer fields. Values that are not strings or
 * are blank are left out, and longer values are cut to `MAX_CLANG_FIELD_LENGTH` characters.
 *
 * NOTE: `dateOfBirth` is not sent, because the format of Clang's `birthday` field is not
 * documented.
 */
function readAttributeFields(attributes: Record<string, unknown> | undefined): CustomerFields {
  const fields: CustomerFields = {};
  if (attributes === undefined) return fields;

  const text = (name: string): string | undefined => {
    const value = attributes[name];
    if (typeof value !== 'string') return undefined;
    const trimmed = value.normalize('NFC').trim();

    return trimmed === '' ? undefined : trimmed.slice(0, MAX_CLANG_FIELD_LENGTH);
  };

  const firstName = text('firstName');
  if (firstName !== undefined) fields.firstname = firstName;
  const lastName = text('lastName');
  if (lastName !== undefined) fields.lastname = lastName;
  const zip = text('zip');
  if (zip !== undefined) fields.zipCode = zip;
  const city = text('city');
  if (city !== undefined) fields.city = city;
  const country = text('country');
  if (country !== undefined) fields.country = country;
  const gender = text('gender');
  const clangGender = gender === undefined ? undefined : toClangGender(gender);
  if (clangGender !== undefined) fields.gender = clangGender;

  return fields;
}

/** Returns the first value that `normalize` accepts, skipping blanks. */
function firstValue(
  values: string[] | undefined,
  normalize: (value: string) => string | undefined,
): string | undefined {
  for (const value of values ?? []) {
    if (value.trim() === '') continue;
    const normalized = normalize(value);
    if (normalized !== undefined && normalized !== '') return normalized;
  }

  return undefined;
}
