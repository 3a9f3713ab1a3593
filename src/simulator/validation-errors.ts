import type { FastifyServerOptions, FastifySchemaValidationError } from 'fastify';

type SchemaErrorFormatter = NonNullable<FastifyServerOptions['schemaErrorFormatter']>;

/** Request part that failed validation: `body`, `querystring`, `params` or `headers`. */
type SchemaErrorDataVar = Parameters<SchemaErrorFormatter>[1];

/** Keywords whose errors name the field best, most useful first. */
const PREFERRED_KEYWORDS = ['additionalProperties', 'required', 'enum', 'type'];

/**
 * Turns schema validation errors into one message that names the offending field, such as
 * `Unknown field body.colour.` Fastify sends it as a 400 error.
 */
export function formatValidationErrors(
  errors: FastifySchemaValidationError[],
  dataVar: SchemaErrorDataVar,
): Error {
  const error = pickError(errors);
  if (!error) return new Error(`Invalid ${dataVar}.`);

  return new Error(describeError(error, dataVar));
}

function pickError(
  errors: FastifySchemaValidationError[],
): FastifySchemaValidationError | undefined {
  for (const keyword of PREFERRED_KEYWORDS) {
    const error = errors.find((candidate) => candidate.keyword === keyword);
    if (error) return error;
  }

  return errors[0];
}

function describeError(error: FastifySchemaValidationError, dataVar: SchemaErrorDataVar): string {
  const path = fieldPath(dataVar, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const names = namesFrom(error.params.additionalProperties ?? error.params.additionalProperty);
      const fields = names.map((name) => `${path}.${name}`).join(', ');

      return names.length === 1
        ? `Unknown field ${fields}. Remove it from the request.`
        : `Unknown fields ${fields}. Remove them from the request.`;
    }
    case 'required': {
      const names = namesFrom(error.params.requiredProperties ?? error.params.missingProperty);
      const fields = names.map((name) => `${path}.${name}`).join(', ');

      return names.length === 1
        ? `Missing required field ${fields}.`
        : `Missing required fields ${fields}.`;
    }
    case 'enum': {
      const allowed = namesFrom(error.params.allowedValues).join(', ');

      return `Invalid value for ${path}: expected one of ${allowed}.`;
    }
    default:
      return `Invalid value for ${path}: ${error.message ?? 'does not match the schema'}.`;
  }
}

/** Converts a JSON pointer such as `/mode` into `body.mode`. */
function fieldPath(dataVar: SchemaErrorDataVar, instancePath: string): string {
  const segments = instancePath.split('/').filter((segment) => segment !== '');

  return [dataVar, ...segments].join('.');
}

function namesFrom(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined) return [];

  return [String(value)];
}
