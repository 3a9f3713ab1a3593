import type { ErrorCategory } from '../connector-type.js';

/** Outcome rule of a Clang fault code or result code. */
export interface ClangErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  explanation: string;
  fix: string;
}

/** A classified Clang error, with the code and message to report. */
export interface ClangErrorClassification extends ClangErrorRule {
  partnerCode?: string;
  partnerMessage?: string;
}

/** Fault code of `group_addMember` for a customer that is already a member; counted as success. */
export const ALREADY_MEMBER_FAULT_CODE = '107';

const RETRY_FIX = 'No action needed. Activator retries the call with backoff.';
const REPORT_FIX = 'Report it as an Activator bug with this error sample.';
const UUID_FIX =
  'Ask Clang support for a valid API token (uuid) for this account and update the connector credentials.';

/**
 * Clang fault codes and the SOAP 1.1 standard fault codes, mapped to outcomes. Clang documents
 * no list of codes. 105, 107 and 213 come from the node-clang client
 * (https://github.com/devotis/node-clang, lib/clang.js). SOAP 1.1 defines the codes
 * VersionMismatch, MustUnderstand, Client and Server.
 */
export const CLANG_ERROR_RULES: ReadonlyMap<string, ClangErrorRule> = new Map([
  [
    '105',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Clang rejected a page size outside 1 to 50.',
      fix: REPORT_FIX,
    },
  ],
  [
    '107',
    {
      category: 'partner_error',
      retryable: false,
      explanation:
        'The customer is already a member of the group. A group_addMember call counts this as success.',
      fix: 'No action needed.',
    },
  ],
  [
    '213',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Clang found no customer with the id in the call.',
      fix: 'Retry the activation. Activator looks the customer up again, so a customer deleted in Clang is created anew.',
    },
  ],
  [
    'Server',
    {
      category: 'partner_error',
      retryable: true,
      explanation: 'Clang failed to process the call (SOAP Server fault).',
      fix: RETRY_FIX,
    },
  ],
  [
    'Client',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Clang rejected the call as malformed (SOAP Client fault).',
      fix: 'Check apiVersion in the connector settings. If it is right, report the fault as an Activator bug with this error sample.',
    },
  ],
  [
    'VersionMismatch',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Clang does not accept the SOAP envelope version of the call.',
      fix: REPORT_FIX,
    },
  ],
  [
    'MustUnderstand',
    {
      category: 'partner_error',
      retryable: false,
      explanation: 'Clang does not understand a SOAP header that the call marks as mandatory.',
      fix: REPORT_FIX,
    },
  ],
]);

/**
 * Rule for a fault whose message names the uuid, whatever its code.
 *
 * NOTE: Clang does not document the fault code for an unknown or revoked uuid, so it is
 * recognized by its message. A fault that does not mention the uuid is a `partner_error`.
 */
export const INVALID_UUID_RULE: ClangErrorRule = {
  category: 'invalid_credentials',
  retryable: false,
  explanation: 'Clang rejected the API token (uuid).',
  fix: UUID_FIX,
};

const UUID_MESSAGE_PATTERN = /\buuid\b/i;

const UNKNOWN_CODE_RULE: ClangErrorRule = {
  category: 'partner_error',
  retryable: false,
  explanation: 'Clang returned a fault code that Activator does not know.',
  fix: 'Read the partner message. Clang support can explain the code.',
};

/** Returns the rule of a fault or result code. Unknown codes get a final `partner_error` rule. */
export function findClangErrorRule(code: string): ClangErrorRule {
  return CLANG_ERROR_RULES.get(code) ?? UNKNOWN_CODE_RULE;
}

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

/**
 * Classifies a SOAP fault, or a result with a code other than 0, by its code. A message that
 * names the uuid makes it `invalid_credentials`.
 */
export function classifyClangFault(code: string, message: string): ClangErrorClassification {
  const rule = UUID_MESSAGE_PATTERN.test(message) ? INVALID_UUID_RULE : findClangErrorRule(code);
  const classification: ClangErrorClassification = { ...rule, partnerCode: code };
  if (message !== '') classification.partnerMessage = cutMessage(message);

  return classification;
}

/**
 * Classifies a response without a SOAP fault or result by its HTTP status: 401 and 403 are
 * `invalid_credentials`, 429 and 5xx are `other` and retried, anything else is `other` and final.
 */
export function classifyClangHttpStatus(
  httpStatus: number,
  reason: string,
): ClangErrorClassification {
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      category: 'invalid_credentials',
      retryable: false,
      explanation: `The call was rejected with HTTP ${httpStatus} without a SOAP fault.`,
      fix: `${UUID_FIX} Check any proxy set as baseUrl.`,
    };
  }
  if (httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599)) {
    return {
      category: 'other',
      retryable: true,
      explanation: `Clang responded with HTTP ${httpStatus} without a readable SOAP body: ${reason}.`,
      fix: RETRY_FIX,
    };
  }

  return {
    category: 'other',
    retryable: false,
    explanation: `Clang responded with HTTP ${httpStatus} without a readable SOAP body: ${reason}.`,
    fix: 'Check baseUrl and apiVersion in the connector settings. A proxy may have responded in place of Clang.',
  };
}

function cutMessage(message: string): string {
  if (message.length <= MAX_PARTNER_MESSAGE_LENGTH) return message;

  return `${message.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}
