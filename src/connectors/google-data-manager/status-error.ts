import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import {
  DATA_MANAGER_ERROR_RULES,
  type DataManagerErrorRule,
  type ErrorFields,
  findDataManagerErrorRule,
  GOOGLE_THROTTLE_DELAY_SECONDS,
} from './error-codes.js';

/** One `BadRequest` field violation of a Google error. */
export interface FieldViolation {
  /** Path of the rejected field, such as `audience_members[3].user_data.user_identifiers[0]`. */
  field: string;
  description?: string;
  reason?: string;
}

/** The parts of a `google.rpc.Status` error body that Activator reads. */
export interface GoogleStatusError {
  /** Canonical code name from `error.status`, such as `INVALID_ARGUMENT`. */
  status?: string;
  message?: string;
  /** `ErrorInfo.reason`, such as `INVALID_SHA256_FORMAT` or `ACCESS_TOKEN_EXPIRED`. */
  reason?: string;
  /** `ErrorInfo.domain`, such as `datamanager.googleapis.com`. */
  domain?: string;
  /** `RequestInfo.requestId`, which Google support needs to trace a request. */
  requestId?: string;
  violations: FieldViolation[];
}

/**
 * Reads the JSON error body `{ error: { code, message, status, details[] } }` that Google APIs
 * send. Returns `undefined` when the body is not such an object.
 */
export function readGoogleStatusError(text: string): GoogleStatusError | undefined {
  const body = parseJsonBody(text);
  if (!isRecord(body) || !isRecord(body.error)) return undefined;

  const error = body.error;
  const result: GoogleStatusError = { violations: [] };
  if (typeof error.status === 'string' && error.status !== '') result.status = error.status;
  if (typeof error.message === 'string' && error.message !== '') result.message = error.message;

  const details = Array.isArray(error.details) ? error.details : [];
  for (const detail of details) {
    if (!isRecord(detail)) continue;
    const type = typeof detail['@type'] === 'string' ? detail['@type'] : '';
    if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string') {
      result.reason ??= detail.reason;
      if (typeof detail.domain === 'string') result.domain ??= detail.domain;
    } else if (type.endsWith('google.rpc.RequestInfo') && typeof detail.requestId === 'string') {
      result.requestId ??= detail.requestId;
    } else if (type.endsWith('google.rpc.BadRequest') && Array.isArray(detail.fieldViolations)) {
      for (const violation of detail.fieldViolations) {
        const read = readFieldViolation(violation);
        if (read !== undefined) result.violations.push(read);
      }
    }
  }

  return result;
}

function readFieldViolation(value: unknown): FieldViolation | undefined {
  if (!isRecord(value) || typeof value.field !== 'string') return undefined;

  const violation: FieldViolation = { field: value.field };
  if (typeof value.description === 'string') violation.description = value.description;
  if (typeof value.reason === 'string' && value.reason !== '') violation.reason = value.reason;

  return violation;
}

/**
 * Classifies a failed Data Manager or token response by Google's code, with the HTTP status as
 * the fallback.
 *
 * The code is `ErrorInfo.reason` when present, else `error.status`. A code without a rule of its
 * own takes the rule of `error.status` and then of the HTTP status: 401 and 403 are
 * `invalid_credentials`, 429 and 5xx are retried, anything else is final. A response without a
 * Google error body is `other`, retried for 429 and 5xx. A retried 429 waits at least 30 seconds.
 */
export function classifyGoogleErrorResponse(
  response: PartnerResponse,
  nowMs: number = Date.now(),
): ErrorFields {
  const parsed = readGoogleStatusError(response.text);
  const code = parsed?.reason ?? parsed?.status;
  const rule = chooseRule(response.status, parsed, code);

  const fields: ErrorFields = {
    category: rule.category,
    retryable: rule.retryable,
    partnerMessage: describeError(parsed, rule),
    httpStatus: response.status,
  };
  if (code !== undefined && rule.category !== 'other') fields.partnerCode = code;

  if (rule.retryable) {
    const header = parseRetryAfterSeconds(response.headers['retry-after'], nowMs);
    const minimum = response.status === 429 ? GOOGLE_THROTTLE_DELAY_SECONDS : 0;
    const wait = Math.max(
      Math.min(header ?? 0, MAX_RETRY_AFTER_SECONDS),
      rule.retryDelaySeconds ?? 0,
      minimum,
    );
    if (wait > 0) fields.retryAfterSeconds = wait;
  }

  return fields;
}

