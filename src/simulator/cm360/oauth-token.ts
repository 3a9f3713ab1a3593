import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REDACTED } from '../request-log.js';
import type { SimulatorState } from '../simulator-state.js';
import {
  CM360_EXPIRED_TOKEN_ERROR,
  CM360_MISSING_PERMISSION_ERROR,
} from './cm360-error-profile.js';
import { GoogleApiError, RPC_UNAUTHENTICATED } from './google-error.js';

export const DDMCONVERSIONS_SCOPE = 'https://www.googleapis.com/auth/ddmconversions';
/** Scope given to tokens of a refresh token marked `missing_permission`: reports only. */
const REPORTING_SCOPE = 'https://www.googleapis.com/auth/dfareporting';

/** Lifetime of an issued access token, as Google's token endpoint usually reports it. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3_599;

/** Form fields of a refresh token request that the request log must not show. */
const SECRET_FORM_FIELDS = new Set(['client_secret', 'refresh_token', 'code']);

/** An OAuth 2.0 error response (RFC 6749, section 5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

interface AccessTokenClaims {
  /** Expiry in epoch milliseconds. */
  exp: number;
  scope: string;
  /** Random part, so that every exchange gives a different token. */
  nonce: string;
}

/**
 * Issues and verifies the access tokens of one simulator. A token carries its expiry and scope,
 * signed with a key that lives as long as the simulator, so the simulator keeps no token list.
 * Tokens look like Google's, which start with `ya29.`.
 */
export class SimulatedAccessTokens {
  readonly #key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  issue(scope: string): string {
    const claims: AccessTokenClaims = {
      exp: this.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
      scope,
      nonce: randomBytes(6).toString('hex'),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');

    return `ya29.sim.${payload}.${this.#sign(payload)}`;
  }

  /** Returns the scope of a valid token, `expired`, or `invalid` for a token it did not issue. */
  verify(token: string): { scope: string } | 'expired' | 'invalid' {
    const match = /^ya29\.sim\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (match === null) return 'invalid';

    const [, payload = '', signature = ''] = match;
    const expected = Buffer.from(this.#sign(payload));
    const received = Buffer.from(signature);
    if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
      return 'invalid';
    }

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as AccessTokenClaims;
    if (claims.exp <= this.now()) return 'expired';

    return { scope: claims.scope };
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

/**
 * `POST /token` with `grant_type=refresh_token`: exchanges any non-empty client id, client secret
 * and refresh token for an access token. A refresh token marked `expired` through
 * `POST /_control/tokens` gets `invalid_grant`, and one marked `missing_permission` gets a token
 * without the ddmconversions scope.
 */
export function exchangeToken(
  state: SimulatorState,
  tokens: SimulatedAccessTokens,
  request: FastifyRequest,
): Record<string, unknown> {
  const form = readTokenForm(request);
  const tokenState = state.getTokenState('cm360', form.refresh_token);
  if (tokenState === 'expired') {
    throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  }

  const scope = tokenState === 'missing_permission' ? REPORTING_SCOPE : DDMCONVERSIONS_SCOPE;

  return {
    access_token: tokens.issue(scope),
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope,
    token_type: 'Bearer',
  };
}

interface RefreshTokenForm {
  client_id: string;
  client_secret: string;
  refresh_token: string;
}

function readTokenForm(request: FastifyRequest): RefreshTokenForm {
  const contentType = String(request.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(
      400,
      'invalid_request',
      'Send the parameters form encoded (application/x-www-form-urlencoded).',
    );
  }

  const fields = (request.body ?? {}) as Record<string, string>;
  const grantType = fields.grant_type;
  if (grantType === undefined || grantType === '') {
    throw new OAuthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  }
  if (grantType !== 'refresh_token') {
    throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  }
  for (const name of ['client_id', 'client_secret', 'refresh_token'] as const) {
    if (!fields[name]) {
      throw new OAuthError(400, 'invalid_request', `Missing required parameter: ${name}`);
    }
  }

  return fields as unknown as RefreshTokenForm;
}

/**
 * Parses a form body into its fields. A field given twice is rejected, as RFC 6749 requires for
 * request parameters.
 */
export function parseTokenForm(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) {
      throw new OAuthError(400, 'invalid_request', `Parameter ${name} is given more than once.`);
    }
    fields[name] = value;
  }

  return fields;
}

/**
 * Sends the OAuth error body for a rejected token request. Errors that Fastify raised while
 * reading the body become `invalid_request`, and anything else `server_error`.
 */
export function sendTokenError(
  error: Error & { statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof OAuthError) {
    request.log.info({ error: error.code }, 'Simulated token request rejected');

    return reply.code(error.status).send({ error: error.code, error_description: error.message });
  }
  if ((error.statusCode ?? 500) < 500) {
    return reply.code(400).send({ error: 'invalid_request', error_description: error.message });
  }

  request.log.error({ err: error }, 'Simulated token endpoint failed');

  return reply.code(500).send({ error: 'server_error', error_description: 'Internal error.' });
}

/** Returns a copy of the token form with its secrets replaced by `***`, for the request log. */
export function redactTokenForm(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;

  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [
      name,
      SECRET_FORM_FIELDS.has(name) ? REDACTED : value,
    ]),
  );
}

/**
 * Throws the Google error for a request without a valid access token with the ddmconversions
 * scope. Tokens come from the `Authorization: Bearer` header only. A token marked through
 * `POST /_control/tokens` gets 401 when `expired` and 403 when `missing_permission`.
 */
export function checkAccessToken(
  state: SimulatorState,
  tokens: SimulatedAccessTokens,
  request: FastifyRequest,
): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  const token = match?.[1];
  if (token === undefined) {
    throw new GoogleApiError({
      status: 401,
      code: RPC_UNAUTHENTICATED,
      message:
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    });
  }

  const verified = tokens.verify(token);
  const marked = state.getTokenState('cm360', token);
  if (verified === 'invalid' || verified === 'expired' || marked === 'expired') {
    throw new GoogleApiError(CM360_EXPIRED_TOKEN_ERROR);
  }
  if (
    marked === 'missing_permission' ||
    !verified.scope.split(' ').includes(DDMCONVERSIONS_SCOPE)
  ) {
    throw new GoogleApiError(CM360_MISSING_PERMISSION_ERROR);
  }
}
