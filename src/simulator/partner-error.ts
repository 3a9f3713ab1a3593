import type { SimulatorPartner } from './simulator-partners.js';

/** A partner's own error: the HTTP status and the partner's error code. */
export interface PartnerError {
  status: number;
  code: number;
  subcode?: number;
  message: string;
}

/** How a partner shapes the errors that faults imitate. */
export interface PartnerErrorProfile {
  partner: SimulatorPartner;
  /** HTTP status of a `partner_error` fault that sets no `status`. */
  defaultErrorStatus: number;
  /** Returns the partner's JSON error body. */
  formatError(error: PartnerError): unknown;
  /** Error for a request whose access token has expired. */
  expiredTokenError: PartnerError;
  /** Error for a token that lacks the permission the request needs. */
  missingPermissionError: PartnerError;
  /** Error for an upload that the partner rejects as a whole because some of its data is invalid. */
  invalidDataError: PartnerError;
}
