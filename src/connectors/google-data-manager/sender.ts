import { PartnerRequestError } from '../../net/partner-http-client.js';
import { parseJsonBody } from '../../net/parse-json-body.js';
import type {
  Batch,
  BatchResult,
  ConfirmationStatus,
  ConnectorContext,
  ProfileOutcome,
} from '../connector-type.js';
import { TokenExchangeError } from './access-token.js';
import { createAccessTokenSource, DataManagerClient } from './client.js';
import { type ErrorFields, findDataManagerErrorRule } from './error-codes.js';
import {
  type AudienceMember,
  buildAudienceMembers,
  buildDestination,
  buildIngestRequest,
  buildRemoveRequest,
  MAX_MEMBERS_PER_REQUEST,
} from './mapping.js';
import {
  readDestinationStatus,
  STATUS_POLL_SECONDS,
  toConfirmationStatus,
} from './request-status.js';
import type {
  DataManagerAccounts,
  DataManagerAudienceSettings,
  DataManagerCommonSettings,
  DataManagerCredentials,
} from './schemas.js';
import {
  classifyGoogleErrorResponse,
  isRecord,
  memberIndexOf,
  readGoogleStatusError,
  redactGoogleMessage,
} from './status-error.js';

type DataManagerContext = ConnectorContext<DataManagerCommonSettings, DataManagerCredentials>;

/**
 * Requests sent again after Google rejected members by position. Google fails a request as a
 * whole when one member is invalid and names the member in a field violation, so each round
 * removes the named members and sends the rest.
 */
const MAX_RESEND_ROUNDS = 3;

/**
 * Sends one add or remove batch to a Customer Match user list and returns `pending` outcomes
 * with Google's request id, which `checkDataManagerConfirmation` resolves later.
 *
 * Each profile is one audience member, and the whole batch goes out in one request. A member that
 * Google rejects by position gets that field violation as its own final error, and the other
 * members are sent again at once. Any other failure gives every sent profile the same error.
 */
export async function sendDataManagerBatch(
  context: DataManagerContext,
  batch: Batch<DataManagerAudienceSettings>,
  accounts: DataManagerAccounts,
): Promise<BatchResult> {
  const { members, keys, skipped } = buildAudienceMembers(batch.profiles, batch.operation);
  const outcomes: ProfileOutcome[] = [...skipped];
  if (keys.length === 0) return { outcomes };

  // The engine's batches hold at most 10,000 profiles, one member each, so this only
  // guards against a larger batch from elsewhere.
  for (const key of keys.slice(MAX_MEMBERS_PER_REQUEST)) {
    outcomes.push({
      key,
      status: 'error',
      category: 'other',
      retryable: true,
      partnerMessage: `The batch has more than ${MAX_MEMBERS_PER_REQUEST} members, Google's maximum per request, so this profile is sent again later.`,
    });
  }

  const destination = buildDestination(accounts, batch.destination.userListId);
  const client = new DataManagerClient(context.http, createAccessTokenSource(context));
  let pending = members.slice(0, MAX_MEMBERS_PER_REQUEST).map((member, index) => ({
    member,
    key: keys[index] ?? '',
  }));

  for (let round = 0; pending.length > 0; round++) {
    const body =
      batch.operation === 'add'
        ? buildIngestRequest(destination, membersOf(pending))
        : buildRemoveRequest(destination, membersOf(pending));
    const result = await sendMembers(client, batch.operation, body);

    if (result.kind === 'accepted') {
      for (const { key } of pending) {
        outcomes.push({ key, status: 'pending', confirmation: result.requestId });
      }
      break;
    }
    if (result.kind === 'failed' || result.memberErrors.size === 0) {
      for (const { key } of pending) outcomes.push({ key, status: 'error', ...result.error });
      break;
    }

    const remaining: typeof pending = [];
    pending.forEach((entry, index) => {
      const memberError = result.memberErrors.get(index);
      if (memberError === undefined) remaining.push(entry);
      else outcomes.push({ key: entry.key, status: 'error', ...memberError });
    });
    pending = remaining;

    if (round === MAX_RESEND_ROUNDS && pending.length > 0) {
      // These members were never rejected themselves, so they get no partner code.
      const message = `Google rejected other members of the request ${round + 1} times, so this profile is sent again later.`;
      for (const { key } of pending) {
        outcomes.push({
          key,
          status: 'error',
          category: 'other',
          retryable: true,
          partnerMessage: message,
          httpStatus: result.error.httpStatus,
        });
      }
      break;
    }
  }

  return { outcomes };
}

function membersOf(entries: { member: AudienceMember }[]): AudienceMember[] {
  return entries.map((entry) => entry.member);
}

type SendResult =
  | { kind: 'accepted'; requestId: string }
  | { kind: 'failed'; error: ErrorFields }
  | {
      kind: 'rejected';
      /** Error of the request as a whole. */
      error: ErrorFields;
      /** Errors of the members that field violations name, by position in the request. */
      memberErrors: Map<number, ErrorFields>;
    };

