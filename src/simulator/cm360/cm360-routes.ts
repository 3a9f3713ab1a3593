import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addPartnerHooks } from '../partner-hooks.js';
import type { RecordedRequest } from '../request-log.js';
import type { SimulatorState } from '../simulator-state.js';
import { cm360ErrorProfile } from './cm360-error-profile.js';
import { insertConversions, readUploadCells } from './conversions-insert.js';
import {
  formatGoogleError,
  GoogleApiError,
  RPC_INTERNAL,
  RPC_INVALID_ARGUMENT,
} from './google-error.js';
import {
  checkAccessToken,
  exchangeToken,
  parseTokenForm,
  redactTokenForm,
  SimulatedAccessTokens,
  sendTokenError,
} from './oauth-token.js';
import { readUserProfile } from './user-profile.js';

/** Path prefix of the CM360 routes, because Meta's Graph API paths own the root. */
export const CM360_PATH_PREFIX = '/cm360';

export interface Cm360RouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

interface ProfileParams {
  version: string;
  profileId: string;
}

/**
 * Registers the simulated Campaign Manager 360 API and Google's OAuth token endpoint under
 * `/cm360`: `POST /cm360/token`, `GET /cm360/dfareporting/{version}/userprofiles/{profileId}`
 * and `POST .../conversions/batchinsert`. Meant for `app.register`.
 *
 * Faults of partner `cm360` apply to the API routes only. The token endpoint is logged with its
 * secrets redacted but takes no faults, so that a fault meant for an API request is not used up
 * by the token exchange before it.
 */
export async function cm360Routes(scope: FastifyInstance, options: Cm360RouteOptions) {
  await scope.register(cm360Scope, { ...options, prefix: CM360_PATH_PREFIX });
}

async function cm360Scope(scope: FastifyInstance, options: Cm360RouteOptions): Promise<void> {
  const tokens = new SimulatedAccessTokens();
  scope.setNotFoundHandler(sendGoogleNotFound);
  await scope.register(tokenEndpoint, { state: options.state, tokens });
  // Only named fields are passed on, because `options` also contains the prefix, which would apply twice.
  await scope.register(dfareportingApi, { state: options.state, closing: options.closing, tokens });
}

async function tokenEndpoint(
  scope: FastifyInstance,
  options: { state: SimulatorState; tokens: SimulatedAccessTokens },
): Promise<void> {
  const { state, tokens } = options;
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    async (_request: FastifyRequest, body: string | Buffer) => parseTokenForm(body.toString()),
  );
  scope.setErrorHandler(sendTokenError);
  recordTokenRequests(scope, state);

  scope.post('/token', async (request) => exchangeToken(state, tokens, request));
}

/** Logs token requests like partner requests, with the client secret and refresh token redacted. */
function recordTokenRequests(scope: FastifyInstance, state: SimulatorState): void {
  const records = new WeakMap<FastifyRequest, RecordedRequest>();
  scope.addHook('onRequest', async (request) => {
    const record = state.requests.record({
      partner: 'cm360',
      method: request.method,
      path: request.url.split('?', 1)[0] ?? request.url,
      query: request.query,
      headers: request.headers,
    });
    records.set(request, record);
  });
  scope.addHook('preHandler', async (request) => {
    const record = records.get(request);
    const size = Number(request.headers['content-length']) || 0;
    if (record && request.body !== undefined) {
      state.requests.attachBody(record, redactTokenForm(request.body), size);
    }
  });
  scope.addHook('onResponse', async (request, reply) => {
    const record = records.get(request);
    if (record) record.status = reply.statusCode;
  });
}

async function dfareportingApi(
  scope: FastifyInstance,
  options: Cm360RouteOptions & { tokens: SimulatedAccessTokens },
): Promise<void> {
  const { state, tokens } = options;
  scope.setErrorHandler(sendGoogleError);
  addPartnerHooks(scope, {
    state,
    profile: cm360ErrorProfile,
    closing: options.closing,
    readUploadCells,
  });

  const profilePath = '/dfareporting/:version/userprofiles/:profileId';
  scope.get<{ Params: ProfileParams }>(profilePath, async (request) => {
    checkAccessToken(state, tokens, request);

    return readUserProfile(request.params.version, request.params.profileId);
  });
  scope.post<{ Params: ProfileParams }>(
    `${profilePath}/conversions/batchinsert`,
    async (request) => {
      checkAccessToken(state, tokens, request);

      return insertConversions(state, request);
    },
  );
}

/**
 * Sends every error of an API route as a Google error body. Fastify's own client errors (invalid
 * JSON, unsupported media type, body too large) become INVALID_ARGUMENT with their HTTP status.
 */
function sendGoogleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GoogleApiError) {
    request.log.info({ status: error.status, message: error.message }, 'CM360 request rejected');

    return reply.code(error.status).send(formatGoogleError(error));
  }

  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info({ err: error }, 'CM360 request body rejected');
    const message = `Invalid JSON payload received. ${error.message}`;

    return reply
      .code(status)
      .send(formatGoogleError({ status, code: RPC_INVALID_ARGUMENT, message }));
  }

  request.log.error({ err: error }, 'CM360 simulator route failed');
  const body = formatGoogleError({
    status: 500,
    code: RPC_INTERNAL,
    message: 'Internal error encountered.',
  });

  return reply.code(500).send(body);
}

const NOT_FOUND_PAGE =
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Error 404 (Not Found)</title></head>' +
  '<body><p>404. The requested URL was not found on this server.</p></body></html>\n';

/** Sends an HTML 404 page for an unknown path below `/cm360`, as Google's front end does. */
async function sendGoogleNotFound(_request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
}
