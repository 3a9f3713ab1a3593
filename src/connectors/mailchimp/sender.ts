import type { Batch, BatchResult, ConnectorContext, ProfileOutcome } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { readBatchResponse, type BatchRequestResult, type ErrorFields } from './batch-response.js';
import { MailchimpClient, type MailchimpBatchMember } from './client.js';
import { buildMailchimpMembers, chunkMembers } from './mapping.js';
import type {
  MailchimpAudienceSettings,
  MailchimpCredentials,
  MailchimpSettings,
} from './schemas.js';

/**
 * Subscribes (add) or unsubscribes (remove) the profiles of one batch on a Mailchimp audience and
 * maps the responses to outcomes.
 *
 * The members go out in requests of at most 500, one request after another, and every request is
 * sent even when an earlier one failed. A member listed in the `errors` of a 200 response gets
 * that member error; every other member of a successful request is `added` or `removed`.
 */
export async function sendMailchimpBatch(
  context: ConnectorContext<MailchimpSettings, MailchimpCredentials>,
  batch: Batch<MailchimpAudienceSettings>,
): Promise<BatchResult> {
  const { members, keysByEmail, skipped } = buildMailchimpMembers(batch.profiles, batch.operation);
  const client = new MailchimpClient(context.http, context.credentials);
  const status = batch.operation === 'add' ? 'added' : 'removed';
  const outcomes: ProfileOutcome[] = [...skipped];

  for (const chunk of chunkMembers(members)) {
    const result = await sendRequest(client, batch.destination.listId, chunk);
    for (const member of chunk) {
      const email = member.email_address;
      const error = result.ok ? result.memberErrors.get(email) : result.error;
      for (const key of keysByEmail.get(email) ?? []) {
        outcomes.push(error === undefined ? { key, status } : { key, status: 'error', ...error });
      }
    }
  }

  return { outcomes };
}

async function sendRequest(
  client: MailchimpClient,
  listId: string,
  members: MailchimpBatchMember[],
): Promise<BatchRequestResult> {
  try {
    const response = await client.batchSubscribeOrUnsubscribe(listId, members);

    return readBatchResponse(response);
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    const fields: ErrorFields = {
      category: error.kind === 'timeout' ? 'timeout' : 'other',
      retryable: error.kind !== 'destination_rejected',
      partnerMessage: error.message,
    };

    return { ok: false, error: fields };
  }
}
