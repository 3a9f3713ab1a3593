import { PartnerRequestError, type PartnerResponse } from '../../net/partner-http-client.js';
import { parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import type { Batch, BatchResult, ConnectorContext, ProfileOutcome } from '../connector-type.js';
import { AzureBlobClient } from './client.js';
import { BLOB_ALREADY_EXISTS_CODE, classifyAzureError } from './error-codes.js';
import { buildBatchBlob } from './mapping.js';
import type {
  AzureBlobAudienceSettings,
  AzureBlobCredentials,
  AzureBlobSettings,
} from './schemas.js';

/** Fields of an error outcome, shared by every profile of a failed upload. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/** Maximum wait, in seconds, taken from a `Retry-After` header. */
export const MAX_RETRY_AFTER_SECONDS = 3_600;

/** Result of one Put Blob: written (or already there), or the error. */
export type UploadResult = { ok: true } | { ok: false; error: ErrorFields };

/**
 * Writes one batch as one NDJSON blob and reports the same outcome for every profile in it:
 * `added` or `removed` when Azure stored the blob or already had a blob of that name, or the
 * upload's error. Removals are records with `"operation":"remove"` that the consumer applies.
 * `now` sets the date and minute in the blob name. The `x-ms-date` header always uses the
 * system clock, because Azure rejects a request dated more than 15 minutes off.
 *
 * NOTE: the error sample of a failed upload stores the NDJSON body after `redactText`, which
 * removes emails, UUIDs and SHA-256 values but keeps phones, external ids and attributes.
 */
export async function sendAzureBlobBatch(
  context: ConnectorContext<AzureBlobSettings, AzureBlobCredentials>,
  batch: Batch<AzureBlobAudienceSettings>,
  now: () => Date = () => new Date(),
): Promise<BatchResult> {
  const blob = buildBatchBlob({
    operation: batch.operation,
    profiles: batch.profiles,
    prefix: context.settings.prefix,
    folder: batch.destination.folder,
    now: now(),
  });
  if (blob.name === undefined) return { outcomes: blob.skipped };

  const client = new AzureBlobClient(context.http, context.settings, context.credentials);
  const blobName = blob.name;
  const result = await runUpload(() => client.putBlob(blobName, blob.body));
  const status = batch.operation === 'add' ? 'added' : 'removed';
  const sentOutcomes = blob.keys.map((key): ProfileOutcome => {
    if (result.ok) return { key, status };

    return { key, status: 'error', ...result.error };
  });

  return { outcomes: [...blob.skipped, ...sentOutcomes] };
}

/** Sends a Put Blob and reads the response. 201, and 409 `BlobAlreadyExists`, are success. */
export async function runUpload(send: () => Promise<PartnerResponse>): Promise<UploadResult> {
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

  if (response.status >= 200 && response.status <= 299) return { ok: true };

  const classified = classifyAzureError(
    response.status,
    response.text,
    headerValue(response.headers['x-ms-error-code']),
  );
  if (response.status === 409 && classified.partnerCode === BLOB_ALREADY_EXISTS_CODE) {
    return { ok: true };
  }

  return { ok: false, error: toErrorFields(classified, response) };
}

/** Turns a classification into error outcome fields, with `Retry-After` for retried errors. */
export function toErrorFields(
  classified: ReturnType<typeof classifyAzureError>,
  response: PartnerResponse,
): ErrorFields {
  const error: ErrorFields = {
    category: classified.category,
    retryable: classified.retryable,
    partnerMessage: classified.partnerMessage ?? classified.explanation,
    httpStatus: response.status,
  };
  if (classified.partnerCode !== undefined) error.partnerCode = classified.partnerCode;

  const retryAfter = parseRetryAfterSeconds(response.headers['retry-after']);
  if (retryAfter !== undefined && classified.retryable) {
    error.retryAfterSeconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Math.ceil(retryAfter)));
  }

  return error;
}

export function headerValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}
