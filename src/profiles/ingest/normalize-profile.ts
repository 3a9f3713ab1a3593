import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentState,
  type FieldRejection,
  type Profile,
  type ProfileIdentifiers,
  type ProfileInput,
} from '../profile.js';
import { isFieldName } from './field-name.js';
import {
  normalizeIdentifier,
  type IdentifierContext,
  type PhoneNumberLookup,
} from './identifiers.js';
import { normalizeAttributes } from './normalize-attributes.js';
import { isPlainObject } from './plain-object.js';

/** A profile to store, with the values that were left out of it. */
export interface NormalizedProfile {
  profile: Profile;
  rejections: FieldRejection[];
}

/** A profile that cannot be stored at all, because its id is missing or invalid. */
export interface RejectedProfile {
  error: string;
  reason: 'invalid_profile' | 'missing_id' | 'invalid_id';
}

export type ProfileNormalization = NormalizedProfile | RejectedProfile;

const MAX_PROFILE_ID_LENGTH = 200;
const CONTROL_CHARACTER_PATTERN = /\p{Cc}/u;
const CONSENT_STATES: readonly ConsentState[] = ['granted', 'denied', 'unknown'];

/**
 * Normalizes a profile as a caller or an import sends it. An invalid value is left out and
 * reported as a rejection, and the rest of the profile is kept. Only a missing or invalid id, or
 * an input that is not an object, rejects the whole profile. That returns a `RejectedProfile`,
 * so check `'error' in result` to tell the two results apart.
 *
 * The id is trimmed and must then be 1 to 200 code points without control characters. Identifier
 * values are normalized by `normalizeIdentifier` and kept once each, in input order. Phone numbers
 * without a country code take their region from the `country` attribute. Both consents default to
 * `unknown`. `options.phoneNumbers` supplies phone number results computed beforehand.
 */
export function normalizeProfile(
  input: ProfileInput,
  options: { phoneNumbers?: PhoneNumberLookup } = {},
): ProfileNormalization {
  if (!isPlainObject(input)) {
    return { error: 'a profile must be a JSON object', reason: 'invalid_profile' };
  }
  const id = normalizeProfileId(input.id);
  if (typeof id !== 'string') {
    return id;
  }

  const attributes = normalizeAttributes(input.attributes);
  const identifiers = normalizeIdentifiers(input.identifiers, {
    region: attributes.region,
    phoneNumbers: options.phoneNumbers,
  });
  const consents = normalizeConsents(input.consents);
  return {
    profile: {
      id,
      identifiers: identifiers.identifiers,
      attributes: attributes.attributes,
      consents: consents.consents,
    },
    rejections: [...identifiers.rejections, ...attributes.rejections, ...consents.rejections],
  };
}

function normalizeProfileId(value: unknown): string | RejectedProfile {
  if (value === undefined || value === null || (typeof value === 'string' && !value.trim())) {
    return {
      error: 'the profile id is missing; every profile needs an "id"',
      reason: 'missing_id',
    };
  }
  if (typeof value !== 'string') {
    return { error: `the profile id must be a string, not ${typeof value}`, reason: 'invalid_id' };
  }

  const id = value.trim();
  // A string has at most as many code points as UTF-16 code units, so only long ids are counted.
  const length = id.length <= MAX_PROFILE_ID_LENGTH ? id.length : [...id].length;
  if (length > MAX_PROFILE_ID_LENGTH) {
    return {
      error: `the profile id is ${length} characters long; the maximum is ${MAX_PROFILE_ID_LENGTH}`,
      reason: 'invalid_id',
    };
  }
  if (CONTROL_CHARACTER_PATTERN.test(id)) {
    return {
      error: 'the profile id contains a control character; remove it or choose another id',
      reason: 'invalid_id',
    };
  }
  return id;
}

function normalizeIdentifiers(
  input: unknown,
  context: IdentifierContext,
): { identifiers: ProfileIdentifiers; rejections: FieldRejection[] } {
  const rejections: FieldRejection[] = [];
  if (input === undefined) {
    return { identifiers: {}, rejections };
  }
  if (!isPlainObject(input)) {
    rejections.push({ field: 'identifiers', reason: 'unsupported_value' });
    return { identifiers: {}, rejections };
  }

  const entries: [string, string[]][] = [];
  for (const [type, raw] of Object.entries(input)) {
    const field = `identifiers.${type}`;
    if (!isFieldName(type)) {
      rejections.push({ field, reason: 'invalid_name' });
      continue;
    }
    const values = new Set<string>();
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const result =
        typeof item === 'string'
          ? normalizeIdentifier(type, item, context)
          : { reason: 'unsupported_value' };
      if ('reason' in result) {
        rejections.push({ field, reason: result.reason });
      } else {
        values.add(result.value);
      }
    }
    if (values.size > 0) {
      entries.push([type, [...values]]);
    }
  }
  return { identifiers: Object.fromEntries(entries), rejections };
}

function normalizeConsents(input: unknown): {
  consents: Profile['consents'];
  rejections: FieldRejection[];
} {
  const consents: Profile['consents'] = { advertising: 'unknown', email: 'unknown' };
  const rejections: FieldRejection[] = [];
  if (input === undefined) {
    return { consents, rejections };
  }
  if (!isPlainObject(input)) {
    rejections.push({ field: 'consents', reason: 'unsupported_value' });
    return { consents, rejections };
  }

  for (const [purpose, value] of Object.entries(input)) {
    const field = `consents.${purpose}`;
    if (!isConsentPurpose(purpose)) {
      rejections.push({ field, reason: 'unknown_purpose' });
      continue;
    }
    if (value === undefined) {
      continue;
    }
    const state = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (state !== undefined && isConsentState(state)) {
      consents[purpose] = state;
    } else {
      rejections.push({ field, reason: 'invalid_consent' });
    }
  }
  return { consents, rejections };
}

function isConsentPurpose(value: string): value is ConsentPurpose {
  return (CONSENT_PURPOSES as readonly string[]).includes(value);
}

function isConsentState(value: string): value is ConsentState {
  return (CONSENT_STATES as readonly string[]).includes(value);
}
