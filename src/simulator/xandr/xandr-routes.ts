import { gunzipSync } from 'node:zlib';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { addPartnerHooks, findInvalidRowValue } from '../partner-hooks.js';
import { REDACTED } from '../request-log.js';
import type { SimulatorState } from '../simulator-state.js';
import { BatchJobs, describeJob } from './batch-jobs.js';
import {
  DEFAULT_BSS_FILE_FORMAT,
  parseSegmentFile,
  readUids,
  type BssFileFormat,
} from './segment-file.js';
import {
  formatXandrError,
  integrityError,
  noAuthError,
  notFoundError,
  syntaxError,
  unauthError,
  XandrApiError,
  xandrErrorProfile,
} from './xandr-error.js';
import { XandrSessions } from './xandr-sessions.js';

export interface XandrRouteOptions {
  state: SimulatorState;
  /** Signal aborted when the simulator closes, which ends requests held by a `delay` fault. */
  closing: AbortSignal;
  /** Username and password pairs that may log in. Without it, any non-empty pair may. */
  accounts?: { username: string; password: string }[];
  /** Members the users may access. Without it, every member id is accessible. */
  memberIds?: number[];
  /** Seconds after its last use when a token expires. Xandr uses 2 hours. */
  tokenIdleSeconds?: number;
  /** Seconds after the login when a token expires. Xandr uses 24 hours. */
  tokenMaxAgeSeconds?: number;
  /** Lines kept in a job's `error_log_lines`. Xandr's default is 200. */
  numErrorLogLines?: number;
  /**
   * Maximum upload, in bytes, before and after gzip. Xandr accepts 0.5 GB, and the default of 50 MiB
   * keeps a simulated upload in memory.
   */
  maxUploadBytes?: number;
  /** Separators of the simulated member's BSS setup. */
  fileFormat?: BssFileFormat;
  /**
   * Origin of the upload URLs, such as `https://data-api-gslb.adnxs.net`. Without it, the upload
   * URL has the origin of the job request, so that a connector can reach it below its base URL.
   */
  uploadOrigin?: string;
  now?: () => number;
}

const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const UPLOAD_ROUTE = '/segment-upload/:jobId';

const AuthBody = Type.Object({
  auth: Type.Object({
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
  }),
});

const MemberQuery = Type.Object({ id: Type.Optional(Type.String({ pattern: '^[0-9]+$' })) });

const JobQuery = Type.Object({
  member_id: Type.String({ pattern: '^[0-9]+$' }),
  job_id: Type.Optional(Type.String({ minLength: 1 })),
});

/** Passwords of `/auth` requests, moved out of the body before the request log stores it. */
const passwords = new WeakMap<FastifyRequest, string>();

/**
 * Registers the Xandr API paths the connector uses (`/auth`, `/member`, `/batch-segment`) and the
 * BSS upload host path (`/segment-upload/:jobId`). Meant for `app.register` with a prefix such as
 * `/xandr`, so that its error handler, parsers and partner hooks stay in this scope.
 */
