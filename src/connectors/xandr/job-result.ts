import type { BatchResult, ProfileOutcome } from '../connector-type.js';
import { JOB_ERROR_COUNTS, type XandrJob } from './api-response.js';
import { findXandrErrorRule } from './error-codes.js';

export interface CompletedJobInput {
  operation: 'add' | 'remove';
  /** User ids of each profile, by activation key, as the uploaded file had them. */
  uidsByKey: ReadonlyMap<string, readonly string[]>;
  /** Activation keys the result must cover, including profiles that had no line. */
  keys: readonly string[];
  /** Lines of the uploaded file: one per distinct user id. */
  lineCount: number;
  job: XandrJob;
  separator1: string;
}

/**
 * Maps a completed BSS job to outcomes per profile.
 *
 * Xandr reports per line only in `error_log_lines`, as `<error type>-<line as uploaded>`, and that
 * log is cut at the member's `num_error_log_lines` (200 by default). The rest is counts:
 *
 * - A user id named in the log fails with the log's error type. A removal whose user id Xandr
 *   does not know (`num_invalid_user`) counts as removed, because that user is in no segment.
 * - `num_valid` counts the valid user and segment pairs, which are lines here, because each line
 *   names one segment. When it is 0, every line failed, so the profiles without a log line fail
 *   with the type of the first non-zero count in `JOB_ERROR_COUNTS` order.
 * - Otherwise, failed lines beyond the log cannot be distinguished from accepted ones. Their number,
 *   `lineCount - num_valid` less the logged ones, goes to `invalidEntries`, and their profiles
 *   are reported as accepted.
 * - A profile with several user ids is accepted when at least one of them was. Its failed ids
 *   are added to `invalidEntries`.
 */
export function mapCompletedJob(input: CompletedJobInput): BatchResult {
  const { operation, job } = input;
  const logged = readErrorLog(job.errorLogLines, input.separator1);
  const sentUids = new Set([...input.uidsByKey.values()].flat());
  const loggedSent = [...logged.keys()].filter((uid) => sentUids.has(uid)).length;
  const failedLines = Math.max(0, input.lineCount - job.numValid);
  const everyLineFailed = input.lineCount > 0 && job.numValid === 0;
  const unloggedCode = everyLineFailed ? firstErrorCount(job) : undefined;
  const unloggedFailures = everyLineFailed ? 0 : Math.max(0, failedLines - loggedSent);
  const failedUidsOfAccepted = new Set<string>();

  // Returns the error of a line, or undefined when the line counts as accepted.
  const lineError = (code: string | undefined): string | undefined =>
    code === 'num_invalid_user' && operation === 'remove' ? undefined : code;
  const uidError = (uid: string) => lineError(logged.get(uid) ?? unloggedCode);

  const accepted = operation === 'add' ? 'added' : 'removed';
  const outcomes = input.keys.map((key): ProfileOutcome => {
    const uids = input.uidsByKey.get(key) ?? [];
    if (uids.length === 0) {
      const code = lineError(unloggedCode);

      return code === undefined ? { key, status: accepted } : lineErrorOutcome(key, code);
    }

    const failedUids = uids.filter((uid) => uidError(uid) !== undefined);
    const firstFailure = failedUids[0] === undefined ? undefined : uidError(failedUids[0]);
    if (firstFailure === undefined || failedUids.length < uids.length) {
      for (const uid of failedUids) failedUidsOfAccepted.add(uid);

      return { key, status: accepted };
    }

    return lineErrorOutcome(key, firstFailure);
  });

  return { outcomes, invalidEntries: unloggedFailures + failedUidsOfAccepted.size };
}

/**
 * Reads `error_log_lines` into the first error type per user id. A line is
 * `<error type>-<line as uploaded>`, and the user id is the text before `separator1`. Blank lines
 * and lines of another form are left out.
 */
export function readErrorLog(errorLogLines: string, separator1: string): Map<string, string> {
  const errors = new Map<string, string>();
  for (const line of errorLogLines.split('\n')) {
    const match = /^(num_[a-z_]+)-(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, code = '', uploaded = ''] = match;
    const uid = uploaded.split(separator1, 1)[0] ?? '';
    if (/^\d+$/.test(uid) && !errors.has(uid)) errors.set(uid, code);
  }

  return errors;
}

/**
 * Returns the first non-zero error count of the job, or `num_other_error` when all are 0. The
 * segment counts come first because the file names one segment, so a segment error fails every
 * line.
 */
function firstErrorCount(job: XandrJob): string {
  return JOB_ERROR_COUNTS.find((name) => (job.counts[name] ?? 0) > 0) ?? 'num_other_error';
}

function lineErrorOutcome(key: string, code: string): ProfileOutcome {
  const rule = findXandrErrorRule(code);

  return {
    key,
    status: 'error',
    category: rule.category,
    retryable: rule.retryable,
    partnerCode: code,
    partnerMessage: rule.explanation,
  };
}
