import { PartnerRequestError, type PartnerResponse } from '../../net/partner-http-client.js';
import { parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import type { ProfileOutcome } from '../connector-type.js';
import { classifyClangFault, classifyClangHttpStatus } from './error-codes.js';
import { readSoapResponse } from './soap-envelope.js';
import type { XmlElement } from './xml-reader.js';

/** Fields of an error outcome, shared by the profiles that a failed call belongs to. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Result of one SOAP call: Clang's `msg`, or the error with the fault code when there was one. */
export type SoapCallResult =
  { ok: true; msg: XmlElement | undefined } | { ok: false; error: ErrorFields; faultCode?: string };

/** Maximum wait, in seconds, taken from a `Retry-After` header. */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/**
 * Sends one call and reads Clang's response. A SOAP fault is classified by its fault code
 * whatever the HTTP status, because SOAP 1.1 sends faults with HTTP 500. A result with a code other
 * than 0 is classified by that code. A 2xx response without a readable result is an `other`
 * error that is retried, because the call's effect is unknown and every call is safe to repeat.
 */
export async function runSoapCall(send: () => Promise<PartnerResponse>): Promise<SoapCallResult> {
  let response: PartnerResponse;
  try {
    response = await send();
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      error: {
        category: error.kind === 'timeout' ? 'timeout' : 'other',
        retryable: error.kind !== 'destination_rejected',
        partnerMessage: error.message,
      },
    };
  }

  return readCallResponse(response);
}

/** Reads a SOAP response into a call result. Exported for tests of the classification. */
export function readCallResponse(response: PartnerResponse): SoapCallResult {
  const soap = readSoapResponse(response.text);
  const retryAfterSeconds = readRetryAfter(response.headers['retry-after']);

  if (soap.kind === 'fault') {
    const classified = classifyClangFault(soap.faultCode, soap.faultString);
    const error = toErrorFields(classified, response.status, retryAfterSeconds);

    return { ok: false, error, faultCode: soap.faultCode };
  }

  const isSuccessStatus = response.status >= 200 && response.status <= 299;
  if (soap.kind === 'result' && isSuccessStatus) {
    if (soap.code === 0) return { ok: true, msg: soap.msg };

    const code = soap.code === undefined ? 'missing' : String(soap.code);
    const classified = classifyClangFault(code, `Clang returned result code ${code}.`);

    return { ok: false, error: toErrorFields(classified, response.status, retryAfterSeconds) };
  }

  if (isSuccessStatus) {
    const reason = soap.kind === 'unreadable' ? soap.reason : 'no result';
    const partnerMessage = `Clang responded with HTTP ${response.status}, but ${reason}, so the result is unknown.`;
    const error: ErrorFields = {
      category: 'other',
      retryable: true,
      partnerMessage,
      httpStatus: response.status,
    };

    return { ok: false, error };
  }

  const reason = soap.kind === 'unreadable' ? soap.reason : 'the body is a result';
  const classified = classifyClangHttpStatus(response.status, reason);

  return { ok: false, error: toErrorFields(classified, response.status, retryAfterSeconds) };
}

function toErrorFields(
  classified: ReturnType<typeof classifyClangFault>,
  httpStatus: number,
  retryAfterSeconds: number | undefined,
): ErrorFields {
  const error: ErrorFields = {
    category: classified.category,
    retryable: classified.retryable,
    partnerMessage: classified.partnerMessage ?? classified.explanation,
    httpStatus,
  };
  if (classified.partnerCode !== undefined) error.partnerCode = classified.partnerCode;
  if (retryAfterSeconds !== undefined && classified.retryable) {
    error.retryAfterSeconds = retryAfterSeconds;
  }

  return error;
}

/** Reads `Retry-After` as whole seconds, clamped to 0 to `MAX_RETRY_AFTER_SECONDS`. */
function readRetryAfter(header: string | string[] | undefined): number | undefined {
  const seconds = parseRetryAfterSeconds(header);
  if (seconds === undefined) return undefined;

  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(seconds)));
}
