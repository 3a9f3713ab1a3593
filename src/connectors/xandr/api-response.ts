import type { ProfileOutcome } from '../connector-type.js';
import type { PartnerResponse } from '../../net/partner-http-client.js';
import { parseJsonBody, parseRetryAfterSeconds } from '../../net/parse-json-body.js';
import { findXandrErrorRule } from './error-codes.js';

/** Fields of an error outcome, shared by every profile of a failed request. */
export type ErrorFields = Omit<Extract<ProfileOutcome, { status: 'error' }>, 'key' | 'status'>;

export type ReadResult<T> = { ok: true; value: T } | { ok: false; error: ErrorFields };

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

/** Maximum wait taken from `Retry-After`, so that a faulty proxy cannot hold retries for days. */
const MAX_RETRY_AFTER_SECONDS = 3_600;

/** The `response` object that wraps every Xandr API response body. */
type Envelope = Record<string, unknown>;

/** A BSS job as `GET /batch-segment` returns it. A count that Xandr leaves out is 0. */
export interface XandrJob {
  jobId: string;
  phase: string;
  errorCode: string | undefined;
  numValid: number;
  counts: Record<string, number>;
  errorLogLines: string;
}

/** Error counts of a completed job, in the order used to name a failure that has no log line. */
export const JOB_ERROR_COUNTS = [
  'num_unauth_segment',
  'num_invalid_segment',
  'num_inactive_segment',
  'num_past_expiration',
  'num_invalid_timestamp',
  'num_invalid_format',
  'num_invalid_user',
  'num_other_error',
] as const;

/** Reads `POST /auth`: the session token. */
export function readLogin(response: PartnerResponse): ReadResult<string> {
  const envelope = readOkEnvelope(response);
  if (!envelope.ok) return envelope;
  const token = envelope.value.token;
  if (typeof token === 'string' && token !== '') return { ok: true, value: token };

  return unreadable(response, 'the login response has no token');
}

/** Reads `GET /member?id=`: the member's id and name. */
export function readMember(response: PartnerResponse): ReadResult<{ id: string; name: string }> {
  const envelope = readOkEnvelope(response);
  if (!envelope.ok) return envelope;
  const member = firstObject(envelope.value.member ?? envelope.value.members);
  if (!member) return unreadable(response, 'the member response has no member');

  return { ok: true, value: { id: String(member.id ?? ''), name: String(member.name ?? '') } };
}

/** Reads `POST /batch-segment`: the new job's id and upload URL. */
export function readCreatedJob(
  response: PartnerResponse,
): ReadResult<{ jobId: string; uploadUrl: string }> {
  const envelope = readOkEnvelope(response);
  if (!envelope.ok) return envelope;
  const job = firstObject(envelope.value.batch_segment_upload_job);
  const jobId = job?.job_id;
  const uploadUrl = job?.upload_url;
  if (typeof jobId !== 'string' || typeof uploadUrl !== 'string') {
    return unreadable(response, 'the job has no job_id or upload_url');
  }

  return { ok: true, value: { jobId, uploadUrl } };
}

/** Reads the upload response: `{"response":{"segment_upload":{...},"status":"OK"}}`. */
export function readUpload(response: PartnerResponse): ReadResult<undefined> {
  const envelope = readOkEnvelope(response);

  return envelope.ok ? { ok: true, value: undefined } : envelope;
}

/**
 * Reads `GET /batch-segment?member_id=&job_id=`. The job is an object, or a one-element array
 * for data providers on the Impbus API. Returns `undefined` when the response lists no job.
 */
export function readJob(response: PartnerResponse): ReadResult<XandrJob | undefined> {
  const envelope = readOkEnvelope(response);
  if (!envelope.ok) return envelope;
  const job = firstObject(envelope.value.batch_segment_upload_job);
  if (!job) return { ok: true, value: undefined };

  const counts: Record<string, number> = {};
  for (const name of JOB_ERROR_COUNTS) counts[name] = readCount(job[name]);

  return {
    ok: true,
    value: {
      jobId: String(job.job_id ?? ''),
      phase: String(job.phase ?? ''),
      errorCode: typeof job.error_code === 'string' ? job.error_code : undefined,
      numValid: readCount(job.num_valid),
      counts,
      errorLogLines: typeof job.error_log_lines === 'string' ? job.error_log_lines : '',
    },
  };
}

/**
 * Returns the `response` object of a 2xx response with `status` `"OK"`, or the classified error.
 * A 2xx body without that status is an `other` error that is retried, because the result is
 * unknown and every step of a BSS upload can be repeated safely.
 */
