import { isSha256Hex } from '../../identifiers/sha256.js';
import { normalizePhoneNumber, type PhoneNumberResult } from './phone-number.js';

/** A normalized identifier value, or the reason code that rejects the raw value. */
export type IdentifierResult = { value: string } | { reason: string };

export interface IdentifierContext {
  /** ISO 3166-1 alpha-2 code used for phone numbers written without a country code. */
  region?: string;
  /**
   * Results of `normalizePhoneNumber` computed beforehand, such as on a worker thread. Returns
   * undefined for a number it lacks, which is then normalized here.
   */
  phoneNumbers?: PhoneNumberLookup;
}

/** Returns the result of `normalizePhoneNumber(value, region)` if it is known. */
export type PhoneNumberLookup = (
  value: string,
  region: string | undefined,
) => PhoneNumberResult | undefined;

/** RFC 5321 limits a path to 256 octets including its angle brackets, which leaves 254. */
const MAX_EMAIL_BYTES = 254;
const MAX_PARTNER_ID_LENGTH = 256;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const CONTROL_CHARACTER_PATTERN = /\p{Cc}/u;

/**
 * Normalizes one identifier value of the given type. Whitespace around the value is trimmed, and
 * a blank value is rejected with `empty`. A value of 64 hex digits is taken as a SHA-256 digest
 * for every type and stored in lower case.
 *
 * - `email`: NFC, lower case, one `@` and a dot in the domain, else `invalid_email`.
 * - `phone`: E.164 without extension, else `invalid_phone` or `phone_without_region`.
 * - `maid`: a UUID (IDFA or AAID) in lower case, else `invalid_maid`.
 * - `externalId` and partner types (`xandrUid`, ...): 1 to 256 characters without control
 *   characters, else `invalid_<type>`.
 */
export function normalizeIdentifier(
  type: string,
  raw: string,
  context: IdentifierContext,
): IdentifierResult {
  const trimmed = raw.trim();
  if (trimmed === '') {
    return { reason: 'empty' };
  }
  // NOTE: this also lower-cases an `externalId` or partner id that happens to be 64 hex digits.
  if (isSha256Hex(trimmed)) {
    return { value: trimmed.toLowerCase() };
  }

  switch (type) {
    case 'email':
      return normalizeEmail(trimmed);
    case 'phone':
      return (
        context.phoneNumbers?.(trimmed, context.region) ??
        normalizePhoneNumber(trimmed, context.region)
      );
    case 'maid':
      return normalizeMobileAdvertisingId(trimmed);
    default:
      return normalizePartnerId(type, trimmed);
  }
}

function normalizeEmail(value: string): IdentifierResult {
  // Lower case first: lower-casing can decompose a letter, which NFC then composes again.
  const email = value.toLowerCase().normalize('NFC');
  const isValid =
    Buffer.byteLength(email, 'utf8') <= MAX_EMAIL_BYTES &&
    EMAIL_PATTERN.test(email) &&
    !CONTROL_CHARACTER_PATTERN.test(email);
  return isValid ? { value: email } : { reason: 'invalid_email' };
}

/** The all-zero UUID is what iOS returns when tracking is limited, so it names no device. */
function normalizeMobileAdvertisingId(value: string): IdentifierResult {
  const maid = value.toLowerCase();
  const isValid = UUID_PATTERN.test(maid) && maid !== ZERO_UUID;
  return isValid ? { value: maid } : { reason: 'invalid_maid' };
}

/** Counts length in code points, so an emoji counts as one character. */
function normalizePartnerId(type: string, value: string): IdentifierResult {
  const length = [...value].length;
  const isValid = length <= MAX_PARTNER_ID_LENGTH && !CONTROL_CHARACTER_PATTERN.test(value);
  return isValid ? { value } : { reason: `invalid_${type}` };
}
