import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addPartnerHooks } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { checkApiKey } from './api-key.js';
import { batchSubscribeOrUnsubscribe, readList, readUploadCells } from './list-members.js';
import { mailchimpErrorProfile } from './mailchimp-error-profile.js';
import { formatFaultProblem, MailchimpProblem, problem, type ProblemBody } from './problem.js';

export interface MailchimpRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

/** Path prefix of the simulated Marketing API: `/mailchimp` in front of the real `/3.0` paths. */
export const MAILCHIMP_PREFIX = '/mailchimp';

const API = `${MAILCHIMP_PREFIX}/3.0`;

/** Paths the simulator serves, so that another method on them is `Method Not Allowed`. */
const KNOWN_PATHS = [/^\/3\.0\/ping$/, /^\/3\.0\/lists\/[^/]+$/];

interface ListParams {
  listId: string;
}

/**
 * Registers the Mailchimp Marketing API under `/mailchimp/3.0`: the ping, reading a list and the
 * batch subscribe or unsubscribe endpoint. Every request needs HTTP Basic authentication with a
 * key of the form `<32 hex digits>-<dc>`. Errors are RFC 7807 problem bodies. Meant for
 * `app.register`, so that the error handler and the partner hooks stay in this scope.
 */
export async function mailchimpRoutes(
  scope: FastifyInstance,
  options: MailchimpRouteOptions,
): Promise<void> {
  const { state } = options;
  scope.setErrorHandler(sendProblem);
  addPartnerHooks(scope, {
    state,
    profile: mailchimpErrorProfile,
    closing: options.closing,
    readUploadCells,
  });

  scope.get(`${API}/ping`, async (request) => {
    checkApiKey(state, request);

    return { health_status: "Everything's Chimpy!" };
  });

  scope.get<{ Params: ListParams }>(`${API}/lists/:listId`, async (request) => {
    checkApiKey(state, request);

    return readList(state, request, request.params.listId);
  });

  scope.post<{ Params: ListParams }>(`${API}/lists/:listId`, async (request) => {
    checkApiKey(state, request);

    return batchSubscribeOrUnsubscribe(state, request, request.params.listId);
  });

  // Without this route, unknown paths under /mailchimp would reach the Meta Graph API routes.
  scope.all(`${MAILCHIMP_PREFIX}/*`, async (request) => {
    const path = (request.url.split('?', 1)[0] ?? '').slice(MAILCHIMP_PREFIX.length);
    if (KNOWN_PATHS.some((pattern) => pattern.test(path))) throw problem('MethodNotAllowed');

    throw problem('ResourceNotFound');
  });
}

/**
 * Sends every error of a Mailchimp route as a problem body. Fastify's own client errors keep
 * their status: unreadable JSON becomes `JSON Parse Error`, others get the status's title.
 */
function sendProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let body: ProblemBody;
  if (error instanceof MailchimpProblem) {
    request.log.info(
      { title: error.entry.title, detail: error.message },
      'Mailchimp request rejected',
    );
    body = error.toBody();
  } else if (isJsonBodyError(error)) {
    request.log.info({ err: error }, 'Mailchimp request body rejected');
    body = problem('JSONParseError').toBody();
  } else if ((error.statusCode ?? 500) < 500) {
    request.log.info({ err: error }, 'Mailchimp request rejected by Fastify');
    const status = error.statusCode ?? 400;
    body = formatFaultProblem({ status, code: status, message: error.message });
  } else {
    request.log.error({ err: error }, 'Mailchimp simulator route failed');
    body = problem('InternalServerError').toBody();
  }

  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

function isJsonBodyError(error: FastifyError): boolean {
  return (
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    error instanceof SyntaxError
  );
}
