import type { FastifyRequest } from 'fastify';
import type { AudienceMember } from '../audience-members.js';
import { findInvalidRowValue } from '../partner-hooks.js';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import { invalidArgument } from './google-error.js';
import { checkProfilePath } from './user-profile.js';

/** Maximum conversions per request, from the CM360 conversions FAQ. */
export const MAX_CONVERSIONS_PER_REQUEST = 1_000;

/** Oldest conversion timestamp CM360 accepts, relative to the upload, from the same FAQ. */
const MAX_CONVERSION_AGE_MS = 28 * 24 * 60 * 60 * 1000;

const REQUEST_FIELDS = new Set(['kind', 'conversions', 'encryptionInfo']);
const ENCRYPTION_INFO_FIELDS = new Set([
  'kind',
  'encryptionEntityType',
  'encryptionEntityId',
  'encryptionSource',
]);
const ENCRYPTION_ENTITY_TYPES = new Set([
  'ENCRYPTION_ENTITY_TYPE_UNKNOWN',
  'DCM_ACCOUNT',
  'DCM_ADVERTISER',
  'DBM_PARTNER',
  'DBM_ADVERTISER',
  'ADWORDS_CUSTOMER',
  'DFP_NETWORK_CODE',
]);
const ENCRYPTION_SOURCES = new Set(['ENCRYPTION_SCOPE_UNKNOWN', 'AD_SERVING', 'DATA_TRANSFER']);

/** The identifier fields of a conversion, of which exactly one must be set. */
const IDENTIFIER_FIELDS = [
  'encryptedUserId',
  'encryptedUserIdCandidates',
  'matchId',
  'mobileDeviceId',
  'gclid',
  'dclid',
  'impressionId',
] as const;

type FieldType = 'string' | 'int64' | 'double' | 'boolean' | 'string[]' | 'consent';

/** Conversion fields the simulator reads, with their protobuf JSON type. */
const CONVERSION_FIELD_TYPES: ReadonlyMap<string, FieldType> = new Map([
  ['kind', 'string'],
  ['floodlightConfigurationId', 'int64'],
  ['floodlightActivityId', 'int64'],
  ['encryptedUserId', 'string'],
  ['encryptedUserIdCandidates', 'string[]'],
  ['matchId', 'string'],
  ['mobileDeviceId', 'string'],
  ['gclid', 'string'],
  ['dclid', 'string'],
  ['impressionId', 'string'],
  ['ordinal', 'string'],
  ['timestampMicros', 'int64'],
  ['quantity', 'int64'],
  ['value', 'double'],
  ['adUserDataConsent', 'consent'],
  ['limitAdTracking', 'boolean'],
  ['childDirectedTreatment', 'boolean'],
  ['nonPersonalizedAd', 'boolean'],
  ['treatmentForUnderage', 'boolean'],
]);

// Fields of the real Conversion resource that the simulator does not model. A request with one
// is rejected, so that a connector sending them is noticed.
const UNMODELED_CONVERSION_FIELDS = new Set([
  'cartData',
  'customVariables',
  'userIdentifiers',
  'sessionAttributesEncoded',
]);

const REQUIRED_CONVERSION_FIELDS = [
  'floodlightConfigurationId',
  'floodlightActivityId',
  'ordinal',
  'timestampMicros',
  'quantity',
  'value',
] as const;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One entry of `status` in the response, in request order. */
interface ConversionStatus {
  kind: 'dfareporting#conversionStatus';
  conversion: Record<string, unknown>;
  errors?: { kind: 'dfareporting#conversionError'; code: string; message: string }[];
}

/** Conversions stored per Floodlight activity, by their de-duplication key. */
const storedKeys = new WeakMap<PartnerAudience, Set<string>>();

/**
 * Inserts conversions: `POST /dfareporting/{version}/userprofiles/{profileId}/conversions/batchinsert`.
 *
 * A request that is not valid protobuf JSON for the API (an unknown or mistyped field, more than
 * 1,000 conversions, a bad `encryptionInfo`) gets a 400 error as a whole. Otherwise the response
 * is 200 with one status per conversion, which lists an error in these cases:
 *
 * - `INVALID_ARGUMENT`: a missing required field, not exactly one identifier, an encrypted id
 *   without `encryptionInfo`, a negative quantity, a timestamp more than 28 days old, or an
 *   identifier marked by an `invalid_marked` fault.
 * - `NOT_FOUND`: a Floodlight activity without a `cm360` audience of that id, or a
 *   `mobileDeviceId` that is not a UUID.
 *
 * Accepted conversions become members of the activity's audience. A conversion with the same
 * configuration, identifier, ordinal and UTC day as a stored one is not stored again.
 */
