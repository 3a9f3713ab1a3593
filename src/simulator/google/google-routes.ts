import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultSettings } from '../fault-schedule.js';
import { addPartnerHooks } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { formatGoogleError, GoogleApiError, googleErrorProfile } from './google-error.js';
import { exchangeToken, IssuedTokens, parseTokenForm } from './oauth-tokens.js';
import {
  DENIED_CONSENT_REASON,
  MARKED_MEMBER_REASON,
  UploadProcessing,
} from './upload-processing.js';
import { memberCells, parseUploadRequest, type UploadRequest } from './upload-request.js';

export interface GoogleRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

const ACCOUNT_TYPES = [
  'GOOGLE_ADS',
  'DISPLAY_VIDEO_PARTNER',
  'DISPLAY_VIDEO_ADVERTISER',
  'DATA_PARTNER',
];

/**
 * Registers Google's OAuth token endpoint (`POST /token`) and the Data Manager API paths that
 * the Customer Match types use. Meant for `app.register` with the prefix `/google`, so the form
 * parser, error handler and partner hooks stay in this scope. A connector reaches it with
 * `baseUrl` set to `{simulatorUrl}/google` and `tokenUrl` to `{simulatorUrl}/google/token`.
 *
 * Faults for partner `google` apply to every route here, the token endpoint included. A
 * `partner_error` fault's `code` is a Data Manager `ErrorReason` number (3 is
 * `RESOURCE_EXHAUSTED`, 17 is `TOO_MANY_AUDIENCE_MEMBERS`), or 1000 plus a `googleapis.com`
 * reason number (1016 is `ACCESS_TOKEN_EXPIRED`). A `reject_marked` fault fails an upload with
 * a field violation for each member that has the marked value, and an `invalid_marked` fault
 * lets the upload through and fails those members at processing (`PARTIAL_SUCCESS`).
 */
export async function googleRoutes(
  scope: FastifyInstance,
  options: GoogleRouteOptions,
): Promise<void> {
  const { state } = options;
  const tokens = new IssuedTokens();
  const uploads = new UploadProcessing(state);

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    async (_request: FastifyRequest, body: string | Buffer) => parseTokenForm(body.toString()),
  );
  scope.setErrorHandler(sendGoogleError);
  scope.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? request.url;
    const error = new GoogleApiError(
      404,
      `The Google simulator has no route ${request.method} ${path}.`,
    );

    return reply.code(404).send(formatGoogleError(error));
  });
  // Marked-value faults are taken by the upload routes, which know the members' positions, so
  // the hooks get no upload cells and pass those faults over.
  addPartnerHooks(scope, { state, profile: googleErrorProfile, closing: options.closing });

  scope.post('/token', (request, reply) => exchangeToken(state, tokens, request, reply));

  const upload = (operation: 'ingest' | 'remove') => async (request: FastifyRequest) => {
    tokens.authorize(state, request);
    const parsed = parseUploadRequest(request.body, operation);
    checkDestinations(state, parsed);
    rejectMarkedMembers(state, parsed);
    if (parsed.validateOnly) return {};

    const requestId = uploads.accept(
      operation,
      parsed,
      processingFailures(state, parsed, operation),
    );
    request.log.info(
      { requestId, members: parsed.members.length, operation },
      'Data Manager upload accepted',
    );

    return { requestId };
  };
  // A double colon is a literal colon in a Fastify path.
  scope.post('/v1/audienceMembers::ingest', upload('ingest'));
  scope.post('/v1/audienceMembers::remove', upload('remove'));

  scope.get('/v1/requestStatus::retrieve', async (request) => {
    tokens.authorize(state, request);
    const requestId = (request.query as Record<string, unknown>).requestId;
    if (typeof requestId !== 'string' || requestId === '') {
      throw new GoogleApiError(
        400,
        'request_id is required.',
        'REQUIRED_FIELD_MISSING',
        undefined,
        [
          {
            field: 'request_id',
            description: 'request_id is required.',
            reason: 'REQUIRED_FIELD_MISSING',
          },
        ],
      );
    }
    const status = uploads.retrieve(requestId);
    if (status === undefined) {
      throw new GoogleApiError(
        400,
        `The request id ${requestId} is not valid.`,
        'INVALID_REQUEST_ID',
      );
    }

    return status;
  });

  scope.get('/v1/accountTypes/:accountType/accounts/:accountId/userLists', async (request) => {
    tokens.authorize(state, request);
    const { accountType, accountId } = request.params as { accountType: string; accountId: string };
    if (!ACCOUNT_TYPES.includes(accountType) || !/^\d{1,20}$/.test(accountId)) {
      throw new GoogleApiError(
        400,
        `accountTypes/${accountType}/accounts/${accountId} is not a valid account.`,
        'INVALID_ARGUMENT',
      );
    }
    const loginAccount = request.headers['login-account'];
    if (
      loginAccount !== undefined &&
      !/^accountTypes\/[A-Z_]+\/accounts\/\d{1,20}$/.test(String(loginAccount))
    ) {
      throw new GoogleApiError(
        400,
        'The login-account header is not an account resource name.',
        'INVALID_ARGUMENT',
      );
    }

    // SimulatorState cannot list audiences, so the list is always empty, and proto3 JSON
    // leaves an empty list out.
    return {};
  });

  // Without this route, unknown paths below /google would reach the Meta routes' /:version pattern.
  scope.all('/*', async (_request, reply) => reply.callNotFound());
}

