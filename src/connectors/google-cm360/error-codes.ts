import type { ErrorCategory, ErrorExplanation, ProfileOutcome } from '../connector-type.js';
import { parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import { readGoogleErrorBody, statusForHttpStatus } from './google-error-body.js';

/** Fields of an error outcome, shared by every profile that one failure applies to. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Activator's handling of one CM360 or Google OAuth error code, with the operator guidance. */
export interface Cm360ErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /** Minimum wait before the retry, in seconds. */
  retryDelaySeconds?: number;
}

/** An error outcome with the rule text that explains it. */
export interface Cm360ErrorClassification extends ErrorFields {
  explanation: string;
  fix: string;
}

const RETRY_FIX = 'No action needed. Activator retries the request with backoff.';
const RATE_LIMIT_FIX =
  'No action needed. Activator retries after at least 30 s. If this recurs, lower maxRequestsPerSecond or ask Google for more CM360 API quota.';
const DAILY_QUOTA_FIX =
  'Request more daily quota for the Google Cloud project in the Google API Console. Activator retries after about an hour.';
const REAUTHORIZE_FIX =
  'Authorize the Google account again to get a new refresh token with the ddmconversions scope, and update the connector credentials.';

/** Google recommends waiting at least 30 s after RESOURCE_EXHAUSTED. */
const RATE_LIMIT_DELAY_SECONDS = 30;
/** Daily quotas refresh at midnight Pacific time, so an hour between retries is enough. */
const DAILY_QUOTA_DELAY_SECONDS = 3_600;

/**
 * Rules by `ConversionError.code`, the per-conversion codes in a 200 response of
 * `conversions.batchinsert`. The API documents these four. RudderStack's CM360 destination
 * (rudderlabs/rudder-transformer, src/v0/destinations/campaign_manager/networkHandler.js) treats
 * the first three as permanent and retries the rest, as this table does.
 */
export const CONVERSION_ERROR_RULES: ReadonlyMap<string, Cm360ErrorRule> = new Map([
  [
    'INVALID_ARGUMENT',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'CM360 rejected a field of the conversion as invalid.',
      fix: 'Read the partner message. Check floodlightConfigurationId and, for encrypted user ids, encryptionInfo in the connector settings.',
    },
  ],
  [
    'NOT_FOUND',
    {
      category: 'partner_error',
      retryable: false,
      explanation: "CM360 does not know the conversion's user identifier or Floodlight activity.",
      fix: 'Check floodlightActivityId in the connection settings. A match id must have reached CM360 through a Floodlight tag first, and a mobile device id must have been served a CM360 ad.',
    },
  ],
  [
    'PERMISSION_DENIED',
    {
      category: 'partner_error',
      retryable: false,
      explanation:
        'The CM360 user profile has no access to the Floodlight configuration of the conversion.',
      fix: 'Give the user profile access to the advertiser that owns the Floodlight configuration, or correct floodlightConfigurationId.',
    },
  ],
  [
    'INTERNAL',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'CM360 could not insert the conversion because of an internal error.',
      fix: RETRY_FIX,
    },
  ],
]);

const UNKNOWN_CONVERSION_CODE_RULE: Cm360ErrorRule = {
  category: 'partner_error',
  retryable: true,
  explanation: 'CM360 returned a conversion error code that Activator does not know.',
  fix: 'Read the partner message. Activator retries, as for INTERNAL, until maxAttempts.',
};

/**
 * Rules for a request that CM360 rejected as a whole, by `error.status` (the `google.rpc.Code`
 * name) or by a quota reason from the legacy `error.errors[].reason`. CM360 reports its quotas as
 * HTTP 403 with such a reason.
 */
