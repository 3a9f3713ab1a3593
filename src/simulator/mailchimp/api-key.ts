import type { FastifyRequest } from 'fastify';
import type { SimulatorState } from '../simulator-state.js';
import { problem } from './problem.js';

/**
 * A Marketing API key: 32 hex digits, a hyphen and the data center, such as `-us6`.
 *
 * NOTE: the simulator listens on one host, so it accepts a key of any data center. The real API
 * refuses a key sent to another data center's host.
 */
const API_KEY_PATTERN = /^[0-9a-f]{32}-[a-z]+[0-9]+$/;

/**
 * Returns the API key of a request sent with HTTP Basic authentication (any user name, the key
 * as the password). Throws `APIKeyMissing` without such a header, `APIKeyInvalid` for a key of
 * the wrong form or one marked expired through `/_control/tokens`, and `Forbidden` for a key
 * marked `missing_permission`.
 */
export function checkApiKey(state: SimulatorState, request: FastifyRequest): string {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw problem('APIKeyMissing');

  const credentials = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = credentials.indexOf(':');
  if (separator === -1) throw problem('APIKeyMissing');

  const apiKey = credentials.slice(separator + 1);
  if (!API_KEY_PATTERN.test(apiKey)) throw problem('APIKeyInvalid');

  const tokenState = state.getTokenState('mailchimp', apiKey);
  if (tokenState === 'expired') throw problem('APIKeyInvalid', 'This API key has been disabled.');
  if (tokenState === 'missing_permission') throw problem('Forbidden');

  return apiKey;
}
