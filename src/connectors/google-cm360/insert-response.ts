import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type { ProfileOutcome } from '../connector-type.js';
import {
  classifyConversionErrors,
  classifyRequestError,
  type Cm360ErrorClassification,
  type ErrorFields,
} from './error-codes.js';

/**
 * Reads the response of a `conversions.batchinsert` request into one outcome per conversion.
 * `keys[i]` is the activation key of the request's `i`-th conversion.
 *
 * A 2xx response lists a `ConversionStatus` per conversion, in request order. A conversion without
 * `errors` is `added`, and one with errors gets the error of its first final code, else of its
 * first code, even when `hasFailures` is true for the request. Any other response is one error
 * for every conversion. A 2xx body that is not a JSON object, or whose `status` list does not
 * match the conversions while `hasFailures` is not false, is an `other` error that is retried.
 */
export function readInsertResponse(
  response: PartnerResponse,
  keys: readonly string[],
  nowMs: number = Date.now(),
): ProfileOutcome[] {
  if (response.status < 200 || response.status > 299) {
    const classification = classifyRequestError(
      response.status,
      response.text,
      response.headers['retry-after'],
      nowMs,
    );

    return errorOutcomes(keys, toErrorFields(classification));
  }

  const body = parseJsonBody(response.text);
  if (!isRecord(body)) {
    return errorOutcomes(keys, unknownResult(response.status, 'the body is not a JSON object'));
  }

  const statuses = body.status;
  if (!Array.isArray(statuses) || statuses.length !== keys.length) {
    if (body.hasFailures === false) return keys.map((key) => ({ key, status: 'added' }));

    return errorOutcomes(
      keys,
      unknownResult(response.status, 'it does not list one status per conversion'),
    );
  }

  return keys.map((key, index): ProfileOutcome => {
    const status: unknown = statuses[index];
    const classification = classifyConversionErrors(isRecord(status) ? status.errors : undefined);
    if (classification === undefined) return { key, status: 'added' };

    return { key, status: 'error', ...toErrorFields(classification), httpStatus: response.status };
  });
}

/** Drops the rule text, which the outcome does not carry. */
export function toErrorFields(classification: Cm360ErrorClassification): ErrorFields {
  const fields: ErrorFields = {
    category: classification.category,
    retryable: classification.retryable,
  };
  if (classification.partnerCode !== undefined) fields.partnerCode = classification.partnerCode;
  if (classification.partnerMessage !== undefined) {
    fields.partnerMessage = classification.partnerMessage;
  }
  if (classification.httpStatus !== undefined) fields.httpStatus = classification.httpStatus;
  if (classification.retryAfterSeconds !== undefined) {
    fields.retryAfterSeconds = classification.retryAfterSeconds;
  }

  return fields;
}

/**
 * Returns the retryable error for a 2xx response that cannot be read. If CM360 did insert the
 * conversions, it de-duplicates the retry only when the retry arrives on the same day.
 */
function unknownResult(httpStatus: number, reason: string): ErrorFields {
  return {
    category: 'other',
    retryable: true,
    httpStatus,
    partnerMessage: `CM360 responded with HTTP ${httpStatus}, but ${reason}, so the result is unknown.`,
  };
}

function errorOutcomes(keys: readonly string[], fields: ErrorFields): ProfileOutcome[] {
  return keys.map((key) => ({ key, status: 'error', ...fields }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
