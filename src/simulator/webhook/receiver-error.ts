import type { PartnerError } from '../partner-error.js';

/** Error body of the simulated receiver: a machine-readable code and a message. */
export interface ReceiverErrorBody {
  code: string;
  message: string;
}

/** An error that the receiver's error handler sends with its status and body. */
export class ReceiverError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReceiverError';
  }

  toBody(): ReceiverErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** Formats a fault's error; the receiver's codes are strings, so the number is sent as text. */
export function formatFaultError(error: PartnerError): ReceiverErrorBody {
  const code = error.subcode === undefined ? String(error.code) : `${error.code}/${error.subcode}`;

  return { code, message: error.message };
}
