import type { ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import { WebhookClient } from './client.js';
import { classifyWebhookResponse, findWebhookErrorRule } from './error-codes.js';
import { WEBHOOK_IDENTIFIER_TYPES, type WebhookTestBody } from './mapping.js';
import { sendWebhookBatch } from './sender.js';
import {
  WEBHOOK_MAX_BATCH_SIZE,
  WEBHOOK_PLACEHOLDER_ORIGIN,
  webhookAudienceSettingsSchema,
  webhookCredentialsSchema,
  webhookSettingsSchema,
  type WebhookAudienceSettings,
  type WebhookCredentials,
  type WebhookSettings,
} from './schemas.js';

/** Webhook: signed JSON batches of profile changes, POSTed to an endpoint of the operator. */
export const webhook: ConnectorType<WebhookSettings, WebhookCredentials, WebhookAudienceSettings> =
  {
    id: 'webhook',
    name: 'Webhook',
    kind: 'server-to-server',
    identifierTypes: [...WEBHOOK_IDENTIFIER_TYPES],
    defaultBaseUrl: WEBHOOK_PLACEHOLDER_ORIGIN,
    multipleConfigurations: true,
    settingsSchema: webhookSettingsSchema,
    credentialsSchema: webhookCredentialsSchema,
    audienceSettingsSchema: webhookAudienceSettingsSchema,
    // The endpoint is the operator's own system, so no purpose is required here. Each profile
    // carries its consents, for the endpoint to apply its own rules.
    consent: { purposes: [], unknownAllowed: true },
    // Activator's choices: an operator's endpoint has no published limits. The engine hands over
    // batches of up to 10,000 profiles, and the sender splits them by `batchSize`.
    defaults: {
      timeoutMs: 10_000,
      maxBatchSize: WEBHOOK_MAX_BATCH_SIZE,
      maxRequestsPerSecond: 5,
      maxConcurrentRequests: 2,
      maxAttempts: 8,
      maxRetryAgeHours: 24,
    },
    checkCredentials: ({ http, settings, credentials }) =>
      checkWebhookEndpoint(new WebhookClient(http, settings, credentials)),
    sendBatch: sendWebhookBatch,
    destinationKey: (settings) => settings.audience,
    explainError: (partnerCode) => {
      const rule = findWebhookErrorRule(partnerCode);

      return { summary: rule.explanation, fix: rule.fix };
    },
  };

/**
 * Sends a signed `test` request with no profiles. An endpoint that responds with 2xx is reachable
 * and accepts the signature. The protocol requires it to change nothing for this operation.
 */
async function checkWebhookEndpoint(client: WebhookClient): Promise<CredentialCheckResult> {
  const body: WebhookTestBody = {
    operation: 'test',
    sentAt: new Date().toISOString(),
    profiles: [],
  };
  try {
    const response = await client.post(body);
    if (response.status >= 200 && response.status <= 299) {
      return {
        ok: true,
        message: `The endpoint accepted a signed test request (HTTP ${response.status}).`,
      };
    }
    const classified = classifyWebhookResponse(response.status, parseJsonBody(response.text));

    return {
      ok: false,
      category: classified.category,
      partnerCode: classified.partnerCode,
      message: [classified.partnerMessage ?? classified.explanation, classified.fix].join(' '),
    };
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      category: error.kind === 'timeout' ? 'timeout' : 'other',
      message: `The credential check failed: ${error.message}.`,
    };
  }
}
