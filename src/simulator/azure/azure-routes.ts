import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addPartnerHooks } from '../partner-hooks.js';
import { REDACTED } from '../request-log.js';
import type { SimulatorState } from '../simulator-state.js';
import { BlobStore } from './blob-store.js';
import { authenticate } from './storage-auth.js';
import { azureErrorProfile, buildErrorXml, readErrorCode, StorageError } from './storage-errors.js';

export interface AzureRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
}

const XML_CONTENT_TYPE = 'application/xml';

/** Maximum blob name length that Azure accepts, in characters. */
const MAX_BLOB_NAME_LENGTH = 1024;

/** Query parameters of each request as received, before the request log's copy is redacted. */
const receivedQueries = new WeakMap<FastifyRequest, Record<string, string>>();

/**
 * Registers the Blob Storage operations the Azure type uses: Get Container Properties
 * (`GET /{container}?restype=container`), Put Blob (`PUT /{container}/{blob}`) and Get Blob
 * (`GET /{container}/{blob}`). Meant for `app.register` with the prefix `/azure`, so the body
 * parser, error handler and partner hooks stay in this scope. A connector reaches it with
 * `baseUrl` set to `{simulatorUrl}/azure`.
 *
 * A container must exist as a partner audience of `azure` (`POST /_control/audiences` with
 * `id` set to the container name). `GET /_control/audiences/{container}` lists the profiles
 * that the stored blobs' records leave in the container.
 */
export async function azureRoutes(scope: FastifyInstance, options: AzureRouteOptions) {
  const { state } = options;
  const store = new BlobStore(state);

  // Azure stores any bytes, so every body is read as text whatever its content type.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string' },
    async (_request: FastifyRequest, body: string | Buffer) => body.toString(),
  );
  scope.setErrorHandler(sendStorageError);
  scope.setNotFoundHandler(async (_request, reply) =>
    sendError(reply, new StorageError(400, 'InvalidUri', 'The request URL is not valid.')),
  );
  // Runs before the partner hooks record the request, so that the log never contains a SAS `sig`.
  scope.addHook('onRequest', async (request) => {
    const query = Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? ''));
    receivedQueries.set(request, query);
    if (query.sig !== undefined) request.query = { ...query, sig: REDACTED };
  });
  addPartnerHooks(scope, {
    state,
    profile: azureErrorProfile,
    closing: options.closing,
    readUploadCells: readRecordCells,
  });
  // The partner hooks send error bodies as application/json. Azure's errors are XML and repeat
  // the code in the x-ms-error-code header.
  scope.addHook('onSend', async (_request, reply, payload) => {
    const contentType = String(reply.getHeader('content-type') ?? '');
    if (
      typeof payload === 'string' &&
      payload.startsWith('<?xml') &&
      contentType.includes('json')
    ) {
      reply.header('content-type', XML_CONTENT_TYPE);
      const code = readErrorCode(payload);
      if (code !== undefined) reply.header('x-ms-error-code', code);
    }

    return payload;
  });

  scope.get<{ Params: { container: string } }>('/:container', async (request, reply) => {
    const query = receivedQueries.get(request) ?? {};
    if (query.restype !== 'container') {
      throw new StorageError(400, 'InvalidQueryParameterValue', 'The restype value is not valid.');
    }
    authenticate(state, request, query, 'read');
    const container = requireContainer(store, request.params.container);

    return reply
      .code(200)
      .headers(standardHeaders(request))
      .header('etag', `"0x${Buffer.from(container.id).toString('hex').slice(0, 15).toUpperCase()}"`)
      .header('x-ms-lease-status', 'unlocked')
      .header('x-ms-lease-state', 'available')
      .send();
  });

  scope.get<{ Params: { container: string; '*': string } }>(
    '/:container/*',
    async (request, reply) => {
      const query = receivedQueries.get(request) ?? {};
      authenticate(state, request, query, 'read');
      requireContainer(store, request.params.container);
      const blob = store.get(request.params.container, readBlobName(request.params['*']));
      if (blob === undefined)
        throw new StorageError(404, 'BlobNotFound', 'The blob does not exist.');

      return reply
        .code(200)
        .headers(standardHeaders(request))
        .header('content-type', blob.contentType)
        .header('etag', blob.etag)
        .header('last-modified', blob.lastModified.toUTCString())
        .header('x-ms-blob-type', 'BlockBlob')
        .send(blob.body);
    },
  );

  scope.put<{ Params: { container: string; '*': string } }>(
    '/:container/*',
    async (request, reply) => {
      const query = receivedQueries.get(request) ?? {};
      authenticate(state, request, query, 'write');
      if (request.headers.authorization !== undefined) requireHeader(request, 'x-ms-version');
      const container = requireContainer(store, request.params.container);
      const blobType = requireHeader(request, 'x-ms-blob-type');
      if (blobType !== 'BlockBlob') {
        throw new StorageError(
          400,
          'InvalidHeaderValue',
          'The simulator stores block blobs only: x-ms-blob-type must be BlockBlob.',
        );
      }

      const name = readBlobName(request.params['*']);
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch === '*' && store.get(container.id, name) !== undefined) {
        throw new StorageError(409, 'BlobAlreadyExists', 'The blob already exists.');
      }
      const body = Buffer.from(typeof request.body === 'string' ? request.body : '', 'utf8');
      const contentType = request.headers['content-type'] ?? 'application/octet-stream';
      const blob = store.put(container, name, body, contentType);

      return reply
        .code(201)
        .headers(standardHeaders(request))
        .header('etag', blob.etag)
        .header('last-modified', blob.lastModified.toUTCString())
        .header('x-ms-request-server-encrypted', 'true')
        .send();
    },
  );

  // Without this route, other methods and paths under the prefix would reach the Meta routes'
  // /:version/:node pattern when all partners share one simulator.
  scope.all('/*', async (request) => {
    const isKnownPath = /^\/azure\/[^/]+(\/.+)?$/.test(request.url.split('?', 1)[0] ?? '');
    if (isKnownPath) {
      throw new StorageError(
        405,
        'UnsupportedHttpVerb',
        `The method ${request.method} is not supported.`,
      );
    }
    throw new StorageError(400, 'InvalidUri', 'The request URL is not valid.');
  });
}