export const REQUEST_ERROR_RULES: ReadonlyMap<string, Cm360ErrorRule> = new Map([
  [
    'UNAUTHENTICATED',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'Google rejected the access token, also after a token refresh.',
      fix: REAUTHORIZE_FIX,
    },
  ],
  [
    'PERMISSION_DENIED',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation:
        'The Google account may not use this CM360 user profile, the token lacks the ddmconversions scope, or the API version is sunset.',
      fix: 'Check profileId and apiVersion in the connector settings and that the refresh token was granted the ddmconversions scope, then run the credential test.',
    },
  ],
  [
    'RESOURCE_EXHAUSTED',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The Google Cloud project exceeded a CM360 API quota.',
      fix: RATE_LIMIT_FIX,
      retryDelaySeconds: RATE_LIMIT_DELAY_SECONDS,
    },
  ],
  [
    'userRateLimitExceeded',
    {
      category: 'partner_error',
      retryable: true,
      explanation:
        'The Google Cloud project exceeded its CM360 queries per second (1 per second by default).',
      fix: RATE_LIMIT_FIX,
      retryDelaySeconds: RATE_LIMIT_DELAY_SECONDS,
    },
  ],
  [
    'rateLimitExceeded',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Google reported that the CM360 API rate limit was exceeded.',
      fix: RATE_LIMIT_FIX,
      retryDelaySeconds: RATE_LIMIT_DELAY_SECONDS,
    },
  ],
  [
    'dailyLimitExceeded',
    {
      category: 'partner_error',
      retryable: true,
      explanation:
        'The Google Cloud project used up its daily CM360 API requests (50,000 by default).',
      fix: DAILY_QUOTA_FIX,
      retryDelaySeconds: DAILY_QUOTA_DELAY_SECONDS,
    },
  ],
  [
    'quotaExceeded',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The CM360 account or user profile exceeded a daily quota.',
      fix: DAILY_QUOTA_FIX,
      retryDelaySeconds: DAILY_QUOTA_DELAY_SECONDS,
    },
  ],
  [
    'INVALID_ARGUMENT',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'CM360 rejected the request as invalid.',
      fix: 'Read the partner message and check profileId in the connector settings. If the message names a request field, report it as an Activator bug with this error sample.',
    },
  ],
  [
    'FAILED_PRECONDITION',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'CM360 cannot run the request in the current state of the account.',
      fix: 'Read the partner message and check the user profile and account in CM360.',
    },
  ],
  [
    'OUT_OF_RANGE',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'CM360 rejected a value of the request as out of range.',
      fix: 'Read the partner message. If it names a request field, report it as an Activator bug with this error sample.',
    },
  ],
  [
    'NOT_FOUND',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'CM360 found no user profile or API method at the request path.',
      fix: 'Check profileId and apiVersion in the connector settings, and baseUrl if a proxy is set.',
    },
  ],
  [
    'ABORTED',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'CM360 aborted the request because of a concurrent change.',
      fix: RETRY_FIX,
    },
  ],
  [
    'INTERNAL',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'CM360 reported an internal error.',
      fix: RETRY_FIX,
    },
  ],
  [
    'UNKNOWN',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'CM360 reported an unknown server error.',
      fix: RETRY_FIX,
    },
  ],
  [
    'UNAVAILABLE',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The CM360 API is temporarily unavailable.',
      fix: RETRY_FIX,
    },
  ],
  [
    'DEADLINE_EXCEEDED',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'CM360 did not finish the request within its own deadline.',
      fix: RETRY_FIX,
    },
  ],
]);

/**
 * Rules by the OAuth 2.0 `error` code (RFC 6749, section 5.2) that the token endpoint returns
 * when it does not exchange the refresh token.
 */
export const TOKEN_ERROR_RULES: ReadonlyMap<string, Cm360ErrorRule> = new Map([
  [
    'invalid_grant',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation:
        'Google rejected the refresh token: it expired, was revoked or belongs to another OAuth client.',
      fix: REAUTHORIZE_FIX,
    },
  ],
  [
    'invalid_client',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'Google did not accept the OAuth client id or client secret.',
      fix: 'Copy the client id and secret of the OAuth client from the Google Cloud console into the connector credentials.',
    },
  ],
  [
    'unauthorized_client',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The OAuth client may not exchange refresh tokens.',
      fix: 'Use an OAuth client of type web application or desktop app, and a refresh token issued to that client.',
    },
  ],
  [
    'invalid_scope',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'Google rejected the scope of the refresh token.',
      fix: REAUTHORIZE_FIX,
    },
  ],
  [
    'invalid_request',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The token endpoint rejected the token request as malformed.',
      fix: "Check tokenUrl in the connector settings. If it is Google's, report an Activator bug with this error sample.",
    },
  ],
  [
    'unsupported_grant_type',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The token endpoint does not support refresh tokens.',
      fix: "Check tokenUrl in the connector settings. Google's endpoint is https://oauth2.googleapis.com/token.",
    },
  ],
]);

/** Legacy reasons that name a quota. Such a reason replaces any status but RESOURCE_EXHAUSTED. */
const QUOTA_REASONS = new Set([
  'userRateLimitExceeded',
  'rateLimitExceeded',
  'dailyLimitExceeded',
  'quotaExceeded',
]);

/** Maximum wait in seconds taken from `Retry-After` or `RetryInfo`, so a faulty proxy cannot stall delivery. */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

/** Returns the rule for a `ConversionError.code`, and a retryable rule for an unknown code. */
export function findConversionErrorRule(code: string): Cm360ErrorRule {
  return CONVERSION_ERROR_RULES.get(code) ?? UNKNOWN_CONVERSION_CODE_RULE;
}

