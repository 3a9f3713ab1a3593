import type { FastifyRequest } from 'fastify';
import { invalidParameter } from './graph-error.js';
import { newSessionId } from './graph-ids.js';
import {
  AUTH_PARAMETERS,
  checkKnownFields,
  decodeJsonParameter,
  readBodyFields,
} from './graph-params.js';
import { findCustomAudience } from './custom-audience.js';
import { isValidRow, parseUsersPayload, toAudienceMember } from './users-payload.js';
import { findInvalidRowValue } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';

const USERS_PARAMETERS = ['payload', 'session', ...AUTH_PARAMETERS];

const SESSION_FIELDS = ['session_id', 'batch_seq', 'last_batch_flag', 'estimated_num_total'];

/** Response of `POST` and `DELETE /{version}/{audienceId}/users`. */
export interface UsersResponse {
  audience_id: string;
  session_id: string;
  num_received: number;
  num_invalid_entries: number;
  invalid_entry_samples: Record<string, string>;
}

/**
 * Adds (`POST`) or removes (`DELETE`) the payload rows. Invalid rows are counted in
 * `num_invalid_entries` and skipped, and the request still succeeds, as with the real API. Rows
 * with a cell equal to the value of an `invalid_marked` fault count as invalid too.
 * A removal removes every member that shares any non-empty value with a row, because Meta
 * matches people on any key.
 */
export function editAudienceUsers(
  state: SimulatorState,
  request: FastifyRequest,
  audienceId: string,
): UsersResponse {
  if (request.query !== null && typeof request.query === 'object' && 'payload' in request.query) {
    throw invalidParameter('Send payload in the request body; a payload in the URL is rejected.');
  }

  const audience = findCustomAudience(state, request.method, audienceId);
  const fields = readBodyFields(request.body);
  checkKnownFields(fields, USERS_PARAMETERS, '');
  const payload = parseUsersPayload(fields.payload);
  const sessionId = readSessionId(fields.session);

  const invalidValue = findInvalidRowValue(request);
  let invalidRows = 0;
  for (const row of payload.data) {
    const isMarked = invalidValue !== undefined && row.includes(invalidValue);
    if (isMarked || !isValidRow(payload.schema, row)) {
      invalidRows += 1;
      continue;
    }

    const member = toAudienceMember(payload.schema, row);
    if (request.method === 'DELETE') audience.members.removeMatching(member);
    else audience.members.add(member);
  }

  return {
    audience_id: audience.id,
    session_id: sessionId,
    num_received: payload.data.length,
    num_invalid_entries: invalidRows,
    // NOTE: the real API may list samples of invalid values here, but the simulator sends none.
    invalid_entry_samples: {},
  };
}

/**
 * Returns the string cells of `payload.data` in a `POST` or `DELETE /{version}/{node}/users`
 * request, or `undefined` for any other request. It runs before the route validates the payload,
 * so it skips what it cannot read and leaves rejecting it to the route.
 */
export function readUploadCells(request: FastifyRequest): string[] | undefined {
  const params = request.params as { edge?: string } | undefined;
  const isUpload = request.method === 'POST' || request.method === 'DELETE';
  if (params?.edge !== 'users' || !isUpload) return undefined;

  const body = request.body as { payload?: unknown } | null | undefined;
  let payload: unknown = body?.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return undefined;
    }
  }

  const data: unknown = (payload as { data?: unknown } | null | undefined)?.data;
  if (!Array.isArray(data)) return undefined;

  const cells: string[] = [];
  for (const row of data) {
    if (!Array.isArray(row)) continue;
    for (const cell of row) if (typeof cell === 'string') cells.push(cell);
  }
  return cells;
}

/** Returns the client's session id, or a new one when the request has no `session`. */
function readSessionId(value: unknown): string {
  const session = decodeJsonParameter(value, 'session');
  if (session === undefined) return newSessionId();
  if (session === null || typeof session !== 'object' || Array.isArray(session)) {
    throw invalidParameter('The parameter session must be an object with a session_id.');
  }

  const fields = session as Record<string, unknown>;
  checkKnownFields(fields, SESSION_FIELDS, 'session.');
  checkSessionCounters(fields);
  const sessionId = fields.session_id;
  const isInteger = typeof sessionId === 'number' && Number.isSafeInteger(sessionId);
  const isDigits = typeof sessionId === 'string' && /^\d+$/.test(sessionId);
  if (!isInteger && !isDigits) {
    throw invalidParameter('The parameter session.session_id must be an integer.');
  }

  return String(sessionId);
}

function checkSessionCounters(fields: Record<string, unknown>): void {
  const { batch_seq: batchSeq, last_batch_flag: lastBatch, estimated_num_total: total } = fields;
  if (batchSeq !== undefined && !(Number.isSafeInteger(batchSeq) && (batchSeq as number) >= 1)) {
    throw invalidParameter('The parameter session.batch_seq must be an integer of at least 1.');
  }
  if (lastBatch !== undefined && typeof lastBatch !== 'boolean') {
    throw invalidParameter('The parameter session.last_batch_flag must be true or false.');
  }
  if (total !== undefined && !(Number.isSafeInteger(total) && (total as number) >= 0)) {
    throw invalidParameter('The parameter session.estimated_num_total must be an integer.');
  }
}
