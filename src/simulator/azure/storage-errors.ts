import { randomUUID } from 'node:crypto';
import type { PartnerError, PartnerErrorProfile } from '../partner-error.js';

/** An Azure Storage error that the Azure routes send as an XML `<Error>` body. */
export class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** `AuthenticationErrorDetail`, which Azure adds to authentication failures. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

/**
 * Azure error codes that `POST /_control/faults` selects by number, because a fault's `code` is
 * an integer. A `partner_error` fault with `code: 1` sends `ServerBusy`, and so on. The HTTP
 * status is the fault's `status`, else 500, so a test sets `status` to the code's usual status.
 */
export const AZURE_FAULT_CODES: ReadonlyMap<number, { code: string; message: string }> = new Map([
  [1, { code: 'ServerBusy', message: 'The server is busy.' }],
  [2, { code: 'InternalError', message: 'The server had an internal error.' }],
  [3, { code: 'OperationTimedOut', message: 'The operation did not finish in the allowed time.' }],
  [4, { code: 'AuthenticationFailed', message: 'Authentication of the request failed.' }],
  [
    5,
    {
      code: 'AuthorizationPermissionMismatch',
      message: 'The credentials lack the permission for this operation.',
    },
  ],
  [6, { code: 'ContainerNotFound', message: 'The container does not exist.' }],
  [7, { code: 'BlobAlreadyExists', message: 'The blob already exists.' }],
  [8, { code: 'InvalidHeaderValue', message: 'A header value has the wrong format.' }],
  [9, { code: 'MissingRequiredHeader', message: 'A required header is missing.' }],
  [10, { code: 'AccountIsDisabled', message: 'The account is disabled.' }],
  [11, { code: 'InvalidInput', message: 'An input of the request is not valid.' }],
]);

/** Azure's error responses for the faults that imitate partner errors. */
export const azureErrorProfile: PartnerErrorProfile = {
  partner: 'azure',
  defaultErrorStatus: 500,
  formatError: (error: PartnerError) => {
    const known = AZURE_FAULT_CODES.get(error.code);
    const code = known?.code ?? `SimulatedError${error.code}`;

    return buildErrorXml(code, error.message);
  },
  expiredTokenError: {
    status: 403,
    code: 4,
    message: 'The signature is not valid at the current time.',
  },
  missingPermissionError: {
    status: 403,
    code: 5,
    message: 'The credentials lack the permission for this operation.',
  },
  invalidDataError: { status: 400, code: 11, message: 'An input of the request is not valid.' },
};

/**
 * Builds Azure's XML error body. Like Azure, the message ends with a request id and the time.
 */
export function buildErrorXml(code: string, message: string, detail?: string): string {
  const requestInfo = `RequestId:${randomUUID()}\nTime:${new Date().toISOString()}`;
  const detailXml =
    detail === undefined
      ? ''
      : `<AuthenticationErrorDetail>${escapeText(detail)}</AuthenticationErrorDetail>`;

  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<Error><Code>${escapeText(code)}</Code>` +
    `<Message>${escapeText(`${message}\n${requestInfo}`)}</Message>${detailXml}</Error>`
  );
}

/** Reads the `Code` of an XML error body, for the `x-ms-error-code` header. */
export function readErrorCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
