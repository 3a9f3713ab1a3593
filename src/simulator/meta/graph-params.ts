import { invalidParameter } from './graph-error.js';

/** Parameters every Graph request may carry next to its own. */
export const AUTH_PARAMETERS = ['access_token', 'appsecret_proof', 'appsecret_time'] as const;

/**
 * Returns the request body as a field map. A request without a body has no fields. Other
 * bodies that are not a JSON object (an array, a string, a number) are rejected.
 */
export function readBodyFields(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalidParameter('The request body must be a JSON object or a form.');
  }

  return body as Record<string, unknown>;
}

/** Throws code 100 naming the first field of `fields` that is not in `known`. */
export function checkKnownFields(
  fields: Record<string, unknown>,
  known: readonly string[],
  location: string,
): void {
  const unknown = Object.keys(fields).find((name) => !known.includes(name));
  if (unknown === undefined) return;

  throw invalidParameter(
    `Unknown parameter ${location}${unknown}. Accepted parameters: ${known.join(', ')}.`,
  );
}

/** Returns a query parameter. A parameter given more than once is rejected with code 100. */
export function readQueryParameter(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;

  const value: unknown = (query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`Parameter ${name} must be given once.`);

  return value;
}

/**
 * Returns the names in the `fields` query parameter, or `['id']` without one. A name that the
 * node type does not have is rejected with code 100, as the Graph API does.
 */
export function readRequestedFields(
  query: unknown,
  knownFields: readonly string[],
  nodeType: string,
): string[] {
  const fields = readQueryParameter(query, 'fields');
  if (fields === undefined) return ['id'];

  const names = fields
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.find((name) => !knownFields.includes(name));
  if (unknown !== undefined) {
    throw invalidParameter(
      `Tried accessing nonexisting field (${unknown}) on node type (${nodeType})`,
    );
  }

  return names.includes('id') ? names : ['id', ...names];
}

/** Returns only the requested fields of a node. */
export function pickFields(
  node: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  const present = fields.filter((name) => name in node);

  return Object.fromEntries(present.map((name) => [name, node[name]]));
}

/**
 * Returns a parameter that may arrive as JSON or as a JSON-encoded string, as form bodies send
 * `payload` and `session`.
 */
export function decodeJsonParameter(value: unknown, name: string): unknown {
  if (typeof value !== 'string') return value;

  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw invalidParameter(`Parameter ${name} is not valid JSON.`);
  }
}
