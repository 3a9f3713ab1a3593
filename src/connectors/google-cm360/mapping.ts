import type { BatchProfile, ProfileOutcome } from '../connector-type.js';
import {
  DEFAULT_ORDINAL,
  DEFAULT_QUANTITY,
  DEFAULT_VALUE,
  type Cm360AudienceSettings,
} from './schemas.js';

/** Identifier types this connector type reads, in the order it prefers them. */
export const ENCRYPTED_USER_ID = 'encryptedUserId';
export const MATCH_ID_SOURCE = 'externalId';
export const MOBILE_DEVICE_ID_SOURCE = 'maid';

/** One `Conversion` of a `conversions.batchinsert` request, as Activator sends it. */
export interface Cm360Conversion {
  kind: 'dfareporting#conversion';
  floodlightConfigurationId: string;
  floodlightActivityId: string;
  /** Exactly one of the four identifier fields is set. */
  encryptedUserId?: string;
  encryptedUserIdCandidates?: string[];
  matchId?: string;
  mobileDeviceId?: string;
  ordinal: string;
  /** Conversion time in microseconds since the Unix epoch, as an int64 string. */
  timestampMicros: string;
  /** Item count as an int64 string. */
  quantity: string;
  value: number;
  adUserDataConsent?: 'GRANTED' | 'DENIED';
}

/** The conversions of a batch, the activation key of each, and the profiles left out. */
export interface ConversionPlan {
  conversions: Cm360Conversion[];
  /** Activation key of each conversion, so `keys[i]` belongs to `conversions[i]`. */
  keys: string[];
  /** Profiles that produced no conversion: skips and configuration errors. */
  notSent: ProfileOutcome[];
}

/** Connector settings that the mapping reads. */
export interface ConversionDefaults {
  floodlightConfigurationId: string;
  /** True when the settings have `encryptionInfo`, which encrypted user ids require. */
  hasEncryptionInfo: boolean;
}

type IdentifierChoice =
  | { field: 'encryptedUserId' | 'matchId' | 'mobileDeviceId'; value: string }
  | { field: 'encryptedUserIdCandidates'; value: string[] }
  | { skip: 'no_identifier' | 'invalid_identifier' }
  | { missingEncryptionInfo: true };

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Encrypted user ids are alphanumeric strings; whitespace and control characters never occur. */
const ENCRYPTED_ID_PATTERN = /^[^\s\p{Cc}]{1,1024}$/u;
const MATCH_ID_PATTERN = /^[^\p{Cc}]{1,1024}$/u;

/**
 * Maps the profiles of an add batch to CM360 conversions of one Floodlight activity.
 *
 * Each profile gives one conversion with one identifier, the first that applies:
 * `encryptedUserId` (several values go into `encryptedUserIdCandidates`), then `matchId` from
 * `externalId`, then `mobileDeviceId` from `maid`. Encrypted ids need `encryptionInfo` in the
 * settings. Without it they are passed over, and a profile with nothing else fails with a final
 * `other` error that names the missing setting.
 *
 * A profile without any of these identifiers is skipped with `no_identifier`, and one whose values
 * are all unusable (a `maid` that is not a UUID, such as a SHA-256 digest) with
 * `invalid_identifier`. Every conversion has the time `nowMs`, and the quantity, value and ordinal
 * of the connection settings or their defaults.
 */
