import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';

/** Domain of the Data Manager API's own `ErrorInfo` reasons. */
export const DATA_MANAGER_DOMAIN = 'datamanager.googleapis.com';

/** Domain of reasons that Google's API front end sends, such as `ACCESS_TOKEN_EXPIRED`. */
export const PLATFORM_DOMAIN = 'googleapis.com';

/**
 * Data Manager `ErrorReason` names by enum number (google/ads/datamanager/v1/error.proto). A
 * `partner_error` fault for partner `google` takes its `code` from this table.
 */
export const DATA_MANAGER_REASONS: Readonly<Record<number, string>> = {
  0: 'ERROR_REASON_UNSPECIFIED',
  1: 'INTERNAL_ERROR',
  2: 'DEADLINE_EXCEEDED',
  3: 'RESOURCE_EXHAUSTED',
  4: 'NOT_FOUND',
  5: 'PERMISSION_DENIED',
  6: 'INVALID_ARGUMENT',
  7: 'REQUIRED_FIELD_MISSING',
  8: 'INVALID_FORMAT',
  9: 'INVALID_HEX_ENCODING',
  10: 'INVALID_BASE64_ENCODING',
  11: 'INVALID_SHA256_FORMAT',
  12: 'INVALID_POSTAL_CODE',
  13: 'INVALID_COUNTRY_CODE',
  14: 'INVALID_ENUM_VALUE',
  15: 'INVALID_USER_LIST_TYPE',
  16: 'INVALID_AUDIENCE_MEMBER',
  17: 'TOO_MANY_AUDIENCE_MEMBERS',
  18: 'TOO_MANY_USER_IDENTIFIERS',
  19: 'TOO_MANY_DESTINATIONS',
  20: 'INVALID_DESTINATION',
  21: 'DATA_PARTNER_USER_LIST_MUTATE_NOT_ALLOWED',
  22: 'INVALID_MOBILE_ID_FORMAT',
  23: 'INVALID_USER_LIST_ID',
  24: 'MULTIPLE_DATA_TYPES_NOT_ALLOWED',
  25: 'DIFFERENT_LOGIN_ACCOUNTS_NOT_ALLOWED_FOR_DATA_PARTNER',
  26: 'TERMS_AND_CONDITIONS_NOT_SIGNED',
  27: 'INVALID_NUMBER_FORMAT',
  28: 'INVALID_CONVERSION_ACTION_ID',
  29: 'INVALID_CONVERSION_ACTION_TYPE',
  30: 'INVALID_CURRENCY_CODE',
  31: 'INVALID_EVENT',
  32: 'TOO_MANY_EVENTS',
  33: 'DESTINATION_ACCOUNT_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS',
  34: 'DESTINATION_ACCOUNT_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS',
  35: 'DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED',
  36: 'DUPLICATE_DESTINATION_REFERENCE',
  39: 'NO_IDENTIFIERS_PROVIDED',
  48: 'INVALID_REQUEST_ID',
};

/**
 * Fault codes from 1000 up name a `googleapis.com` reason: 1000 plus its number in
 * google/api/error_reason.proto, such as 1016 for `ACCESS_TOKEN_EXPIRED`.
 */
export const PLATFORM_REASON_OFFSET = 1_000;

export const PLATFORM_REASONS: Readonly<Record<number, string>> = {
  1: 'SERVICE_DISABLED',
  2: 'BILLING_DISABLED',
  5: 'RATE_LIMIT_EXCEEDED',
  6: 'RESOURCE_QUOTA_EXCEEDED',
  11: 'USER_PROJECT_DENIED',
  12: 'CONSUMER_SUSPENDED',
  14: 'CONSUMER_INVALID',
  15: 'SECURITY_POLICY_VIOLATED',
  16: 'ACCESS_TOKEN_EXPIRED',
  17: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
  18: 'ACCOUNT_STATE_INVALID',
};

/** Canonical `google.rpc.Code` names by the HTTP status Google maps them to. */
const CANONICAL_STATUS_BY_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** A `BadRequest` field violation. */
export interface GoogleFieldViolation {
  field: string;
  description: string;
  reason?: string;
}

/** An error the Google routes send as a `google.rpc.Status` body. */
export class GoogleApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly reason?: string,
    readonly domain: string = DATA_MANAGER_DOMAIN,
    readonly violations: GoogleFieldViolation[] = [],
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }
}

/** Body of a Google API error: `{ error: { code, message, status, details } }`. */
export function formatGoogleError(error: GoogleApiError): unknown {
  const details: Record<string, unknown>[] = [];
  if (error.reason !== undefined) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: error.reason,
      domain: error.domain,
    });
  }
  if (error.violations.length > 0) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: error.violations,
    });
  }
  const body: Record<string, unknown> = {
    code: error.httpStatus,
    message: error.message,
    status: CANONICAL_STATUS_BY_HTTP[error.httpStatus] ?? 'UNKNOWN',
  };
  if (details.length > 0) body.details = details;

  return { error: body };
}

/** Reads a fault code as a Data Manager reason (0 to 999) or a `googleapis.com` one (1000 up). */
function reasonOfFaultCode(code: number): { reason?: string; domain: string } {
  if (code >= PLATFORM_REASON_OFFSET) {
    return { reason: PLATFORM_REASONS[code - PLATFORM_REASON_OFFSET], domain: PLATFORM_DOMAIN };
  }

  return { reason: DATA_MANAGER_REASONS[code], domain: DATA_MANAGER_DOMAIN };
}

/** Returns the `GoogleApiError` that a fault's partner error stands for. */
export function googleErrorOfFault(error: PartnerError): GoogleApiError {
  const { reason, domain } = reasonOfFaultCode(error.code);

  return new GoogleApiError(error.status, error.message, reason, domain);
}

/** Error for an access token that expired or that `POST /_control/tokens` marked expired. */
export const EXPIRED_TOKEN_ERROR: PartnerError = {
  status: 401,
  code: PLATFORM_REASON_OFFSET + 16,
  message: 'The request has an invalid or expired OAuth 2 access token.',
};

/** Error for an access token issued without the Data Manager scope. */
export const MISSING_SCOPE_ERROR: PartnerError = {
  status: 403,
  code: PLATFORM_REASON_OFFSET + 17,
  message: 'The access token lacks the scope https://www.googleapis.com/auth/datamanager.',
};

/** Whole-request error for an upload with a malformed digest, without the member's position. */
export const INVALID_DIGEST_ERROR: PartnerError = {
  status: 400,
  code: 11,
  message: 'A SHA-256 encoded value of the request is malformed.',
};

/** Google's error responses for the faults that imitate partner errors. */
export const googleErrorProfile: PartnerErrorProfile = {
  partner: 'google',
  defaultErrorStatus: 400,
  formatError: (error) => formatGoogleError(googleErrorOfFault(error)),
  expiredTokenError: EXPIRED_TOKEN_ERROR,
  missingPermissionError: MISSING_SCOPE_ERROR,
  invalidDataError: INVALID_DIGEST_ERROR,
};
