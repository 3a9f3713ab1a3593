import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBearerToken } from '../auth/api-token.js';
import type { SessionStore } from '../auth/session-store.js';
import { AppError } from '../errors/app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the token the request authenticated with, recorded in the audit log. */
    actor: string;
  }
}

export const SESSION_COOKIE = 'activator_session';

/**
 * Accepts the API token as a bearer header, or a console session cookie; anything else is 401.
 * `request.actor` names the token either way.
 */
export function createAuthHook(verifyToken: (token: string) => boolean, sessions: SessionStore) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = parseBearerToken(request.headers.authorization);
    if (token) {
      if (!verifyToken(token)) {
        throw new AppError(
          'AUTH_INVALID',
          401,
          'The API token is not valid; use ACTIVATOR_API_TOKEN or the token in $DATA_DIR/api-token.',
        );
      }
      request.actor = 'default';

      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    const actor = sessionId ? await sessions.actorOf(sessionId) : undefined;
    if (actor) {
      request.actor = actor;

      return;
    }
    throw new AppError(
      sessionId ? 'AUTH_SESSION_EXPIRED' : 'AUTH_MISSING',
      401,
      sessionId
        ? 'The console session has ended; sign in again.'
        : 'The request has no API token; send the header Authorization: Bearer <token>.',
    );
  };
}
