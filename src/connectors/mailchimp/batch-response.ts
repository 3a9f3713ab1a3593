import type { ProfileOutcome } from '../connector-type.js';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import {
  classifyMailchimpError,
  classifyMemberError,
  type MailchimpErrorClassification,
} from './error-codes.js';
import { normalizeEmail } from './mapping.js';

/** Fields of an error outcome, shared by every profile that the error applies to. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Result of one batch request: the rejected members by address, or the error of the request. */
export type BatchRequestResult =
  { ok: true; memberErrors: Map<string, ErrorFields> } | { ok: false; error: ErrorFields };

/**
 * Maximum wait, in seconds, taken from a `Retry-After` header. A longer value is cut to this, so
 * that a faulty proxy cannot hold the activations back for days.
 */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/**
 * Reads the response of `POST /3.0/lists/{list_id}`.
 *
 * Mailchimp returns 200 when some members were rejected and lists them in `errors`, each with
 * `email_address`, `error` and `error_code`. Members not listed there were accepted. A 2xx body
 * that is not a JSON object leaves the result unknown, so it is an `other` error that is retried.
 * Subscribing and unsubscribing with `update_existing` are idempotent, so resending is safe.
 */
export function readBatchResponse(
  response: PartnerResponse,
  nowMs: number = Date.now(),
): BatchRequestResult {
  const body = parseJsonBody(response.text);
  const isSuccessStatus = response.status >= 200 && response.status <= 299;

  if (isSuccessStatus && isRecord(body)) {
    return { ok: true, memberErrors: readMemberErrors(body.errors, response.status) };
  }
  if (isSuccessStatus) {
    const message = `Mailchimp responded with HTTP ${response.status}, but the body is not a JSON object, so the result is unknown.`;
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

  const classified = classifyMailchimpError(response.status, body);
  const error = toErrorFields(classified, response.status);
  const retryAfterSeconds =
    readRetryAfterSeconds(response.headers['retry-after'], nowMs) ?? classified.retryDelaySeconds;
  if (retryAfterSeconds !== undefined) error.retryAfterSeconds = retryAfterSeconds;
  if (classified.bisectable === true) error.bisectable = true;

  return { ok: false, error };
}

/** Maps the `errors` array of a 200 response to error fields by normalized address. */
function readMemberErrors(errors: unknown, httpStatus: number): Map<string, ErrorFields> {
  const byEmail = new Map<string, ErrorFields>();
  if (!Array.isArray(errors)) return byEmail;

  for (const entry of errors) {
    if (!isRecord(entry) || typeof entry.email_address !== 'string') continue;

    const classified = classifyMemberError(entry);
    byEmail.set(normalizeEmail(entry.email_address), toErrorFields(classified, httpStatus));
  }

  return byEmail;
}

function toErrorFields(classified: MailchimpErrorClassification, httpStatus: number): ErrorFields {
  const error: ErrorFields = {
    category: classified.category,
    retryable: classified.retryable,
    // Without Mailchimp's own message, the explanation is the most useful text for the sample.
    partnerMessage: classified.partnerMessage ?? classified.explanation,
    httpStatus,
  };
  if (classified.partnerCode !== undefined) error.partnerCode = classified.partnerCode;

  return error;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
