import type { JsonSchema } from '../../api/types';

/** A form field's text, or the checked state of a boolean field. */
export type FieldValue = string | boolean;

export type FormValues = Record<string, FieldValue>;

export type FieldControl = 'text' | 'password' | 'number' | 'select' | 'checkbox' | 'json';

export interface SchemaFieldDescriptor {
  name: string;
  schema: JsonSchema;
  required: boolean;
  control: FieldControl;
}

/** A secret is never shown: the service returns `***` for it and the form never refills it. */
export function isSecret(schema: JsonSchema): boolean {
  return schema.writeOnly === true || schema.format === 'password';
}

function typeOf(schema: JsonSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
}

function controlFor(schema: JsonSchema): FieldControl {
  if (schema.enum) return 'select';
  if (isSecret(schema)) return 'password';
  switch (typeOf(schema)) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'object':
    case 'array':
      return 'json';
    default:
      return 'text';
  }
}

/** Lists the fields of an object schema, required ones first, each group in schema order. */
export function describeFields(schema: JsonSchema): SchemaFieldDescriptor[] {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    schema: property,
    required: required.has(name),
    control: controlFor(property),
  }));

  return [...fields.filter((field) => field.required), ...fields.filter((f) => !f.required)];
}

/** Builds form values from stored values; secrets stay empty whatever is stored. */
export function initialFormValues(
  schema: JsonSchema,
  stored: Record<string, unknown> = {},
): FormValues {
  const values: FormValues = {};
  for (const field of describeFields(schema)) {
    const value = stored[field.name];
    if (field.control === 'checkbox') values[field.name] = value === true;
    else if (field.control === 'password' || value === undefined || value === null) {
      values[field.name] = '';
    } else if (field.control === 'json') values[field.name] = JSON.stringify(value, null, 2);
    else values[field.name] = String(value);
  }

  return values;
}

/**
 * Converts one field's text to the JSON value the schema expects. Text that does not convert
 * (letters in a number field, broken JSON) is sent as typed, so the service's validation error
 * names the field.
 */
function toJsonValue(field: SchemaFieldDescriptor, value: string): unknown {
  switch (field.control) {
    case 'number': {
      const number = Number(value);
      return Number.isFinite(number) ? number : value;
    }
    case 'select':
      return field.schema.enum?.find((option) => String(option) === value) ?? value;
    case 'json':
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

/**
 * Builds the object to send. For a new object, empty fields are left out. For a JSON merge
 * patch (`storedKeys` given), an emptied field that was stored becomes `null`, which removes
 * it, and an empty secret is left out, which keeps the stored secret unless it is listed in
 * `removedSecrets`.
 */
export function formValuesToJson(
  schema: JsonSchema,
  values: FormValues,
  storedKeys?: ReadonlySet<string>,
  removedSecrets?: ReadonlySet<string>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of describeFields(schema)) {
    if (removedSecrets?.has(field.name) && storedKeys?.has(field.name)) {
      result[field.name] = null;
      continue;
    }
    const value = values[field.name];
    if (typeof value === 'boolean') {
      if (value || storedKeys?.has(field.name)) result[field.name] = value;
      continue;
    }
    const text = field.control === 'password' ? (value ?? '') : (value ?? '').trim();
    if (text !== '') result[field.name] = toJsonValue(field, text);
    else if (field.control !== 'password' && storedKeys?.has(field.name)) {
      result[field.name] = null;
    }
  }

  return result;
}

/** Lists required fields left empty, as `prefix.name` paths with a message for each. */
export function findMissingRequired(
  schema: JsonSchema,
  values: FormValues,
  prefix: string,
  storedKeys?: ReadonlySet<string>,
): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const field of describeFields(schema)) {
    if (!field.required || field.control === 'checkbox') continue;
    const empty = (values[field.name] ?? '') === '';
    const keptSecret = field.control === 'password' && storedKeys?.has(field.name);
    if (empty && !keptSecret) {
      missing[`${prefix}.${field.name}`] = `${field.schema.title ?? field.name} is required.`;
    }
  }

  return missing;
}
