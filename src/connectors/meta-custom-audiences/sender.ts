import type { BatchResult, ConnectorContext, Batch, ProfileOutcome } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { MetaGraphClient } from './client.js';
import { buildMetaPayload, type MetaSchemaKey } from './mapping.js';
import type { MetaAudienceSettings, MetaCredentials, MetaSettings } from './schemas.js';
import { splitUsersRequests } from './users-requests.js';
import { readUsersResponse, type ErrorFields, type UsersRequestResult } from './users-response.js';

/**
 * Sends one add or remove batch to a custom audience and maps Meta's responses to outcomes.
 *
 * The rows go out in requests of at most 10,000 rows, one request after another, and every
 * request is sent even when an earlier one failed. A profile is `added` or `removed` only when
 * every request with its rows succeeded, and otherwise gets the error of a failed request.
 * `invalidEntries` is the sum of Meta's `num_invalid_entries` over the successful requests.
 */
export async function sendMetaBatch(
  context: ConnectorContext<MetaSettings, MetaCredentials>,
  batch: Batch<MetaAudienceSettings>,
): Promise<BatchResult> {
  const { schema, data, keys, skipped } = buildMetaPayload(batch.profiles);
  const sentKeys = [...new Set(keys)];
  if (sentKeys.length === 0) return { outcomes: skipped };
  const audienceId = batch.destination.customAudienceId;
  if (!audienceId) {
    const message =
      'The audience connection has no customAudienceId because the audience was not created yet.';
    const error: ErrorFields = { category: 'other', retryable: false, partnerMessage: message };

    return { outcomes: [...skipped, ...sentKeys.map((key) => errorOutcome(key, error))] };
  }

  const client = new MetaGraphClient(context.http, context.settings, context.credentials);
  const errorsByKey = new Map<string, ErrorFields>();
  let invalidEntries = 0;
  for (const request of splitUsersRequests(data, keys)) {
    const result = await sendUsersRequest(
      client,
      audienceId,
      batch.operation,
      schema,
      request.data,
    );
    if (result.ok) {
      invalidEntries += result.invalidEntries;
      continue;
    }
    for (const key of request.keys) {
      errorsByKey.set(key, chooseError(errorsByKey.get(key), result.error));
    }
  }

  const status = batch.operation === 'add' ? 'added' : 'removed';
  const sentOutcomes = sentKeys.map((key): ProfileOutcome => {
    const error = errorsByKey.get(key);
    return error === undefined ? { key, status } : errorOutcome(key, error);
  });
  return { outcomes: [...skipped, ...sentOutcomes], invalidEntries };
}

async function sendUsersRequest(
  client: MetaGraphClient,
  audienceId: string,
  operation: 'add' | 'remove',
  schema: MetaSchemaKey[],
  data: string[][],
): Promise<UsersRequestResult> {
  try {
    const response = await client.editUsers(audienceId, operation, { schema, data });
    return readUsersResponse(response);
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
}

/**
 * Picks the error to report for a profile whose rows failed in two requests: the first one,
 * unless only the second is final, because a retry cannot succeed while any part fails for good.
 */
function chooseError(previous: ErrorFields | undefined, next: ErrorFields): ErrorFields {
  if (previous === undefined) return next;
  return previous.retryable && !next.retryable ? next : previous;
}

function errorOutcome(key: string, error: ErrorFields): ProfileOutcome {
  return { key, status: 'error', ...error };
}
