import type { ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import { MetaGraphClient } from './client.js';
import { classifyMetaError, findMetaErrorRule } from './error-codes.js';
import { sendMetaBatch } from './sender.js';
import { prepareMetaDestination } from './destination.js';
import {
  META_GRAPH_ORIGIN,
  metaAudienceSettingsSchema,
  metaCredentialsSchema,
  metaSettingsSchema,
  type MetaAudienceSettings,
  type MetaCredentials,
  type MetaSettings,
} from './schemas.js';

/** Meta Custom Audiences: customer-list audiences through the Marketing API. */
export const metaCustomAudiences: ConnectorType<
  MetaSettings,
  MetaCredentials,
  MetaAudienceSettings
> = {
  id: 'meta-custom-audiences',
  name: 'Meta Custom Audiences',
  kind: 'server-to-server',
  identifierTypes: ['email', 'phone', 'maid', 'externalId'],
  defaultBaseUrl: META_GRAPH_ORIGIN,
  multipleConfigurations: true,
  settingsSchema: metaSettingsSchema,
  credentialsSchema: metaCredentialsSchema,
  audienceSettingsSchema: metaAudienceSettingsSchema,
  // Customer lists of the operator's own customers need no explicit grant; a denial is honoured.
  consent: { purposes: ['advertising'], unknownAllowed: true },
  defaults: {
    timeoutMs: 3_000,
    maxBatchSize: 10_000,
    maxRequestsPerSecond: 10,
    maxConcurrentRequests: 4,
    maxAttempts: 8,
    maxRetryAgeHours: 24,
  },
  normalizeSettings: (settings) => ({
    ...settings,
    adAccountId: settings.adAccountId.replace(/^act_/, ''),
  }),
  checkCredentials: async ({ http, settings, credentials }) =>
    checkMetaCredentials(new MetaGraphClient(http, settings, credentials)),
  sendBatch: sendMetaBatch,
  destinationKey: (settings) => settings.customAudienceId ?? `name:${settings.audienceName ?? ''}`,
  prepareDestination: ({ http, settings, credentials }, audienceSettings) =>
    prepareMetaDestination(new MetaGraphClient(http, settings, credentials), audienceSettings),
  explainError: (partnerCode) => {
    const [code, subcode] = partnerCode.split('/').map(Number);
    if (code === undefined || Number.isNaN(code)) return undefined;
    const rule = findMetaErrorRule(code, subcode);

    return { summary: rule.explanation, fix: rule.fix };
  },
};

async function checkMetaCredentials(client: MetaGraphClient): Promise<CredentialCheckResult> {
  try {
    const response = await client.getAdAccount();
    if (response.status === 200) {
      const account = parseJsonBody(response.text) as { id?: string; name?: string } | undefined;

      return {
        ok: true,
        message: `Connected to ad account ${account?.name ?? ''} (${account?.id ?? 'unknown id'}).`,
      };
    }
    const classified = classifyMetaError(response.status, parseJsonBody(response.text));

    return {
      ok: false,
      category: classified.category,
      partnerCode: classified.partnerCode,
      message: [classified.partnerMessage, classified.fix].filter(Boolean).join(' '),
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
