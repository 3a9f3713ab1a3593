import { GoogleApiError, type GoogleFieldViolation } from './google-error.js';

/** Maximum audience members per request (Data Manager request limits). */
export const MAX_MEMBERS = 10_000;
/** Maximum user identifiers per audience member. */
export const MAX_IDENTIFIERS = 10;
/** Maximum destinations per request. */
export const MAX_DESTINATIONS = 10;

const ACCOUNT_TYPES = [
  'ACCOUNT_TYPE_UNSPECIFIED',
  'GOOGLE_ADS',
  'DISPLAY_VIDEO_PARTNER',
  'DISPLAY_VIDEO_ADVERTISER',
  'DATA_PARTNER',
];
const CONSENT_STATUSES = ['CONSENT_STATUS_UNSPECIFIED', 'CONSENT_GRANTED', 'CONSENT_DENIED'];
const ENCODINGS = ['ENCODING_UNSPECIFIED', 'HEX', 'BASE64'];
const TERMS_STATUSES = ['TERMS_OF_SERVICE_STATUS_UNSPECIFIED', 'ACCEPTED', 'REJECTED'];

export interface ProductAccount {
  accountType: string;
  accountId: string;
}

export interface UploadDestination {
  operatingAccount: ProductAccount;
  loginAccount?: ProductAccount;
  productDestinationId: string;
  /** The destination as the request sent it, echoed in the request status. */
  sent: Record<string, unknown>;
}

export interface UploadConsent {
  adUserData?: string;
  adPersonalization?: string;
}

/** One audience member of an upload, with every digest as lowercase hex. */
export interface UploadMember {
  emails: string[];
  phones: string[];
  address?: { givenName: string; familyName: string; regionCode: string; postalCode: string };
  consent?: UploadConsent;
  identifierCount: number;
}

/** A validated `audienceMembers:ingest` or `audienceMembers:remove` request. */
export interface UploadRequest {
  destinations: UploadDestination[];
  members: UploadMember[];
  consent?: UploadConsent;
  validateOnly: boolean;
}

/** Field names of each message, in lowerCamelCase. */
const MESSAGE_FIELDS = {
  ingest: [
    'destinations',
    'audienceMembers',
    'consent',
    'validateOnly',
    'encoding',
    'encryptionInfo',
    'termsOfService',
  ],
  // RemoveAudienceMembersRequest has no consent and no terms of service.
  remove: ['destinations', 'audienceMembers', 'validateOnly', 'encoding', 'encryptionInfo'],
  destination: [
    'reference',
    'loginAccount',
    'linkedAccount',
    'operatingAccount',
    'productDestinationId',
  ],
  productAccount: ['product', 'accountId', 'accountType'],
  member: ['userData', 'pairData', 'mobileData', 'consent'],
  userData: ['userIdentifiers'],
  userIdentifier: ['emailAddress', 'phoneNumber', 'address'],
  address: ['givenName', 'familyName', 'regionCode', 'postalCode'],
  consent: ['adUserData', 'adPersonalization'],
  termsOfService: ['customerMatchTermsOfServiceStatus'],
} as const;

type Message = Record<string, unknown>;

/**
 * Validates an ingest or remove body as strictly as the Data Manager API: unknown fields, wrong
 * types and unknown enum names fail at once, as Google's JSON parser does. Data errors of
 * members are collected, and the request fails with one `BadRequest` field violation per
 * member, because the API fails the whole request when one record is invalid.
 *
 * Field names are accepted in lowerCamelCase and in proto snake_case, as proto3 JSON allows.
 * Error paths use the proto names, such as `audience_members[2].user_data`.
 */