/**
 * Maximum wait, in seconds, taken from a `Retry-After` header, so that a faulty proxy cannot hold
 * the activations back for days.
 */
const MAX_RETRY_AFTER_SECONDS = 3_600;

function chooseRule(
  httpStatus: number,
  parsed: GoogleStatusError | undefined,
  code: string | undefined,
): DataManagerErrorRule {
  const known =
    (parsed?.reason !== undefined ? DATA_MANAGER_ERROR_RULES.get(parsed.reason) : undefined) ??
    (parsed?.status !== undefined ? DATA_MANAGER_ERROR_RULES.get(parsed.status) : undefined);
  if (known !== undefined) return known;

  const hasCode = code !== undefined;
  if (httpStatus === 401) return findDataManagerErrorRule('UNAUTHENTICATED');
  if (httpStatus === 403) return findDataManagerErrorRule('PERMISSION_DENIED');
  if (httpStatus === 429) {
    return hasCode ? findDataManagerErrorRule('RESOURCE_EXHAUSTED') : withoutCode(httpStatus, true);
  }
  if (httpStatus >= 500 && httpStatus <= 599) {
    return hasCode ? findDataManagerErrorRule('INTERNAL') : withoutCode(httpStatus, true);
  }

  return hasCode ? findDataManagerErrorRule(code) : withoutCode(httpStatus, false);
}

function withoutCode(httpStatus: number, retryable: boolean): DataManagerErrorRule {
  return {
    category: 'other',
    retryable,
    explanation: `Google responded with HTTP ${httpStatus} without a Google error body.`,
    fix: retryable
      ? 'No action needed. Activator retries the request with backoff.'
      : 'Check baseUrl and tokenUrl in the connector settings. A proxy may have responded in place of Google.',
  };
}

function describeError(parsed: GoogleStatusError | undefined, rule: DataManagerErrorRule): string {
  const message =
    parsed?.message === undefined ? rule.explanation : redactGoogleMessage(parsed.message);

  return parsed?.requestId === undefined
    ? message
    : `${message} (Google request id ${parsed.requestId})`;
}

/** Member position in a field path like `audience_members[3].user_data` or `audienceMembers[3]`. */
const MEMBER_FIELD_PATTERN = /(?:^|\.)audience_?members\[(\d+)\]/i;

/**
 * Returns the index of the audience member a field violation names, or `undefined` when the
 * violation is about the request as a whole.
 *
 * NOTE: the Data Manager documentation shows no example of a field path. Both the proto name
 * (`audience_members[3]`) and the JSON name (`audienceMembers[3]`) are read.
 */
export function memberIndexOf(violation: FieldViolation): number | undefined {
  const match = MEMBER_FIELD_PATTERN.exec(violation.field);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

// Google OAuth access tokens start with "ya29." and refresh tokens with "1//". Hex runs of 32 or
// more digits cover SHA-256 digests of identifiers.
const ACCESS_TOKEN_PATTERN = /\bya29\.[A-Za-z0-9_.-]+/g;
const REFRESH_TOKEN_PATTERN = /\b1\/\/[A-Za-z0-9_-]{10,}/g;
const EMAIL_PATTERN = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g;
const LONG_HEX_PATTERN = /\b[0-9a-fA-F]{32,}\b/g;

/**
 * Replaces OAuth tokens, email addresses and long hex strings in a Google message with
 * `[redacted]` and cuts it to `MAX_PARTNER_MESSAGE_LENGTH` characters.
 */
export function redactGoogleMessage(message: string): string {
  const redacted = message
    .replace(ACCESS_TOKEN_PATTERN, '[redacted]')
    .replace(REFRESH_TOKEN_PATTERN, '[redacted]')
    .replace(EMAIL_PATTERN, '[redacted]')
    .replace(LONG_HEX_PATTERN, '[redacted]');
  if (redacted.length <= MAX_PARTNER_MESSAGE_LENGTH) return redacted;

  return `${redacted.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
