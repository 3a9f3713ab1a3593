import type { ErrorCategory } from '../connector-type.js';

/** Activator's handling of one Meta Graph API error code, with the guidance shown to the operator. */
export interface MetaErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /** Minimum wait before the retry, in seconds, when Meta's backoff is not enough. */
  retryDelaySeconds?: number;
  /**
   * True when Meta rejects the whole request because of the data in some rows, so splitting the
   * batch in halves can isolate the bad rows.
   */
  bisectable?: boolean;
}

/** Classification of one failed Meta request. */
export interface MetaErrorClassification extends MetaErrorRule {
  /** `error.code`, or `code/error_subcode` when Meta sent a subcode, such as `"100/33"`. */
  partnerCode?: string;
  /** Meta's `error.message` with access tokens, email addresses and hashes replaced by `[redacted]`. */
  partnerMessage?: string;
  /** Meta's `fbtrace_id`, which Meta support requests when an error is reported. */
  fbtraceId?: string;
}

const RETRY_FIX = 'No action needed. Activator retries the request with backoff.';
const RATE_LIMIT_FIX =
  'No action needed. Activator retries later. If this recurs, lower maxRequestsPerSecond on the connector.';
const NEW_TOKEN_FIX =
  'Generate a new access token for the system user and update the connector credentials.';
const PERMISSION_FIX =
  'Give the system user the ads_management permission and access to the ad account, then generate a new token.';

/**
 * Rules by Meta error code, or by `code/subcode` where the subcode changes the explanation.
 * `findMetaErrorRule` covers the codes 200-299 that are not listed here with a range check.
 */
export const META_ERROR_RULES: ReadonlyMap<string, MetaErrorRule> = new Map<string, MetaErrorRule>([
  // Credential and permission errors are final, and the engine pauses the connector.
  [
    '190',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The access token is invalid, expired or revoked.',
      fix: NEW_TOKEN_FIX,
    },
  ],
  [
    '190/460',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The access token was invalidated because its user changed their password.',
      fix: NEW_TOKEN_FIX,
    },
  ],
  [
    '190/463',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The access token has expired.',
      fix: 'Generate a new access token, preferably a system user token that does not expire, and update the connector credentials.',
    },
  ],
  [
    '102',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The API session has expired or is invalid.',
      fix: NEW_TOKEN_FIX,
    },
  ],
  [
    '10',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The app does not have permission for this action.',
      fix: PERMISSION_FIX,
    },
  ],
  [
    '200',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The access token lacks a permission that this request needs.',
      fix: PERMISSION_FIX,
    },
  ],
  [
    '294',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The access token lacks the ads_management permission.',
      fix: PERMISSION_FIX,
    },
  ],

  // Temporary faults and rate limits are retried.
  [
    '1',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Meta reported an unknown error, which is usually temporary.',
      fix: RETRY_FIX,
    },
  ],
  [
    '2',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The Meta service is temporarily unavailable.',
      fix: RETRY_FIX,
    },
  ],
  [
    '4',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The app reached its request limit.',
      fix: RATE_LIMIT_FIX,
    },
  ],
  [
    '17',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The user of the access token reached its request limit.',
      fix: RATE_LIMIT_FIX,
    },
  ],
  [
    '341',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The app reached a Meta application limit.',
      fix: RATE_LIMIT_FIX,
    },
  ],
  [
    '613',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The ad account made too many calls.',
      fix: RATE_LIMIT_FIX,
    },
  ],
  [
    '80003',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The ad account reached the custom audience rate limit.',
      fix: RATE_LIMIT_FIX,
    },
  ],
  [
    '5000',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Meta reported an unknown error (code 5000).',
      fix: RETRY_FIX,
    },
  ],
  [
    '368',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Meta temporarily blocked the account for policy reasons.',
      fix: 'Check the ad account and the app in Meta Business Suite for policy notices. Activator retries after about an hour.',
      // NOTE: Meta does not state how long the block lasts. One hour is an estimate.
      retryDelaySeconds: 3600,
    },
  ],

  // Request and configuration errors are final.
  [
    '3',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The app lacks the capability this request needs.',
      fix: 'Check in the Meta app dashboard that the app has Marketing API access.',
    },
  ],
  [
    '100',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Meta rejected a parameter of the request as invalid.',
      fix: 'Read the partner message. If it names a payload field, report it as an Activator bug with this error sample.',
      bisectable: true,
    },
  ],
  [
    '100/33',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The custom audience does not exist, or the system user cannot access it.',
      fix: 'Check the custom audience id and that the system user has access to the ad account.',
    },
  ],
  [
    '100/1713230',
    {
      category: 'partner_error',
      retryable: false,
      explanation:
        'Meta blocked uploads to this custom audience because of an integrity restriction.',
      fix: 'Check the audience status in Ads Manager, or connect a different audience.',
    },
  ],
  [
    '105',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The request has too many parameters.',
      fix: 'Report it as an Activator bug with this error sample.',
    },
  ],
  [
    '2650',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Meta failed to update the custom audience.',
      fix: 'Check the audience in Ads Manager. If it looks healthy, retry the failed activations later.',
      bisectable: true,
    },
  ],
  [
    '1487301',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The custom audience is not shared with this ad account.',
      fix: 'Share the audience with the ad account in Business Manager, or connect an audience that the ad account owns.',
    },
  ],
  [
    '1487366',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The custom audience has been deleted.',
      fix: 'Connect an existing audience, or set audienceName to have Activator create a new one.',
    },
  ],
]);

