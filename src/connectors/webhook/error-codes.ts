import type { ErrorCategory } from '../connector-type.js';

/** Activator's handling of one webhook error code, with the guidance shown to the operator. */
export interface WebhookErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /**
   * True when the endpoint rejects the whole request because of some of its profiles, or
   * because of its size, so splitting the batch in halves can get the rest through.
   */
  bisectable?: boolean;
}

/** Classification of one failed request. */
export interface WebhookErrorClassification extends WebhookErrorRule {
  /** `http_<status>` for a refused request; absent for 429, 5xx and other statuses. */
  partnerCode?: string;
  /** `code` and `message` of a JSON error body, when the endpoint sent one. */
  partnerMessage?: string;
}

const ENDPOINT_FIX =
  'Check the endpoint logs for this request, and the endpoint URL in the connector settings.';
const SECRET_FIX =
  'Make the signing secret in the connector credentials equal to the one the endpoint checks, then run the credential test.';

/**
 * Rules for the codes of a refused request, `http_<status>`. A 401 or 403 pauses the connector;
 * other 4xx statuses fail the profiles of the request. 429 and 5xx have no code: they are
 * `other` errors that are retried.
 */
export const WEBHOOK_ERROR_RULES: ReadonlyMap<string, WebhookErrorRule> = new Map<
  string,
  WebhookErrorRule
>([
  [
    'http_401',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The endpoint rejected the signature, or the request is not authenticated.',
      fix: SECRET_FIX,
    },
  ],
  [
    'http_403',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The endpoint refused the request.',
      fix: SECRET_FIX,
    },
  ],
  [
    'http_400',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint rejected the request as malformed.',
      fix: "Compare the request body with the endpoint's expectations, using the partner message.",
    },
  ],
  [
    'http_404',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint URL, or the audience label it names, was not found.',
      fix: 'Check baseUrl in the connector settings and the audience label of the connection.',
    },
  ],
  [
    'http_405',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint does not accept POST requests.',
      fix: 'Set baseUrl to the URL that receives the POST requests.',
    },
  ],
  [
    'http_408',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The endpoint timed out while it read the request.',
      fix: 'No action needed. Activator retries the request with backoff.',
    },
  ],
  [
    'http_409',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint reported a conflict with its current state.',
      fix: ENDPOINT_FIX,
    },
  ],
  [
    'http_410',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint is gone.',
      fix: 'Set baseUrl to the current endpoint URL, or deactivate the connector.',
    },
  ],
  [
    'http_413',
    {
      category: 'partner_error',
      retryable: false,
      bisectable: true,
      explanation: 'The request body is larger than the endpoint accepts.',
      fix: 'Lower batchSize in the connector settings. Activator splits the batch meanwhile.',
    },
  ],
  [
    'http_415',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The endpoint does not accept application/json bodies.',
      fix: 'Make the endpoint accept application/json request bodies.',
    },
  ],
  [
    'http_422',
    {
      category: 'partner_error',
      retryable: false,
      bisectable: true,
      explanation: 'The endpoint rejected the request because of some of its profiles.',
      fix: 'Read the partner message. Activator splits the batch to isolate the profiles at fault.',
    },
  ],
]);

/** Rule for a 4xx code without a rule of its own, such as `http_418`. */
const OTHER_CLIENT_ERROR_RULE: WebhookErrorRule = {
  category: 'partner_error',
  retryable: false,
  explanation: 'The endpoint refused the request with a client error status.',
  fix: ENDPOINT_FIX,
};

/** Rule for a code that the endpoint gives a profile in the `rejected` array of a 2xx response. */
export const REJECTED_PROFILE_RULE: WebhookErrorRule = {
  category: 'partner_error',
  retryable: false,
  explanation: 'The endpoint accepted the request but rejected this profile with its own code.',
  fix: 'Read the partner message, and the endpoint documentation for this code.',
};

/** Returns the rule for a refused request's code, or the rule for a profile rejection code. */
export function findWebhookErrorRule(code: string): WebhookErrorRule {
  const rule = WEBHOOK_ERROR_RULES.get(code);
  if (rule !== undefined) return rule;

  return /^http_4\d\d$/.test(code) ? OTHER_CLIENT_ERROR_RULE : REJECTED_PROFILE_RULE;
}

/**
 * Classifies a response with a status outside 2xx. 401 and 403 are `invalid_credentials`, other
 * 4xx statuses `partner_error` under `http_<status>`. 429 and 5xx are `other` and retried, and
 * redirects are `other` and final, because the HTTP client does not follow them.
 */
export function classifyWebhookResponse(
  httpStatus: number,
  body: unknown,
): WebhookErrorClassification {
  const message = readErrorMessage(body);
  const classification = classifyStatus(httpStatus);
  if (message !== undefined) classification.partnerMessage = message;

  return classification;
}

function classifyStatus(httpStatus: number): WebhookErrorClassification {
  if (httpStatus === 429) {
    return {
      category: 'other',
      retryable: true,
      explanation: 'The endpoint is throttling requests (HTTP 429).',
      fix: 'No action needed. Activator retries later. If this recurs, lower maxRequestsPerSecond on the connector.',
    };
  }
  if (httpStatus >= 500 && httpStatus <= 599) {
    return {
      category: 'other',
      retryable: true,
      explanation: `The endpoint failed with HTTP ${httpStatus}.`,
      fix: 'No action needed. Activator retries the request with backoff.',
    };
  }
  if (httpStatus >= 400 && httpStatus <= 499) {
    const partnerCode = `http_${httpStatus}`;

    return { ...findWebhookErrorRule(partnerCode), partnerCode };
  }
  if (httpStatus >= 300 && httpStatus <= 399) {
    return {
      category: 'other',
      retryable: false,
      explanation: `The endpoint redirected the request (HTTP ${httpStatus}), and redirects are not followed.`,
      fix: 'Set baseUrl to the final URL of the endpoint.',
    };
  }

  return {
    category: 'other',
    retryable: false,
    explanation: `The endpoint responded with the unexpected HTTP status ${httpStatus}.`,
    fix: ENDPOINT_FIX,
  };
}

/** Maximum length of a message taken from an error body. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * Reads `code` and `message` from a JSON error body, such as `{ "code": "invalid_signature",
 * "message": "..." }`, or from an `error` object that contains them. Returns undefined for any other
 * body, so HTML error pages do not end up in error samples.
 */
function readErrorMessage(body: unknown): string | undefined {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  if (!isRecord(parsed)) return undefined;

  const source = isRecord(parsed.error) ? parsed.error : parsed;
  const code = typeof source.code === 'string' ? source.code : undefined;
  const message =
    typeof source.message === 'string'
      ? source.message
      : typeof parsed.error === 'string'
        ? parsed.error
        : undefined;
  const text = [code, message].filter((part) => part !== undefined && part !== '').join(': ');

  return text === '' ? undefined : text.slice(0, MAX_MESSAGE_LENGTH);
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