/**
 * Rejects an upload whose user list is not a `google` audience of the simulator.
 *
 * NOTE: Google's synchronous error for an unknown user list is not documented, so the simulator
 * uses `INVALID_USER_LIST_ID`.
 */
function checkDestinations(state: SimulatorState, upload: UploadRequest): void {
  upload.destinations.forEach((destination, index) => {
    const id = destination.productDestinationId;
    if (state.findPartnerAudience('google', id) !== undefined) return;

    const field = `destinations[${index}].product_destination_id`;
    const description = `User list ${id} does not exist in the operating account.`;
    throw new GoogleApiError(400, description, 'INVALID_USER_LIST_ID', undefined, [
      { field, description, reason: 'INVALID_USER_LIST_ID' },
    ]);
  });
}

/** Takes a `reject_marked` fault that matches a member and fails the upload for those members. */
function rejectMarkedMembers(state: SimulatorState, upload: UploadRequest): void {
  const fault = state.faults.take('google', matchesMarkedMember(upload, 'reject_marked'));
  if (fault?.value === undefined) return;

  const violations = upload.members.flatMap((member, index) =>
    memberCells(member).includes(fault.value ?? '')
      ? [
          {
            field: `audience_members[${index}].user_data.user_identifiers`,
            description: 'The SHA-256 encoded value is malformed.',
            reason: 'INVALID_SHA256_FORMAT',
          },
        ]
      : [],
  );
  throw new GoogleApiError(
    400,
    `The request has ${violations.length} invalid audience member field(s); no member was processed.`,
    'INVALID_SHA256_FORMAT',
    undefined,
    violations,
  );
}

/**
 * Returns the members that fail at processing: those with the value of an `invalid_marked`
 * fault, and added members whose ad user data consent (their own, else the request's) is denied.
 */
function processingFailures(
  state: SimulatorState,
  upload: UploadRequest,
  operation: 'ingest' | 'remove',
): Map<number, string> {
  const failures = new Map<number, string>();
  const fault = state.faults.take('google', matchesMarkedMember(upload, 'invalid_marked'));
  upload.members.forEach((member, index) => {
    if (fault?.value !== undefined && memberCells(member).includes(fault.value)) {
      failures.set(index, MARKED_MEMBER_REASON);
      return;
    }
    const adUserData = member.consent?.adUserData ?? upload.consent?.adUserData;
    if (operation === 'ingest' && adUserData === 'CONSENT_DENIED')
      failures.set(index, DENIED_CONSENT_REASON);
  });

  return failures;
}

function matchesMarkedMember(upload: UploadRequest, mode: 'reject_marked' | 'invalid_marked') {
  let cells: Set<string> | undefined;

  return (fault: FaultSettings) => {
    if (fault.mode !== mode || fault.value === undefined) return false;
    cells ??= new Set(upload.members.flatMap(memberCells));

    return cells.has(fault.value);
  };
}

/**
 * Sends every error of a Google route as a `google.rpc.Status` body. Fastify's own client
 * errors (invalid JSON, body too large, unsupported media type) keep their HTTP status.
 */
function sendGoogleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GoogleApiError) {
    request.log.info(
      { reason: error.reason, message: error.message },
      'Google API request rejected',
    );

    return reply.code(error.httpStatus).send(formatGoogleError(error));
  }

  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info({ err: error }, 'Google API request body rejected');

    return reply.code(status).send(formatGoogleError(new GoogleApiError(status, error.message)));
  }

  request.log.error({ err: error }, 'Google simulator route failed');

  return reply
    .code(500)
    .send(formatGoogleError(new GoogleApiError(500, 'Internal error.', 'INTERNAL_ERROR')));
}