/**
 * Classifies the `errors` of one `ConversionStatus`. Returns `undefined` when the list is absent or
 * empty, which means the conversion was inserted. With several errors, the first final one
 * decides, because a retry cannot succeed while any error is final.
 */
export function classifyConversionErrors(errors: unknown): Cm360ErrorClassification | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined;

  const parsed = errors.map((error) => {
    const fields = isRecord(error) ? error : {};
    const code = typeof fields.code === 'string' && fields.code !== '' ? fields.code : 'UNKNOWN';
    const message = typeof fields.message === 'string' ? fields.message : undefined;

    return { code, message, rule: findConversionErrorRule(code) };
  });
  const chosen = parsed.find((error) => !error.rule.retryable) ?? parsed[0];
  if (chosen === undefined) return undefined;

  return toClassification(chosen.rule, {
    partnerCode: chosen.code,
    partnerMessage: chosen.message,
  });
}

/**
 * Classifies a CM360 response that is not a success, from its HTTP status, its Google error body
 * (parsed JSON or raw text) and its `Retry-After` header.
 *
 * `partnerCode` is `<HTTP status>/<key>`. The key is `error.status`, else the status that Google's
 * HTTP mapping gives, else `NO_STATUS`. A quota reason in the body replaces any status but
 * RESOURCE_EXHAUSTED, because CM360 sends its quota errors as 403. A response without a
 * Google error body has no partner code: 401 and 403 are `invalid_credentials`, 429 and 5xx are
 * `other` and retried, and the rest is `other` and final.
 */
export function classifyRequestError(
  httpStatus: number,
  body: unknown,
  retryAfterHeader?: string | string[],
  nowMs: number = Date.now(),
): Cm360ErrorClassification {
  const parsedBody = readGoogleErrorBody(typeof body === 'string' ? parseJson(body) : body);
  const headerDelay = readRetryAfterSeconds(retryAfterHeader, nowMs);
  if (parsedBody === undefined) {
    return withRetryDelay(classifyWithoutErrorBody(httpStatus, 'CM360'), headerDelay);
  }

  // NO_STATUS is in no table, so an unmapped HTTP status gets the rule for unknown statuses.
  const status = parsedBody.status ?? statusForHttpStatus(httpStatus) ?? 'NO_STATUS';
  const quotaReason = parsedBody.reasons.find((reason) => QUOTA_REASONS.has(reason));
  // A quota reason matters when the status hides the throttling, as CM360's 403 does.
  const key = quotaReason !== undefined && status !== 'RESOURCE_EXHAUSTED' ? quotaReason : status;
  const rule = REQUEST_ERROR_RULES.get(key) ?? unknownStatusRule(httpStatus);
  const classification = toClassification(rule, {
    partnerCode: `${httpStatus}/${key}`,
    partnerMessage: parsedBody.message,
    httpStatus,
  });
  const bodyDelay =
    parsedBody.retryDelaySeconds === undefined
      ? undefined
      : Math.min(MAX_RETRY_AFTER_SECONDS, parsedBody.retryDelaySeconds);

  return withRetryDelay(classification, headerDelay ?? bodyDelay);
}

/**
 * Classifies a failed refresh token exchange from the token endpoint's status and its OAuth error
 * body `{ error, error_description }`. `partnerCode` is the OAuth `error` code.
 */
export function classifyTokenError(
  httpStatus: number,
  body: unknown,
  retryAfterHeader?: string | string[],
  nowMs: number = Date.now(),
): Cm360ErrorClassification {
  const fields = typeof body === 'string' ? parseJson(body) : body;
  const code = isRecord(fields) && typeof fields.error === 'string' ? fields.error : undefined;
  const headerDelay = readRetryAfterSeconds(retryAfterHeader, nowMs);
  if (code === undefined || code === '') {
    return withRetryDelay(classifyWithoutErrorBody(httpStatus, 'The token endpoint'), headerDelay);
  }

  const description = isRecord(fields) ? fields.error_description : undefined;
  const rule = TOKEN_ERROR_RULES.get(code) ?? unknownTokenCodeRule(httpStatus);
  const classification = toClassification(rule, {
    partnerCode: code,
    partnerMessage: typeof description === 'string' ? description : undefined,
    httpStatus,
  });

  return withRetryDelay(classification, headerDelay);
}

/**
 * Explains a partner code of this type for error samples: a conversion code (`NOT_FOUND`), a
 * request code (`429/RESOURCE_EXHAUSTED`) or an OAuth code (`invalid_grant`).
 */
