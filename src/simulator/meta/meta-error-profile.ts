import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';
import { META_EXPIRED_TOKEN_ERROR, META_MISSING_PERMISSION_ERROR } from './access-token.js';
import { formatGraphError } from './graph-error.js';

/**
 * Code 100 for an upload with invalid data, which the `reject_marked` fault sends.
 *
 * NOTE: Meta's exact message for such an upload is not documented. This one follows the form of
 * Meta's other code 100 messages.
 */
export const META_INVALID_DATA_ERROR: PartnerError = {
  status: 400,
  code: 100,
  message: '(#100) The parameter payload contains invalid data.',
};

/** Meta's error responses for the faults that imitate partner errors. */
export const metaErrorProfile: PartnerErrorProfile = {
  partner: 'meta',
  defaultErrorStatus: 400,
  formatError: formatGraphError,
  expiredTokenError: META_EXPIRED_TOKEN_ERROR,
  missingPermissionError: META_MISSING_PERMISSION_ERROR,
  invalidDataError: META_INVALID_DATA_ERROR,
};
