import type { Batch, BatchResult, ConnectorContext, ProfileOutcome } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { WebhookClient } from './client.js';
import {
  readDeliveryResponse,
  type DeliveryResult,
  type ErrorFields,
} from './delivery-response.js';
import {
  buildDeliveryBody,
  splitIntoRequests,
  toWebhookProfile,
  type WebhookDeliveryBody,
} from './mapping.js';
import {
  WEBHOOK_DEFAULT_BATCH_SIZE,
  type WebhookAudienceSettings,
  type WebhookCredentials,
  type WebhookSettings,
} from './schemas.js';

/**
 * POSTs one add or remove batch to the endpoint and maps the responses to outcomes.
 *
 * The profiles go out in requests of at most `batchSize`, one request after another, and every
 * request is sent even when an earlier one failed. Each request is signed on its own, with the
 * time it was sent.
 */
export async function sendWebhookBatch(
  context: ConnectorContext<WebhookSettings, WebhookCredentials>,
  batch: Batch<WebhookAudienceSettings>,
): Promise<BatchResult> {
  const client = new WebhookClient(context.http, context.settings, context.credentials);
  const batchSize = context.settings.batchSize ?? WEBHOOK_DEFAULT_BATCH_SIZE;
  const status = batch.operation === 'add' ? 'added' : 'removed';
  const outcomes: ProfileOutcome[] = [];

  for (const profiles of splitIntoRequests(batch.profiles.map(toWebhookProfile), batchSize)) {
    const body = buildDeliveryBody(batch.operation, batch.destination, profiles);
    const result = await sendRequest(client, body);
    for (const { id: key } of profiles) {
      const error = result.ok ? result.rejections.get(key) : result.error;
      outcomes.push(error === undefined ? { key, status } : { key, status: 'error', ...error });
    }
  }

  return { outcomes };
}

async function sendRequest(
  client: WebhookClient,
  body: WebhookDeliveryBody,
): Promise<DeliveryResult> {
  try {
    return readDeliveryResponse(await client.post(body));
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
