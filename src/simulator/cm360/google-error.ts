import type { PartnerError } from '../partner-error.js';

/** `google.rpc.Code` names by number, for faults that give a numeric `code`. */
export const RPC_STATUS_BY_CODE: ReadonlyMap<number, string> = new Map([
  [1, 'CANCELLED'],
  [2, 'UNKNOWN'],
  [3, 'INVALID_ARGUMENT'],
  [4, 'DEADLINE_EXCEEDED'],
  [5, 'NOT_FOUND'],
  [6, 'ALREADY_EXISTS'],
  [7, 'PERMISSION_DENIED'],
  [8, 'RESOURCE_EXHAUSTED'],
  [9, 'FAILED_PRECONDITION'],
  [10, 'ABORTED'],
  [11, 'OUT_OF_RANGE'],
  [12, 'UNIMPLEMENTED'],
  [13, 'INTERNAL'],
  [14, 'UNAVAILABLE'],
  [15, 'DATA_LOSS'],
  [16, 'UNAUTHENTICATED'],
]);

export const RPC_INVALID_ARGUMENT = 3;
export const RPC_NOT_FOUND = 5;
export const RPC_PERMISSION_DENIED = 7;
export const RPC_RESOURCE_EXHAUSTED = 8;
export const RPC_INTERNAL = 13;
export const RPC_UNAUTHENTICATED = 16;

/**
 * Legacy `errors[].reason` values that a fault selects with its `subcode`: CM360 reports its
 * quotas as HTTP 403 with one of these reasons.
 */
export const QUOTA_REASON_BY_SUBCODE: ReadonlyMap<number, string> = new Map([
  [1, 'userRateLimitExceeded'],
  [2, 'dailyLimitExceeded'],
  [3, 'rateLimitExceeded'],
  [4, 'quotaExceeded'],
]);

/** Legacy reason of each status, as Google's older APIs put it in `errors[].reason`. */
const LEGACY_REASON_BY_STATUS: ReadonlyMap<string, string> = new Map([
  ['INVALID_ARGUMENT', 'invalid'],
  ['FAILED_PRECONDITION', 'failedPrecondition'],
  ['OUT_OF_RANGE', 'invalid'],
  ['UNAUTHENTICATED', 'authError'],
  ['PERMISSION_DENIED', 'forbidden'],
  ['NOT_FOUND', 'notFound'],
  ['ABORTED', 'conflict'],
  ['ALREADY_EXISTS', 'duplicate'],
  ['RESOURCE_EXHAUSTED', 'rateLimitExceeded'],
  ['INTERNAL', 'backendError'],
  ['UNKNOWN', 'backendError'],
  ['UNAVAILABLE', 'backendError'],
  ['DEADLINE_EXCEEDED', 'deadlineExceeded'],
]);

/** Body of a Google API error response. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string }[];
    status: string;
  };
}

/** A Google API error that the CM360 routes send as a `google.rpc.Status` body. */
export class GoogleApiError extends Error implements PartnerError {
  readonly status: number;
  readonly code: number;
  readonly subcode: number | undefined;

  constructor(error: PartnerError) {
    super(error.message);
    this.name = 'GoogleApiError';
    this.status = error.status;
    this.code = error.code;
    this.subcode = error.subcode;
  }
}

/**
 * Returns the JSON error body of Google's APIs for an error: `code` is the HTTP status, `status`
 * the `google.rpc.Code` name of the error's numeric `code`, and `errors` the legacy list with one
 * reason. A `subcode` listed in `QUOTA_REASON_BY_SUBCODE` picks that quota reason.
 */
export function formatGoogleError(error: PartnerError): GoogleErrorBody {
  const status = RPC_STATUS_BY_CODE.get(error.code) ?? 'UNKNOWN';
  const quotaReason =
    error.subcode === undefined ? undefined : QUOTA_REASON_BY_SUBCODE.get(error.subcode);
  const reason = quotaReason ?? LEGACY_REASON_BY_STATUS.get(status) ?? 'backendError';

  return {
    error: {
      code: error.status,
      message: error.message,
      errors: [{ message: error.message, domain: 'global', reason }],
      status,
    },
  };
}

export function invalidArgument(message: string): GoogleApiError {
  return new GoogleApiError({ status: 400, code: RPC_INVALID_ARGUMENT, message });
}

export function notFound(message: string): GoogleApiError {
  return new GoogleApiError({ status: 404, code: RPC_NOT_FOUND, message });
}
