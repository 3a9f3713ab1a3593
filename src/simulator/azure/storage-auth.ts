import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { buildStringToSign, computeSignature } from '../../connectors/azure-blob/shared-key.js';
import type { SimulatorState } from '../simulator-state.js';
import { StorageError } from './storage-errors.js';

/**
 * Account key that the simulator accepts for every account name: the base64 of the 32 ASCII
 * bytes `activator-azure-simulator-key-01`. Connectors that sign with Shared Key against the
 * simulator use it as `accountKey`.
 */
export const AZURE_SIMULATOR_ACCOUNT_KEY = Buffer.from(
  'activator-azure-simulator-key-01',
  'ascii',
).toString('base64');

/** Azure refuses a Shared Key request whose `x-ms-date` is further off than this. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Access level of a request, checked against the SAS permissions (`sp`). */
export type StorageAccess = 'read' | 'write';

const SHARED_KEY_PATTERN = /^SharedKey ([a-z0-9]{3,24}):([A-Za-z0-9+/=]+)$/;

/**
 * Checks a request's Shared Key signature or SAS token and throws `StorageError` as Azure does.
 * A request without either gets 401 `NoAuthenticationInformation`. A wrong signature, a stale
 * `x-ms-date` or an expired SAS gets 403 `AuthenticationFailed`. A SAS without the permission
 * gets 403 `AuthorizationPermissionMismatch`.
 *
 * A Shared Key signature is checked against `AZURE_SIMULATOR_ACCOUNT_KEY`. A SAS signature is
 * not checked, because the simulator does not know how the token was made. A SAS is rejected
 * when its `sig` is marked `expired` or `missing_permission` through `POST /_control/tokens`,
 * when `se` is in the past, or when `sp` lacks the permission.
 */
export function authenticate(
  state: SimulatorState,
  request: FastifyRequest,
  query: Record<string, string>,
  access: StorageAccess,
): void {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    checkSharedKey(request, query, authorization);
    return;
  }
  if (query.sig !== undefined) {
    checkSas(state, query, access);
    return;
  }

  throw new StorageError(
    401,
    'NoAuthenticationInformation',
    'The request has no authentication information.',
  );
}

function checkSharedKey(
  request: FastifyRequest,
  query: Record<string, string>,
  authorization: string,
): void {
  const match = SHARED_KEY_PATTERN.exec(authorization.trim());
  if (match === null) {
    throw new StorageError(
      401,
      'InvalidAuthenticationInfo',
      'The Authorization header has the wrong format.',
    );
  }
  const [, account = '', signature = ''] = match;

  const dateHeader = headerText(request.headers['x-ms-date']);
  const date = dateHeader === undefined ? Number.NaN : Date.parse(dateHeader);
  if (Number.isNaN(date) || Math.abs(Date.now() - date) > MAX_CLOCK_SKEW_MS) {
    throw authenticationFailed(
      'The x-ms-date header is missing, unreadable or off by more than 15 minutes.',
    );
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  const stringToSign = buildStringToSign(account, {
    method: request.method,
    path: request.url.split('?', 1)[0] ?? '/',
    query,
    headers,
  });
  const expected = computeSignature(AZURE_SIMULATOR_ACCOUNT_KEY, stringToSign);
  if (!sameText(expected, signature)) {
    throw authenticationFailed(
      `The MAC signature in the request is not the one computed. The string to sign was '${stringToSign.replace(/\n/g, '\\n')}'.`,
    );
  }
}

function checkSas(state: SimulatorState, query: Record<string, string>, access: StorageAccess) {
  const signature = query.sig ?? '';
  const tokenState = state.getTokenState('azure', signature);
  const expiry = Date.parse(query.se ?? '');
  if (tokenState === 'expired' || Number.isNaN(expiry) || expiry <= Date.now()) {
    throw authenticationFailed(
      `The signature is not valid at the current time: expiry ${query.se ?? 'missing'}.`,
    );
  }
  if (query.sv === undefined || query.sp === undefined) {
    throw authenticationFailed('The SAS token lacks the sv or sp parameter.');
  }

  const permissions = query.sp;
  const allowed =
    access === 'read'
      ? permissions.includes('r')
      : permissions.includes('c') || permissions.includes('w');
  if (tokenState === 'missing_permission' || !allowed) {
    throw new StorageError(
      403,
      'AuthorizationPermissionMismatch',
      'The credentials lack the permission for this operation.',
    );
  }
}

function authenticationFailed(detail: string): StorageError {
  return new StorageError(
    403,
    'AuthenticationFailed',
    'Authentication of the request failed.',
    detail,
  );
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);

  return left.length === right.length && timingSafeEqual(left, right);
}
