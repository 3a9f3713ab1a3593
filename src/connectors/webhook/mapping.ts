import type { BatchProfile, IdentifierType } from '../connector-type.js';
import type { WebhookAudienceSettings } from './schemas.js';

/** Identifier types the webhook type sends, in the order they appear in each profile. */
export const WEBHOOK_IDENTIFIER_TYPES = ['email', 'phone', 'maid', 'externalId'] as const;

/** Consent states per purpose, as profiles carry them. */
export type ConsentStates = Record<string, 'granted' | 'denied' | 'unknown'>;

/** One profile in a request body. */
export interface WebhookProfile {
  /** Activator's profile id, which is also the key that rejections refer to. */
  id: string;
  /** Non-blank values per identifier type, as normalized at ingest. Types without one are left out. */
  identifiers: Partial<Record<IdentifierType, string[]>>;
  attributes: Record<string, unknown>;
  /** Consent per purpose, when the profile has any, so that the endpoint can apply its own rules. */
  consents?: ConsentStates;
}

/** Body of one request to the endpoint. */
export interface WebhookDeliveryBody {
  operation: 'add' | 'remove';
  destination: WebhookAudienceSettings;
  /** ISO 8601 time at which the body was built. */
  sentAt: string;
  profiles: WebhookProfile[];
}

/** Body of the credential check: a signed request that must change nothing at the endpoint. */
export interface WebhookTestBody {
  operation: 'test';
  sentAt: string;
  profiles: [];
}

/** A profile the endpoint rejected, as listed in the `rejected` array of a 2xx response. */
export interface WebhookRejection {
  code: string;
  message?: string;
}

/** Codes in `rejected` have this form; anything else is reported as `rejected`. */
const REJECTION_CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Code for a rejection without a usable `code`. */
export const DEFAULT_REJECTION_CODE = 'rejected';

/** Maximum length of a rejection message kept in an outcome. */
const MAX_REJECTION_MESSAGE_LENGTH = 500;

/**
 * Maps a profile to its request form. Identifier values are trimmed, blanks are dropped and
 * repeats sent once; nothing is hashed, because the endpoint is the operator's own system.
 * The activation key is the profile id.
 */
export function toWebhookProfile(profile: BatchProfile): WebhookProfile {
  const identifiers: WebhookProfile['identifiers'] = {};
  for (const type of WEBHOOK_IDENTIFIER_TYPES) {
    const values = [
      ...new Set((profile.identifiers[type] ?? []).map((value) => value.trim())),
    ].filter((value) => value !== '');
    if (values.length > 0) identifiers[type] = values;
  }

  const mapped: WebhookProfile = {
    id: profile.key,
    identifiers,
    attributes: profile.attributes ?? {},
  };
  if (profile.consents !== undefined && Object.keys(profile.consents).length > 0) {
    mapped.consents = { ...profile.consents };
  }

  return mapped;
}

/** Builds the body of one request. */
export function buildDeliveryBody(
  operation: 'add' | 'remove',
  destination: WebhookAudienceSettings,
  profiles: WebhookProfile[],
  sentAt: Date = new Date(),
): WebhookDeliveryBody {
  return {
    operation,
    destination: { audience: destination.audience },
    sentAt: sentAt.toISOString(),
    profiles,
  };
}

/** Splits items into groups of at most `size`, keeping their order. */
export function splitIntoRequests<Item>(items: readonly Item[], size: number): Item[][] {
  const groups: Item[][] = [];
  for (let start = 0; start < items.length; start += size) {
    groups.push(items.slice(start, start + size));
  }

  return groups;
}

/**
 * Reads the `rejected` array of a 2xx body, `[{ id, code, message }]`, into rejections by
 * profile id. Entries without a string `id` are ignored. A body without the array, or one that
 * is not a JSON object, rejects nothing.
 */
export function readRejections(body: unknown): Map<string, WebhookRejection> {
  const rejections = new Map<string, WebhookRejection>();
  if (!isRecord(body) || !Array.isArray(body.rejected)) return rejections;

  for (const entry of body.rejected) {
    if (!isRecord(entry) || typeof entry.id !== 'string') continue;

    const code =
      typeof entry.code === 'string' && REJECTION_CODE_PATTERN.test(entry.code)
        ? entry.code
        : DEFAULT_REJECTION_CODE;
    const rejection: WebhookRejection = { code };
    if (typeof entry.message === 'string' && entry.message !== '') {
      rejection.message = entry.message.slice(0, MAX_REJECTION_MESSAGE_LENGTH);
    }
    rejections.set(entry.id, rejection);
  }

  return rejections;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
