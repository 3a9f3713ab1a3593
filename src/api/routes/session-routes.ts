import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SESSION_LIFETIME_MS, type SessionStore } from '../../auth/session-store.js';
import { AppError } from '../../errors/app-error.js';
import { SESSION_COOKIE } from '../auth-hook.js';

const signInBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 1000, description: 'The API token.' }) },
  { additionalProperties: false },
);

/**
 * Console sign-in: trades the API token for a session cookie (httpOnly, SameSite=Strict, Secure
 * over HTTPS), so the browser never keeps the token. Sign-out ends the session on the server.
 */
export function sessionRoutes(
  sessions: SessionStore,
  verifyToken: (token: string) => boolean,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['session'];

    app.post('/session', { schema: { tags, body: signInBody } }, async (request, reply) => {
      if (!verifyToken(request.body.token)) {
        throw new AppError(
          'AUTH_INVALID',
          401,
          'The API token is not valid; check it and try again.',
        );
      }
      const sessionId = await sessions.create('default');
      reply.setCookie(SESSION_COOKIE, sessionId, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: SESSION_LIFETIME_MS / 1000,
      });
      request.log.info('console session started');

      return { signedIn: true, actor: 'default' };
    });

    app.delete('/session', { schema: { tags } }, async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await sessions.end(sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });

      return reply.status(204).send();
    });
  };
}
