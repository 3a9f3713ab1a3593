import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type {
  Batch,
  BatchResult,
  ConfirmationStatus,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import { PartnerRequestError, type PartnerResponse } from '../../net/partner-http-client.js';
import {
  readCreatedJob,
  readJob,
  readUpload,
  type ErrorFields,
  type ReadResult,
} from './api-response.js';
import { XandrClient } from './client.js';
import { findXandrErrorRule } from './error-codes.js';
import { mapCompletedJob } from './job-result.js';
import { buildSegmentFile, uploadTargetOf, type SegmentFile } from './mapping.js';
import {
  DEFAULT_SEPARATOR_1,
  DEFAULT_SEPARATOR_3,
  DEFAULT_STATUS_POLL_SECONDS,
  XANDR_API_ORIGIN,
  type XandrAudienceSettings,
  type XandrCredentials,
  type XandrSettings,
} from './schemas.js';
import { XandrSession } from './session.js';

type XandrContext = ConnectorContext<XandrSettings, XandrCredentials>;

const gzipAsync = promisify(gzip);

/** Job phases before `completed`, in which Xandr still works on the file. */
const RUNNING_PHASES = new Set(['starting', 'uploading', 'validating', 'processing']);

/** Job reference in a confirmation: member, job id and the number of lines of the file. */
interface JobConfirmation {
  memberId: number;
  jobId: string;
  lineCount: number;
}

/**
 * Sends one add or remove batch as a Batch Segment Service upload: creates a job, uploads the
 * gzipped legacy-format file to the job's upload URL, and returns `pending` outcomes with the job
 * in the confirmation. `checkXandrConfirmation` reads the result once the job completed.
 */
export async function sendXandrBatch(
  context: XandrContext,
  batch: Batch<XandrAudienceSettings>,
): Promise<BatchResult> {
  const file = segmentFileOf(context.settings, batch);
  const sentKeys = [...file.uidsByKey.keys()];
  if (sentKeys.length === 0) return { outcomes: file.skipped };

  const upload = await uploadSegmentFile(context, file);
  if (!upload.ok) {
    const errors = sentKeys.map((key) => errorOutcome(key, upload.error));

    return { outcomes: [...file.skipped, ...errors] };
  }

  const confirmation = JSON.stringify({
    memberId: context.settings.memberId,
    jobId: upload.value,
    lineCount: file.lineCount,
  } satisfies JobConfirmation);
  const pending = sentKeys.map((key): ProfileOutcome => ({ key, status: 'pending', confirmation }));

  return { outcomes: [...file.skipped, ...pending] };
}

/**
 * Reads the job of an earlier upload. Returns `done: false` while the job runs, and also after a
 * timeout, a throttle or a 5xx, so that the engine checks again later. Once the job completed,
 * maps its counts and error log to outcomes. A job in phase `error` fails every profile.
 *
 * The user ids of each profile come from rebuilding the file from `batch`. A removal sends the
 * ids the engine's ledger held, so when a profile's ids changed since, a logged error for an
 * old id is only counted in `invalidEntries`.
 */
export async function checkXandrConfirmation(
  context: XandrContext,
  confirmation: string,
  batch: Batch<XandrAudienceSettings>,
): Promise<ConfirmationStatus> {
  const keys = batch.profiles.map((profile) => profile.key);
  const job = parseConfirmation(confirmation);
  if (!job) {
    const message = 'The confirmation of this batch is unreadable, so the job is unknown.';

    return failAll(keys, { category: 'other', retryable: true, partnerMessage: message });
  }

  const pollSeconds = context.settings.statusPollSeconds ?? DEFAULT_STATUS_POLL_SECONDS;
  const status = await readJobStatus(context, job);
  if (!status.ok) {
    const { error } = status;
    const mayAskAgain = error.retryable && error.category !== 'invalid_credentials';
    if (!mayAskAgain) return failAll(keys, error);

    return { done: false, retryAfterSeconds: Math.max(pollSeconds, error.retryAfterSeconds ?? 0) };
  }

  const current = status.value;
  if (current === undefined) {
    const message = `Xandr lists no job ${job.jobId} for member ${job.memberId}, so the profiles are sent again.`;

    return failAll(keys, { category: 'other', retryable: true, partnerMessage: message });
  }
  if (RUNNING_PHASES.has(current.phase)) return { done: false, retryAfterSeconds: pollSeconds };
  if (current.phase !== 'completed') return failAll(keys, jobFailure(current.errorCode));

  const file = segmentFileOf(context.settings, batch);
  const result = mapCompletedJob({
    operation: batch.operation,
    uidsByKey: file.uidsByKey,
    keys,
    lineCount: job.lineCount,
    job: current,
    separator1: context.settings.separator1 ?? DEFAULT_SEPARATOR_1,
  });

  return { done: true, result };
}

/** Creates a session for the context's credentials and base URL. */
export function sessionOf(context: XandrContext): { session: XandrSession; client: XandrClient } {
  const client = new XandrClient(context.http);
  const baseUrl = context.settings.baseUrl ?? XANDR_API_ORIGIN;
  const { username, password } = context.credentials;

  return { session: new XandrSession(client, baseUrl, username, password), client };
}

function segmentFileOf(settings: XandrSettings, batch: Batch<XandrAudienceSettings>): SegmentFile {
  return buildSegmentFile(batch.profiles, {
    segmentId: batch.destination.segmentId,
    operation: batch.operation,
    expirationMinutes: settings.expirationMinutes ?? 0,
    format: {
      separator1: settings.separator1 ?? DEFAULT_SEPARATOR_1,
      separator3: settings.separator3 ?? DEFAULT_SEPARATOR_3,
    },
  });
}

/** Creates a job and uploads the file to it. Returns the job id. */
async function uploadSegmentFile(
  context: XandrContext,
  file: SegmentFile,
): Promise<ReadResult<string>> {
  const { session, client } = sessionOf(context);
  const memberId = context.settings.memberId;
  const created = await sendRequest(
    () => session.send((token) => client.createJob(token, memberId)),
    readCreatedJob,
  );
  if (!created.ok) return created;

  const { jobId, uploadUrl } = created.value;
  const baseUrl = context.settings.baseUrl ?? XANDR_API_ORIGIN;
  const target = uploadTargetOf(baseUrl, uploadUrl);
  if (target === undefined) {
    const message = `Xandr returned the upload URL ${uploadUrl}, which is neither below the connector base URL ${baseUrl} nor an HTTPS URL on a Xandr domain, so Activator did not send the session token there.`;

    return { ok: false, error: { category: 'other', retryable: false, partnerMessage: message } };
  }

  const uploadHttp = target.kind === 'base' ? context.http : context.httpFor?.(target.origin);
  if (uploadHttp === undefined) {
    const message = `The upload URL ${uploadUrl} is on another origin, and this Activator runtime offers no client for it.`;

    return { ok: false, error: { category: 'other', retryable: false, partnerMessage: message } };
  }
  const uploadClient = new XandrClient(uploadHttp);
  const body = await gzipAsync(Buffer.from(file.text, 'latin1'));
  const uploaded = await sendRequest(
    () => session.send((token) => uploadClient.uploadFile(token, target.path, body)),
    readUpload,
  );

  return uploaded.ok ? { ok: true, value: jobId } : uploaded;
}

async function readJobStatus(context: XandrContext, job: JobConfirmation) {
  const { session, client } = sessionOf(context);

  return sendRequest(
    () => session.send((token) => client.getJob(token, job.memberId, job.jobId)),
    readJob,
  );
}

/** Sends a request and reads its response. A request without a response becomes an error. */
async function sendRequest<T>(
  send: () => Promise<PartnerResponse>,
  read: (response: PartnerResponse) => ReadResult<T>,
): Promise<ReadResult<T>> {
  try {
    return read(await send());
  } catch (error) {
    if (!(error instanceof PartnerRequestError)) throw error;

    return {
      ok: false,
      error: {
        category: error.kind === 'timeout' ? 'timeout' : 'other',
        retryable: error.kind !== 'destination_rejected',
        partnerMessage: error.message,
      },
    };
  }
}

/** Error of a job that ended in phase `error`, classified by its `error_code`. */
function jobFailure(errorCode: string | undefined): ErrorFields {
  if (errorCode === undefined) {
    const message = 'The BSS job ended in phase error without an error code.';

    return { category: 'other', retryable: true, partnerMessage: message };
  }
  const rule = findXandrErrorRule(errorCode);

  return {
    category: rule.category,
    retryable: rule.retryable,
    partnerCode: errorCode,
    partnerMessage: rule.explanation,
  };
}

function parseConfirmation(confirmation: string): JobConfirmation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(confirmation);
  } catch {
    return undefined;
  }
  const fields = value as Partial<JobConfirmation> | null;
  const isValid =
    typeof fields?.memberId === 'number' &&
    typeof fields.jobId === 'string' &&
    typeof fields.lineCount === 'number';

  return isValid ? (fields as JobConfirmation) : undefined;
}

function failAll(keys: readonly string[], error: ErrorFields): ConfirmationStatus {
  return { done: true, result: { outcomes: keys.map((key) => errorOutcome(key, error)) } };
}

function errorOutcome(key: string, error: ErrorFields): ProfileOutcome {
  return { key, status: 'error', ...error };
}
