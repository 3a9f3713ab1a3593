import type { FastifyRequest } from 'fastify';
import type { AudienceMember } from '../audience-members.js';
import { findInvalidRowValue } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { ReceiverError } from './receiver-error.js';

/** Maximum profiles in one request: the largest batch size a webhook connector may set. */
export const MAX_PROFILES_PER_REQUEST = 10_000;

const BODY_FIELDS = ['operation', 'destination', 'sentAt', 'profiles'];
const PROFILE_FIELDS = ['id', 'identifiers', 'attributes', 'consents'];
const CONSENT_STATES = ['granted', 'denied', 'unknown'];

/** A validated request body. */
export interface DeliveryBody {
  operation: 'add' | 'remove' | 'test';
  /** The audience label; absent for `test`. */
  audience?: string;
  profiles: DeliveryProfile[];
}

export interface DeliveryProfile {
  id: string;
  identifiers: Record<string, string[]>;
}

/** A profile the receiver rejected, as listed in the response. */
export interface Rejection {
  id: string;
  code: string;
  message: string;
}

/** Response body of an accepted request. */
export interface DeliveryResponse {
  received: number;
  rejected: Rejection[];
}

/**
 * Applies an add or remove request to the simulated audience whose id is the `audience` label.
 * A profile with an id or identifier value equal to the value of an `invalid_marked` fault is
 * rejected with code `invalid_profile` and the rest still succeed. A `test` request changes
 * nothing.
 */
export function applyDelivery(
  state: SimulatorState,
  request: FastifyRequest,
  body: DeliveryBody,
): DeliveryResponse {
  const response: DeliveryResponse = { received: body.profiles.length, rejected: [] };
  if (body.operation === 'test') return response;

  const audience = state.findPartnerAudience('webhook', body.audience ?? '');
  if (!audience) {
    throw new ReceiverError(
      404,
      'unknown_audience',
      `No audience is labelled ${JSON.stringify(body.audience)}. Create it with POST /_control/audiences.`,
    );
  }

  const invalidValue = findInvalidRowValue(request);
  for (const profile of body.profiles) {
    if (invalidValue !== undefined && valuesOf(profile).includes(invalidValue)) {
      response.rejected.push({
        id: profile.id,
        code: 'invalid_profile',
        message: 'The receiver rejected this profile.',
      });
      continue;
    }

    if (body.operation === 'add') audience.members.add(toMember(profile));
    else audience.members.removeMatching({ EXTERN_ID: profile.id });
  }

  return response;
}

/**
 * Returns the profile ids and identifier values of a request, for the faults that target marked
 * values, or `undefined` when the body has no profiles array. It runs before validation, so it
 * skips what it cannot read.
 */
export function readUploadCells(request: FastifyRequest): string[] | undefined {
  const profiles = (request.body as { profiles?: unknown } | null | undefined)?.profiles;
  if (!Array.isArray(profiles)) return undefined;

  const cells: string[] = [];
  for (const profile of profiles) {
    if (!isRecord(profile)) continue;
    if (typeof profile.id === 'string') cells.push(profile.id);
    if (!isRecord(profile.identifiers)) continue;
    for (const values of Object.values(profile.identifiers)) {
      if (!Array.isArray(values)) continue;
      for (const value of values) if (typeof value === 'string') cells.push(value);
    }
  }

  return cells;
}

/** Validates a request body and throws a 400 `invalid_payload` error naming the first problem. */
export function parseDeliveryBody(value: unknown): DeliveryBody {
  if (!isRecord(value)) throw invalidPayload('The body must be a JSON object.');
  rejectUnknownFields(value, BODY_FIELDS, '');

  const { operation, destination, sentAt, profiles } = value;
  if (operation !== 'add' && operation !== 'remove' && operation !== 'test') {
    throw invalidPayload('operation must be add, remove or test.');
  }
  if (typeof sentAt !== 'string' || Number.isNaN(Date.parse(sentAt))) {
    throw invalidPayload('sentAt must be an ISO 8601 time.');
  }
  if (!Array.isArray(profiles)) throw invalidPayload('profiles must be an array.');
  if (profiles.length > MAX_PROFILES_PER_REQUEST) {
    throw invalidPayload(
      `profiles has ${profiles.length} items, but at most ${MAX_PROFILES_PER_REQUEST} are allowed.`,
    );
  }

  if (operation === 'test') {
    if (destination !== undefined) throw invalidPayload('A test request has no destination.');
    if (profiles.length > 0) throw invalidPayload('A test request has no profiles.');

    return { operation, profiles: [] };
  }

  return {
    operation,
    audience: parseAudience(destination),
    profiles: profiles.map((profile, index) => parseProfile(profile, index)),
  };
}

function parseAudience(destination: unknown): string {
  if (!isRecord(destination)) throw invalidPayload('destination must be an object.');
  rejectUnknownFields(destination, ['audience'], 'destination.');
  if (typeof destination.audience !== 'string' || destination.audience === '') {
    throw invalidPayload('destination.audience must be a non-empty string.');
  }

  return destination.audience;
}

function parseProfile(value: unknown, index: number): DeliveryProfile {
  const path = `profiles[${index}]`;
  if (!isRecord(value)) throw invalidPayload(`${path} must be an object.`);
  rejectUnknownFields(value, PROFILE_FIELDS, `${path}.`);

  const { id, identifiers, attributes, consents } = value;
  if (typeof id !== 'string' || id === '')
    throw invalidPayload(`${path}.id must be a non-empty string.`);
  if (!isRecord(attributes)) throw invalidPayload(`${path}.attributes must be an object.`);
  if (!isRecord(identifiers)) throw invalidPayload(`${path}.identifiers must be an object.`);
  for (const [type, values] of Object.entries(identifiers)) {
    const isStringArray =
      Array.isArray(values) && values.every((item) => typeof item === 'string' && item !== '');
    if (!isStringArray) {
      throw invalidPayload(`${path}.identifiers.${type} must be an array of non-empty strings.`);
    }
  }
  if (consents !== undefined) {
    const isValid =
      isRecord(consents) &&
      Object.values(consents).every((state) => CONSENT_STATES.includes(state as string));
    if (!isValid) {
      throw invalidPayload(`${path}.consents values must be granted, denied or unknown.`);
    }
  }

  return { id, identifiers: identifiers as Record<string, string[]> };
}

function rejectUnknownFields(
  value: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
): void {
  const unknown = Object.keys(value).find((name) => !known.includes(name));
  if (unknown !== undefined) throw invalidPayload(`Unknown field ${prefix}${unknown}.`);
}

function invalidPayload(message: string): ReceiverError {
  return new ReceiverError(400, 'invalid_payload', message);
}

/**
 * Converts a profile to an audience member. `EXTERN_ID` is the profile id, the only identity the
 * receiver matches on. Identifier values are listed under their type, joined with commas.
 */
function toMember(profile: DeliveryProfile): AudienceMember {
  const member: AudienceMember = { EXTERN_ID: profile.id };
  for (const [type, values] of Object.entries(profile.identifiers)) {
    if (values.length > 0) member[type] = values.join(',');
  }

  return member;
}

function valuesOf(profile: DeliveryProfile): string[] {
  return [profile.id, ...Object.values(profile.identifiers).flat()];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