/** Returns the string cells of the NDJSON records in a Put Blob body, for marked faults. */
function readRecordCells(request: FastifyRequest): string[] | undefined {
  if (request.method !== 'PUT' || typeof request.body !== 'string') return undefined;

  const cells: string[] = [];
  for (const line of request.body.split('\n')) {
    const matches = line.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const match of matches) {
      try {
        cells.push(JSON.parse(match) as string);
      } catch {
        // A line that is not JSON has no cells.
      }
    }
  }

  return cells;
}

function requireContainer(store: BlobStore, name: string) {
  const container = store.findContainer(name);
  if (container === undefined) {
    throw new StorageError(404, 'ContainerNotFound', 'The container does not exist.');
  }

  return container;
}

function requireHeader(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string' || value === '') {
    throw new StorageError(400, 'MissingRequiredHeader', `The header ${name} is required.`);
  }

  return value;
}

function readBlobName(wildcard: string): string {
  const name = decodeURIComponent(wildcard);
  if (name === '' || name.length > MAX_BLOB_NAME_LENGTH) {
    throw new StorageError(400, 'InvalidResourceName', 'The blob name is not valid.');
  }

  return name;
}

function standardHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {
    date: new Date().toUTCString(),
    'x-ms-request-id': randomUUID(),
  };
  const version = request.headers['x-ms-version'];
  if (typeof version === 'string') headers['x-ms-version'] = version;

  return headers;
}

function sendError(reply: FastifyReply, error: StorageError) {
  return reply
    .code(error.status)
    .type(XML_CONTENT_TYPE)
    .header('x-ms-error-code', error.code)
    .send(buildErrorXml(error.code, error.message, error.detail));
}

/**
 * Sends every error of the Azure routes as Azure's XML error body. Fastify's own client errors
 * (body too large, bad URL encoding) keep their HTTP status and get the code `InvalidInput`.
 */
function sendStorageError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof StorageError) {
    request.log.info({ code: error.code, status: error.status }, 'Azure request rejected');

    return sendError(reply, error);
  }
  if (error instanceof URIError) {
    return sendError(reply, new StorageError(400, 'InvalidUri', 'The request URL is not valid.'));
  }

  const status = error.statusCode ?? 500;
  if (status < 500) {
    request.log.info({ err: error }, 'Azure request body rejected');

    return sendError(reply, new StorageError(status, 'InvalidInput', error.message));
  }

  request.log.error({ err: error }, 'Azure simulator route failed');

  return sendError(
    reply,
    new StorageError(500, 'InternalError', 'The server had an internal error.'),
  );
}
