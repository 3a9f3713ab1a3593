import { CONSENT_PURPOSES, type ConsentPurpose } from '../profile.js';
import { isFieldName } from './field-name.js';
import { ImportError } from './import-error.js';
import { isPlainObject } from './plain-object.js';

/**
 * Maps each CSV header to the profile field its column fills: `id`, `identifiers.<type>`,
 * `attributes.<name>` or `consents.<purpose>`. A header mapped to `null` marks a column to ignore.
 */
export type ImportMapping = Readonly<Record<string, string | null>>;

/** A parsed mapping target. */
export type ImportTarget =
  | { kind: 'id' }
  | { kind: 'identifiers'; name: string }
  | { kind: 'attributes'; name: string }
  | { kind: 'consents'; name: ConsentPurpose };

/** The target forms, for error messages. */
export const IMPORT_TARGET_FORMS = `id, identifiers.<type>, attributes.<name> or consents.<purpose> (${CONSENT_PURPOSES.join(', ')})`;

/** Mapping of the sample CRM export with the columns Index, Customer Id, First Name, ... Website. */
export const DEFAULT_CRM_MAPPING: ImportMapping = Object.freeze({
  Index: null,
  'Customer Id': 'id',
  'First Name': 'attributes.firstName',
  'Last Name': 'attributes.lastName',
  Company: 'attributes.company',
  City: 'attributes.city',
  Country: 'attributes.country',
  'Phone 1': 'identifiers.phone',
  'Phone 2': 'identifiers.phone',
  Email: 'identifiers.email',
  'Subscription Date': 'attributes.subscribedAt',
  Website: 'attributes.website',
});

/**
 * Parses a mapping from JSON text, such as the `mapping` query parameter of an import, and
 * validates it with `validateImportMapping`. Throws an `ImportError` naming the first problem.
 */
export function parseImportMapping(json: string): ImportMapping {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ImportError(`the mapping is not valid JSON: ${detail}`, { cause: error });
  }
  return validateImportMapping(value);
}

/**
 * Checks that `value` is an object whose values are targets or null, that exactly one header
 * maps to `id`, and that no two headers map to the same attribute or consent. Several headers may
 * map to one identifier type (`Phone 1` and `Phone 2` to `identifiers.phone`). Returns the value
 * typed as a mapping, or throws an `ImportError` that names the header and the target.
 */
export function validateImportMapping(value: unknown): ImportMapping {
  if (!isPlainObject(value)) {
    throw new ImportError(
      'the mapping must be a JSON object from CSV header to target, such as {"Customer Id": "id"}',
    );
  }

  const columns: [string, ImportTarget | null][] = [];
  for (const [header, target] of Object.entries(value)) {
    columns.push([header, parseMappedTarget(header, target)]);
  }
  checkColumnTargets(columns);
  if (!columns.some(([, target]) => target?.kind === 'id')) {
    throw new ImportError('the mapping maps no header to "id"; map the profile id column to "id"');
  }
  return value as ImportMapping;
}

/** Parses `id`, `identifiers.<type>`, `attributes.<name>` or `consents.<purpose>`. */
export function parseImportTarget(target: string): ImportTarget | undefined {
  if (target === 'id') {
    return { kind: 'id' };
  }
  const dot = target.indexOf('.');
  if (dot === -1) {
    return undefined;
  }
  const kind = target.slice(0, dot);
  const name = target.slice(dot + 1);
  if (!isFieldName(name)) {
    return undefined;
  }
  if (kind === 'identifiers' || kind === 'attributes') {
    return { kind, name };
  }
  if (kind === 'consents' && (CONSENT_PURPOSES as readonly string[]).includes(name)) {
    return { kind, name: name as ConsentPurpose };
  }
  return undefined;
}

/**
 * Throws an `ImportError` when two columns fill the same id, attribute or consent, because one
 * value would silently replace the other. Identifier columns may share a type.
 */
export function checkColumnTargets(columns: readonly [string, ImportTarget | null][]): void {
  const headersByTarget = new Map<string, string>();
  for (const [header, target] of columns) {
    if (target === null || target.kind === 'identifiers') {
      continue;
    }
    const key = formatImportTarget(target);
    const previous = headersByTarget.get(key);
    if (previous !== undefined) {
      throw new ImportError(
        `columns "${previous}" and "${header}" both map to "${key}"; ` +
          'only identifiers.<type> may take several columns, so map or ignore one of them',
      );
    }
    headersByTarget.set(key, header);
  }
}

export function formatImportTarget(target: ImportTarget): string {
  return target.kind === 'id' ? 'id' : `${target.kind}.${target.name}`;
}

function parseMappedTarget(header: string, target: unknown): ImportTarget | null {
  if (target === null) {
    return null;
  }
  const parsed = typeof target === 'string' ? parseImportTarget(target) : undefined;
  if (parsed === undefined) {
    throw new ImportError(
      `the mapping maps header "${header}" to ${JSON.stringify(target)}, which is not a target; ` +
        `use ${IMPORT_TARGET_FORMS}, or null to ignore the column`,
    );
  }
  return parsed;
}
