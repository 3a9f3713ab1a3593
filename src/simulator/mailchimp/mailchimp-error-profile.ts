import type { PartnerErrorProfile } from '../partner-error.js';
import { formatFaultProblem, partnerErrorOf } from './problem.js';

/**
 * Mailchimp's error responses for the faults that imitate partner errors. A `partner_error`
 * fault picks the glossary entry by `code`, its HTTP status, and `subcode`, its position among
 * the entries of that status: `{ code: 403, subcode: 2 }` is `Wrong Datacenter`.
 */
export const mailchimpErrorProfile: PartnerErrorProfile = {
  partner: 'mailchimp',
  defaultErrorStatus: 400,
  formatError: formatFaultProblem,
  expiredTokenError: partnerErrorOf('APIKeyInvalid', 'This API key has been disabled.'),
  missingPermissionError: partnerErrorOf('Forbidden'),
  invalidDataError: partnerErrorOf('InvalidResource'),
};