export async function xandrRoutes(scope: FastifyInstance, options: XandrRouteOptions) {
  const { state } = options;
  const now = options.now ?? Date.now;
  const format = options.fileFormat ?? DEFAULT_BSS_FILE_FORMAT;
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const sessions = new XandrSessions({
    idleMs: (options.tokenIdleSeconds ?? 7_200) * 1000,
    maxAgeMs: (options.tokenMaxAgeSeconds ?? 86_400) * 1000,
    now,
  });
  const jobs = new BatchJobs({ now, numErrorLogLines: options.numErrorLogLines ?? 200 });
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  scope.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: maxUploadBytes },
    async (_request: FastifyRequest, body: Buffer) => decodeSegmentFile(body, maxUploadBytes),
  );
  scope.setErrorHandler(sendXandrError);
  scope.setNotFoundHandler(async (request) => {
    throw notFoundError(`Unknown service ${request.method} ${request.url.split('?', 1)[0]}.`);
  });
  addPartnerHooks(scope, {
    state,
    profile: xandrErrorProfile,
    closing: options.closing,
    readUploadCells: (request) =>
      request.routeOptions.url?.endsWith(UPLOAD_ROUTE) && typeof request.body === 'string'
        ? readUids(request.body, format)
        : undefined,
  });
  scope.addHook('onSend', async (_request, reply) => addRateLimitCode(reply));

  const authenticate = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    sessions.use(state, typeof header === 'string' ? header.trim() : undefined);
  };
  const checkMember = (memberId: number) => {
    if (options.memberIds && !options.memberIds.includes(memberId)) {
      throw unauthError(`You do not have access to member ${memberId}.`);
    }
  };

  app.post(
    '/auth',
    { schema: { body: AuthBody }, preValidation: hidePassword },
    async (request) => {
      const { username } = request.body.auth;
      const password = passwords.get(request) ?? '';
      const allowed =
        options.accounts === undefined ||
        options.accounts.some(
          (account) => account.username === username && account.password === password,
        );
      if (!allowed) throw noAuthError('No match found for user/pass');

      return {
        response: { status: 'OK', token: sessions.create(username), dbg_info: debugInfo() },
      };
    },
  );

  app.get('/member', { schema: { querystring: MemberQuery } }, async (request) => {
    authenticate(request);
    if (request.query.id === undefined) throw syntaxError('Specify the member with ?id=.');
    const memberId = Number(request.query.id);
    checkMember(memberId);
    const member = { id: memberId, name: `Simulated member ${memberId}`, active: true };

    return okResponse({ member, count: 1 });
  });

  app.post('/batch-segment', { schema: { querystring: JobQuery } }, async (request, reply) => {
    authenticate(request);
    if (request.query.job_id !== undefined) throw syntaxError('A new job takes no job_id.');
    if (request.body !== undefined && request.body !== null && request.body !== '') {
      throw syntaxError('Request an upload URL with an empty POST body.');
    }
    const memberId = Number(request.query.member_id);
    checkMember(memberId);

    const origin = options.uploadOrigin ?? `${request.protocol}://${request.host}`;
    const job = jobs.create(
      memberId,
      (jobId) => `${origin}${scope.prefix}/segment-upload/${jobId}`,
    );
    const upload = {
      job_id: job.jobId,
      id: job.id,
      member_id: job.memberId,
      last_modified: describeJob(job).last_modified,
      upload_url: job.uploadUrl,
    };

    return reply.send(okResponse({ id: job.id, batch_segment_upload_job: upload, count: 1 }));
  });

  app.get('/batch-segment', { schema: { querystring: JobQuery } }, async (request) => {
    authenticate(request);
    const memberId = Number(request.query.member_id);
    checkMember(memberId);
    const jobId = request.query.job_id;
    if (jobId === undefined) {
      const listed = jobs.list(memberId).map(describeJob);

      return okResponse({ batch_segment_upload_job: listed, count: listed.length });
    }

    const job = jobs.find(jobId, memberId);
    // NOTE: Xandr's response for an unknown job id was not captured, so the simulator lists no job.
    if (!job) return okResponse({ batch_segment_upload_job: null, count: 0 });
    jobs.advance(job, state);

    return okResponse({ batch_segment_upload_job: describeJob(job), count: 1 });
  });

  app.post(UPLOAD_ROUTE, async (request) => {
    authenticate(request);
    const contentType = request.headers['content-type']?.split(';', 1)[0]?.trim();
    if (contentType !== 'application/octet-stream' || typeof request.body !== 'string') {
      throw syntaxError('Upload the segment file with Content-Type: application/octet-stream.');
    }
    const { jobId } = request.params as { jobId: string };
    const job = jobs.find(jobId);
    if (!job) throw notFoundError(`Job ${jobId} not found.`);
    if (job.phase !== 'starting') {
      throw integrityError(`Job ${jobId} is in phase ${job.phase}. Request a new upload URL.`);
    }

    const invalidValue = findInvalidRowValue(request);
    jobs.attachFile(
      job,
      parseSegmentFile(request.body, format),
      invalidValue ? [invalidValue] : [],
    );

    return { response: { segment_upload: { job_id: job.jobId }, status: 'OK' } };
  });

  // Without this route, other paths below the prefix would reach the Meta routes' /:version.
  scope.all('/*', async (request) => {
    throw notFoundError(`Unknown service ${request.method} ${request.url.split('?', 1)[0]}.`);
  });
}

/** Moves the password out of the body, so that the request log shows it redacted. */
async function hidePassword(request: FastifyRequest): Promise<void> {
  const auth = (request.body as { auth?: Record<string, unknown> } | undefined)?.auth;
  if (typeof auth?.password !== 'string') return;
  passwords.set(request, auth.password);
  auth.password = REDACTED;
}

/**
 * Decodes an upload: gunzips it when it starts with the gzip magic bytes, then reads it as
 * Latin-1, the character set Xandr requires.
 */
function decodeSegmentFile(body: Buffer, maxBytes: number): string {
  const isGzip = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  if (!isGzip) return body.toString('latin1');
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes }).toString('latin1');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new XandrApiError(
        413,
        'FILESIZE_LIMIT_EXCEEDED',
        'Member exceeds maximum byte size allowed for a file',
      );
    }
    throw syntaxError('The gzip data of the segment file is invalid.');
  }
}

/**
 * Marks throttling as Xandr does: a 429 always, and a 503 that has a `Retry-After`, carry an
 * `x-ratelimit-code` header with the status. A 503 without `Retry-After` is an overload.
 */
function addRateLimitCode(reply: FastifyReply): void {
  const status = reply.statusCode;
  if (status === 429 || (status === 503 && reply.hasHeader('retry-after'))) {
    reply.header('x-ratelimit-code', String(status));
  }
}

function okResponse(fields: Record<string, unknown>) {
  return {
    response: {
      status: 'OK',
      start_element: 0,
      num_elements: 100,
      ...fields,
      dbg_info: debugInfo(),
    },
  };
}

function debugInfo() {
  return { instance: 'simulator', version: 'sim', output_term: 'response' };
}

/**
 * Sends every error of a Xandr route as the Xandr error envelope. Fastify's own client errors
 * keep their HTTP status: a body over the size limit gets `FILESIZE_LIMIT_EXCEEDED`, and others
 * get `SYNTAX`.
 */
function sendXandrError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof XandrApiError) {
    request.log.info({ errorId: error.errorId, message: error.message }, 'Xandr request rejected');

    return reply.code(error.status).send(formatXandrError(error.errorId, error.message));
  }

  const status = error.statusCode ?? 500;
  if (status === 413) {
    const message = 'Member exceeds maximum byte size allowed for a file';

    return reply.code(413).send(formatXandrError('FILESIZE_LIMIT_EXCEEDED', message));
  }
  if (status < 500) {
    request.log.info({ err: error }, 'Xandr request rejected');

    return reply.code(status).send(formatXandrError('SYNTAX', error.message));
  }

  request.log.error({ err: error }, 'Xandr simulator route failed');

  return reply.code(500).send(formatXandrError('SYSTEM', 'A system error occurred.'));
}
