import type { ProfileOutcome } from '../connector-type.js';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import { classifyWebhookResponse, REJECTED_PROFILE_RULE } from './error-codes.js';
import { readRejections } from './mapping.js';

/** Fields of an error outcome, shared by every profile that the error applies to. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Result of one request: the profiles the endpoint rejected by id, or the request's error. */
export type DeliveryResult =
  { ok: true; rejections: Map<string, ErrorFields> } | { ok: false; error: ErrorFields };

/**
 * Maximum wait, in seconds, taken from a `Retry-After` header. A longer value is cut to this, so
 * that a faulty endpoint cannot hold the activations back for days.
 */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/**
 * Reads the endpoint's response. Any 2xx accepts every profile of the request, except those
 * listed in a JSON body's `rejected` array, which fail with the endpoint's code. Other statuses
 * fail the whole request with the error that `classifyWebhookResponse` returns.
 */
export function readDeliveryResponse(
  response: PartnerResponse,
  nowMs: number = Date.now(),
): DeliveryResult {
  const body = parseJsonBody(response.text);
  if (response.status >= 200 && response.status <= 299) {
    const rejections = new Map<string, ErrorFields>();
    for (const [id, rejection] of readRejections(body)) {
      rejections.set(id, {
        category: REJECTED_PROFILE_RULE.category,
        retryable: REJECTED_PROFILE_RULE.retryable,
        partnerCode: rejection.code,
        partnerMessage: rejection.message ?? REJECTED_PROFILE_RULE.explanation,
        httpStatus: response.status,
      });
    }

    return { ok: true, rejections };
  }

  const classified = classifyWebhookResponse(response.status, body);
  const error: ErrorFields = {
    category: classified.category,
    retryable: classified.retryable,
    partnerMessage: classified.partnerMessage ?? classified.explanation,
    httpStatus: response.status,
  };
  if (classified.partnerCode !== undefined) error.partnerCode = classified.partnerCode;
  const retryAfterSeconds = readRetryAfterSeconds(response.headers['retry-after'], nowMs);
  if (retryAfterSeconds !== undefined) error.retryAfterSeconds = retryAfterSeconds;
  if (classified.bisectable === true) error.bisectable = true;

  return { ok: false, error };
}

/**
 * Reads a `Retry-After` header as whole seconds from `nowMs`, or `undefined` when it is absent or
 * unreadable. The result is rounded up and clamped to 0 to `MAX_RETRY_AFTER_SECONDS`.
 */
export function readRetryAfterSeconds(
  header: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return undefined;

  // Signed and fractional numbers are checked first because Date.parse reads "-5" as a year.
  const seconds = /^[+-]?\d+(\.\d+)?$/.test(value)
    ? Number(value)
    : parseRetryAfterSeconds(value, nowMs);
  if (seconds === undefined) return undefined;

  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}
