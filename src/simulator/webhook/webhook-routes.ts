import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addPartnerHooks } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { applyDelivery, parseDeliveryBody, readUploadCells } from './delivery-body.js';
import { ReceiverError, type ReceiverErrorBody } from './receiver-error.js';
import { checkSignature } from './signature-check.js';
import { webhookErrorProfile } from './webhook-error-profile.js';

/** Signing secret the simulated receiver checks unless the plugin is given another. */
export const WEBHOOK_SIMULATOR_SIGNING_SECRET = 'simulator-webhook-signing-secret';

/** Path prefix of the simulated receiver. */
export const WEBHOOK_PREFIX = '/webhook';

export interface WebhookRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
  /** Secret that keys the signatures; `WEBHOOK_SIMULATOR_SIGNING_SECRET` when omitted. */
  signingSecret?: string;
  /** Request header with the signature; `X-Activator-Signature` when omitted. */
  signatureHeader?: string;
}

/** Raw request bodies, which the signature is computed over. */
const rawBodies = new WeakMap<FastifyRequest, string>();

/**
 * Registers a webhook receiver at `POST /webhook/hooks/:hook`. It checks the signature and
 * accepts `add`, `remove` and `test` bodies. It files members under the simulated audience whose
 * id is `destination.audience`, because the `:hook` segment only names the endpoint. A signing
 * secret marked `expired` or `missing_permission` through `/_control/tokens` is rejected with 401
 * or 403. Meant for `app.register`, so that the raw-body parser, error handler and partner hooks
 * stay in this scope.
 */
export async function webhookRoutes(
  scope: FastifyInstance,
  options: WebhookRouteOptions,
): Promise<void> {
  const { state } = options;
  const secret = options.signingSecret ?? WEBHOOK_SIMULATOR_SIGNING_SECRET;
  const signatureHeader = (options.signatureHeader ?? 'X-Activator-Signature').toLowerCase();

  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    async (request: FastifyRequest, body: string | Buffer) => {
      const text = body.toString();
      rawBodies.set(request, text);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ReceiverError(400, 'invalid_json', 'The request body is not valid JSON.');
      }
    },
  );
  scope.setErrorHandler(sendReceiverError);
  addPartnerHooks(scope, {
    state,
    profile: webhookErrorProfile,
    closing: options.closing,
    readUploadCells,
  });

  const receive = async (request: FastifyRequest) => {
    checkSignature(request.headers[signatureHeader], rawBodies.get(request) ?? '', secret);
    const secretState = state.getTokenState('webhook', secret);
    if (secretState === 'expired') {
      throw new ReceiverError(401, 'secret_revoked', 'The signing secret has been revoked.');
    }
    if (secretState === 'missing_permission') {
      throw new ReceiverError(403, 'forbidden', 'The sender may not post to this endpoint.');
    }

    return applyDelivery(state, request, parseDeliveryBody(request.body));
  };
  // An endpoint URL may end in a slash, and both forms reach the same receiver.
  scope.post(`${WEBHOOK_PREFIX}/hooks/:hook`, receive);
  scope.post(`${WEBHOOK_PREFIX}/hooks/:hook/`, receive);

  // Without this route, unknown paths under /webhook would reach the Meta Graph API routes.
  scope.all(`${WEBHOOK_PREFIX}/*`, async (request) => {
    throw new ReceiverError(404, 'not_found', `No receiver at ${request.method} ${request.url}.`);
  });
}

/** Sends every error of the receiver as `{ code, message }`, keeping Fastify's client statuses. */
function sendReceiverError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status: number;
  let body: ReceiverErrorBody;
  if (error instanceof ReceiverError) {
    request.log.info({ code: error.code, message: error.message }, 'Webhook request rejected');
    status = error.status;
    body = error.toBody();
  } else if ((error.statusCode ?? 500) < 500) {
    request.log.info({ err: error }, 'Webhook request rejected by Fastify');
    status = error.statusCode ?? 400;
    body = { code: 'bad_request', message: error.message };
  } else {
    request.log.error({ err: error }, 'Webhook simulator route failed');
    status = 500;
    body = { code: 'internal_error', message: 'The receiver failed.' };
  }

  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
