import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SESSION_LIFETIME_MS, type SessionStore } from '../../auth/session-store.js';
import { AppError } from '../../errors/app-error.js';
import { CSRF_COOKIE, SESSION_COOKIE, type VerifyToken } from '../auth-hook.js';

const signInBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 1000, description: 'The API token.' }) },
  { additionalProperties: false },
);

/**
 * Console sign-in: trades an API token for a session cookie (httpOnly, SameSite=Strict, Secure
 * over HTTPS), so the browser never keeps the token. A second cookie carries the CSRF token the
 * console echoes in a header. Sign-out ends the session on the server.
 */
export function sessionRoutes(
  sessions: SessionStore,
  verifyToken: VerifyToken,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['session'];

    app.post('/session', { schema: { tags, body: signInBody } }, async (request, reply) => {
      const identity = await verifyToken(request.body.token);
      if (!identity) {
        throw new AppError(
          'AUTH_INVALID',
          401,
          'The API token is not valid or was revoked; check it and try again.',
        );
      }
      const { sessionId, csrfToken } = await sessions.create(identity.name, identity.role);
      const cookie = {
        sameSite: 'strict' as const,
        secure: request.protocol === 'https',
        path: '/',
        maxAge: SESSION_LIFETIME_MS / 1000,
      };
      reply.setCookie(SESSION_COOKIE, sessionId, { ...cookie, httpOnly: true });
      reply.setCookie(CSRF_COOKIE, csrfToken, { ...cookie, httpOnly: false });
      request.log.info({ actor: identity.name, role: identity.role }, 'console session started');

      return { signedIn: true, actor: identity.name, role: identity.role };
    });

    app.delete('/session', { schema: { tags } }, async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) await sessions.end(sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });

      return reply.status(204).send();
    });
  };
}
