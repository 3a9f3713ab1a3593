import type { PartnerErrorProfile } from '../partner-error.js';
import { META_EXPIRED_TOKEN_ERROR, META_MISSING_PERMISSION_ERROR } from './access-token.js';
import { formatGraphError } from './graph-error.js';

/** Meta's error responses for the faults that imitate partner errors. */
export const metaErrorProfile: PartnerErrorProfile = {
  partner: 'meta',
  defaultErrorStatus: 400,
  formatError: formatGraphError,
  expiredTokenError: META_EXPIRED_TOKEN_ERROR,
  missingPermissionError: META_MISSING_PERMISSION_ERROR,
};