export function explainCm360Error(partnerCode: string): ErrorExplanation | undefined {
  const slash = partnerCode.indexOf('/');
  const rule =
    slash >= 0
      ? (REQUEST_ERROR_RULES.get(partnerCode.slice(slash + 1)) ??
        unknownStatusRule(Number(partnerCode.slice(0, slash))))
      : (CONVERSION_ERROR_RULES.get(partnerCode) ?? TOKEN_ERROR_RULES.get(partnerCode));
  if (rule === undefined) return undefined;

  return { summary: rule.explanation, fix: rule.fix };
}

// Google OAuth access tokens start with "ya29.". Hex runs of 32 or more digits cover digests, and
// UUIDs cover mobile device ids.
const ACCESS_TOKEN_PATTERN = /\bya29\.[A-Za-z0-9._-]+/g;
const EMAIL_PATTERN = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g;
const LONG_HEX_PATTERN = /\b[0-9a-fA-F]{32,}\b/g;
const UUID_PATTERN =
  /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;

/**
 * Replaces access tokens, email addresses, long hex strings and UUIDs in a partner message with
 * `[redacted]` and cuts it to 500 characters.
 *
 * NOTE: match ids and encrypted user ids have no recognizable form, so one that Google echoes in
 * a message is not redacted.
 */
export function redactPartnerMessage(message: string): string {
  const redacted = message
    .replace(ACCESS_TOKEN_PATTERN, '[redacted]')
    .replace(EMAIL_PATTERN, '[redacted]')
    .replace(UUID_PATTERN, '[redacted]')
    .replace(LONG_HEX_PATTERN, '[redacted]');
  if (redacted.length <= MAX_PARTNER_MESSAGE_LENGTH) return redacted;

  return `${redacted.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}

function toClassification(
  rule: Cm360ErrorRule,
  details: { partnerCode: string; partnerMessage: string | undefined; httpStatus?: number },
): Cm360ErrorClassification {
  const classification: Cm360ErrorClassification = {
    category: rule.category,
    retryable: rule.retryable,
    partnerCode: details.partnerCode,
    // Without a message from the partner, the explanation is the most useful sample text.
    partnerMessage:
      details.partnerMessage === undefined
        ? rule.explanation
        : redactPartnerMessage(details.partnerMessage),
    explanation: rule.explanation,
    fix: rule.fix,
  };
  if (details.httpStatus !== undefined) classification.httpStatus = details.httpStatus;
  if (rule.retryDelaySeconds !== undefined) {
    classification.retryAfterSeconds = rule.retryDelaySeconds;
  }

  return classification;
}

/** Applies a partner-sent delay, which never shortens the minimum delay of the rule. */
function withRetryDelay(
  classification: Cm360ErrorClassification,
  delaySeconds: number | undefined,
): Cm360ErrorClassification {
  if (delaySeconds === undefined || !classification.retryable) return classification;
  const retryAfterSeconds = Math.max(delaySeconds, classification.retryAfterSeconds ?? 0);

  return { ...classification, retryAfterSeconds };
}

/** Classifies a response without a readable error body by its HTTP status alone. */
function classifyWithoutErrorBody(
  httpStatus: number,
  responder: 'CM360' | 'The token endpoint',
): Cm360ErrorClassification {
  const explanation = `${responder} responded with HTTP ${httpStatus} without an error body that Activator can read.`;
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      httpStatus,
      category: 'invalid_credentials',
      retryable: false,
      partnerMessage: explanation,
      explanation,
      fix: 'Check the connector credentials, and baseUrl or tokenUrl if a proxy is set.',
    };
  }
  const retryable = httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599);

  return {
    httpStatus,
    category: 'other',
    retryable,
    partnerMessage: explanation,
    explanation,
    fix: retryable
      ? RETRY_FIX
      : 'Check apiVersion, baseUrl and tokenUrl in the connector settings. A proxy may have responded in place of Google.',
  };
}

function unknownStatusRule(httpStatus: number): Cm360ErrorRule {
  const retryable = httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599);

  return {
    category: 'partner_error',
    retryable,
    explanation: 'CM360 returned an error status that Activator does not know.',
    fix: retryable
      ? RETRY_FIX
      : 'Read the partner message and look the status up in the Google API error reference.',
  };
}

function unknownTokenCodeRule(httpStatus: number): Cm360ErrorRule {
  const retryable = httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599);

  return {
    category: 'partner_error',
    retryable,
    explanation: 'The token endpoint returned an OAuth error code that Activator does not know.',
    fix: retryable ? RETRY_FIX : 'Read the partner message and check tokenUrl and the credentials.',
  };
}

/** Reads `Retry-After` as whole seconds, clamped to 0 to `MAX_RETRY_AFTER_SECONDS`. */
function readRetryAfterSeconds(
  header: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const seconds = parseRetryAfterSeconds(header, nowMs);
  if (seconds === undefined) return undefined;

  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
