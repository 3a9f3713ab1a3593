import type { ErrorCategory, ProfileOutcome } from '../connector-type.js';

/** Activator's handling of one Google error code, with the guidance shown to the operator. */
export interface DataManagerErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /** Minimum wait before the retry, in seconds. */
  retryDelaySeconds?: number;
}

/** Fields of an error outcome, shared by every profile that a failed request or record affects. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

/**
 * Minimum wait after a `RESOURCE_EXHAUSTED` (HTTP 429) error, in seconds, as Google recommends
 * for its APIs (https://cloud.google.com/service-usage/docs/troubleshooting).
 */
export const GOOGLE_THROTTLE_DELAY_SECONDS = 30;

const RETRY_FIX = 'No action needed. Activator retries the request with backoff.';
const THROTTLE_FIX =
  'No action needed. Activator retries after at least 30 seconds. If this recurs, lower maxRequestsPerSecond, because every connector that uses the same Google Cloud project shares its quota of 300 requests per minute.';
const BUG_FIX = 'Report it as an Activator bug with this error sample.';
const EVENTS_ONLY_FIX =
  'This code belongs to event uploads, which Activator does not send. Report it as an Activator bug with this error sample.';
const NEW_REFRESH_TOKEN_FIX = `Create a new refresh token for the OAuth client with the scope https://www.googleapis.com/auth/datamanager and update the connector credentials.`;
const ACCESS_FIX =
  'Give the Google account of the refresh token access to the operating account, or set the login account (manager or partner) through which it has access.';
const PROJECT_FIX =
  'Check the Google Cloud project of the OAuth client in the Cloud console: the Data Manager API must be enabled and the project active.';
const RECORD_FIX =
  'Check the identifiers of the affected profiles. Activator normalizes and hashes them, so report a repeated case as an Activator bug.';

function rule(
  category: ErrorCategory,
  retryable: boolean,
  explanation: string,
  fix: string,
  retryDelaySeconds?: number,
): DataManagerErrorRule {
  return retryDelaySeconds === undefined
    ? { category, retryable, explanation, fix }
    : { category, retryable, explanation, fix, retryDelaySeconds };
}

/**
 * Values of the Data Manager `ErrorReason` enum (google/ads/datamanager/v1/error.proto), which
 * arrive as `ErrorInfo.reason` with the domain `datamanager.googleapis.com` or as a
 * `BadRequest` field violation reason.
 */
