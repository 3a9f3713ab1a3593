import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CLANG_SOAP_PATH } from '../../connectors/clang/schemas.js';
import { addPartnerHooks } from '../partner-hooks.js';
import type { SimulatorState } from '../simulator-state.js';
import { CLANG_OPERATIONS } from './clang-operations.js';
import { CustomerDirectory } from './customer-directory.js';
import {
  buildFaultXml,
  ClangFault,
  clangErrorProfile,
  INVALID_UUID_FAULT,
  NO_PERMISSION_FAULT,
  parseSoapCall,
  readOperationElement,
  readSoapCallCells,
  readSoapUuid,
} from './soap-messages.js';

export interface ClangRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/**
 * Registers Clang's SOAP endpoint, `POST /app/api/soap/public/index.php`. Meant for
 * `app.register` with the prefix `/clang`, so the XML parser, error handler and partner hooks
 * stay in this scope. A connector reaches it with `baseUrl` set to `{simulatorUrl}/clang`.
 */
export async function clangRoutes(scope: FastifyInstance, options: ClangRouteOptions) {
  const { state } = options;
  const directory = new CustomerDirectory(state);

  scope.addContentTypeParser(
    ['text/xml', 'application/soap+xml'],
    { parseAs: 'string' },
    async (request: FastifyRequest, body: string | Buffer) =>
      parseSoapCall(request, body.toString()),
  );
  scope.setErrorHandler(sendClangFault);
  const sendNotFound = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?', 1)[0];

    return reply.code(404).type('text/plain; charset=utf-8').send(`Not Found: ${path}`);
  };
  scope.setNotFoundHandler(sendNotFound);
  addPartnerHooks(scope, {
    state,
    profile: clangErrorProfile,
    closing: options.closing,
    readUploadCells: readSoapCallCells,
  });
  // The partner hooks send fault bodies as application/json. Clang's faults are XML.
  scope.addHook('onSend', async (_request, reply, payload) => {
    const contentType = String(reply.getHeader('content-type') ?? '');
    if (
      typeof payload === 'string' &&
      payload.startsWith('<?xml') &&
      contentType.includes('json')
    ) {
      reply.header('content-type', XML_CONTENT_TYPE);
    }

    return payload;
  });

  scope.post(CLANG_SOAP_PATH, async (request, reply) => {
    const parameters = readOperationElement(request);
    if (parameters === undefined) {
      throw new ClangFault('Client', 'Bad Request: send a SOAP envelope as text/xml');
    }
    const operation = CLANG_OPERATIONS.get(parameters.name);
    if (operation === undefined) {
      throw new ClangFault(
        'Client',
        `Function ("${parameters.name}") is not a valid method for this service`,
      );
    }
    checkUuid(state, readSoapUuid(request));

    return reply.type(XML_CONTENT_TYPE).send(operation({ state, directory, parameters }));
  });
  // Without this route, other paths under the prefix would reach the Meta routes'
  // /:version/:node pattern when all partners share one simulator.
  scope.all('/*', sendNotFound);
}

/** Throws the fault for a missing uuid or one marked expired or lacking permission. */
function checkUuid(state: SimulatorState, uuid: string | undefined): void {
  if (!uuid) throw new ClangFault(String(INVALID_UUID_FAULT.code), INVALID_UUID_FAULT.message);

  const tokenState = state.getTokenState('clang', uuid);
  if (tokenState === 'expired') {
    throw new ClangFault(String(INVALID_UUID_FAULT.code), INVALID_UUID_FAULT.message);
  }
  if (tokenState === 'missing_permission') {
    throw new ClangFault(String(NO_PERMISSION_FAULT.code), NO_PERMISSION_FAULT.message);
  }
}

/**
 * Sends every error of the Clang routes as a SOAP Fault. Fastify's own client errors (body too
 * large, unsupported media type) keep their HTTP status and get the `Client` fault code.
 */
function sendClangFault(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ClangFault) {
    request.log.info({ faultCode: error.faultCode, message: error.message }, 'Clang call faulted');

    return reply
      .code(error.status)
      .type(XML_CONTENT_TYPE)
      .send(buildFaultXml(error.faultCode, error.message));
  }

  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info({ err: error }, 'Clang request body rejected');

    return reply.code(status).type(XML_CONTENT_TYPE).send(buildFaultXml('Client', error.message));
  }

  request.log.error({ err: error }, 'Clang simulator route failed');

  return reply.code(500).type(XML_CONTENT_TYPE).send(buildFaultXml('Server', 'Internal error'));
}
