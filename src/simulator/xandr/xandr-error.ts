import { randomBytes } from 'node:crypto';
import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';

/**
 * Xandr codes for the numeric `code` of a `partner_error` or `status` fault, because faults carry
 * numbers and Xandr's codes are names.
 */
export const XANDR_FAULT_CODES: ReadonlyMap<number, string> = new Map([
  [1, 'NOAUTH'],
  [2, 'NOAUTH_DISABLED'],
  [3, 'NOAUTH_EXPIRED'],
  [4, 'UNAUTH'],
  [5, 'SYNTAX'],
  [6, 'INTEGRITY'],
  [7, 'LIMIT'],
  [8, 'SYSTEM'],
  [9, 'RATE_LIMIT_EXCEEDED'],
  [10, 'FILESIZE_LIMIT_EXCEEDED'],
]);

/**
 * Codes that the BSS upload host sends as `error_code` with an `errors` list. The API host sends
 * `error_id` with an `error` text.
 */
const UPLOAD_HOST_CODES = new Set(['RATE_LIMIT_EXCEEDED', 'FILESIZE_LIMIT_EXCEEDED']);

/** Body of a Xandr error response. */
export interface XandrErrorBody {
  response: {
    status: 'ERROR';
    error_id?: string;
    error?: string;
    error_code?: string;
    errors?: string[];
    dbg_info: { instance: string; version: string };
  };
}

/** A Xandr error that the route error handler sends as the Xandr error envelope. */
export class XandrApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorId: string,
    message: string,
  ) {
    super(message);
    this.name = 'XandrApiError';
  }
}

/** Returns the Xandr error envelope, in the upload host's form for upload codes. */
export function formatXandrError(errorId: string, message: string): XandrErrorBody {
  const dbg_info = { instance: `simulator-${randomBytes(3).toString('hex')}`, version: 'sim' };
  if (UPLOAD_HOST_CODES.has(errorId)) {
    return { response: { status: 'ERROR', error_code: errorId, errors: [message], dbg_info } };
  }

  return { response: { status: 'ERROR', error_id: errorId, error: message, dbg_info } };
}

// NOTE: Xandr documents the error ids but not the HTTP status of each. The statuses below are
// assumptions, and the connector classifies by the id.

export function noAuthError(message: string): XandrApiError {
  return new XandrApiError(401, 'NOAUTH', message);
}

export function unauthError(message: string): XandrApiError {
  return new XandrApiError(403, 'UNAUTH', message);
}

export function syntaxError(message: string): XandrApiError {
  return new XandrApiError(400, 'SYNTAX', message);
}

export function integrityError(message: string): XandrApiError {
  return new XandrApiError(409, 'INTEGRITY', message);
}

/**
 * Error for an unknown path or job. NOTE: Xandr's response to these was not captured, so the
 * simulator uses an id of its own, `NOT_FOUND`.
 */
export function notFoundError(message: string): XandrApiError {
  return new XandrApiError(404, 'NOT_FOUND', message);
}

/** Xandr's error responses for the faults that imitate partner errors. */
export const xandrErrorProfile: PartnerErrorProfile = {
  partner: 'xandr',
  defaultErrorStatus: 400,
  formatError: (error: PartnerError) =>
    formatXandrError(XANDR_FAULT_CODES.get(error.code) ?? `UNKNOWN_${error.code}`, error.message),
  expiredTokenError: { status: 401, code: 1, message: 'Authentication failed - not logged in' },
  missingPermissionError: {
    status: 403,
    code: 4,
    message: 'You do not have permission to use this service.',
  },
  invalidDataError: { status: 400, code: 5, message: 'The segment file could not be read.' },
};
