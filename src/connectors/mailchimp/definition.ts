import {
  DestinationError,
  type ConnectorType,
  type CredentialCheckResult,
} from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import { MailchimpClient } from './client.js';
import { classifyMailchimpError, findMailchimpErrorRule } from './error-codes.js';
import { MAILCHIMP_MAX_MEMBERS_PER_REQUEST } from './mapping.js';
import { sendMailchimpBatch } from './sender.js';
import {
  MAILCHIMP_PLACEHOLDER_ORIGIN,
  mailchimpApiOrigin,
  mailchimpAudienceSettingsSchema,
  mailchimpCredentialsSchema,
  mailchimpDataCenter,
  mailchimpSettingsSchema,
  type MailchimpAudienceSettings,
  type MailchimpCredentials,
  type MailchimpSettings,
} from './schemas.js';

/** The Mailchimp type, with the hook that derives the API origin from the key. */
export interface MailchimpConnectorType extends ConnectorType<
  MailchimpSettings,
  MailchimpCredentials,
  MailchimpAudienceSettings
> {
  /**
   * Returns the origin that requests go to when the connector sets no `baseUrl`:
   * `https://<dc>.api.mailchimp.com`, with the data center taken from the API key.
   */
  baseUrlFor(settings: MailchimpSettings, credentials: MailchimpCredentials): string | undefined;
}

/** Mailchimp: audience members subscribed and unsubscribed through the Marketing API. */
export const mailchimp: MailchimpConnectorType = {
  id: 'mailchimp',
  name: 'Mailchimp',
  kind: 'server-to-server',
  identifierTypes: ['email'],
  // NOTE: the engine builds the HTTP client from `baseUrl ?? defaultBaseUrl` and does not call
  // `baseUrlFor` yet. Until it does, a connector needs `baseUrl` set to its data center, such as
  // https://us6.api.mailchimp.com; without it, requests fail to resolve this placeholder host.
  defaultBaseUrl: MAILCHIMP_PLACEHOLDER_ORIGIN,
  multipleConfigurations: true,
  settingsSchema: mailchimpSettingsSchema,
  credentialsSchema: mailchimpCredentialsSchema,
  audienceSettingsSchema: mailchimpAudienceSettingsSchema,
  // A subscription sends marketing email, so only an explicit email grant is enough.
  consent: { purposes: ['email'], unknownAllowed: false },
  defaults: {
    // NOTE: an estimate. A 500-member request takes Mailchimp several seconds; no figure is published.
    timeoutMs: 10_000,
    maxBatchSize: MAILCHIMP_MAX_MEMBERS_PER_REQUEST,
    // Mailchimp limits an account to 10 simultaneous connections and publishes no per-second
    // limit, so 4 leaves room for the account's other integrations.
    maxRequestsPerSecond: 5,
    maxConcurrentRequests: 4,
    maxAttempts: 8,
    maxRetryAgeHours: 24,
  },
  baseUrlFor: (_settings, credentials) => mailchimpApiOrigin(credentials.apiKey),
  checkCredentials: ({ http, credentials }) =>
    checkMailchimpCredentials(new MailchimpClient(http, credentials), credentials),
  sendBatch: sendMailchimpBatch,
  destinationKey: (settings) => settings.listId,
  prepareDestination: ({ http, credentials }, settings) =>
    checkMailchimpList(new MailchimpClient(http, credentials), settings),
  explainError: (partnerCode) => {
    const rule = findMailchimpErrorRule(partnerCode);

    return { summary: rule.explanation, fix: rule.fix };
  },
};

async function checkMailchimpCredentials(
  client: MailchimpClient,
  credentials: MailchimpCredentials,
): Promise<CredentialCheckResult> {
  try {
    const response = await client.ping();
    if (response.status === 200) {
      const dataCenter = mailchimpDataCenter(credentials.apiKey) ?? 'unknown';

      return { ok: true, message: `Connected to Mailchimp data center ${dataCenter}.` };
    }
    const classified = classifyMailchimpError(response.status, parseJsonBody(response.text));

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

/** Reads the audience, so that a connection to a list id that does not exist is rejected. */
async function checkMailchimpList(
  client: MailchimpClient,
  settings: MailchimpAudienceSettings,
): Promise<MailchimpAudienceSettings> {
  const { listId } = settings;
  try {
    const response = await client.getList(listId);
    if (response.status === 200) return { listId };

    const classified = classifyMailchimpError(response.status, parseJsonBody(response.text));
    const reason = classified.partnerMessage ?? `HTTP ${response.status}`;
    throw new DestinationError(
      `Mailchimp did not return audience '${listId}': ${reason}. ${classified.fix}`,
      classified.category,
      classified.partnerCode,
    );
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;
    throw new DestinationError(
      `Mailchimp did not respond to the request for audience '${listId}': ${error.message}. Try again.`,
      error.kind === 'timeout' ? 'timeout' : 'other',
    );
  }
}
