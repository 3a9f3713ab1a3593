import type { TObject } from 'typebox';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import type { ConnectorContext, ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { TokenExchangeError } from './access-token.js';
import { createAccessTokenSource, DataManagerClient } from './client.js';
import { DATA_MANAGER_ERROR_RULES } from './error-codes.js';
import { MAX_MEMBERS_PER_REQUEST } from './mapping.js';
import {
  DATA_MANAGER_ORIGIN,
  dataManagerAudienceSettingsSchema,
  dataManagerCredentialsSchema,
  type DataManagerAccounts,
  type DataManagerAudienceSettings,
  type DataManagerCommonSettings,
  type DataManagerCredentials,
} from './schemas.js';
import { checkDataManagerConfirmation, sendDataManagerBatch } from './sender.js';
import { classifyGoogleErrorResponse } from './status-error.js';

/** Catalog fields and accounts that distinguish one Data Manager type from another. */
export interface DataManagerTypeOptions<Settings extends DataManagerCommonSettings> {
  id: string;
  name: string;
  settingsSchema: TObject;
  /** Returns the operating account and the optional login account that the settings name. */
  accountsOf(settings: Settings): DataManagerAccounts;
  normalizeSettings?(settings: Settings): Settings;
}

/**
 * Builds a connector type that sends Customer Match members through Google's Data Manager API.
 * DV360 and Google Ads differ only in the account type and the settings that name the accounts.
 */
export function createDataManagerType<Settings extends DataManagerCommonSettings>(
  options: DataManagerTypeOptions<Settings>,
): ConnectorType<Settings, DataManagerCredentials, DataManagerAudienceSettings> {
  const type: ConnectorType<Settings, DataManagerCredentials, DataManagerAudienceSettings> = {
    id: options.id,
    name: options.name,
    kind: 'server-to-server',
    identifierTypes: ['email', 'phone'],
    defaultBaseUrl: DATA_MANAGER_ORIGIN,
    // One connector per advertiser, customer or brand.
    multipleConfigurations: true,
    settingsSchema: options.settingsSchema,
    credentialsSchema: dataManagerCredentialsSchema,
    audienceSettingsSchema: dataManagerAudienceSettingsSchema,
    // Customer Match lists hold the operator's own customers, so an unknown consent is sent as
    // unspecified, and Google applies the account's consent settings. For users in the EEA,
    // Google uses a member only when both consent purposes are granted.
    consent: { purposes: ['advertising'], unknownAllowed: true },
    defaults: {
      // NOTE: an estimate. An ingest of 10,000 members is one to a few MB of JSON, and Google
      // publishes no response time.
      timeoutMs: 10_000,
      maxBatchSize: MAX_MEMBERS_PER_REQUEST,
      // The IngestionService allows 300 write requests per minute per Google Cloud project.
      maxRequestsPerSecond: 5,
      maxConcurrentRequests: 4,
      maxAttempts: 8,
      maxRetryAgeHours: 24,
    },
    checkCredentials: (context) =>
      checkDataManagerCredentials(context, options.accountsOf(normalize(context.settings))),
    destinationKey: (settings) => settings.userListId,
    sendBatch: (context, batch) =>
      sendDataManagerBatch(context, batch, options.accountsOf(normalize(context.settings))),
    checkConfirmation: (context, confirmation, batch) =>
      checkDataManagerConfirmation(context, confirmation, batch),
    explainError: (partnerCode) => {
      const rule = DATA_MANAGER_ERROR_RULES.get(partnerCode);

      return rule === undefined ? undefined : { summary: rule.explanation, fix: rule.fix };
    },
  };
  if (options.normalizeSettings !== undefined) type.normalizeSettings = options.normalizeSettings;

  return type;

  function normalize(settings: Settings): Settings {
    return options.normalizeSettings === undefined ? settings : options.normalizeSettings(settings);
  }
}

/**
 * Exchanges the refresh token for a new access token, then lists one user list of the operating
 * account. That read-only call proves both the token and the access to the account.
 */
export async function checkDataManagerCredentials(
  context: ConnectorContext<DataManagerCommonSettings, DataManagerCredentials>,
  accounts: DataManagerAccounts,
): Promise<CredentialCheckResult> {
  const tokens = createAccessTokenSource(context);
  tokens.reset();
  const client = new DataManagerClient(context.http, tokens);
  const { accountType, accountId } = accounts.operatingAccount;

  try {
    await tokens.get();
    const response = await client.listUserLists(accounts, 1);
    if (response.status >= 200 && response.status <= 299) {
      return {
        ok: true,
        message: `The refresh token works, and the Data Manager API lists the user lists of ${accountType} account ${accountId}.`,
      };
    }

    const error = classifyGoogleErrorResponse(response);
    const fix =
      error.partnerCode === undefined
        ? undefined
        : DATA_MANAGER_ERROR_RULES.get(error.partnerCode)?.fix;

    return {
      ok: false,
      category: error.category,
      partnerCode: error.partnerCode,
      message: [error.partnerMessage, fix].filter(Boolean).join(' '),
    };
  } catch (error) {
    if (error instanceof TokenExchangeError) {
      const { fields } = error;
      const fix =
        fields.partnerCode === undefined
          ? undefined
          : DATA_MANAGER_ERROR_RULES.get(fields.partnerCode)?.fix;

      return {
        ok: false,
        category: fields.category,
        partnerCode: fields.partnerCode,
        message: [fields.partnerMessage, fix].filter(Boolean).join(' '),
      };
    }
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      category: error.kind === 'timeout' ? 'timeout' : 'other',
      message: `The credential check failed: ${error.message}.`,
    };
  }
}
