import { hashSha256Hex, isSha256Hex } from '../../identifiers/sha256.js';
import { resolveRegion } from '../../profiles/ingest/country.js';
import type { BatchProfile, ProfileOutcome } from '../connector-type.js';
import type { DataManagerAccounts } from './schemas.js';

/** Maximum audience members in one ingest or remove request (Data Manager request limits). */
export const MAX_MEMBERS_PER_REQUEST = 10_000;

/** Maximum user identifiers in one audience member (Data Manager request limits). */
export const MAX_IDENTIFIERS_PER_MEMBER = 10;

export type ConsentStatus = 'CONSENT_GRANTED' | 'CONSENT_DENIED';

/** DMA consent of one member. A purpose that is left out means `CONSENT_STATUS_UNSPECIFIED`. */
export interface Consent {
  adUserData?: ConsentStatus;
  adPersonalization?: ConsentStatus;
}

/** `AddressInfo`: names hashed, region and postal code in plain text. */
export interface AddressInfo {
  givenName: string;
  familyName: string;
  regionCode: string;
  postalCode: string;
}

/** One `UserIdentifier`, which has exactly one of the three fields. */
export type UserIdentifier =
  { emailAddress: string } | { phoneNumber: string } | { address: AddressInfo };

/** One `AudienceMember` with contact information. */
export interface AudienceMember {
  userData: { userIdentifiers: UserIdentifier[] };
  consent?: Consent;
}

/** `Destination` of a request: the accounts and the user list. */
export interface DataManagerDestination extends DataManagerAccounts {
  productDestinationId: string;
}

/** The members of one batch, with the activation key of each member and the profiles left out. */
export interface MemberList {
  members: AudienceMember[];
  /** Activation key of each member, so `keys[i]` belongs to `members[i]`. */
  keys: string[];
  /** Profiles that produced no member. */
  skipped: ProfileOutcome[];
}

/**
 * Maps each profile to one audience member with hashed contact identifiers.
 *
 * A member carries the distinct emails and phones of the profile and, when the attributes
 * `firstName`, `lastName`, `country` and `zip` are all usable, one address. They are taken in
 * turn (first email, first phone, address, second email, second phone, ...) up to 10 identifiers,
 * so a profile with many emails still sends its phone.
 *
 * A profile without a usable identifier is skipped with `no_identifier`, or with
 * `invalid_identifier` when it has values but none survives normalization.
 *
 * Added members carry the profile's advertising consent. Removed members carry none, because
 * Google's remove request takes no consent.
 */
export function buildAudienceMembers(
  profiles: BatchProfile[],
  operation: 'add' | 'remove',
): MemberList {
  const members: AudienceMember[] = [];
  const keys: string[] = [];
  const skipped: ProfileOutcome[] = [];

  for (const profile of profiles) {
    const read = readUserIdentifiers(profile);
    if (read.identifiers.length === 0) {
      const reason = read.rejectedCount > 0 ? 'invalid_identifier' : 'no_identifier';
      skipped.push({ key: profile.key, status: 'skipped', reason });
      continue;
    }

    const member: AudienceMember = { userData: { userIdentifiers: read.identifiers } };
    const consent = operation === 'add' ? consentOf(profile) : undefined;
    if (consent !== undefined) member.consent = consent;
    members.push(member);
    keys.push(profile.key);
  }

  return { members, keys, skipped };
}

/**
 * Maps the profile's `advertising` consent to both DMA purposes: `granted` to `CONSENT_GRANTED`,
 * `denied` to `CONSENT_DENIED`. An unknown or missing consent returns `undefined`, so Google
 * applies the account's consent settings.
 */