export function parseUploadRequest(body: unknown, operation: 'ingest' | 'remove'): UploadRequest {
  const root = readMessage(body, '', MESSAGE_FIELDS[operation]);

  const destinations = readDestinations(root.destinations);
  const rawMembers = root.audienceMembers;
  if (!Array.isArray(rawMembers) || rawMembers.length === 0) {
    throw requestError(
      'REQUIRED_FIELD_MISSING',
      'audience_members',
      'At least one audience member is required.',
    );
  }
  if (rawMembers.length > MAX_MEMBERS) {
    throw requestError(
      'TOO_MANY_AUDIENCE_MEMBERS',
      'audience_members',
      `The request has ${rawMembers.length} audience members; the maximum is ${MAX_MEMBERS}.`,
    );
  }

  if (root.encryptionInfo !== undefined) {
    throw requestError(
      'INVALID_ARGUMENT',
      'encryption_info',
      'The simulator does not support encrypted uploads.',
    );
  }
  const encoding = readEnum(root.encoding, 'encoding', ENCODINGS) ?? 'ENCODING_UNSPECIFIED';
  if (encoding === 'ENCODING_UNSPECIFIED') {
    throw requestError(
      'REQUIRED_FIELD_MISSING',
      'encoding',
      'encoding is required for user data uploads.',
    );
  }
  if (operation === 'ingest') checkTermsOfService(root.termsOfService);

  const consent = root.consent === undefined ? undefined : readConsent(root.consent, 'consent');
  const violations: GoogleFieldViolation[] = [];
  const members = rawMembers.map((raw, index) =>
    readMember(raw, `audience_members[${index}]`, encoding, violations),
  );
  if (violations.length > 0) {
    const first = violations[0];
    throw new GoogleApiError(
      400,
      `The request has ${violations.length} invalid audience member field(s); no member was processed.`,
      first?.reason ?? 'INVALID_ARGUMENT',
      undefined,
      violations,
    );
  }

  const validateOnly = readBoolean(root.validateOnly, 'validate_only');
  const request: UploadRequest = { destinations, members, validateOnly };
  if (consent !== undefined) request.consent = consent;

  return request;
}

/** Returns the values of a member that a marked fault can match: digests, region, postal code. */
export function memberCells(member: UploadMember): string[] {
  const cells = [...member.emails, ...member.phones];
  if (member.address !== undefined) cells.push(...Object.values(member.address));

  return cells;
}

function readDestinations(value: unknown): UploadDestination[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw requestError(
      'REQUIRED_FIELD_MISSING',
      'destinations',
      'At least one destination is required.',
    );
  }
  if (value.length > MAX_DESTINATIONS) {
    throw requestError(
      'TOO_MANY_DESTINATIONS',
      'destinations',
      `The request has ${value.length} destinations; the maximum is ${MAX_DESTINATIONS}.`,
    );
  }

  return value.map((raw, index) => {
    const path = `destinations[${index}]`;
    const message = readMessage(raw, path, MESSAGE_FIELDS.destination);
    const productDestinationId = readString(
      message.productDestinationId,
      `${path}.product_destination_id`,
    );
    if (productDestinationId === '') {
      throw requestError(
        'REQUIRED_FIELD_MISSING',
        `${path}.product_destination_id`,
        'product_destination_id is required.',
      );
    }
    if (message.operatingAccount === undefined) {
      throw requestError(
        'REQUIRED_FIELD_MISSING',
        `${path}.operating_account`,
        'operating_account is required.',
      );
    }

    const destination: UploadDestination = {
      operatingAccount: readProductAccount(message.operatingAccount, `${path}.operating_account`),
      productDestinationId,
      sent: message,
    };
    if (message.loginAccount !== undefined) {
      destination.loginAccount = readProductAccount(message.loginAccount, `${path}.login_account`);
    }

    return destination;
  });
}

function readProductAccount(value: unknown, path: string): ProductAccount {
  const message = readMessage(value, path, MESSAGE_FIELDS.productAccount);
  const accountType = readEnum(message.accountType, `${path}.account_type`, ACCOUNT_TYPES);
  const product = readEnum(message.product, `${path}.product`, ACCOUNT_TYPES);
  const type = accountType ?? product;
  if (type === undefined || type === 'ACCOUNT_TYPE_UNSPECIFIED') {
    throw requestError(
      'REQUIRED_FIELD_MISSING',
      `${path}.account_type`,
      'account_type is required.',
    );
  }
  if (accountType !== undefined && product !== undefined && accountType !== product) {
    throw requestError(
      'INVALID_ARGUMENT',
      `${path}.product`,
      'product and account_type must match.',
    );
  }

  const accountId = readString(message.accountId, `${path}.account_id`);
  if (!/^\d{1,20}$/.test(accountId)) {
    throw requestError(
      'INVALID_ARGUMENT',
      `${path}.account_id`,
      `account_id "${accountId}" must be digits only.`,
    );
  }

  return { accountType: type, accountId };
}