const ERROR_REASON_RULES: [string, DataManagerErrorRule][] = [
  [
    'ERROR_REASON_UNSPECIFIED',
    rule('partner_error', false, 'Google reported an error without a specific reason.', BUG_FIX),
  ],
  [
    'INTERNAL_ERROR',
    rule(
      'partner_error',
      true,
      'Google reported an internal error, which is usually temporary.',
      RETRY_FIX,
    ),
  ],
  [
    'DEADLINE_EXCEEDED',
    rule('partner_error', true, 'Google took too long to process the request.', RETRY_FIX),
  ],
  [
    'RESOURCE_EXHAUSTED',
    rule(
      'partner_error',
      true,
      'The Google Cloud project reached a Data Manager API quota (300 requests per minute or 100,000 per day).',
      THROTTLE_FIX,
      GOOGLE_THROTTLE_DELAY_SECONDS,
    ),
  ],
  [
    'NOT_FOUND',
    rule(
      'partner_error',
      false,
      'Google did not find the operating account or the user list.',
      'Check the account id in the connector settings and the userListId of the audience connection.',
    ),
  ],
  [
    'PERMISSION_DENIED',
    rule(
      'invalid_credentials',
      false,
      'The Google account of the refresh token has no access to the operating account or the user list.',
      ACCESS_FIX,
    ),
  ],
  [
    'INVALID_ARGUMENT',
    rule(
      'partner_error',
      false,
      'Google rejected a field of the request.',
      `Read the partner message. ${BUG_FIX}`,
    ),
  ],
  [
    'REQUIRED_FIELD_MISSING',
    rule('partner_error', false, 'The request lacks a required field.', BUG_FIX),
  ],
  ['INVALID_FORMAT', rule('partner_error', false, 'A value has an invalid format.', RECORD_FIX)],
  [
    'INVALID_HEX_ENCODING',
    rule('partner_error', false, 'A hashed value is not valid hex.', RECORD_FIX),
  ],
  [
    'INVALID_BASE64_ENCODING',
    rule('partner_error', false, 'A hashed value is not valid base64.', BUG_FIX),
  ],
  [
    'INVALID_SHA256_FORMAT',
    rule('partner_error', false, 'A hashed identifier is not a SHA-256 digest.', RECORD_FIX),
  ],
  ['INVALID_POSTAL_CODE', rule('partner_error', false, 'A postal code is invalid.', RECORD_FIX)],
  [
    'INVALID_COUNTRY_CODE',
    rule(
      'partner_error',
      false,
      'A country code is invalid. Google marks this reason as no longer used.',
      RECORD_FIX,
    ),
  ],
  [
    'INVALID_ENUM_VALUE',
    rule('partner_error', false, 'An enum value of the request cannot be used.', BUG_FIX),
  ],
  [
    'INVALID_USER_LIST_TYPE',
    rule(
      'partner_error',
      false,
      'The user list does not accept this kind of data, for example because it is not a Customer Match list of contact information.',
      'Connect a Customer Match audience that was created for contact information (email, phone, address).',
    ),
  ],
  [
    'INVALID_AUDIENCE_MEMBER',
    rule('partner_error', false, 'An audience member is invalid.', RECORD_FIX),
  ],
  [
    'TOO_MANY_AUDIENCE_MEMBERS',
    rule('partner_error', false, 'The request has more than 10,000 audience members.', BUG_FIX),
  ],
  [
    'TOO_MANY_USER_IDENTIFIERS',
    rule('partner_error', false, 'An audience member has more than 10 user identifiers.', BUG_FIX),
  ],
  [
    'TOO_MANY_DESTINATIONS',
    rule('partner_error', false, 'The request has more than 10 destinations.', BUG_FIX),
  ],
  [
    'INVALID_DESTINATION',
    rule(
      'partner_error',
      false,
      'Google rejected the destination: the account type, account id or user list do not fit together.',
      'Check the account ids in the connector settings and the userListId of the audience connection.',
    ),
  ],
  [
    'DATA_PARTNER_USER_LIST_MUTATE_NOT_ALLOWED',
    rule(
      'partner_error',
      false,
      'A data partner login account may not change a user list that the operating account owns.',
      'Remove the login account from the connector settings, or connect a user list that the login account may change.',
    ),
  ],
  [
    'INVALID_MOBILE_ID_FORMAT',
    rule('partner_error', false, 'A mobile device id is invalid.', BUG_FIX),
  ],
  [
    'INVALID_USER_LIST_ID',
    rule(
      'partner_error',
      false,
      'The user list id is not a valid user list of the operating account.',
      'Check the userListId of the audience connection against the audience in Google Ads or Display & Video 360.',
    ),
  ],
  [
    'MULTIPLE_DATA_TYPES_NOT_ALLOWED',
    rule('partner_error', false, 'The request mixes several kinds of member data.', BUG_FIX),
  ],
  [
    'DIFFERENT_LOGIN_ACCOUNTS_NOT_ALLOWED_FOR_DATA_PARTNER',
    rule(
      'partner_error',
      false,
      'The destinations of the request use different data partner login accounts.',
      BUG_FIX,
    ),
  ],
  [
    'TERMS_AND_CONDITIONS_NOT_SIGNED',
    rule(
      'partner_error',
      false,
      'The Customer Match terms of service are not accepted for the account.',
      'Accept the Customer Match terms in the Google Ads or Display & Video 360 account, then retry the failed activations.',
    ),
  ],
  [
    'INVALID_NUMBER_FORMAT',
    rule('partner_error', false, 'A number has an invalid format.', EVENTS_ONLY_FIX),
  ],
  [
    'INVALID_CONVERSION_ACTION_ID',
    rule('partner_error', false, 'A conversion action id is invalid.', EVENTS_ONLY_FIX),
  ],
  [
    'INVALID_CONVERSION_ACTION_TYPE',
    rule('partner_error', false, 'A conversion action type is invalid.', EVENTS_ONLY_FIX),
  ],
  [
    'INVALID_CURRENCY_CODE',
    rule('partner_error', false, 'A currency code is not supported.', EVENTS_ONLY_FIX),
  ],
  ['INVALID_EVENT', rule('partner_error', false, 'An event is invalid.', EVENTS_ONLY_FIX)],
  [
    'TOO_MANY_EVENTS',
    rule('partner_error', false, 'The request has more than 10,000 events.', EVENTS_ONLY_FIX),
  ],
  [
    'DESTINATION_ACCOUNT_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS',
    rule(
      'partner_error',
      false,
      'The account does not have enhanced conversions for leads enabled.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'DESTINATION_ACCOUNT_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS',
    rule(
      'partner_error',
      false,
      "Google's customer data policies do not allow enhanced conversions for the account.",
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED',
    rule(
      'partner_error',
      false,
      'The account has not accepted the enhanced conversions terms.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'DUPLICATE_DESTINATION_REFERENCE',
    rule(
      'partner_error',
      false,
      'Two destinations of the request have the same reference.',
      BUG_FIX,
    ),
  ],
  [
    'NO_IDENTIFIERS_PROVIDED',
    rule('partner_error', false, 'An event has no user or ad identifiers.', EVENTS_ONLY_FIX),
  ],
  [
    'INVALID_REQUEST_ID',
    rule(
      'partner_error',
      true,
      'Google does not know the request id of an earlier upload, so its result is unknown.',
      'No action needed. Activator sends the affected profiles again.',
    ),
  ],
];

/**
 * Reasons of the `googleapis.com` error domain (google/api/error_reason.proto), which Google's
 * API front end sends before the request reaches the Data Manager service.
 */
const PLATFORM_REASON_RULES: [string, DataManagerErrorRule][] = [
  [
    'ACCESS_TOKEN_EXPIRED',
    rule(
      'invalid_credentials',
      false,
      'Google rejected the access token as expired, also after Activator fetched a new one.',
      'Run the credential test. If it fails, create a new refresh token and update the connector credentials.',
    ),
  ],
  [
    'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
    rule(
      'invalid_credentials',
      false,
      'The access token lacks the Data Manager API scope.',
      NEW_REFRESH_TOKEN_FIX,
    ),
  ],
  [
    'ACCOUNT_STATE_INVALID',
    rule(
      'invalid_credentials',
      false,
      'The Google account of the refresh token is disabled or deleted.',
      'Create a refresh token with an active Google account and update the connector credentials.',
    ),
  ],
  [
    'SERVICE_DISABLED',
    rule(
      'invalid_credentials',
      false,
      'The Data Manager API is not enabled in the Google Cloud project of the OAuth client.',
      PROJECT_FIX,
    ),
  ],
  [
    'BILLING_DISABLED',
    rule(
      'invalid_credentials',
      false,
      'The billing account of the Google Cloud project of the OAuth client is disabled.',
      PROJECT_FIX,
    ),
  ],
  [
    'USER_PROJECT_DENIED',
    rule(
      'invalid_credentials',
      false,
      'The caller may not use the Google Cloud project of the OAuth client.',
      PROJECT_FIX,
    ),
  ],
  [
    'CONSUMER_SUSPENDED',
    rule(
      'invalid_credentials',
      false,
      'The Google Cloud project of the OAuth client is suspended.',
      PROJECT_FIX,
    ),
  ],
  [
    'CONSUMER_INVALID',
    rule(
      'invalid_credentials',
      false,
      'The Google Cloud project of the OAuth client is invalid or deleted.',
      PROJECT_FIX,
    ),
  ],
  [
    'SECURITY_POLICY_VIOLATED',
    rule(
      'invalid_credentials',
      false,
      'A VPC Service Controls policy of the Google Cloud project blocked the request.',
      PROJECT_FIX,
    ),
  ],
  [
    'RATE_LIMIT_EXCEEDED',
    rule(
      'partner_error',
      true,
      'The Google Cloud project reached its request rate quota.',
      THROTTLE_FIX,
      GOOGLE_THROTTLE_DELAY_SECONDS,
    ),
  ],
  [
    'RESOURCE_QUOTA_EXCEEDED',
    rule(
      'partner_error',
      true,
      'The Google Cloud project reached a resource quota.',
      THROTTLE_FIX,
      GOOGLE_THROTTLE_DELAY_SECONDS,
    ),
  ],
];

/**
 * Canonical `google.rpc.Code` names in `error.status`, used as the code when a response has no
 * `ErrorInfo`. `PERMISSION_DENIED`, `NOT_FOUND`, `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED` and
 * `DEADLINE_EXCEEDED` share the name and the rule of the `ErrorReason` above.
 */
const CANONICAL_STATUS_RULES: [string, DataManagerErrorRule][] = [
  [
    'UNAUTHENTICATED',
    rule(
      'invalid_credentials',
      false,
      'Google did not accept the access token, also after Activator fetched a new one.',
      'Run the credential test. If it fails, create a new refresh token and update the connector credentials.',
    ),
  ],
  [
    'INTERNAL',
    rule(
      'partner_error',
      true,
      'Google reported an internal error, which is usually temporary.',
      RETRY_FIX,
    ),
  ],
  [
    'UNAVAILABLE',
    rule('partner_error', true, 'The Google service is temporarily unavailable.', RETRY_FIX),
  ],
  ['UNKNOWN', rule('partner_error', true, 'Google reported an unknown server error.', RETRY_FIX)],
  [
    'ABORTED',
    rule('partner_error', true, 'Google aborted the request because of a conflict.', RETRY_FIX),
  ],
  [
    'FAILED_PRECONDITION',
    rule(
      'partner_error',
      false,
      'The account or user list is not in a state that allows this request.',
      'Read the partner message and check the account and the user list in Google Ads or Display & Video 360.',
    ),
  ],
  [
    'UNIMPLEMENTED',
    rule(
      'partner_error',
      false,
      'Google does not serve the requested method.',
      'Check baseUrl in the connector settings. A proxy may rewrite the path.',
    ),
  ],
];

/**
 * Values of `ProcessingErrorReason` (google/ads/datamanager/v1/processing_errors.proto). Google
 * reports them per destination in `requestStatus:retrieve`, as a count of failed records per
 * reason, never per record.
 */
const PROCESSING_REASON_RULES: [string, DataManagerErrorRule][] = [
  [
    'PROCESSING_ERROR_REASON_UNSPECIFIED',
    rule(
      'partner_error',
      false,
      'Google did not process some records and gave no reason.',
      BUG_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_CUSTOM_VARIABLE',
    rule('partner_error', false, 'A custom variable is invalid.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_CUSTOM_VARIABLE_NOT_ENABLED',
    rule('partner_error', false, 'A custom variable is not enabled.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_EVENT_TOO_OLD',
    rule('partner_error', false, 'A conversion is older than the maximum age.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_DENIED_CONSENT',
    rule(
      'partner_error',
      false,
      'Google dropped records because ad user data consent is denied, by the user or by the default of the account.',
      'Check the consent defaults of the Google account and the advertising consent of the affected profiles.',
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_NO_CONSENT',
    rule(
      'partner_error',
      false,
      'The advertiser has not given third-party consent for the Google Ads core platform services.',
      'Accept the required consent in the Google Ads or Display & Video 360 account settings.',
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_UNKNOWN_CONSENT',
    rule(
      'partner_error',
      false,
      'Google could not determine the consent of some users from the record, the request and the account settings.',
      'Record an explicit advertising consent for profiles of users in the EEA, or set consent defaults in the Google account.',
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_DUPLICATE_GCLID',
    rule(
      'partner_error',
      false,
      'A conversion with the same click id already exists.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID',
    rule(
      'partner_error',
      false,
      'A conversion with the same order id already exists.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_GBRAID',
    rule('partner_error', false, 'A gbraid could not be decoded.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_GCLID',
    rule('partner_error', false, 'A Google click id could not be decoded.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_MERCHANT_ID',
    rule(
      'partner_error',
      false,
      'A merchant id contains characters other than digits.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_WBRAID',
    rule('partner_error', false, 'A wbraid could not be decoded.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INTERNAL_ERROR',
    rule(
      'partner_error',
      true,
      'Google had an internal error while processing the upload.',
      RETRY_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED',
    rule(
      'partner_error',
      false,
      'The account has not accepted the enhanced conversions terms.',
      EVENTS_ONLY_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_EVENT',
    rule('partner_error', false, 'An event is invalid.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INSUFFICIENT_MATCHED_TRANSACTIONS',
    rule('partner_error', false, 'Too few transactions matched.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INSUFFICIENT_TRANSACTIONS',
    rule('partner_error', false, 'The upload has too few transactions.', EVENTS_ONLY_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_FORMAT',
    rule('partner_error', false, 'Google found a format error in some records.', RECORD_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_DECRYPTION_ERROR',
    rule('partner_error', false, 'Google could not decrypt a record.', BUG_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_DEK_DECRYPTION_ERROR',
    rule('partner_error', false, 'Google could not decrypt the data encryption key.', BUG_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_WIP',
    rule(
      'partner_error',
      false,
      'The workload identity pool is invalid or does not exist.',
      BUG_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_INVALID_KEK',
    rule('partner_error', false, 'The key encryption key is wrong or does not exist.', BUG_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_WIP_AUTH_FAILED',
    rule(
      'partner_error',
      false,
      'The attestation condition of the workload identity pool failed.',
      BUG_FIX,
    ),
  ],
  [
    'PROCESSING_ERROR_REASON_KEK_PERMISSION_DENIED',
    rule('partner_error', false, 'Google may not access the key encryption key.', BUG_FIX),
  ],
  [
    'PROCESSING_ERROR_REASON_USER_IDENTIFIER_DECRYPTION_ERROR',
    rule('partner_error', false, 'Google could not decrypt a user identifier.', BUG_FIX),
  ],
  [
    'PROCESSING_ERROR_OPERATING_ACCOUNT_MISMATCH_FOR_AD_IDENTIFIER',
    rule(
      'partner_error',
      false,
      "An ad identifier does not come from the operating account's ads.",
      EVENTS_ONLY_FIX,
    ),
  ],
];

/**
 * `error` codes of the OAuth 2.0 token endpoint (RFC 6749 section 5.2), returned when the
 * refresh token cannot be exchanged for an access token.
 */
const TOKEN_ERROR_RULES: [string, DataManagerErrorRule][] = [
  [
    'invalid_grant',
    rule(
      'invalid_credentials',
      false,
      'The refresh token is invalid, expired or revoked, or was issued to another OAuth client.',
      NEW_REFRESH_TOKEN_FIX,
    ),
  ],
  [
    'invalid_client',
    rule(
      'invalid_credentials',
      false,
      'Google does not know the OAuth client id, or the client secret is wrong.',
      'Copy the client id and client secret of the OAuth client from the Google Cloud console into the connector credentials.',
    ),
  ],
  [
    'unauthorized_client',
    rule(
      'invalid_credentials',
      false,
      'The OAuth client may not use refresh tokens.',
      'Use an OAuth client of type web application or desktop app, and create a refresh token for it.',
    ),
  ],
  [
    'invalid_scope',
    rule(
      'invalid_credentials',
      false,
      'The token endpoint rejected the scope.',
      NEW_REFRESH_TOKEN_FIX,
    ),
  ],
  [
    'invalid_request',
    rule(
      'partner_error',
      false,
      'The token endpoint rejected the token request as malformed.',
      `Check tokenUrl in the connector settings. ${BUG_FIX}`,
    ),
  ],
  [
    'unsupported_grant_type',
    rule(
      'partner_error',
      false,
      'The token endpoint does not support refresh tokens.',
      `Check tokenUrl in the connector settings; Google's endpoint is https://oauth2.googleapis.com/token.`,
    ),
  ],
];

/** Codes that Activator itself assigns to results of `requestStatus:retrieve`. */
const REQUEST_STATUS_RULES: [string, DataManagerErrorRule][] = [
  [
    'FAILED',
    rule(
      'partner_error',
      true,
      'Google reported the upload as FAILED without an error count per reason.',
      'No action needed. Activator sends the affected profiles again. If this recurs, check the user list in the Google account.',
    ),
  ],
];

/** A group of mapped codes, by where Google sends them. */
export interface DataManagerErrorGroup {
  /** Origin of the codes, as the connector pages name it. */
  source: string;
  rules: readonly [string, DataManagerErrorRule][];
}

export const DATA_MANAGER_ERROR_GROUPS: readonly DataManagerErrorGroup[] = [
  { source: 'Data Manager ErrorReason', rules: ERROR_REASON_RULES },
  { source: 'googleapis.com ErrorInfo reason', rules: PLATFORM_REASON_RULES },
  { source: 'google.rpc.Code in error.status', rules: CANONICAL_STATUS_RULES },
  { source: 'ProcessingErrorReason in the request status', rules: PROCESSING_REASON_RULES },
  { source: 'OAuth token endpoint error', rules: TOKEN_ERROR_RULES },
  { source: 'Request status without counts', rules: REQUEST_STATUS_RULES },
];

/** Every Google code that Activator maps, by the code as it appears in `partnerCode`. */
export const DATA_MANAGER_ERROR_RULES: ReadonlyMap<string, DataManagerErrorRule> = new Map(
  DATA_MANAGER_ERROR_GROUPS.flatMap((group) => group.rules),
);

const UNKNOWN_CODE_RULE: DataManagerErrorRule = {
  category: 'partner_error',
  retryable: false,
  explanation: 'Google returned an error code that Activator does not know.',
  fix: "Read the partner message and look the code up in Google's Data Manager API error reference.",
};

/** Returns the rule for a code. Unknown codes get a final `partner_error` rule. */
export function findDataManagerErrorRule(code: string): DataManagerErrorRule {
  return DATA_MANAGER_ERROR_RULES.get(code) ?? UNKNOWN_CODE_RULE;
}
