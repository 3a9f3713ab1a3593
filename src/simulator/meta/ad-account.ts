import type { FastifyRequest } from 'fastify';
import type { SimulatorState } from '../simulator-state.js';
import { invalidParameter, unsupportedRequest } from './graph-error.js';
import { newGraphObjectId } from './graph-ids.js';
import {
  AUTH_PARAMETERS,
  checkKnownFields,
  pickFields,
  readBodyFields,
  readRequestedFields,
} from './graph-params.js';

const AD_ACCOUNT_FIELDS = ['id', 'account_id', 'name', 'account_status', 'currency'] as const;

const CUSTOMER_FILE_SOURCES = [
  'USER_PROVIDED_ONLY',
  'PARTNER_PROVIDED_ONLY',
  'BOTH_USER_AND_PARTNER_PROVIDED',
] as const;

// Parameters of the real endpoint that the simulator does not model (retention_days, rule and
// others) are rejected as unknown, so that a connector sending them is noticed.
const CREATE_AUDIENCE_PARAMETERS = [
  'name',
  'subtype',
  'customer_file_source',
  'description',
  ...AUTH_PARAMETERS,
];

/** Ad account status 1 is ACTIVE in the Marketing API. */
const ACTIVE_ACCOUNT_STATUS = 1;

/**
 * Returns the digits of an `act_<digits>` node, or throws code 100 subcode 33 as the Graph API
 * does for an ad account id it cannot load.
 */
export function parseAdAccountNode(method: string, node: string): string {
  const match = /^act_(\d+)$/.exec(node);
  if (!match?.[1]) throw unsupportedRequest(method, node);

  return match[1];
}

/** `GET /{version}/act_{id}`: every ad account with a numeric id exists and is active. */
export function readAdAccount(request: FastifyRequest, node: string): Record<string, unknown> {
  const accountId = parseAdAccountNode(request.method, node);
  const fields = readRequestedFields(request.query, AD_ACCOUNT_FIELDS, 'AdAccount');
  const account = {
    id: `act_${accountId}`,
    account_id: accountId,
    name: `Simulated ad account ${accountId}`,
    account_status: ACTIVE_ACCOUNT_STATUS,
    currency: 'EUR',
  };

  return pickFields(account, fields);
}

/** `POST /{version}/act_{id}/customaudiences`: creates an empty customer-file audience. */
export function createCustomAudience(
  state: SimulatorState,
  request: FastifyRequest,
  node: string,
): { id: string } {
  const accountId = parseAdAccountNode(request.method, node);
  const fields = readBodyFields(request.body);
  checkKnownFields(fields, CREATE_AUDIENCE_PARAMETERS, '');

  const { name, subtype, customer_file_source: source, description } = fields;
  if (typeof name !== 'string' || name.trim() === '') {
    throw invalidParameter('The parameter name is required.');
  }
  if (subtype !== 'CUSTOM') {
    throw invalidParameter('The parameter subtype must be CUSTOM for a customer file audience.');
  }
  if (!CUSTOMER_FILE_SOURCES.some((allowed) => allowed === source)) {
    throw invalidParameter(
      `The parameter customer_file_source must be one of ${CUSTOMER_FILE_SOURCES.join(', ')}.`,
    );
  }
  if (description !== undefined && typeof description !== 'string') {
    throw invalidParameter('The parameter description must be a string.');
  }

  const id = newGraphObjectId((candidate) => state.hasAudience(candidate));
  state.createAudience({
    id,
    partner: 'meta',
    name,
    description,
    adAccountId: accountId,
    customerFileSource: source as string,
  });

  return { id };
}
