import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Creates the Ajv instance used for every schema in the service. Types are never coerced and
 * unknown fields are never removed silently: a request either matches or is rejected.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
    strict: true,
  });
  addFormats(ajv);

  return ajv;
}

/** Turns Ajv errors into one sentence that names the offending field, prefixed by `root`. */
export function describeValidationErrors(
  errors: ErrorObject[] | null | undefined,
  root: string,
): string {
  const first = errors?.[0];
  if (!first) return `${root} is invalid`;
  const field = root + first.instancePath.replace(/\//g, '.');
  switch (first.keyword) {
    case 'required':
      return `${field}.${String(first.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${field} has an unknown field '${String(first.params.additionalProperty)}'; remove it`;
    case 'type':
      return `${field} must be of type ${String(first.params.type)}`;
    case 'enum':
      return `${field} must be one of: ${(first.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
      return `${field} has an invalid format (expected to match ${String(first.params.pattern)})`;
    default:
      return `${field} ${first.message ?? 'is invalid'}`;
  }
}

/** A compiled schema that throws nothing: it returns undefined or a message naming the field. */
export function compileValidator(
  ajv: Ajv,
  schema: object,
  root: string,
): (value: unknown) => string | undefined {
  const validate: ValidateFunction = ajv.compile(schema);

  return (value) => (validate(value) ? undefined : describeValidationErrors(validate.errors, root));
}