function checkTermsOfService(value: unknown): void {
  const message =
    value === undefined
      ? {}
      : readMessage(value, 'terms_of_service', MESSAGE_FIELDS.termsOfService);
  const status = readEnum(
    message.customerMatchTermsOfServiceStatus,
    'terms_of_service.customer_match_terms_of_service_status',
    TERMS_STATUSES,
  );
  if (status !== 'ACCEPTED') {
    throw requestError(
      'TERMS_AND_CONDITIONS_NOT_SIGNED',
      'terms_of_service.customer_match_terms_of_service_status',
      'The Customer Match terms of service must be ACCEPTED for uploads to Customer Match lists.',
    );
  }
}

function readConsent(value: unknown, path: string): UploadConsent {
  const message = readMessage(value, path, MESSAGE_FIELDS.consent);
  const consent: UploadConsent = {};
  const adUserData = readEnum(message.adUserData, `${path}.ad_user_data`, CONSENT_STATUSES);
  const adPersonalization = readEnum(
    message.adPersonalization,
    `${path}.ad_personalization`,
    CONSENT_STATUSES,
  );
  if (adUserData !== undefined) consent.adUserData = adUserData;
  if (adPersonalization !== undefined) consent.adPersonalization = adPersonalization;

  return consent;
}

function readMember(
  raw: unknown,
  path: string,
  encoding: string,
  violations: GoogleFieldViolation[],
): UploadMember {
  const message = readMessage(raw, path, MESSAGE_FIELDS.member);
  const member: UploadMember = { emails: [], phones: [], identifierCount: 0 };
  if (message.consent !== undefined)
    member.consent = readConsent(message.consent, `${path}.consent`);

  const dataFields = ['userData', 'pairData', 'mobileData'].filter(
    (name) => message[name] !== undefined,
  );
  if (dataFields.length !== 1) {
    violations.push({
      field: path,
      description: 'An audience member needs exactly one of user_data, pair_data and mobile_data.',
      reason: 'INVALID_AUDIENCE_MEMBER',
    });
    return member;
  }
  if (message.userData === undefined) {
    violations.push({
      field: path,
      description: 'The simulated user lists hold contact information only; send user_data.',
      reason: 'INVALID_USER_LIST_TYPE',
    });
    return member;
  }

  const userData = readMessage(message.userData, `${path}.user_data`, MESSAGE_FIELDS.userData);
  const identifiers = userData.userIdentifiers;
  const identifiersPath = `${path}.user_data.user_identifiers`;
  if (!Array.isArray(identifiers) || identifiers.length === 0) {
    violations.push({
      field: identifiersPath,
      description: 'At least one user identifier is required.',
      reason: 'REQUIRED_FIELD_MISSING',
    });
    return member;
  }
  if (identifiers.length > MAX_IDENTIFIERS) {
    violations.push({
      field: identifiersPath,
      description: `The member has ${identifiers.length} user identifiers; the maximum is ${MAX_IDENTIFIERS}.`,
      reason: 'TOO_MANY_USER_IDENTIFIERS',
    });
    return member;
  }

  member.identifierCount = identifiers.length;
  const before = violations.length;
  identifiers.forEach((value, index) => {
    readIdentifier(value, `${identifiersPath}[${index}]`, encoding, member, violations);
  });
  // Only the first violation of a member is reported, so a member has at most one.
  violations.splice(before + 1);

  return member;
}

function readIdentifier(
  raw: unknown,
  path: string,
  encoding: string,
  member: UploadMember,
  violations: GoogleFieldViolation[],
): void {
  const message = readMessage(raw, path, MESSAGE_FIELDS.userIdentifier);
  const present = ['emailAddress', 'phoneNumber', 'address'].filter(
    (name) => message[name] !== undefined,
  );
  if (present.length !== 1) {
    violations.push({
      field: path,
      description:
        'A user identifier needs exactly one of email_address, phone_number and address.',
      reason: 'INVALID_ARGUMENT',
    });
    return;
  }

  if (message.emailAddress !== undefined) {
    const digest = readDigest(message.emailAddress, `${path}.email_address`, encoding, violations);
    if (digest !== undefined) member.emails.push(digest);
    return;
  }
  if (message.phoneNumber !== undefined) {
    const digest = readDigest(message.phoneNumber, `${path}.phone_number`, encoding, violations);
    if (digest !== undefined) member.phones.push(digest);
    return;
  }

  const address = readMessage(message.address, `${path}.address`, MESSAGE_FIELDS.address);
  const givenName = readDigest(
    address.givenName,
    `${path}.address.given_name`,
    encoding,
    violations,
  );
  const familyName = readDigest(
    address.familyName,
    `${path}.address.family_name`,
    encoding,
    violations,
  );
  const regionCode = readString(address.regionCode, `${path}.address.region_code`);
  const postalCode = readString(address.postalCode, `${path}.address.postal_code`);
  if (!/^[A-Za-z]{2}$/.test(regionCode)) {
    violations.push({
      field: `${path}.address.region_code`,
      description: `region_code "${regionCode}" is not an ISO 3166-1 alpha-2 code.`,
      reason: 'INVALID_COUNTRY_CODE',
    });
    return;
  }
  if (postalCode.trim() === '') {
    violations.push({
      field: `${path}.address.postal_code`,
      description: 'postal_code is required.',
      reason: 'REQUIRED_FIELD_MISSING',
    });
    return;
  }
  if (givenName !== undefined && familyName !== undefined) {
    member.address = { givenName, familyName, regionCode: regionCode.toUpperCase(), postalCode };
  }
}