export function buildConversions(
  profiles: readonly BatchProfile[],
  destination: Cm360AudienceSettings,
  defaults: ConversionDefaults,
  nowMs: number,
): ConversionPlan {
  const plan: ConversionPlan = { conversions: [], keys: [], notSent: [] };
  const timestampMicros = `${Math.trunc(nowMs)}000`;

  for (const profile of profiles) {
    const choice = chooseIdentifier(profile, defaults.hasEncryptionInfo);
    if ('skip' in choice) {
      plan.notSent.push({ key: profile.key, status: 'skipped', reason: choice.skip });
      continue;
    }
    if ('missingEncryptionInfo' in choice) {
      plan.notSent.push({
        key: profile.key,
        status: 'error',
        category: 'other',
        retryable: false,
        partnerMessage:
          'The profile has only encryptedUserId identifiers, and the connector settings have no encryptionInfo to describe their encryption. Set settings.encryptionInfo.',
      });
      continue;
    }

    const conversion: Cm360Conversion = {
      kind: 'dfareporting#conversion',
      floodlightConfigurationId: defaults.floodlightConfigurationId,
      floodlightActivityId: destination.floodlightActivityId,
      ordinal: destination.ordinal ?? DEFAULT_ORDINAL,
      timestampMicros,
      quantity: String(destination.quantity ?? DEFAULT_QUANTITY),
      value: destination.value ?? DEFAULT_VALUE,
    };
    if (choice.field === 'encryptedUserIdCandidates') {
      conversion.encryptedUserIdCandidates = choice.value;
    } else {
      conversion[choice.field] = choice.value;
    }

    const consent = profile.consents?.advertising;
    if (consent === 'granted') conversion.adUserDataConsent = 'GRANTED';
    if (consent === 'denied') conversion.adUserDataConsent = 'DENIED';

    plan.conversions.push(conversion);
    plan.keys.push(profile.key);
  }

  return plan;
}

/** Picks the identifier of a profile's conversion, as `buildConversions` describes. */
function chooseIdentifier(profile: BatchProfile, hasEncryptionInfo: boolean): IdentifierChoice {
  const encrypted = usableValues(profile.identifiers[ENCRYPTED_USER_ID], isEncryptedUserId);
  const matchIds = usableValues(profile.identifiers[MATCH_ID_SOURCE], isMatchId);
  const deviceIds = usableValues(profile.identifiers[MOBILE_DEVICE_ID_SOURCE], isMobileDeviceId);

  if (hasEncryptionInfo && encrypted.values.length === 1 && encrypted.values[0] !== undefined) {
    return { field: 'encryptedUserId', value: encrypted.values[0] };
  }
  // NOTE: CM360 documents no maximum for encryptedUserIdCandidates, so every value is sent.
  if (hasEncryptionInfo && encrypted.values.length > 1) {
    return { field: 'encryptedUserIdCandidates', value: encrypted.values };
  }
  if (matchIds.values[0] !== undefined) return { field: 'matchId', value: matchIds.values[0] };
  if (deviceIds.values[0] !== undefined) {
    return { field: 'mobileDeviceId', value: deviceIds.values[0] };
  }
  if (encrypted.values.length > 0) return { missingEncryptionInfo: true };

  const rejected = encrypted.rejected + matchIds.rejected + deviceIds.rejected;

  return { skip: rejected > 0 ? 'invalid_identifier' : 'no_identifier' };
}

/**
 * Returns the distinct trimmed values that pass `isUsable`, in input order, and the count of
 * non-blank values that do not. Blank values count as absent.
 */
function usableValues(
  values: readonly string[] | undefined,
  isUsable: (value: string) => boolean,
): { values: string[]; rejected: number } {
  const usable: string[] = [];
  let rejected = 0;
  for (const value of values ?? []) {
    const trimmed = value.trim();
    if (trimmed === '') continue;
    if (!isUsable(trimmed)) rejected += 1;
    else if (!usable.includes(trimmed)) usable.push(trimmed);
  }

  return { values: usable, rejected };
}

function isEncryptedUserId(value: string): boolean {
  return ENCRYPTED_ID_PATTERN.test(value);
}

/** Returns whether a match id is usable. It is the advertiser's own id from the Floodlight tag, sent as given. */
function isMatchId(value: string): boolean {
  return MATCH_ID_PATTERN.test(value);
}

/**
 * CM360 takes the raw IDFA, Android advertising id or connected TV IFA, so a SHA-256 digest is
 * unusable. Ingest stores these ids as lowercase UUIDs, and they are sent that way.
 *
 * NOTE: connected TV platforms whose IFA is not a UUID are rejected here, because the IFA formats CM360
 * accepts are not listed in its documentation.
 */
function isMobileDeviceId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
