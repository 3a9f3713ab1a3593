import type { ErrorCategory } from '../connector-type.js';

/** Part of a Xandr response that carries a code: API envelope, upload response, job, or log line. */
export type XandrCodeSource = 'api' | 'upload' | 'job' | 'line';

/** Activator's handling of one Xandr error code, with the guidance shown to the operator. */
export interface XandrErrorRule {
  source: XandrCodeSource;
  category: ErrorCategory;
  retryable: boolean;
  /** One line on what went wrong, for the error sample. */
  explanation: string;
  /** Action the operator should take. */
  fix: string;
  /** Minimum wait before the retry, in seconds, when Xandr sends no `Retry-After`. */
  retryDelaySeconds?: number;
}

const CREDENTIALS_FIX =
  'Check the username and password in the connector credentials, then run the credential test.';
const REPORT_BUG_FIX = 'Report it as an Activator bug with this error sample.';
const SEGMENT_FIX =
  'Set a segmentId in the audience connection that names an active segment of this member, or of a member that granted this member access.';

/**
 * Rules by Xandr code: `error_id` values of the API envelope, `error_code` values of the upload
 * response and of a job in phase `error`, and the error types that start `error_log_lines`.
 */
export const XANDR_ERROR_RULES: ReadonlyMap<string, XandrErrorRule> = new Map<
  string,
  XandrErrorRule
>([
  [
    'NOAUTH',
    {
      source: 'api',
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'Xandr rejected the username and password, or the session after a new login.',
      fix: CREDENTIALS_FIX,
    },
  ],
  [
    'NOAUTH_DISABLED',
    {
      source: 'api',
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The Xandr user account is deactivated.',
      fix: 'Enter the credentials of an active API user of the member.',
    },
  ],
  [
    'NOAUTH_EXPIRED',
    {
      source: 'api',
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The password of the Xandr user has expired.',
      fix: 'Reset the password in Microsoft Invest and update the connector credentials.',
    },
  ],
  [
    'UNAUTH',
    {
      source: 'api',
      category: 'invalid_credentials',
      retryable: false,
      explanation: 'The Xandr user may not perform this action for the member.',
      fix: 'Give the API user access to the member and the Batch Segment Service, or check memberId.',
    },
  ],
  [
    'SYNTAX',
    {
      source: 'api',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr rejected the request syntax.',
      fix: `Read the partner message. ${REPORT_BUG_FIX}`,
    },
  ],
  [
    'INTEGRITY',
    {
      source: 'api',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr found the request logically inconsistent.',
      fix: 'Read the partner message, and check memberId and the BSS setup of the member.',
    },
  ],
  [
    'LIMIT',
    {
      source: 'api',
      category: 'partner_error',
      retryable: false,
      explanation: 'The member reached a Xandr object limit.',
      fix: 'Delete unused objects of the member or ask Xandr support to raise the limit.',
    },
  ],
  [
    'SYSTEM',
    {
      source: 'api',
      category: 'partner_error',
      retryable: true,
      explanation: 'Xandr reported a system error.',
      fix: 'No action needed. Activator retries with backoff. Contact Xandr support if it persists.',
    },
  ],
  [
    'RATE_LIMIT_EXCEEDED',
    {
      source: 'upload',
      category: 'partner_error',
      retryable: true,
      explanation:
        'The member exceeded a BSS upload limit (bytes or lines per hour or day, or the upload time).',
      fix: 'No action needed. Activator retries later. If this recurs, lower maxRequestsPerSecond or ask Xandr support to raise the BSS limits.',
      // NOTE: Xandr does not document when an hourly or daily upload limit resets. 30 minutes is
      // an estimate that spreads the default 8 attempts over several hours.
      retryDelaySeconds: 1_800,
    },
  ],
  [
    'FILESIZE_LIMIT_EXCEEDED',
    {
      source: 'upload',
      category: 'partner_error',
      retryable: false,
      explanation: 'The BSS file is larger than Xandr accepts (0.5 GB).',
      fix: REPORT_BUG_FIX,
    },
  ],
  [
    'uploading-error',
    {
      source: 'job',
      category: 'partner_error',
      retryable: true,
      explanation:
        'The BSS job ended in phase error because the upload was cancelled, timed out or hit a limit.',
      fix: 'No action needed. Activator sends the profiles again in a new job.',
    },
  ],
  [
    'num_invalid_format',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: "Xandr could not parse the line with the member's BSS file format.",
      fix: 'Check that the BSS setup of the member has segment_fields [SEG_ID, EXPIRATION] and the separators that the connector sets.',
    },
  ],
  [
    'num_invalid_user',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr does not know the user id, or it expired.',
      fix: 'No action needed for this profile. Keep the user ids fresh by syncing them often.',
    },
  ],
  [
    'num_invalid_segment',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'The segment id does not exist at Xandr.',
      fix: SEGMENT_FIX,
    },
  ],
  [
    'num_unauth_segment',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'The member may not add users to this segment.',
      fix: SEGMENT_FIX,
    },
  ],
  [
    'num_inactive_segment',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'The segment is inactive.',
      fix: 'Activate the segment in Microsoft Invest, then retry the failed activations.',
    },
  ],
  [
    'num_past_expiration',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr found the segment membership already expired.',
      fix: 'Check expirationMinutes in the connector settings.',
    },
  ],
  [
    'num_invalid_timestamp',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr rejected a TIMESTAMP field of the line.',
      fix: 'Activator writes no TIMESTAMP field, so remove TIMESTAMP from the segment_fields of the BSS setup of the member.',
    },
  ],
  [
    'num_other_error',
    {
      source: 'line',
      category: 'partner_error',
      retryable: false,
      explanation: 'Xandr reported another error for the line.',
      fix: 'Read the job in Microsoft Invest or ask Xandr support.',
    },
  ],
]);

const UNKNOWN_CODE_RULE: XandrErrorRule = {
  source: 'api',
  category: 'partner_error',
  retryable: false,
  explanation: 'Xandr returned an error code that Activator does not know.',
  fix: "Read the partner message and look the code up in Xandr's API documentation.",
};

/** Returns the rule for a Xandr code. Unknown codes get a final `partner_error` rule. */
export function findXandrErrorRule(code: string): XandrErrorRule {
  return XANDR_ERROR_RULES.get(code) ?? UNKNOWN_CODE_RULE;
}
