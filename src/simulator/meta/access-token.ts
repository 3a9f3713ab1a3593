import type { FastifyRequest } from 'fastify';
import type { PartnerError } from '../partner-error.js';
import type { SimulatorState } from '../simulator-state.js';
import { GraphApiError } from './graph-error.js';

// NOTE: client error reports show the real API sending code 104 ("An access token is required to
// request this resource.") for a request without a token, and 2500 with this message for /me.
// The simulator sends 190, so that a connector counts a missing token as invalid credentials.
export const META_MISSING_TOKEN_ERROR: PartnerError = {
  status: 400,
  code: 190,
  message: 'An active access token must be used to query information about the current user.',
};

export const META_EXPIRED_TOKEN_ERROR: PartnerError = {
  status: 400,
  code: 190,
  subcode: 463,
  message:
    'Error validating access token: Session has expired. ' +
    'The current time is later than the expiry time of the token.',
};

export const META_MISSING_PERMISSION_ERROR: PartnerError = {
  status: 403,
  code: 200,
  message: '(#200) The ads_management permission is required for this request.',
};

/**
 * Returns the request's access token: the `access_token` query parameter, else the
 * `access_token` body field, else an `Authorization: Bearer` header. Empty values count as absent.
 */
export function readAccessToken(request: FastifyRequest): string | undefined {
  const fromQuery = stringField(request.query, 'access_token');
  if (fromQuery) return fromQuery;

  const fromBody = stringField(request.body, 'access_token');
  if (fromBody) return fromBody;

  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');

  return match?.[1];
}

/** Throws the Graph error for a missing token or one marked expired or lacking permission. */
export function checkAccessToken(state: SimulatorState, token: string | undefined): void {
  if (!token) throw new GraphApiError(META_MISSING_TOKEN_ERROR);

  const tokenState = state.getTokenState('meta', token);
  if (tokenState === 'expired') throw new GraphApiError(META_EXPIRED_TOKEN_ERROR);
  if (tokenState === 'missing_permission') throw new GraphApiError(META_MISSING_PERMISSION_ERROR);
}

function stringField(container: unknown, name: string): string | undefined {
  if (container === null || typeof container !== 'object') return undefined;

  const value: unknown = (container as Record<string, unknown>)[name];

  return typeof value === 'string' && value !== '' ? value : undefined;
}