async function sendMembers(
  client: DataManagerClient,
  operation: 'add' | 'remove',
  body: unknown,
): Promise<SendResult> {
  try {
    const response =
      operation === 'add'
        ? await client.ingestAudienceMembers(body)
        : await client.removeAudienceMembers(body);

    if (response.status >= 200 && response.status <= 299) {
      const parsed = parseJsonBody(response.text);
      if (isRecord(parsed) && typeof parsed.requestId === 'string' && parsed.requestId !== '') {
        return { kind: 'accepted', requestId: parsed.requestId };
      }
      const message = `Google responded with HTTP ${response.status} but without a requestId, so the result is unknown.`;

      return {
        kind: 'failed',
        error: {
          category: 'other',
          retryable: true,
          partnerMessage: message,
          httpStatus: response.status,
        },
      };
    }

    return {
      kind: 'rejected',
      error: classifyGoogleErrorResponse(response),
      memberErrors: readMemberErrors(response.text, response.status),
    };
  } catch (error) {
    return { kind: 'failed', error: classifyThrown(error) };
  }
}

/** Returns the error of each member that a `BadRequest` field violation names. */
function readMemberErrors(text: string, httpStatus: number): Map<number, ErrorFields> {
  const memberErrors = new Map<number, ErrorFields>();
  if (httpStatus !== 400) return memberErrors;
  const parsed = readGoogleStatusError(text);
  if (parsed === undefined) return memberErrors;

  for (const violation of parsed.violations) {
    const index = memberIndexOf(violation);
    if (index === undefined || memberErrors.has(index)) continue;
    // A violation without a reason of its own under a generic INVALID_ARGUMENT is a malformed
    // payload, such as an unknown enum name, which no resend without the member fixes.
    const code = violation.reason ?? parsed.reason;
    const isMalformedPayload = violation.reason === undefined && code === 'INVALID_ARGUMENT';
    if (code === undefined || isMalformedPayload) continue;

    const rule = findDataManagerErrorRule(code);
    const description =
      violation.description === undefined
        ? rule.explanation
        : redactGoogleMessage(violation.description);
    memberErrors.set(index, {
      category: rule.category,
      retryable: rule.retryable,
      partnerCode: code,
      partnerMessage: `${violation.field}: ${description}`,
      httpStatus,
    });
  }

  return memberErrors;
}

/** Classifies a failure without a Data Manager response: timeout, connection or token exchange. */
function classifyThrown(error: unknown): ErrorFields {
  if (error instanceof TokenExchangeError) return error.fields;
  if (!(error instanceof PartnerRequestError)) throw error;

  return {
    category: error.kind === 'timeout' ? 'timeout' : 'other',
    retryable: error.kind !== 'destination_rejected',
    partnerMessage: error.message,
  };
}

/**
 * Asks Google for the result of the request `requestId` and returns the final outcome of every
 * profile of the batch, or `done: false` while Google still processes it.
 *
 * A throttled, failed or timed-out status check is asked again later. Rejected credentials end
 * the wait with `invalid_credentials` for every profile, which pauses the connector, and an
 * unknown request id ends it with a retryable error, so the profiles are sent again. Any other
 * failure throws, so the engine logs it and checks again later.
 */
export async function checkDataManagerConfirmation(
  context: DataManagerContext,
  requestId: string,
  batch: Batch<DataManagerAudienceSettings>,
): Promise<ConfirmationStatus> {
  const keys = batch.profiles.map((profile) => profile.key);
  const client = new DataManagerClient(context.http, createAccessTokenSource(context));

  let error: ErrorFields;
  try {
    const response = await client.retrieveRequestStatus(requestId);
    if (response.status >= 200 && response.status <= 299) {
      const status = readDestinationStatus(response);
      if (status === undefined) {
        throw new Error(
          `Google's status of request ${requestId} has no requestStatusPerDestination (HTTP ${response.status}).`,
        );
      }

      return toConfirmationStatus(status, keys, batch.operation);
    }
    error = classifyGoogleErrorResponse(response);
  } catch (thrown) {
    error = classifyThrown(thrown);
  }

  const endsWait =
    error.category === 'invalid_credentials' || error.partnerCode === 'INVALID_REQUEST_ID';
  if (endsWait) {
    return {
      done: true,
      result: { outcomes: keys.map((key) => ({ key, status: 'error', ...error })) },
    };
  }
  if (error.retryable) {
    return {
      done: false,
      retryAfterSeconds: Math.max(error.retryAfterSeconds ?? 0, STATUS_POLL_SECONDS),
    };
  }

  throw new Error(
    `The status check of Google request ${requestId} failed: ${error.partnerCode ?? `HTTP ${error.httpStatus ?? 'error'}`} ${error.partnerMessage ?? ''}`.trim(),
  );
}
