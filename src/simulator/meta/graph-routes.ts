import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addPartnerHooks } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { checkAccessToken, readAccessToken } from './access-token.js';
import { createCustomAudience, readAdAccount } from './ad-account.js';
import { editAudienceUsers, readUploadCells } from './audience-users.js';
import { readCustomAudience } from './custom-audience.js';
import { formatGraphError, GraphApiError, invalidParameter, unknownPath } from './graph-error.js';
import { metaErrorProfile } from './meta-error-profile.js';

export interface MetaGraphRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

interface GraphParams {
  version: string;
  node: string;
  edge?: string;
}

/** Graph API versions have the form `v<major>.0`, such as `v25.0`. */
const GRAPH_VERSION = /^v\d+\.0$/;

/** Edges the simulator serves. Other edges get the Graph API's unknown path error. */
const SIMULATED_EDGES = ['customaudiences', 'users'];

/**
 * Registers the Meta Graph API paths (`/{version}/{node}` and `/{version}/{node}/{edge}`). Meant
 * for `app.register`, so that the error handler, form parser and partner hooks stay in this
 * scope and do not reach the `/_control` routes.
 */
export async function metaGraphRoutes(
  scope: FastifyInstance,
  options: MetaGraphRouteOptions,
): Promise<void> {
  const { state } = options;
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    async (_request: FastifyRequest, body: string | Buffer) =>
      Object.fromEntries(new URLSearchParams(body.toString())),
  );
  scope.setErrorHandler(sendGraphError);
  addPartnerHooks(scope, {
    state,
    profile: metaErrorProfile,
    closing: options.closing,
    readUploadCells,
  });

  const handler = async (request: FastifyRequest<{ Params: GraphParams }>) => {
    const { version, node, edge } = request.params;
    if (!GRAPH_VERSION.test(version)) {
      throw invalidParameter(
        `Unsupported Graph API version "${version}". Use a version such as v25.0 in the path.`,
      );
    }
    checkAccessToken(state, readAccessToken(request));

    return routeGraphRequest(state, request, node, edge);
  };
  const methods = ['GET', 'POST', 'DELETE'];
  scope.route({ method: methods, url: '/:version/:node', handler });
  scope.route({ method: methods, url: '/:version/:node/:edge', handler });
}

function routeGraphRequest(
  state: SimulatorState,
  request: FastifyRequest,
  node: string,
  edge: string | undefined,
): unknown {
  const method = request.method;
  if (edge === undefined && method === 'GET') {
    return node.startsWith('act_')
      ? readAdAccount(request, node)
      : readCustomAudience(state, request, node);
  }
  if (edge === 'customaudiences' && method === 'POST') {
    return createCustomAudience(state, request, node);
  }
  if (edge === 'users' && (method === 'POST' || method === 'DELETE')) {
    return editAudienceUsers(state, request, node);
  }
  if (edge !== undefined && !SIMULATED_EDGES.includes(edge)) {
    throw unknownPath(`/${node}/${edge}`);
  }

  const path = edge === undefined ? `/${node}` : `/${node}/${edge}`;
  throw invalidParameter(`The Meta simulator does not support ${method} ${path}.`);
}

/**
 * Responds to a request that matches no route. Paths outside `/_control` are Graph API paths, so
 * they get the Graph API's unknown path error. `/_control` paths get Fastify's 404 body.
 */
export async function sendRouteNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?', 1)[0] ?? request.url;
  if (path === '/_control' || path.startsWith('/_control/')) {
    const message = `Route ${request.method}:${path} not found`;

    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message });
  }

  // Meta's message lists the path after the version, such as `/me/feed`.
  const error = unknownPath(path.replace(/^\/v\d+\.\d+(?=\/)/, ''));

  return reply.code(error.status).send(formatGraphError(error));
}

/**
 * Sends every error of a Graph route as the Meta error envelope. Fastify's own client errors
 * (invalid JSON, body too large, unsupported media type) keep their HTTP status and get code 100.
 */
function sendGraphError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GraphApiError) {
    const { code, subcode } = error;
    request.log.info({ code, subcode, message: error.message }, 'Graph API request rejected');

    return reply.code(error.status).send(formatGraphError(error));
  }

  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info({ err: error }, 'Graph API request body rejected');
    const message = `(#100) ${error.message}`;

    return reply.code(status).send(formatGraphError({ status, code: 100, message }));
  }

  request.log.error({ err: error }, 'Meta simulator route failed');

  const body = formatGraphError({ status: 500, code: 1, message: 'An unknown error occurred' });

  return reply.code(500).send(body);
}
