import type { ConnectorContext, ConnectorType, CredentialCheckResult } from '../connector-type.js';
import { PartnerRequestError } from '../../net/partner-http-client.js';
import { readMember } from './api-response.js';
import { findXandrErrorRule, XANDR_ERROR_RULES } from './error-codes.js';
import { checkXandrConfirmation, sendXandrBatch, sessionOf } from './sender.js';
import {
  XANDR_API_ORIGIN,
  xandrAudienceSettingsSchema,
  xandrCredentialsSchema,
  xandrSettingsSchema,
  type XandrAudienceSettings,
  type XandrCredentials,
  type XandrSettings,
} from './schemas.js';

/** Microsoft Invest (Xandr) segment membership through the Batch Segment Service. */
export const xandrSegments: ConnectorType<XandrSettings, XandrCredentials, XandrAudienceSettings> =
  {
    id: 'xandr',
    name: 'Microsoft Invest (Xandr) segments',
    kind: 'server-to-server',
    identifierTypes: ['xandrUid'],
    defaultBaseUrl: XANDR_API_ORIGIN,
    multipleConfigurations: true,
    settingsSchema: xandrSettingsSchema,
    credentialsSchema: xandrCredentialsSchema,
    audienceSettingsSchema: xandrAudienceSettingsSchema,
    // A Xandr user id comes from a cookie sync in the user's browser, where the site collects
    // consent for it, so an unknown consent is accepted. A denial is honoured.
    consent: { purposes: ['advertising'], unknownAllowed: true },
    defaults: {
      // An upload of 50,000 lines is about 1.8 MB before gzip.
      timeoutMs: 30_000,
      // Xandr prefers few large files, and 50,000 lines keep one claim and one ledger update small.
      maxBatchSize: 50_000,
      // Xandr recommends at most one upload a minute, and one upload at a time per member.
      maxRequestsPerSecond: 1 / 60,
      maxConcurrentRequests: 1,
      maxAttempts: 8,
      // Xandr's SLA allows 24 hours to process a job, so the engine waits longer than that.
      maxRetryAgeHours: 48,
    },
    checkCredentials: checkXandrCredentials,
    sendBatch: sendXandrBatch,
    checkConfirmation: checkXandrConfirmation,
    destinationKey: (settings) => String(settings.segmentId),
    explainError: (partnerCode) => {
      if (!XANDR_ERROR_RULES.has(partnerCode)) return undefined;
      const rule = findXandrErrorRule(partnerCode);

      return { summary: rule.explanation, fix: rule.fix };
    },
  };

/** Logs in (or reuses the session) and reads the member with `GET /member?id=`. */
async function checkXandrCredentials(
  context: ConnectorContext<XandrSettings, XandrCredentials>,
): Promise<CredentialCheckResult> {
  const { session, client } = sessionOf(context);
  const memberId = context.settings.memberId;
  try {
    const response = await session.send((token) => client.getMember(token, memberId));
    const member = readMember(response);
    if (member.ok) {
      return {
        ok: true,
        message: `Logged in as ${context.credentials.username}; member ${member.value.name} (${member.value.id}).`,
      };
    }

    const { error } = member;
    const fix = error.partnerCode ? findXandrErrorRule(error.partnerCode).fix : undefined;
    const result: CredentialCheckResult = {
      ok: false,
      category: error.category,
      message: [error.partnerMessage, fix].filter(Boolean).join(' '),
    };
    if (error.partnerCode !== undefined) result.partnerCode = error.partnerCode;

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