export function consentOf(profile: BatchProfile): Consent | undefined {
  const state = profile.consents?.advertising;
  if (state === 'granted')
    return { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' };
  if (state === 'denied')
    return { adUserData: 'CONSENT_DENIED', adPersonalization: 'CONSENT_DENIED' };

  return undefined;
}

/** Returns the `Destination` for a user list of the given accounts. */
export function buildDestination(
  accounts: DataManagerAccounts,
  userListId: string,
): DataManagerDestination {
  const destination: DataManagerDestination = {
    operatingAccount: { ...accounts.operatingAccount },
    productDestinationId: userListId,
  };
  if (accounts.loginAccount !== undefined) destination.loginAccount = { ...accounts.loginAccount };

  return destination;
}

/**
 * Returns the body of `audienceMembers:ingest`: hex-encoded digests, and the Customer Match terms
 * of service marked as accepted, which uploads to Customer Match lists require.
 */
export function buildIngestRequest(destination: DataManagerDestination, members: AudienceMember[]) {
  return {
    destinations: [destination],
    audienceMembers: members,
    encoding: 'HEX',
    termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
  };
}

/** Returns the body of `audienceMembers:remove`, which has no consent and no terms of service. */
export function buildRemoveRequest(destination: DataManagerDestination, members: AudienceMember[]) {
  return { destinations: [destination], audienceMembers: members, encoding: 'HEX' };
}

interface ReadIdentifiers {
  identifiers: UserIdentifier[];
  /** Non-blank values that normalization rejected. */
  rejectedCount: number;
}

function readUserIdentifiers(profile: BatchProfile): ReadIdentifiers {
  const rejected = { count: 0 };
  const emails = collectDigests(profile.identifiers.email, normalizeEmail, rejected);
  const phones = collectDigests(profile.identifiers.phone, normalizePhone, rejected);
  const address = readAddress(profile.attributes);

  const identifiers: UserIdentifier[] = [];
  const longest = Math.max(emails.length, phones.length, 1);
  for (let index = 0; index < longest; index++) {
    const email = emails[index];
    if (email !== undefined) identifiers.push({ emailAddress: email });
    const phone = phones[index];
    if (phone !== undefined) identifiers.push({ phoneNumber: phone });
    if (index === 0 && address !== undefined) identifiers.push({ address });
  }

  return {
    identifiers: identifiers.slice(0, MAX_IDENTIFIERS_PER_MEMBER),
    rejectedCount: rejected.count,
  };
}

/**
 * Normalizes each non-blank value and returns the distinct SHA-256 hex digests in input order.
 * A value of 64 hex digits is taken as a digest already and only lowercased. Counts the values
 * that normalize to nothing in `rejected`.
 */
function collectDigests(
  values: string[] | undefined,
  normalize: (value: string) => string | undefined,
  rejected: { count: number },
): string[] {
  const digests: string[] = [];
  for (const value of values ?? []) {
    const trimmed = value.trim();
    if (trimmed === '') continue;

    const digest = digestOf(trimmed, normalize);
    if (digest === undefined) rejected.count++;
    else if (!digests.includes(digest)) digests.push(digest);
  }

  return digests;
}

function digestOf(
  value: string,
  normalize: (value: string) => string | undefined,
): string | undefined {
  if (isSha256Hex(value)) return value.toLowerCase();
  const normalized = normalize(value);

  return normalized === undefined ? undefined : hashSha256Hex(normalized);
}

/** Domains whose local part Google normalizes further: dots and a `+suffix` are removed. */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Normalizes an email address as Google's Data Manager formatting guide requires: all whitespace
 * removed and lowercase, in Unicode NFC. For gmail.com and googlemail.com the dots of the local
 * part and a `+` with everything after it are removed, so `Jane.Doe+shop@gmail.com` becomes
 * `janedoe@gmail.com`. Returns `undefined` for a value without exactly one `@` between a
 * non-empty local part and domain.
 *
 * NOTE: an email that arrives as a SHA-256 digest cannot get the gmail.com rule, so it matches
 * only if the sender applied it before hashing.
 */
export function normalizeEmail(value: string): string | undefined {
  const compact = value.normalize('NFC').replace(/\s+/gu, '').toLowerCase();
  const parts = compact.split('@');
  if (parts.length !== 2) return undefined;

  const [localPart = '', domain = ''] = parts;
  if (localPart === '' || domain === '') return undefined;
  if (!GMAIL_DOMAINS.has(domain)) return compact;

  const withoutSuffix = localPart.split('+', 1)[0] ?? '';
  const gmailLocal = withoutSuffix.replace(/\./g, '');

  return gmailLocal === '' ? undefined : `${gmailLocal}@${domain}`;
}

/**
 * Normalizes a phone number to E.164 with the `+` kept, as Google's formatting guide requires:
 * `+1 (800) 555-0100` becomes `+18005550100`. Spaces, dashes, dots, brackets and a `(0)` trunk
 * prefix are removed. Returns `undefined` unless the result is `+` followed by 2 to 15 digits
 * without a leading zero. Numbers arrive in E.164 from ingest, so a number without `+` is
 * rejected rather than guessed.
 */
export function normalizePhone(value: string): string | undefined {
  const compact = value.replace(/\(\s*0\s*\)/g, '').replace(/[\s().-]/g, '');

  return /^\+[1-9]\d{1,14}$/.test(compact) ? compact : undefined;
}

/**
 * Normalizes a first or last name as `AddressInfo` requires: lowercase, without punctuation and
 * without leading or trailing whitespace. Inner whitespace collapses to one space. Letters
 * outside a-z are kept in Unicode NFC.
 */
export function normalizeName(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\p{P}/gu, '').replace(/\s+/gu, ' ').trim();
}

/**
 * Trims a postal code and collapses inner whitespace to one space. A US ZIP+4 code keeps its
 * first 5 digits, because Google matches US addresses on the 5-digit ZIP code.
 */
export function normalizePostalCode(value: string, regionCode: string): string {
  const compact = value.trim().replace(/\s+/gu, ' ');
  if (regionCode === 'US' && /^\d{5}-?\d{4}$/.test(compact)) return compact.slice(0, 5);

  return compact;
}

/**
 * Reads `firstName`, `lastName`, `country` and `zip` into an address, or `undefined` when one is
 * unusable. The country may be an alpha-2 or alpha-3 code or an English name; it is sent as the
 * upper-case alpha-2 region code.
 */
function readAddress(attributes: Record<string, unknown> | undefined): AddressInfo | undefined {
  if (attributes === undefined) return undefined;

  const firstName = readStringAttribute(attributes, 'firstName');
  const lastName = readStringAttribute(attributes, 'lastName');
  const country = readStringAttribute(attributes, 'country');
  const zip = readStringAttribute(attributes, 'zip');
  if (!firstName || !lastName || !country || !zip) return undefined;

  const regionCode = resolveRegion(country);
  const givenName = digestOf(firstName, nonEmpty(normalizeName));
  const familyName = digestOf(lastName, nonEmpty(normalizeName));
  if (regionCode === undefined || givenName === undefined || familyName === undefined) {
    return undefined;
  }

  return { givenName, familyName, regionCode, postalCode: normalizePostalCode(zip, regionCode) };
}

function nonEmpty(normalize: (value: string) => string): (value: string) => string | undefined {
  return (value) => {
    const normalized = normalize(value);
    return normalized === '' ? undefined : normalized;
  };
}

function readStringAttribute(
  attributes: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = attributes[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();

  return trimmed === '' ? undefined : trimmed;
}
