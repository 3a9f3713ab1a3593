import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseBearerToken } from '../auth/api-token.js';
import { AppError } from '../errors/app-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the token the request authenticated with, recorded in the audit log. */
    actor: string;
  }
}

/** Rejects requests without the API token with 401; sets `request.actor` on success. */
export function createAuthHook(verifyToken: (token: string) => boolean) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = parseBearerToken(request.headers.authorization);
    if (!token) {
      throw new AppError(
        'AUTH_MISSING',
        401,
        'The request has no API token; send the header Authorization: Bearer <token>.',
      );
    }
    if (!verifyToken(token)) {
      throw new AppError(
        'AUTH_INVALID',
        401,
        'The API token is not valid; use ACTIVATOR_API_TOKEN or the token in $DATA_DIR/api-token.',
      );
    }
    request.actor = 'default';
  };
}
