import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's Content-Security-Policy: scripts, styles, fonts and API calls only from this
 * origin, and no inline script. Styles may be inline because Mantine sets CSS variables in
 * `style` elements; images may be data URLs (icons).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Adds the security headers to a response (the API docs page brings its own policy). */
export async function securityHeaders(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
) {
  if (!request.url.startsWith('/api/docs')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  }
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');

  return payload;
}
