import type { ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import { AccessTokenError, Cm360AccessTokens, type Cm360Context } from './access-token.js';
import { Cm360Client } from './client.js';
import {
  classifyRequestError,
  explainCm360Error,
  type Cm360ErrorClassification,
} from './error-codes.js';
import { sendCm360Batch } from './sender.js';
import {
  CM360_API_ORIGIN,
  DEFAULT_ORDINAL,
  DEFAULT_QUANTITY,
  DEFAULT_VALUE,
  cm360AudienceSettingsSchema,
  cm360CredentialsSchema,
  cm360SettingsSchema,
  type Cm360AudienceSettings,
  type Cm360Credentials,
  type Cm360Settings,
} from './schemas.js';

/** Campaign Manager 360 offline conversions, one per profile that reaches a journey step. */
export const googleCm360: ConnectorType<Cm360Settings, Cm360Credentials, Cm360AudienceSettings> = {
  id: 'google-cm360',
  name: 'Google Campaign Manager 360 conversions',
  kind: 'server-to-server',
  identifierTypes: ['encryptedUserId', 'externalId', 'maid'],
  defaultBaseUrl: CM360_API_ORIGIN,
  multipleConfigurations: true,
  settingsSchema: cm360SettingsSchema,
  credentialsSchema: cm360CredentialsSchema,
  audienceSettingsSchema: cm360AudienceSettingsSchema,
  // Conversions of the operator's own customers need no explicit grant, but a denial is honoured.
  consent: { purposes: ['advertising'], unknownAllowed: true },
  defaults: {
    // A timed-out insert may still count at CM360, and its retry may count twice, so the timeout
    // leaves room for a slow 1,000-conversion request. The 10 s are an estimate, not measured.
    timeoutMs: 10_000,
    // The CM360 conversions FAQ: at most 1,000 conversions per batchinsert request.
    maxBatchSize: 1_000,
    // The CM360 quota page: 1 query per second per Cloud project by default, at most 10 on request.
    maxRequestsPerSecond: 1,
    maxConcurrentRequests: 1,
    maxAttempts: 8,
    maxRetryAgeHours: 24,
  },
  checkCredentials: (context) => checkCm360Credentials(context),
  sendBatch: (context, batch) => sendCm360Batch(context, batch),
  destinationKey: (settings) =>
    [
      settings.floodlightActivityId,
      settings.quantity ?? DEFAULT_QUANTITY,
      settings.value ?? DEFAULT_VALUE,
      settings.ordinal ?? DEFAULT_ORDINAL,
    ].join('/'),
  explainError: explainCm360Error,
};

/** Reads the user profile of the settings with an access token from the refresh token. */
async function checkCm360Credentials(context: Cm360Context): Promise<CredentialCheckResult> {
  const client = new Cm360Client(context.http, context.settings, new Cm360AccessTokens(context));
  try {
    const response = await client.getUserProfile();
    if (response.status === 200) {
      const profile = parseJsonBody(response.text) as Record<string, unknown> | undefined;

      return { ok: true, message: describeUserProfile(profile, context.settings.profileId) };
    }

    return failedCheck(classifyRequestError(response.status, response.text));
  } catch (error) {
    if (error instanceof AccessTokenError) return failedCheck(error.classification);
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      category: error.kind === 'timeout' ? 'timeout' : 'other',
      message: `The credential check failed: ${error.message}.`,
    };
  }
}

function failedCheck(classified: Cm360ErrorClassification): CredentialCheckResult {
  return {
    ok: false,
    category: classified.category,
    partnerCode: classified.partnerCode,
    message: [classified.partnerMessage, classified.fix].filter(Boolean).join(' '),
  };
}

function describeUserProfile(profile: Record<string, unknown> | undefined, profileId: string) {
  const text = (field: string) => {
    const value = profile?.[field];

    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const account = text('accountName') ?? `account ${text('accountId') ?? 'unknown'}`;

  return `Connected to CM360 user profile ${text('userName') ?? profileId} (${profileId}) of ${account}.`;
}