/**
 * Checks a hashed value in the request's encoding and returns it as lowercase hex. Records
 * `INVALID_HEX_ENCODING` or `INVALID_BASE64_ENCODING` for a value that does not decode, and
 * `INVALID_SHA256_FORMAT` for one that does not decode to 32 bytes.
 */
function readDigest(
  value: unknown,
  path: string,
  encoding: string,
  violations: GoogleFieldViolation[],
): string | undefined {
  const text = readString(value, path);
  if (text === '') {
    violations.push({
      field: path,
      description: 'The value is empty.',
      reason: 'REQUIRED_FIELD_MISSING',
    });
    return undefined;
  }

  let bytes: Buffer;
  if (encoding === 'HEX') {
    if (!/^[0-9a-fA-F]*$/.test(text) || text.length % 2 !== 0) {
      violations.push({
        field: path,
        description: 'The value is not hex encoded.',
        reason: 'INVALID_HEX_ENCODING',
      });
      return undefined;
    }
    bytes = Buffer.from(text, 'hex');
  } else {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      violations.push({
        field: path,
        description: 'The value is not base64 encoded.',
        reason: 'INVALID_BASE64_ENCODING',
      });
      return undefined;
    }
    bytes = Buffer.from(text, 'base64');
  }

  if (bytes.length !== 32) {
    violations.push({
      field: path,
      description: `The value decodes to ${bytes.length} bytes, not a 32-byte SHA-256 digest.`,
      reason: 'INVALID_SHA256_FORMAT',
    });
    return undefined;
  }

  return bytes.toString('hex');
}

/** Converts a proto field name to lowerCamelCase: `audience_members` to `audienceMembers`. */
function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Converts a lowerCamelCase name to the proto name: `audienceMembers` to `audience_members`. */
function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Reads a JSON object of known fields, keyed by lowerCamelCase name. Unknown fields fail. */
function readMessage(value: unknown, path: string, fields: readonly string[]): Message {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw parseError(path, `Expected an object at '${path || 'body'}'.`);
  }

  const message: Message = {};
  for (const [name, field] of Object.entries(value)) {
    const camel = toCamelCase(name);
    if (!fields.includes(camel)) {
      const at = path === '' ? '' : ` at '${path}'`;
      throw parseError(
        path === '' ? toSnakeCase(camel) : `${path}.${toSnakeCase(camel)}`,
        `Unknown field "${name}"${at}.`,
      );
    }
    message[camel] = field;
  }

  return message;
}

function readString(value: unknown, path: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw parseError(path, `Expected a string at '${path}'.`);

  return value;
}

function readBoolean(value: unknown, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw parseError(path, `Expected a boolean at '${path}'.`);

  return value;
}

/** Reads an enum by name. Returns `undefined` when absent; fails for a name the enum lacks. */
function readEnum(value: unknown, path: string, names: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !names.includes(value)) {
    throw parseError(
      path,
      `Invalid value at '${path}': ${JSON.stringify(value)} is not one of ${names.join(', ')}.`,
    );
  }

  return value;
}

/** Returns the error for a malformed JSON payload, which Google rejects before reading records. */
function parseError(field: string, message: string): GoogleApiError {
  return new GoogleApiError(
    400,
    `Invalid JSON payload received. ${message}`,
    'INVALID_ARGUMENT',
    undefined,
    [{ field, description: message }],
  );
}

function requestError(reason: string, field: string, description: string): GoogleApiError {
  return new GoogleApiError(400, description, reason, undefined, [{ field, description, reason }]);
}
