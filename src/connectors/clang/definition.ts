import type { ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { ClangSoapClient } from './client.js';
import { CLANG_ERROR_RULES } from './error-codes.js';
import {
  CLANG_API_ORIGIN,
  clangAudienceSettingsSchema,
  clangCredentialsSchema,
  clangSettingsSchema,
  type ClangAudienceSettings,
  type ClangCredentials,
  type ClangSettings,
} from './schemas.js';
import { sendClangBatch } from './sender.js';
import { runSoapCall } from './soap-call.js';

/** Clang email marketing (E-Village): customers in Clang groups, through the SOAP API. */
export const clang: ConnectorType<ClangSettings, ClangCredentials, ClangAudienceSettings> = {
  id: 'clang',
  name: 'Clang',
  kind: 'server-to-server',
  identifierTypes: ['externalId', 'email', 'phone'],
  defaultBaseUrl: CLANG_API_ORIGIN,
  multipleConfigurations: true,
  settingsSchema: clangSettingsSchema,
  credentialsSchema: clangCredentialsSchema,
  audienceSettingsSchema: clangAudienceSettingsSchema,
  // Group members receive email campaigns, so an explicit email opt-in is required.
  consent: { purposes: ['email'], unknownAllowed: false },
  // NOTE: Clang documents no rate limit or batch size. 100 profiles of two or three calls each,
  // 5 profiles at a time, and 10 batches per second are estimates, not Clang's figures.
  defaults: {
    timeoutMs: 3_000,
    maxBatchSize: 100,
    maxRequestsPerSecond: 10,
    maxConcurrentRequests: 2,
    maxAttempts: 8,
    maxRetryAgeHours: 24,
  },
  checkCredentials: async ({ http, settings, credentials }) =>
    checkClangCredentials(new ClangSoapClient(http, settings, credentials)),
  sendBatch: sendClangBatch,
  destinationKey: (settings) => settings.groupId,
  // An unknown code returns undefined, so the error sample explains the outcome's category.
  // That matters for faults classified by their message, such as an invalid uuid.
  explainError: (partnerCode) => {
    const rule = CLANG_ERROR_RULES.get(partnerCode);

    return rule === undefined ? undefined : { summary: rule.explanation, fix: rule.fix };
  },
};

/** Counts the account's customers, which needs only a valid uuid. */
async function checkClangCredentials(client: ClangSoapClient): Promise<CredentialCheckResult> {
  const result = await runSoapCall(() => client.getTotalNumberOfCustomers());
  if (result.ok) {
    const count = result.msg?.text.trim() ?? 'an unknown number of';

    return { ok: true, message: `Connected to Clang. The account has ${count} customers.` };
  }

  const { error } = result;
  const checkResult: CredentialCheckResult = {
    ok: false,
    category: error.category,
    message: `The credential check failed: ${error.partnerMessage ?? 'no message'}`,
  };
  if (error.partnerCode !== undefined) checkResult.partnerCode = error.partnerCode;

  return checkResult;
}
