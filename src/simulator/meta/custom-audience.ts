import type { FastifyRequest } from 'fastify';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import { unsupportedRequest } from './graph-error.js';
import { pickFields, readRequestedFields } from './graph-params.js';

const CUSTOM_AUDIENCE_FIELDS = [
  'id',
  'account_id',
  'name',
  'description',
  'subtype',
  'customer_file_source',
] as const;

/**
 * Returns the Meta custom audience with this id, or throws code 100 subcode 33, which the Graph
 * API returns for an audience id that does not exist.
 */
export function findCustomAudience(
  state: SimulatorState,
  method: string,
  audienceId: string,
): PartnerAudience {
  const audience = state.findPartnerAudience('meta', audienceId);
  if (!audience) throw unsupportedRequest(method, audienceId);

  return audience;
}

/** `GET /{version}/{audienceId}?fields=...`. */
export function readCustomAudience(
  state: SimulatorState,
  request: FastifyRequest,
  audienceId: string,
): Record<string, unknown> {
  const audience = findCustomAudience(state, request.method, audienceId);
  const fields = readRequestedFields(request.query, CUSTOM_AUDIENCE_FIELDS, 'CustomAudience');
  const node = {
    id: audience.id,
    account_id: audience.adAccountId,
    name: audience.name,
    description: audience.description,
    subtype: 'CUSTOM',
    customer_file_source: audience.customerFileSource,
  };

  return pickFields(node, fields);
}
