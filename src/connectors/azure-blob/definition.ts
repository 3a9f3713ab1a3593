import { PartnerRequestError } from '../../net/partner-http-client.js';
import type { ConnectorContext, ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { AzureBlobClient, parseSasToken } from './client.js';
import { AZURE_ERROR_RULES, classifyAzureError } from './error-codes.js';
import {
  AZURE_BLOB_HOST_SUFFIX,
  azureBlobAudienceSettingsSchema,
  azureBlobCredentialsSchema,
  azureBlobSettingsSchema,
  defaultAccountUrl,
  type AzureBlobAudienceSettings,
  type AzureBlobCredentials,
  type AzureBlobSettings,
} from './schemas.js';
import { headerValue, sendAzureBlobBatch } from './sender.js';

/**
 * Azure Blob Storage: profiles written as NDJSON blobs to the operator's own container, for a
 * data platform to read. Every record contains personal data in plain text.
 */
export const azureBlob: ConnectorType<
  AzureBlobSettings,
  AzureBlobCredentials,
  AzureBlobAudienceSettings
> = {
  id: 'azure-blob',
  name: 'Azure Blob Storage (profile export)',
  kind: 'server-to-server',
  identifierTypes: ['externalId', 'email', 'phone', 'maid'],
  // NOTE: the real origin depends on settings.account, which a static default cannot express.
  // normalizeSettings always stores a baseUrl, so this value is used only for settings stored
  // without one.
  defaultBaseUrl: `https://blob.core.windows.net`,
  multipleConfigurations: true,
  settingsSchema: azureBlobSettingsSchema,
  credentialsSchema: azureBlobCredentialsSchema,
  audienceSettingsSchema: azureBlobAudienceSettingsSchema,
  // The container belongs to the operator, so the export needs no consent purpose. Each add
  // record carries the profile's consents for the consumer to apply.
  consent: { purposes: [], unknownAllowed: true },
  // Put Blob takes one request per batch. 5,000 records of about 300 bytes make a blob of
  // about 1.5 MB, far below the Put Blob limit.
  defaults: {
    timeoutMs: 30_000,
    maxBatchSize: 5_000,
    maxRequestsPerSecond: 10,
    maxConcurrentRequests: 4,
    maxAttempts: 8,
    maxRetryAgeHours: 24,
  },
  normalizeSettings: normalizeAzureBlobSettings,
  checkCredentials: checkAzureBlobCredentials,
  sendBatch: (context, batch) => sendAzureBlobBatch(context, batch),
  destinationKey: (settings) => settings.folder,
  explainError: (partnerCode) => {
    const rule = AZURE_ERROR_RULES.get(partnerCode);

    return rule === undefined ? undefined : { summary: rule.explanation, fix: rule.fix };
  },
};

/**
 * Stores `https://{account}.blob.core.windows.net` as `baseUrl` unless `baseUrl` points at
 * another host (a proxy, an emulator or the simulator). A `baseUrl` on `*.blob.core.windows.net`
 * is derived again, so that a changed `account` also changes the host.
 */
export function normalizeAzureBlobSettings(settings: AzureBlobSettings): AzureBlobSettings {
  const current = settings.baseUrl;
  const isAzureHost =
    current !== undefined && new URL(current).hostname.endsWith(AZURE_BLOB_HOST_SUFFIX);
  if (current !== undefined && !isAzureHost) return settings;

  return { ...settings, baseUrl: defaultAccountUrl(settings.account) };
}

/**
 * Reads the container's properties. With a SAS token that may create and write but not read,
 * Azure responds with `AuthorizationPermissionMismatch`, a permission check that follows a
 * successful authentication. That response passes the check, with a message that the container
 * was not read.
 */
async function checkAzureBlobCredentials(
  context: ConnectorContext<AzureBlobSettings, AzureBlobCredentials>,
): Promise<CredentialCheckResult> {
  const client = new AzureBlobClient(context.http, context.settings, context.credentials);
  const container = context.settings.container;
  try {
    const response = await client.getContainerProperties();
    if (response.status === 200) {
      return { ok: true, message: `Connected to container ${container}.` };
    }

    const classified = classifyAzureError(
      response.status,
      response.text,
      headerValue(response.headers['x-ms-error-code']),
    );
    if (
      classified.partnerCode === 'AuthorizationPermissionMismatch' &&
      sasMayWrite(context.credentials)
    ) {
      return {
        ok: true,
        message: `The SAS token is valid and allows create and write, but not reading container ${container}, so the container itself was not checked.`,
      };
    }

    const result: CredentialCheckResult = {
      ok: false,
      category: classified.category,
      message: [classified.partnerMessage ?? classified.explanation, classified.fix].join(' '),
    };
    if (classified.partnerCode !== undefined) result.partnerCode = classified.partnerCode;

    return result;
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      category: error.kind === 'timeout' ? 'timeout' : 'other',
      message: `The credential check failed: ${error.message}.`,
    };
  }
}

/** Returns whether the SAS token grants create or write (`c` or `w` in `sp`). */
function sasMayWrite(credentials: AzureBlobCredentials): boolean {
  if (credentials.sasToken === undefined) return false;
  const permissions = parseSasToken(credentials.sasToken).sp ?? '';

  return permissions.includes('c') || permissions.includes('w');
}
