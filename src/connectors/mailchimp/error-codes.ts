import type { ErrorCategory } from '../connector-type.js';

/** Activator's handling of one Mailchimp error code, with the guidance shown to the operator. */
export interface MailchimpErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /** Minimum wait before the retry, in seconds, when the usual backoff is too short. */
  retryDelaySeconds?: number;
  /**
   * True when Mailchimp rejects the whole request because of the data of some members, so
   * splitting the batch in halves can isolate them.
   */
  bisectable?: boolean;
}

/** Classification of one failed Mailchimp request or member. */
export interface MailchimpErrorClassification extends MailchimpErrorRule {
  /** The glossary name, such as `APIKeyInvalid`, or a member `error_code`. */
  partnerCode?: string;
  /** Mailchimp's `detail` (or member `error`) with addresses and keys replaced by `[redacted]`. */
  partnerMessage?: string;
}

/** Maximum length of a partner message kept in an outcome. */
export const MAX_PARTNER_MESSAGE_LENGTH = 500;

const RETRY_FIX = 'No action needed. Activator retries the request with backoff.';
const BUG_FIX = 'Report it as an Activator bug with this error sample.';
const NEW_KEY_FIX =
  'Create a new API key in Mailchimp under Profile, Extras, API keys, and update the connector credentials.';

/**
 * Rules by Mailchimp error code. Request errors carry an RFC 7807 problem body whose `title`,
 * without spaces, is the glossary name (`API Key Invalid` is `APIKeyInvalid`). The glossary
 * names and statuses are from https://mailchimp.com/developer/marketing/docs/errors/. Member
 * errors inside a 200 response carry `error_code`, which the Marketing API definition limits to
 * `ERROR_CONTACT_EXISTS` and `ERROR_GENERIC`.
 */
export const MAILCHIMP_ERROR_RULES: ReadonlyMap<string, MailchimpErrorRule> = new Map<
  string,
  MailchimpErrorRule
>([
  // 400: the request or its data was rejected. These are final.
  [
    'BadRequest',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Mailchimp could not process the request.',
      fix: 'Read the partner message. If it names a request field, report it as an Activator bug with this error sample.',
    },
  ],
  [
    'InvalidAction',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The requested action is not valid for this resource.',
      fix: BUG_FIX,
    },
  ],
  [
    'InvalidResource',
    {
      category: 'partner_error',
      retryable: false,
      bisectable: true,
      explanation: 'Mailchimp could not validate the submitted members.',
      fix: 'Read the partner message, which names the field. Activator splits the batch to isolate the members at fault.',
    },
  ],
  [
    'JSONParseError',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Mailchimp could not parse the request body as JSON.',
      fix: 'If baseUrl points at a proxy, check that it passes request bodies on unchanged. Otherwise report it as an Activator bug.',
    },
  ],

  // 401 and 403: the key or the account is rejected, and the engine pauses the connector.
  [
    'APIKeyMissing',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The request carried no API key.',
      fix: 'Enter the API key in the connector credentials. If baseUrl points at a proxy, check that it passes the Authorization header on.',
    },
  ],
  [
    'APIKeyInvalid',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation:
        'The API key is invalid or disabled, or the request went to another data center.',
      fix: NEW_KEY_FIX,
    },
  ],
  [
    'Forbidden',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The user of the API key may not access this resource.',
      fix: 'Use the API key of a Mailchimp user with access to the audience, and update the connector credentials.',
    },
  ],
  [
    'UserDisabled',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The Mailchimp account is disabled.',
      fix: 'Ask Mailchimp support to reactivate the account, then run the credential test.',
    },
  ],
  [
    'WrongDatacenter',
    {
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The API key belongs to another data center than the one the request went to.',
      fix: 'Check that the API key ends in its data center, such as -us6, and that baseUrl, if set, points at that data center.',
    },
  ],

  // Other 4xx errors are final.
  [
    'ResourceNotFound',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The audience does not exist, or the account of the API key cannot see it.',
      fix: 'Check the listId of the audience connection against the Audience ID in Mailchimp.',
    },
  ],
  [
    'MethodNotAllowed',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The resource does not support the HTTP method of the request.',
      fix: BUG_FIX,
    },
  ],
  [
    'ResourceNestingTooDeep',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The request path nests sub-resources too deeply.',
      fix: BUG_FIX,
    },
  ],
  [
    'InvalidMethodOverride',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'An X-HTTP-Method-Override header was sent with a method other than POST.',
      fix: 'If baseUrl points at a proxy, check that it adds no X-HTTP-Method-Override header. Otherwise report it as an Activator bug.',
    },
  ],
  [
    'RequestedFieldsInvalid',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The fields requested from the resource are invalid.',
      fix: BUG_FIX,
    },
  ],

  // Throttling and server faults are retried.
  [
    'TooManyRequests',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'The account exceeded the limit of 10 simultaneous connections to the API.',
      fix: 'No action needed. Activator retries later. If this recurs, lower maxConcurrentRequests, counting the other integrations of the account.',
    },
  ],
  [
    'InternalServerError',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Mailchimp reported an unexpected internal error.',
      fix: RETRY_FIX,
    },
  ],
  [
    'ComplianceRelated',
    {
      category: 'partner_error',
      retryable: true,
      // NOTE: an estimate. Mailchimp does not say how long a compliance hold lasts.
      retryDelaySeconds: 3_600,
      explanation:
        'Mailchimp disabled this method for the account, usually for a compliance review.',
      fix: 'Check the Mailchimp account for notices from its compliance team. Activator retries about once an hour.',
    },
  ],

  // Member errors of a 200 response, one per rejected address.
  [
    'ERROR_CONTACT_EXISTS',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'The address is already on the audience, and the request did not allow updates.',
      fix: 'Report it as an Activator bug with this error sample: the connector sends update_existing, which updates such members.',
    },
  ],
  [
    'ERROR_GENERIC',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Mailchimp rejected this member, for a reason given in the partner message.',
      fix: 'Read the partner message. A fake-looking or permanently deleted address cannot be added; correct the email of the profile if it is wrong.',
    },
  ],
]);

