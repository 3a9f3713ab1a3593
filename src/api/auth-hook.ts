import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBearerToken } from '../auth/api-token.js';
import type { SessionStore } from '../auth/session-store.js';
import type { TokenIdentity } from '../auth/token-store.js';
import { AppError } from '../errors/app-error.js';
import type { TokenRole } from '../store/schema.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the token the request authenticated with, recorded in the audit log. */
    actor: string;
    /** Role of that token. */
    role: TokenRole;
  }
}

export const SESSION_COOKIE = 'activator_session';
/** Readable by the console's script, which echoes it in `CSRF_HEADER`. */
export const CSRF_COOKIE = 'activator_csrf';
export const CSRF_HEADER = 'x-activator-csrf';

export type VerifyToken = (token: string) => Promise<TokenIdentity | undefined>;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Accepts an API token as a bearer header, or a console session cookie; anything else is 401.
 * A viewer may only read (403 otherwise). A state-changing request made with the session
 * cookie must also carry the session's CSRF token in a header, which another site cannot read.
 */
export function createAuthHook(verifyToken: VerifyToken, sessions: SessionStore) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const changes = !READ_METHODS.has(request.method);
    const token = parseBearerToken(request.headers.authorization);
    if (token) {
      const identity = await verifyToken(token);
      if (!identity) {
        throw new AppError(
          'AUTH_INVALID',
          401,
          'The API token is not valid or was revoked; use a token from `activator tokens create`, ACTIVATOR_API_TOKEN or $DATA_DIR/api-token.',
        );
      }
      authorize(request, identity.name, identity.role, changes);

      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    const session = sessionId ? await sessions.find(sessionId) : undefined;
    if (!session) {
      throw new AppError(
        sessionId ? 'AUTH_SESSION_EXPIRED' : 'AUTH_MISSING',
        401,
        sessionId
          ? 'The console session has ended; sign in again.'
          : 'The request has no API token; send the header Authorization: Bearer <token>.',
      );
    }
    const header = request.headers[CSRF_HEADER];
    if (changes && !session.checkCsrf(typeof header === 'string' ? header : undefined)) {
      throw new AppError(
        'CSRF_REJECTED',
        403,
        `The request changes data but lacks the session's ${CSRF_HEADER} header; reload the console and try again.`,
      );
    }
    authorize(request, session.actor, session.role, changes);
  };
}

function authorize(request: FastifyRequest, actor: string, role: TokenRole, changes: boolean) {
  if (changes && role !== 'admin') {
    throw new AppError(
      'AUTH_FORBIDDEN',
      403,
      `The token '${actor}' has the ${role} role, which may only read; use an admin token to make changes.`,
    );
  }
  request.actor = actor;
  request.role = role;
}
