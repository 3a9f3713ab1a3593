import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type { BatchResult, ConfirmationStatus, ProfileOutcome } from '../connector-type.js';
import { type ErrorFields, findDataManagerErrorRule } from './error-codes.js';
import { isRecord } from './status-error.js';

/**
 * Seconds between two status checks of a request that Google still processes.
 *
 * NOTE: an estimate. Google publishes no processing time. Status checks count against the
 * project's read quota of 300 requests per minute, shared by every pending batch.
 */
export const STATUS_POLL_SECONDS = 30;

/** Failed records per reason, as `errorInfo.errorCounts` reports them. */
export interface ErrorCount {
  reason: string;
  recordCount: number;
}

/** The status of the single destination of a request, as Activator reads it. */
export interface DestinationStatus {
  /** `SUCCESS`, `PARTIAL_SUCCESS`, `FAILED`, `PROCESSING` or `REQUEST_STATUS_UNKNOWN`. */
  requestStatus: string;
  /** Records (audience members) in the request, when Google reports it. */
  recordCount?: number;
  errorCounts: ErrorCount[];
}

/**
 * Reads the first `requestStatusPerDestination` entry of a `requestStatus:retrieve` response.
 * Activator sends one destination per request, so the first entry is the only one. Returns
 * `undefined` when the body has no such entry.
 */
export function readDestinationStatus(response: PartnerResponse): DestinationStatus | undefined {
  const body = parseJsonBody(response.text);
  if (!isRecord(body) || !Array.isArray(body.requestStatusPerDestination)) return undefined;
  const entry: unknown = body.requestStatusPerDestination[0];
  if (!isRecord(entry)) return undefined;

  const status: DestinationStatus = {
    requestStatus:
      typeof entry.requestStatus === 'string' ? entry.requestStatus : 'REQUEST_STATUS_UNKNOWN',
    errorCounts: readErrorCounts(entry.errorInfo),
  };
  const recordCount = readRecordCount(entry);
  if (recordCount !== undefined) status.recordCount = recordCount;

  return status;
}

/**
 * Turns the destination status into the final outcome of every profile of the batch, or into
 * `done: false` while Google still processes the request.
 *
 * Google reports failed records only as a count per reason, never which records failed. So:
 * - `SUCCESS`: every profile is added or removed.
 * - `FAILED`, or failed records at least as many as the records sent: every profile gets the
 *   error of the reason with the most failed records, or code `FAILED` without counts.
 * - `PARTIAL_SUCCESS` with fewer failed records than sent: every profile counts as added or
 *   removed, and the failed records are reported as `invalidEntries`.
 */
export function toConfirmationStatus(
  status: DestinationStatus,
  keys: string[],
  operation: 'add' | 'remove',
): ConfirmationStatus {
  const { requestStatus } = status;
  if (
    requestStatus !== 'SUCCESS' &&
    requestStatus !== 'PARTIAL_SUCCESS' &&
    requestStatus !== 'FAILED'
  ) {
    return { done: false, retryAfterSeconds: STATUS_POLL_SECONDS };
  }

  const accepted = operation === 'add' ? 'added' : 'removed';
  const acceptAll = (invalidEntries: number): ConfirmationStatus => {
    const result: BatchResult = { outcomes: keys.map((key) => ({ key, status: accepted })) };
    if (invalidEntries > 0) result.invalidEntries = invalidEntries;

    return { done: true, result };
  };
  if (requestStatus === 'SUCCESS') return acceptAll(0);

  const failedRecords = status.errorCounts.reduce((sum, count) => sum + count.recordCount, 0);
  const sentRecords = status.recordCount ?? keys.length;
  if (requestStatus === 'PARTIAL_SUCCESS' && failedRecords < sentRecords) {
    return acceptAll(failedRecords);
  }

  const error = errorOfCounts(status.errorCounts, failedRecords, sentRecords);
  const outcomes = keys.map((key): ProfileOutcome => ({ key, status: 'error', ...error }));

  return { done: true, result: { outcomes } };
}

/** Returns the error of the reason with the most failed records, or of code `FAILED`. */
function errorOfCounts(
  counts: ErrorCount[],
  failedRecords: number,
  sentRecords: number,
): ErrorFields {
  const main = counts.reduce<ErrorCount | undefined>(
    (best, count) => (best === undefined || count.recordCount > best.recordCount ? count : best),
    undefined,
  );
  const code = main?.reason ?? 'FAILED';
  const rule = findDataManagerErrorRule(code);
  const detail =
    counts.length === 0
      ? 'Google reported the upload as failed without error counts.'
      : `Google did not process ${failedRecords} of ${sentRecords} records: ${counts
          .map((count) => `${count.reason} ${count.recordCount}`)
          .join(', ')}.`;

  return {
    category: rule.category,
    retryable: rule.retryable,
    partnerCode: code,
    partnerMessage: `${detail} ${rule.explanation}`,
  };
}

function readErrorCounts(errorInfo: unknown): ErrorCount[] {
  if (!isRecord(errorInfo) || !Array.isArray(errorInfo.errorCounts)) return [];

  const counts: ErrorCount[] = [];
  for (const entry of errorInfo.errorCounts) {
    if (!isRecord(entry)) continue;
    const recordCount = readInt64(entry.recordCount);
    const reason =
      typeof entry.reason === 'string' ? entry.reason : 'PROCESSING_ERROR_REASON_UNSPECIFIED';
    if (recordCount !== undefined && recordCount > 0) counts.push({ reason, recordCount });
  }

  return counts;
}

/** Reads `recordCount` of the user data ingestion or removal status of a destination. */
function readRecordCount(entry: Record<string, unknown>): number | undefined {
  const ingestion = entry.audienceMembersIngestionStatus;
  const removal = entry.audienceMembersRemovalStatus;
  const userData = isRecord(ingestion)
    ? ingestion.userDataIngestionStatus
    : isRecord(removal)
      ? removal.userDataRemovalStatus
      : undefined;

  return isRecord(userData) ? readInt64(userData.recordCount) : undefined;
}

/** Reads an int64, which proto3 JSON writes as a decimal string, or a plain number. */
function readInt64(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);

  return undefined;
}