function readOkEnvelope(response: PartnerResponse): ReadResult<Envelope> {
  const envelope = readEnvelope(response.text);
  const isSuccessStatus = response.status >= 200 && response.status <= 299;
  if (isSuccessStatus && envelope?.status === 'OK') return { ok: true, value: envelope };
  if (isSuccessStatus && readCode(envelope) === undefined) {
    return unreadable(response, 'the body is not a Xandr response with status OK');
  }

  return { ok: false, error: classifyXandrFailure(response) };
}

/**
 * Classifies a failed Xandr request. The code in the envelope decides (`error_id` of the API,
 * `error_code` of the upload host), whatever the HTTP status. Without a code, 429 and 5xx are
 * retried `other` errors, with `Retry-After` when Xandr sent one, 401 and 403 are
 * `invalid_credentials`, and every other status is a final `other` error.
 */
export function classifyXandrFailure(response: PartnerResponse): ErrorFields {
  const envelope = readEnvelope(response.text);
  const code = readCode(envelope);
  const retryAfterSeconds = readRetryAfter(response);
  if (code !== undefined) {
    const rule = findXandrErrorRule(code);
    const error: ErrorFields = {
      category: rule.category,
      retryable: rule.retryable,
      partnerCode: code,
      partnerMessage: readMessage(envelope) ?? rule.explanation,
      httpStatus: response.status,
    };
    const wait = retryAfterSeconds ?? rule.retryDelaySeconds;
    if (rule.retryable && wait !== undefined) error.retryAfterSeconds = wait;

    return error;
  }

  return classifyByHttpStatus(response, retryAfterSeconds);
}

function classifyByHttpStatus(
  response: PartnerResponse,
  retryAfterSeconds: number | undefined,
): ErrorFields {
  const status = response.status;
  const rateLimitCode = headerValue(response.headers['x-ratelimit-code']);
  const error: ErrorFields = { category: 'other', retryable: false, httpStatus: status };
  if (status === 429 || (status === 503 && rateLimitCode !== undefined)) {
    error.retryable = true;
    error.partnerMessage = `Xandr throttled the request (HTTP ${status}, x-ratelimit-code ${rateLimitCode ?? 'absent'}).`;
  } else if (status >= 500 && status <= 599) {
    error.retryable = true;
    error.partnerMessage = `Xandr responded with HTTP ${status} without an error code.`;
  } else if (status === 401 || status === 403) {
    error.category = 'invalid_credentials';
    error.partnerMessage = `The request was rejected with HTTP ${status} without a Xandr error code; check the credentials and any proxy set as baseUrl.`;
  } else {
    error.partnerMessage = `Xandr responded with HTTP ${status} without a Xandr error body; check baseUrl.`;
  }
  if (error.retryable && retryAfterSeconds !== undefined) {
    error.retryAfterSeconds = retryAfterSeconds;
  }

  return error;
}

function unreadable(response: PartnerResponse, reason: string): { ok: false; error: ErrorFields } {
  return {
    ok: false,
    error: {
      category: 'other',
      retryable: true,
      partnerMessage: `Xandr responded with HTTP ${response.status}, but ${reason}, so the result is unknown.`,
      httpStatus: response.status,
    },
  };
}

function readEnvelope(text: string): Envelope | undefined {
  const body = parseJsonBody(text);
  if (!isRecord(body) || !isRecord(body.response)) return undefined;

  return body.response;
}

/** Returns the API's `error_id` or the upload host's `error_code`, when it is a string. */
function readCode(envelope: Envelope | undefined): string | undefined {
  const code = envelope?.error_id ?? envelope?.error_code;

  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** Returns the API's `error` text or the upload host's `errors` list, cut to 500 characters. */
function readMessage(envelope: Envelope | undefined): string | undefined {
  const errors = Array.isArray(envelope?.errors)
    ? envelope.errors.filter((item): item is string => typeof item === 'string').join('; ')
    : undefined;
  const message = typeof envelope?.error === 'string' ? envelope.error : errors;
  if (!message) return undefined;
  if (message.length <= MAX_PARTNER_MESSAGE_LENGTH) return message;

  return `${message.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}

function readRetryAfter(response: PartnerResponse): number | undefined {
  const seconds = parseRetryAfterSeconds(response.headers['retry-after']);
  if (seconds === undefined) return undefined;

  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, seconds));
}

function firstObject(value: unknown): Record<string, unknown> | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;

  return isRecord(first) ? first : undefined;
}

/** Reads a count sent as a number or a digit string. Anything else counts as 0. */
function readCount(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);

  return 0;
}

function headerValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;

  return value === undefined || value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
