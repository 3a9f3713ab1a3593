import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';
import {
  formatGoogleError,
  RPC_INVALID_ARGUMENT,
  RPC_PERMISSION_DENIED,
  RPC_UNAUTHENTICATED,
} from './google-error.js';

/** Google's error for a missing, unknown or expired access token. */
export const CM360_EXPIRED_TOKEN_ERROR: PartnerError = {
  status: 401,
  code: RPC_UNAUTHENTICATED,
  message:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
};

/** Google's error for an access token without the ddmconversions scope. */
export const CM360_MISSING_PERMISSION_ERROR: PartnerError = {
  status: 403,
  code: RPC_PERMISSION_DENIED,
  message: 'Request had insufficient authentication scopes.',
};

/**
 * The error that the `reject_marked` fault sends for a whole `batchinsert` request.
 *
 * NOTE: CM360 reports bad conversion data per conversion. This request-level message is the
 * simulator's own, in the form of Google's JSON parsing errors.
 */
export const CM360_INVALID_DATA_ERROR: PartnerError = {
  status: 400,
  code: RPC_INVALID_ARGUMENT,
  message: "Invalid value at 'conversions': the request contains invalid conversion data.",
};

/**
 * CM360's error responses for the faults that imitate partner errors. A fault `code` is a
 * `google.rpc.Code` number (8 is RESOURCE_EXHAUSTED) and its `status` the HTTP status, so
 * `{ status: 429, code: 8 }` is Google's throttling error. See `QUOTA_REASON_BY_SUBCODE` for
 * the subcodes.
 */
export const cm360ErrorProfile: PartnerErrorProfile = {
  partner: 'cm360',
  defaultErrorStatus: 400,
  formatError: formatGoogleError,
  expiredTokenError: CM360_EXPIRED_TOKEN_ERROR,
  missingPermissionError: CM360_MISSING_PERMISSION_ERROR,
  invalidDataError: CM360_INVALID_DATA_ERROR,
};