/** Rule for a code that is not in `MAILCHIMP_ERROR_RULES`, by the HTTP status it came with. */
function unknownCodeRule(httpStatus: number): MailchimpErrorRule {
  const retryable = httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599);

  return {
    category: 'partner_error',
    retryable,
    explanation: 'Mailchimp returned an error title that Activator does not know.',
    fix: retryable
      ? RETRY_FIX
      : "Read the partner message and look the title up in Mailchimp's error glossary.",
  };
}

/** Returns the rule for a code, or the rule for unknown codes at this HTTP status. */
export function findMailchimpErrorRule(code: string, httpStatus = 400): MailchimpErrorRule {
  return MAILCHIMP_ERROR_RULES.get(code) ?? unknownCodeRule(httpStatus);
}

/** Turns a problem `title` into the glossary name: `API Key Invalid` becomes `APIKeyInvalid`. */
export function codeFromTitle(title: string): string | undefined {
  const code = title.replace(/[^A-Za-z0-9]/g, '').slice(0, 64);

  return code === '' ? undefined : code;
}

/**
 * Classifies a failed Mailchimp request by the `title` of its problem body, or by the HTTP status
 * when there is no such body (a proxy page, an empty body). `body` may be the response text.
 */
export function classifyMailchimpError(
  httpStatus: number,
  body: unknown,
): MailchimpErrorClassification {
  const problem = readProblem(body);
  const code = problem?.title === undefined ? undefined : codeFromTitle(problem.title);
  if (code === undefined) return classifyByHttpStatus(httpStatus);

  const classification: MailchimpErrorClassification = {
    ...findMailchimpErrorRule(code, httpStatus),
    partnerCode: code,
  };
  const message = problem === undefined ? undefined : describeProblem(problem);
  if (message !== undefined) classification.partnerMessage = redactPartnerMessage(message);

  return classification;
}

/** Classifies one entry of the `errors` array of a 200 batch response. */
export function classifyMemberError(entry: {
  error?: unknown;
  error_code?: unknown;
}): MailchimpErrorClassification {
  // NOTE: the API definition lists error_code for every entry. An entry without one is taken as
  // the generic error, because Mailchimp labels reasons without a code of their own that way.
  const code =
    typeof entry.error_code === 'string' && /^[A-Z0-9_]{1,64}$/.test(entry.error_code)
      ? entry.error_code
      : 'ERROR_GENERIC';
  const classification: MailchimpErrorClassification = {
    ...findMailchimpErrorRule(code),
    partnerCode: code,
  };
  if (typeof entry.error === 'string' && entry.error !== '') {
    classification.partnerMessage = redactPartnerMessage(entry.error);
  }

  return classification;
}

interface ProblemBody {
  title?: string;
  detail?: string;
  /** Field errors of a validation failure: `{ field, message }`. */
  errors?: unknown[];
}

function readProblem(body: unknown): ProblemBody | undefined {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  if (!isRecord(parsed)) return undefined;

  const problem: ProblemBody = {};
  if (typeof parsed.title === 'string' && parsed.title.trim() !== '') problem.title = parsed.title;
  if (typeof parsed.detail === 'string' && parsed.detail !== '') problem.detail = parsed.detail;
  if (Array.isArray(parsed.errors)) problem.errors = parsed.errors;

  return problem;
}

/** Joins `detail` and the field errors, such as `...: members.0.status: invalid value`. */
function describeProblem(problem: ProblemBody): string | undefined {
  const fieldErrors = (problem.errors ?? [])
    .filter(isRecord)
    .map((error) => {
      const field = typeof error.field === 'string' ? error.field : '';
      const message = typeof error.message === 'string' ? error.message : '';

      return [field, message].filter(Boolean).join(': ');
    })
    .filter((text) => text !== '');
  const parts = [problem.detail, ...fieldErrors].filter((part) => part !== undefined);

  return parts.length === 0 ? undefined : parts.join(' ');
}

function classifyByHttpStatus(httpStatus: number): MailchimpErrorClassification {
  if (httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599)) {
    return {
      category: 'other',
      retryable: true,
      explanation: `Mailchimp responded with HTTP ${httpStatus} without a problem title.`,
      fix: RETRY_FIX,
    };
  }
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      category: 'invalid_credentials',
      retryable: false,
      explanation: `The request was rejected with HTTP ${httpStatus} without a problem title.`,
      fix: 'Check the API key in the connector credentials, and any proxy set as baseUrl.',
    };
  }

  return {
    category: 'other',
    retryable: false,
    explanation: `Mailchimp responded with HTTP ${httpStatus} without a problem title.`,
    fix: 'Check baseUrl in the connector settings. A proxy may have responded in place of Mailchimp.',
  };
}

const EMAIL_PATTERN = /[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g;
// A Marketing API key: 32 hex digits, a hyphen and the data center.
const API_KEY_PATTERN = /\b[0-9a-f]{32}-[a-z]{1,10}[0-9]{1,5}\b/gi;

/**
 * Replaces email addresses and API keys in a Mailchimp message with `[redacted]` and cuts it to
 * `MAX_PARTNER_MESSAGE_LENGTH` characters.
 */
export function redactPartnerMessage(message: string): string {
  const redacted = message
    .replace(API_KEY_PATTERN, '[redacted]')
    .replace(EMAIL_PATTERN, '[redacted]');
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