export function insertConversions(
  state: SimulatorState,
  request: FastifyRequest<{ Params: { version: string; profileId: string } }>,
  nowMs: number = Date.now(),
): { hasFailures: boolean; status: ConversionStatus[]; kind: string } {
  checkProfilePath(request.params.version, request.params.profileId);
  const body = readRequestBody(request.body);
  const markedValue = findInvalidRowValue(request);

  const status = body.conversions.map((conversion, index): ConversionStatus => {
    const problem = findConversionProblem(state, conversion, body.hasEncryptionInfo, {
      markedValue,
      nowMs,
    });
    const entry: ConversionStatus = { kind: 'dfareporting#conversionStatus', conversion };
    if (problem !== undefined) {
      const message = `conversions[${index}]: ${problem.message}`;
      entry.errors = [{ kind: 'dfareporting#conversionError', code: problem.code, message }];
      return entry;
    }

    storeConversion(state, conversion);
    return entry;
  });

  return {
    hasFailures: status.some((entry) => entry.errors !== undefined),
    status,
    kind: 'dfareporting#conversionsBatchInsertResponse',
  };
}

/**
 * Returns the identifier values of the conversions in a `batchinsert` request, or `undefined`
 * for any other request, so that `reject_marked` and `invalid_marked` faults can find their
 * value. It runs before the route validates the body and skips what it cannot read.
 */
export function readUploadCells(request: FastifyRequest): string[] | undefined {
  const path = request.url.split('?', 1)[0] ?? '';
  if (request.method !== 'POST' || !path.endsWith('/conversions/batchinsert')) return undefined;

  const conversions = isRecord(request.body) ? request.body.conversions : undefined;
  if (!Array.isArray(conversions)) return undefined;

  const cells: string[] = [];
  for (const conversion of conversions) {
    if (!isRecord(conversion)) continue;
    for (const field of IDENTIFIER_FIELDS) {
      const value = conversion[field];
      if (typeof value === 'string') cells.push(value);
      if (Array.isArray(value)) cells.push(...value.filter((item) => typeof item === 'string'));
    }
  }

  return cells;
}

interface InsertRequestBody {
  conversions: Record<string, unknown>[];
  hasEncryptionInfo: boolean;
}

/** Checks the request as protobuf JSON parsing would, and throws a 400 error for the first problem. */
function readRequestBody(body: unknown): InsertRequestBody {
  if (!isRecord(body)) throw invalidArgument('Invalid JSON payload received. Expected an object.');
  for (const name of Object.keys(body)) {
    if (!REQUEST_FIELDS.has(name)) throw unknownField(name, '');
  }
  if (body.kind !== undefined && typeof body.kind !== 'string') throw invalidValue('kind');

  const conversions = body.conversions ?? [];
  if (!Array.isArray(conversions)) throw invalidValue('conversions');
  // NOTE: the FAQ states the limit of 1,000 conversions, but this error message is the simulator's own.
  if (conversions.length > MAX_CONVERSIONS_PER_REQUEST) {
    throw invalidArgument(
      `Too many conversions: ${conversions.length}. A request may contain at most ${MAX_CONVERSIONS_PER_REQUEST}.`,
    );
  }
  conversions.forEach((conversion: unknown, index) => checkConversionTypes(conversion, index));
  if (body.encryptionInfo !== undefined) checkEncryptionInfo(body.encryptionInfo);

  return {
    conversions: conversions as Record<string, unknown>[],
    hasEncryptionInfo: body.encryptionInfo !== undefined,
  };
}

function checkConversionTypes(conversion: unknown, index: number): void {
  const path = `conversions[${index}]`;
  if (!isRecord(conversion)) throw invalidValue(path);

  for (const [name, value] of Object.entries(conversion)) {
    if (UNMODELED_CONVERSION_FIELDS.has(name)) {
      throw invalidArgument(`The CM360 simulator does not model ${path}.${name}. Leave it out.`);
    }
    const type = CONVERSION_FIELD_TYPES.get(name);
    if (type === undefined) throw unknownField(name, path);
    if (!hasFieldType(value, type)) throw invalidValue(`${path}.${name}`);
  }
}

function checkEncryptionInfo(info: unknown): void {
  if (!isRecord(info)) throw invalidValue('encryption_info');
  for (const name of Object.keys(info)) {
    if (!ENCRYPTION_INFO_FIELDS.has(name)) throw unknownField(name, 'encryption_info');
  }
  const { encryptionEntityType: type, encryptionEntityId: id, encryptionSource: source } = info;
  if (typeof type !== 'string' || !ENCRYPTION_ENTITY_TYPES.has(type)) {
    throw invalidValue('encryption_info.encryption_entity_type');
  }
  if (!hasFieldType(id, 'int64')) throw invalidValue('encryption_info.encryption_entity_id');
  if (typeof source !== 'string' || !ENCRYPTION_SOURCES.has(source)) {
    throw invalidValue('encryption_info.encryption_source');
  }
}