/**
 * Audience errors that may arrive as `error.code` or as `error_subcode` (Meta's Python Business
 * SDK lists 1487301 as a subcode). As a subcode they take precedence over the parent code's rule.
 */
const AUDIENCE_SUBCODES = new Set([1487301, 1487366]);

const PERMISSION_RANGE_RULE: MetaErrorRule = {
  category: 'invalid_credentials',
  retryable: false,
  explanation: 'The access token lacks a permission that this request needs (codes 200-299).',
  fix: PERMISSION_FIX,
};

const UNKNOWN_CODE_RULE: MetaErrorRule = {
  category: 'partner_error',
  retryable: false,
  explanation: 'Meta returned an error code that Activator does not know.',
  fix: "Read the partner message and look the code up in Meta's Marketing API error reference.",
};

/** Returns the rule for a Meta error code and optional subcode. Unknown codes get a final `partner_error` rule. */
export function findMetaErrorRule(code: number, subcode?: number): MetaErrorRule {
  if (subcode !== undefined) {
    const pairRule = META_ERROR_RULES.get(`${code}/${subcode}`);
    if (pairRule !== undefined) return pairRule;
    if (AUDIENCE_SUBCODES.has(subcode)) {
      const subcodeRule = META_ERROR_RULES.get(String(subcode));
      if (subcodeRule !== undefined) return subcodeRule;
    }
  }

  const codeRule = META_ERROR_RULES.get(String(code));
  if (codeRule !== undefined) return codeRule;
  if (code >= 200 && code <= 299) return PERMISSION_RANGE_RULE;
  return UNKNOWN_CODE_RULE;
}

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

/**
 * Classifies a failed Meta request by the Graph API error envelope
 * `{ error: { message, type, code, error_subcode, fbtrace_id } }` in `body`, which may be parsed
 * JSON or the raw response text.
 *
 * Meta's error code decides, not the HTTP status. Without an envelope the HTTP status decides.
 * 429 and 5xx are `other` and retried, 401 and 403 are `invalid_credentials`, and every other
 * status is `other` and final. See `redactPartnerMessage` for what is removed from Meta's message.
 */
