import type { ProfileOutcome } from '../connector-type.js';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import { classifyMetaError } from './error-codes.js';

/** Fields of an error outcome, shared by every profile of a failed request. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Result of one `users` request: success with Meta's count of invalid rows, or the error. */
export type UsersRequestResult =
  | {
      ok: true;
      /** Rows Meta counted in `num_invalid_entries` and left out. */
      invalidEntries: number;
    }
  | { ok: false; error: ErrorFields };

/**
 * Maximum wait, in seconds, taken from a `Retry-After` header. A longer value is cut to this, so
 * that a faulty proxy cannot hold the activations back for days.
 */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/**
 * Reads the response of a `POST` or `DELETE /{customAudienceId}/users` request.
 *
 * A 2xx response counts as success only when its body is a JSON object without an `error` field.
 * A 2xx body with a Graph `error` object is classified as that error. A 2xx body that is not a
 * JSON object leaves the result unknown, so it is an `other` error that is retried. Adding and
 * removing are idempotent, so sending the rows again is safe.
 */
export function readUsersResponse(
  response: PartnerResponse,
  nowMs: number = Date.now(),
): UsersRequestResult {
  const body = parseJsonBody(response.text);
  const isSuccessStatus = response.status >= 200 && response.status <= 299;
  if (isSuccessStatus && isRecord(body) && body.error === undefined) {
    return { ok: true, invalidEntries: readCount(body.num_invalid_entries) };
  }

  if (isSuccessStatus && !isRecord(body)) {
    const message = `Meta responded with HTTP ${response.status}, but the body is not a JSON object, so the result is unknown.`;
    return {
      ok: false,
      error: {
        category: 'other',
        retryable: true,
        partnerMessage: message,
        httpStatus: response.status,
      },
    };
  }

  const classified = classifyMetaError(response.status, body);
  const error: ErrorFields = {
    category: classified.category,
    retryable: classified.retryable,
    // Without Meta's own message, the explanation is the most useful text for the error sample.
    partnerMessage: classified.partnerMessage ?? classified.explanation,
    httpStatus: response.status,
  };
  if (classified.partnerCode !== undefined) error.partnerCode = classified.partnerCode;

  const retryAfterSeconds =
    readRetryAfterSeconds(response.headers['retry-after'], nowMs) ?? classified.retryDelaySeconds;
  if (retryAfterSeconds !== undefined) error.retryAfterSeconds = retryAfterSeconds;
  if (classified.bisectable === true) error.bisectable = true;

  return { ok: false, error };
}

/**
 * Reads a `Retry-After` header as whole seconds from `nowMs`, or `undefined` when it is absent or
 * unreadable. The header may be a number of seconds or an HTTP date. The result is rounded up and
 * clamped to 0 to `MAX_RETRY_AFTER_SECONDS`, so a negative value or a date in the past gives 0.
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

/** Reads `num_invalid_entries` as a number or a digit string. Anything else counts as 0. */
function readCount(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
