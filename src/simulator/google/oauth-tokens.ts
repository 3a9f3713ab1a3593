import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REDACTED } from '../request-log.js';
import type { SimulatorState } from '../simulator-state.js';
import { EXPIRED_TOKEN_ERROR, googleErrorOfFault, MISSING_SCOPE_ERROR } from './google-error.js';

/** Scope of tokens that may call the Data Manager API. */
export const DATA_MANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';

/**
 * Scope given to tokens of a refresh token that `POST /_control/tokens` marked
 * `missing_permission`: a Google Ads API token, which the Data Manager API rejects with 403.
 */
const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';

/** Lifetime of an issued access token, in seconds, as Google's token endpoint reports it. */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3_599;

/** Access tokens the simulator keeps at most. The oldest are forgotten first. */
const MAX_ISSUED_TOKENS = 10_000;

/** OAuth client ids of Google Cloud end with this domain. */
const CLIENT_ID_SUFFIX = '.apps.googleusercontent.com';

interface IssuedToken {
  scope: string;
  expiresAtMs: number;
}

/** Form fields of token requests, kept out of the request log: the secrets are masked there. */
const tokenForms = new WeakMap<object, Record<string, string>>();

/** Fields of a token request that are replaced by `***` in the request log. */
const SECRET_FORM_FIELDS = ['client_secret', 'refresh_token'];

/**
 * Parses an `application/x-www-form-urlencoded` token request into a copy with the client secret
 * and refresh token masked. The partner hooks write that copy to the request log, and the route
 * reads the real fields with `readTokenForm`.
 */
export function parseTokenForm(body: string): Record<string, string> {
  const fields = Object.fromEntries(new URLSearchParams(body));
  const logged = { ...fields };
  for (const name of SECRET_FORM_FIELDS) {
    if (name in logged) logged[name] = REDACTED;
  }
  tokenForms.set(logged, fields);

  return logged;
}

function readTokenForm(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object') return {};

  return tokenForms.get(body) ?? (body as Record<string, string>);
}

/** Access tokens issued by the simulated token endpoint, with their scope and expiry. */
export class IssuedTokens {
  readonly #tokens = new Map<string, IssuedToken>();

  issue(scope: string, nowMs = Date.now()): string {
    const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(token, { scope, expiresAtMs: nowMs + ACCESS_TOKEN_LIFETIME_SECONDS * 1_000 });
    if (this.#tokens.size > MAX_ISSUED_TOKENS) {
      const oldest = this.#tokens.keys().next().value;
      if (oldest !== undefined) this.#tokens.delete(oldest);
    }

    return token;
  }

  /**
   * Throws the error Google's front end returns for the request's bearer token: 401 when it is
   * missing, unknown, expired or marked expired, and 403 when it lacks the Data Manager scope.
   */
  authorize(state: SimulatorState, request: FastifyRequest, nowMs = Date.now()): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const token = match?.[1];
    const issued = token === undefined ? undefined : this.#tokens.get(token);
    const expired =
      token === undefined ||
      issued === undefined ||
      issued.expiresAtMs <= nowMs ||
      state.getTokenState('google', token) === 'expired';
    if (expired) throw googleErrorOfFault(EXPIRED_TOKEN_ERROR);

    const missingScope =
      !issued.scope.split(' ').includes(DATA_MANAGER_SCOPE) ||
      state.getTokenState('google', token) === 'missing_permission';
    if (missingScope) throw googleErrorOfFault(MISSING_SCOPE_ERROR);
  }
}

/**
 * Responds to `POST /token` as Google's OAuth 2.0 token endpoint does for
 * `grant_type=refresh_token`: a JSON access token, or an RFC 6749 error. A refresh token marked
 * `expired` through `POST /_control/tokens` gets `invalid_grant`, and one marked
 * `missing_permission` gets a token without the Data Manager scope.
 */
export async function exchangeToken(
  state: SimulatorState,
  tokens: IssuedTokens,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const form = readTokenForm(request.body);
  const sendError = (status: number, error: string, description: string) => {
    request.log.info({ error, description }, 'Google token request rejected');

    return reply.code(status).send({ error, error_description: description });
  };

  if (
    !String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  ) {
    return sendError(400, 'invalid_request', 'The token request must be form-encoded.');
  }
  const grantType = form.grant_type;
  if (grantType === undefined) return sendError(400, 'invalid_request', 'Missing grant_type.');
  if (grantType !== 'refresh_token') {
    return sendError(400, 'unsupported_grant_type', `Unsupported grant_type ${grantType}.`);
  }
  const clientId = form.client_id ?? '';
  if (!clientId.endsWith(CLIENT_ID_SUFFIX) || !form.client_secret) {
    return sendError(401, 'invalid_client', 'The OAuth client was not found.');
  }
  const refreshToken = form.refresh_token;
  if (!refreshToken) return sendError(400, 'invalid_request', 'Missing refresh_token.');

  const refreshState = state.getTokenState('google', refreshToken);
  if (refreshState === 'expired') {
    return sendError(400, 'invalid_grant', 'The refresh token has expired or was revoked.');
  }
  const scope = refreshState === 'missing_permission' ? ADWORDS_SCOPE : DATA_MANAGER_SCOPE;

  return {
    access_token: tokens.issue(scope),
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    scope,
    token_type: 'Bearer',
  };
}
