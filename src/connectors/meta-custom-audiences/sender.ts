import type { BatchResult, ConnectorContext, Batch, ProfileOutcome } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import { MetaGraphClient } from './client.js';
import { classifyMetaError } from './error-codes.js';
import { buildMetaPayload } from './mapping.js';
import type { MetaAudienceSettings, MetaCredentials, MetaSettings } from './schemas.js';

/** Sends one add or remove batch to a custom audience and maps the answer to outcomes. */
export async function sendMetaBatch(
  context: ConnectorContext<MetaSettings, MetaCredentials>,
  batch: Batch<MetaAudienceSettings>,
): Promise<BatchResult> {
  const { schema, data, keys, skipped } = buildMetaPayload(batch.profiles);
  const sentKeys = [...new Set(keys)];
  if (sentKeys.length === 0) return { outcomes: skipped };
  const audienceId = batch.destination.customAudienceId;
  if (!audienceId) {
    const message = 'The audience connection has no customAudienceId; it was not created yet.';

    return {
      outcomes: [
        ...skipped,
        ...errorOutcomes(sentKeys, {
          category: 'other',
          retryable: false,
          partnerMessage: message,
        }),
      ],
    };
  }

  const client = new MetaGraphClient(context.http, context.settings, context.credentials);
  try {
    const response = await client.editUsers(audienceId, batch.operation, { schema, data });
    if (response.status === 200) {
      const body = parseJsonBody(response.text) as { num_invalid_entries?: number } | undefined;
      const status = batch.operation === 'add' ? 'added' : 'removed';
      const accepted = sentKeys.map((key): ProfileOutcome => ({ key, status }));

      return {
        outcomes: [...skipped, ...accepted],
        invalidEntries: body?.num_invalid_entries ?? 0,
      };
    }
    const classified = classifyMetaError(response.status, parseJsonBody(response.text));
    const retryAfterSeconds =
      parseRetryAfterSeconds(response.headers['retry-after']) ?? classified.retryDelaySeconds;

    return {
      outcomes: [
        ...skipped,
        ...errorOutcomes(sentKeys, {
          category: classified.category,
          retryable: classified.retryable,
          partnerCode: classified.partnerCode,
          partnerMessage: classified.partnerMessage,
          httpStatus: response.status,
          retryAfterSeconds,
        }),
      ],
    };
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      outcomes: [
        ...skipped,
        ...errorOutcomes(sentKeys, {
          category: error.kind === 'timeout' ? 'timeout' : 'other',
          retryable: error.kind !== 'destination_rejected',
          partnerMessage: error.message,
        }),
      ],
    };
  }
}

type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

function errorOutcomes(keys: string[], fields: ErrorFields): ProfileOutcome[] {
  return keys.map((key) => ({ key, status: 'error', ...fields }));
}
