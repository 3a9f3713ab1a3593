import type { PartnerErrorProfile } from '../partner-error.js';
import { formatFaultError } from './receiver-error.js';

/**
 * The simulated receiver's error responses for the faults that imitate partner errors. The body
 * is `{ code, message }` with the fault's code as text; the connector classifies by HTTP status.
 */
export const webhookErrorProfile: PartnerErrorProfile = {
  partner: 'webhook',
  defaultErrorStatus: 400,
  formatError: formatFaultError,
  expiredTokenError: { status: 401, code: 401, message: 'The signing secret has been revoked.' },
  missingPermissionError: {
    status: 403,
    code: 403,
    message: 'The sender may not post to this endpoint.',
  },
  invalidDataError: {
    status: 422,
    code: 422,
    message: 'Some profiles of the request are invalid.',
  },
};
