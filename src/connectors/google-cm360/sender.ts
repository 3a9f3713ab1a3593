import { PartnerRequestError } from '../../net/partner-http-client.js';
import type { Batch, BatchResult, ProfileOutcome } from '../connector-type.js';
import { AccessTokenError, Cm360AccessTokens, type Cm360Context } from './access-token.js';
import { Cm360Client, type ConversionsBatchInsertRequest } from './client.js';
import type { ErrorFields } from './error-codes.js';
import { readInsertResponse, toErrorFields } from './insert-response.js';
import { buildConversions, type Cm360Conversion } from './mapping.js';
import type { Cm360AudienceSettings, Cm360EncryptionInfo } from './schemas.js';

/** Maximum conversions in one `batchinsert` request, as the CM360 conversions FAQ states. */
export const CM360_MAX_CONVERSIONS_PER_REQUEST = 1_000;

/**
 * Sends one batch to a Floodlight activity and maps CM360's responses to outcomes.
 *
 * An add inserts one offline conversion per profile with `conversions.batchinsert`, in requests
 * of at most 1,000 conversions sent one after another. CM360 reports per conversion whether it
 * was inserted, so one batch can end partly `added` and partly in error.
 *
 * A remove sends nothing and reports every profile `removed`. CM360 has no call that deletes a
 * conversion, and a conversion is an event, not a membership. Reporting the removal lets the
 * delivery ledger forget the profile, so that a later add (the profile entering the journey
 * again) inserts a new conversion.
 */
export async function sendCm360Batch(
  context: Cm360Context,
  batch: Batch<Cm360AudienceSettings>,
  nowMs: number = Date.now(),
): Promise<BatchResult> {
  if (batch.operation === 'remove') {
    return { outcomes: batch.profiles.map(({ key }) => ({ key, status: 'removed' })) };
  }

  const { encryptionInfo, floodlightConfigurationId } = context.settings;
  const plan = buildConversions(
    batch.profiles,
    batch.destination,
    { floodlightConfigurationId, hasEncryptionInfo: encryptionInfo !== undefined },
    nowMs,
  );
  if (plan.conversions.length === 0) return { outcomes: plan.notSent };

  const client = new Cm360Client(context.http, context.settings, new Cm360AccessTokens(context));
  const outcomes: ProfileOutcome[] = [...plan.notSent];
  for (let start = 0; start < plan.conversions.length; start += CM360_MAX_CONVERSIONS_PER_REQUEST) {
    const end = start + CM360_MAX_CONVERSIONS_PER_REQUEST;
    const request = buildInsertRequest(plan.conversions.slice(start, end), encryptionInfo);
    outcomes.push(...(await sendInsertRequest(client, request, plan.keys.slice(start, end))));
  }

  return { outcomes };
}

/** Adds `encryptionInfo` only when a conversion of the request has an encrypted user id. */
function buildInsertRequest(
  conversions: Cm360Conversion[],
  encryptionInfo: Cm360EncryptionInfo | undefined,
): ConversionsBatchInsertRequest {
  const request: ConversionsBatchInsertRequest = {
    kind: 'dfareporting#conversionsBatchInsertRequest',
    conversions,
  };
  const hasEncryptedIds = conversions.some(
    (conversion) =>
      conversion.encryptedUserId !== undefined ||
      conversion.encryptedUserIdCandidates !== undefined,
  );
  if (hasEncryptedIds && encryptionInfo !== undefined) {
    request.encryptionInfo = { ...encryptionInfo, kind: 'dfareporting#encryptionInfo' };
  }

  return request;
}

async function sendInsertRequest(
  client: Cm360Client,
  request: ConversionsBatchInsertRequest,
  keys: string[],
): Promise<ProfileOutcome[]> {
  try {
    const response = await client.insertConversions(request);

    return readInsertResponse(response, keys);
  } catch (error) {
    const fields = readRequestFailure(error);
    if (fields === undefined) throw error;

    return keys.map((key) => ({ key, status: 'error', ...fields }));
  }
}

/**
 * Returns the outcome fields of a request that got no CM360 response: a failed token exchange,
 * a timeout or a connection error. Other errors, such as the engine stopping a deactivated
 * connector, are left to the caller.
 */
export function readRequestFailure(error: unknown): ErrorFields | undefined {
  if (error instanceof AccessTokenError) return toErrorFields(error.classification);
  if (!(error instanceof PartnerRequestError)) return undefined;

  // NOTE: a timed-out insert may have reached CM360. The retry carries the same ordinal, and CM360
  // de-duplicates conversions per user, day and ordinal, so a retry on a later day counts twice.
  return {
    category: error.kind === 'timeout' ? 'timeout' : 'other',
    retryable: error.kind !== 'destination_rejected',
    partnerMessage: error.message,
  };
}