export function classifyMetaError(httpStatus: number, body: unknown): MetaErrorClassification {
  const envelope = readGraphErrorEnvelope(body);
  if (envelope === undefined) return classifyByHttpStatus(httpStatus);

  const rule = findMetaErrorRule(envelope.code, envelope.subcode);
  const partnerCode =
    envelope.subcode === undefined ? String(envelope.code) : `${envelope.code}/${envelope.subcode}`;
  const classification: MetaErrorClassification = { ...rule, partnerCode };
  if (envelope.message !== undefined)
    classification.partnerMessage = redactPartnerMessage(envelope.message);
  if (envelope.fbtraceId !== undefined) classification.fbtraceId = envelope.fbtraceId;
  return classification;
}

interface GraphErrorEnvelope {
  code: number;
  subcode?: number;
  message?: string;
  fbtraceId?: string;
}

/** Reads the Graph API error envelope, or returns `undefined` when `body` has none with a numeric code. */
function readGraphErrorEnvelope(body: unknown): GraphErrorEnvelope | undefined {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;

  const error = parsed.error;
  const code = readInteger(error.code);
  if (code === undefined) return undefined;

  const envelope: GraphErrorEnvelope = { code };
  const subcode = readInteger(error.error_subcode);
  if (subcode !== undefined) envelope.subcode = subcode;
  if (typeof error.message === 'string' && error.message !== '') envelope.message = error.message;
  if (typeof error.fbtrace_id === 'string' && error.fbtrace_id !== '')
    envelope.fbtraceId = error.fbtrace_id;
  return envelope;
}

function classifyByHttpStatus(httpStatus: number): MetaErrorClassification {
  if (httpStatus === 429) {
    return {
      category: 'other',
      retryable: true,
      explanation: 'Meta responded with HTTP 429 (too many requests) without an error code.',
      fix: RATE_LIMIT_FIX,
    };
  }
  if (httpStatus >= 500 && httpStatus <= 599) {
    return {
      category: 'other',
      retryable: true,
      explanation: `Meta responded with HTTP ${httpStatus} without an error code.`,
      fix: RETRY_FIX,
    };
  }
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      category: 'invalid_credentials',
      retryable: false,
      explanation: `The request was rejected with HTTP ${httpStatus} without a Meta error code.`,
      fix: 'Check the access token in the connector credentials, and any proxy set as baseUrl.',
    };
  }
  return {
    category: 'other',
    retryable: false,
    explanation: `Meta responded with HTTP ${httpStatus} without a Graph API error body.`,
    fix: 'Check apiVersion and baseUrl in the connector settings. A proxy may have responded in place of Meta.',
  };
}

// Graph access tokens start with "EAA". Hex runs of 32 or more digits cover SHA-256 digests and
// appsecret_proof values. UUIDs cover plain-text mobile advertising ids.
const ACCESS_TOKEN_PATTERN = /\bEAA[A-Za-z0-9_-]{10,}/g;
const EMAIL_PATTERN = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g;
const LONG_HEX_PATTERN = /\b[0-9a-fA-F]{32,}\b/g;
const UUID_PATTERN =
  /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;

/**
 * Replaces access tokens, email addresses, long hex strings and UUIDs in a Meta message with
 * `[redacted]` and cuts it to `MAX_PARTNER_MESSAGE_LENGTH` characters.
 *
 * NOTE: plain EXTERN_ID values have no recognizable form, so an id that Meta echoes in a message
 * is not redacted.
 */
export function redactPartnerMessage(message: string): string {
  const redacted = message
    .replace(ACCESS_TOKEN_PATTERN, '[redacted]')
    .replace(EMAIL_PATTERN, '[redacted]')
    .replace(UUID_PATTERN, '[redacted]')
    .replace(LONG_HEX_PATTERN, '[redacted]');
  if (redacted.length <= MAX_PARTNER_MESSAGE_LENGTH) return redacted;
  return `${redacted.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a non-negative integer sent as a number or a digit string. */
function readInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}