/** Returns whether `value` is valid protobuf JSON for a field of `type`. */
function hasFieldType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int64':
      return (
        (typeof value === 'string' && /^-?[0-9]{1,19}$/.test(value)) || Number.isSafeInteger(value)
      );
    case 'double':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      );
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'consent':
      return value === 'GRANTED' || value === 'DENIED';
  }
}

/** Returns the per-conversion error of a type-checked conversion, or undefined to accept it. */
function findConversionProblem(
  state: SimulatorState,
  conversion: Record<string, unknown>,
  hasEncryptionInfo: boolean,
  options: { markedValue: string | undefined; nowMs: number },
): { code: 'INVALID_ARGUMENT' | 'NOT_FOUND'; message: string } | undefined {
  const invalid = (message: string) => ({ code: 'INVALID_ARGUMENT' as const, message });
  const missing = REQUIRED_CONVERSION_FIELDS.find((field) => conversion[field] === undefined);
  if (missing !== undefined) return invalid(`${missing} is a required field.`);

  const identifiers = IDENTIFIER_FIELDS.filter((field) => conversion[field] !== undefined);
  if (identifiers.length !== 1) {
    return invalid(
      `Exactly one of ${IDENTIFIER_FIELDS.join(', ')} is required; found ${identifiers.length}.`,
    );
  }
  const [identifier] = identifiers;
  const isEncrypted =
    identifier === 'encryptedUserId' || identifier === 'encryptedUserIdCandidates';
  if (isEncrypted && !hasEncryptionInfo) {
    return invalid('encryptionInfo is required when encryptedUserId is set.');
  }
  if (Number(conversion.quantity) < 0) return invalid('quantity must not be negative.');
  if (Number(conversion.timestampMicros) / 1000 < options.nowMs - MAX_CONVERSION_AGE_MS) {
    return invalid('timestampMicros is more than 28 days in the past.');
  }
  if (
    options.markedValue !== undefined &&
    identifierValues(conversion).includes(options.markedValue)
  ) {
    return invalid('The conversion was marked invalid by a simulator fault.');
  }

  const activityId = String(conversion.floodlightActivityId);
  if (state.findPartnerAudience('cm360', activityId) === undefined) {
    return { code: 'NOT_FOUND', message: `Floodlight activity ${activityId} was not found.` };
  }
  const deviceId = conversion.mobileDeviceId;
  if (typeof deviceId === 'string' && !UUID_PATTERN.test(deviceId)) {
    return { code: 'NOT_FOUND', message: 'The mobile device id is invalid or unknown.' };
  }

  return undefined;
}

/** Adds the conversion to the audience of its Floodlight activity, once per de-duplication key. */
function storeConversion(state: SimulatorState, conversion: Record<string, unknown>): void {
  const audience = state.findPartnerAudience('cm360', String(conversion.floodlightActivityId));
  if (audience === undefined) return;

  const identifier = IDENTIFIER_FIELDS.find((field) => conversion[field] !== undefined);
  if (identifier === undefined) return;
  const identifierValue = identifierValues(conversion).join(',');
  const day = new Date(Number(conversion.timestampMicros) / 1000).toISOString().slice(0, 10);
  const key = JSON.stringify([
    String(conversion.floodlightConfigurationId),
    identifier,
    identifierValue,
    conversion.ordinal,
    day,
  ]);
  const keys = storedKeys.get(audience) ?? new Set<string>();
  storedKeys.set(audience, keys);
  if (keys.has(key)) return;
  keys.add(key);

  const member: AudienceMember = {
    [identifier]: identifierValue,
    floodlightConfigurationId: String(conversion.floodlightConfigurationId),
    ordinal: String(conversion.ordinal),
    timestampMicros: String(conversion.timestampMicros),
    quantity: String(conversion.quantity),
    value: String(conversion.value),
  };
  if (typeof conversion.adUserDataConsent === 'string') {
    member.adUserDataConsent = conversion.adUserDataConsent;
  }
  audience.members.add(member);
}

function identifierValues(conversion: Record<string, unknown>): string[] {
  const values: string[] = [];
  for (const field of IDENTIFIER_FIELDS) {
    const value = conversion[field];
    if (typeof value === 'string') values.push(value);
    if (Array.isArray(value)) values.push(...(value as string[]));
  }

  return values;
}

/** Google's parse error for a field that the message type does not have. */
function unknownField(name: string, path: string) {
  const at = path === '' ? '' : ` at '${path}'`;

  return invalidArgument(
    `Invalid JSON payload received. Unknown name "${name}"${at}: Cannot find field.`,
  );
}

/** Google's parse error for a value of the wrong type. The value is not echoed. */
function invalidValue(path: string) {
  return invalidArgument(`Invalid JSON payload received. Invalid value at '${path}'.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
