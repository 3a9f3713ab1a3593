import type { ProfileInput } from '../profile.js';
import { ImportError } from './import-error.js';
import {
  checkColumnTargets,
  IMPORT_TARGET_FORMS,
  parseImportTarget,
  type ImportMapping,
  type ImportTarget,
} from './import-mapping.js';

/** The target of each CSV column in column order, or null for a column to ignore. */
export type ColumnPlan = readonly (ImportTarget | null)[];

/**
 * Plans which profile field each column fills. With a mapping, every header (trimmed) must be a
 * key of it. Without one, every header must itself be a target such as `identifiers.email`.
 * Throws an `ImportError` for an unknown header, for two columns filling the same id, attribute
 * or consent, and when no column fills `id`.
 */
export function planColumns(headers: readonly string[], mapping?: ImportMapping): ColumnPlan {
  const columns: [string, ImportTarget | null][] = headers.map((raw, index) => {
    const header = raw.trim();
    return [header, targetForHeader(header, index, mapping)];
  });
  checkColumnTargets(columns);
  if (!columns.some(([, target]) => target?.kind === 'id')) {
    throw new ImportError(missingIdMessage(mapping));
  }
  return columns.map(([, target]) => target);
}

/**
 * Builds the profile input of one CSV record. Empty and blank cells are left out, because a CSV
 * cannot tell an empty value from a missing one. Only the id is always set, so that a row without
 * one is rejected as `missing_id`. Consent cells are passed on unchecked for `normalizeProfile`.
 */
export function buildProfileInput(plan: ColumnPlan, record: readonly string[]): ProfileInput {
  const input: ProfileInput = { id: '' };
  const identifiers: Record<string, string[]> = {};
  const attributes: Record<string, string> = {};
  const consents: Record<string, string> = {};

  plan.forEach((target, column) => {
    const value = record[column] ?? '';
    if (target === null || (target.kind !== 'id' && value.trim() === '')) {
      return;
    }
    switch (target.kind) {
      case 'id':
        input.id = value;
        break;
      case 'identifiers':
        identifiers[target.name] = [...(identifiers[target.name] ?? []), value];
        break;
      case 'attributes':
        attributes[target.name] = value;
        break;
      case 'consents':
        consents[target.name] = value;
        break;
    }
  });

  input.identifiers = identifiers;
  input.attributes = attributes;
  input.consents = consents as ProfileInput['consents'];
  return input;
}

function targetForHeader(
  header: string,
  index: number,
  mapping: ImportMapping | undefined,
): ImportTarget | null {
  const isMapped = mapping !== undefined && Object.hasOwn(mapping, header);
  if (header === '' && !isMapped) {
    throw new ImportError(
      `column ${index + 1} has an empty header; name it, or map "" to null to ignore it`,
    );
  }
  if (mapping === undefined) {
    const target = parseImportTarget(header);
    if (target === undefined) {
      throw new ImportError(
        `column "${header}" is not a profile field; rename it to ${IMPORT_TARGET_FORMS}, ` +
          'or pass a mapping',
      );
    }
    return target;
  }

  if (!isMapped) {
    throw new ImportError(
      `column "${header}" is not in the mapping; map it to ${IMPORT_TARGET_FORMS}, ` +
        'or to null to ignore it',
    );
  }
  const mapped = mapping[header] ?? null;
  const target = mapped === null ? null : parseImportTarget(mapped);
  if (target === undefined) {
    throw new ImportError(
      `the mapping maps header "${header}" to "${mapped}", which is not a target; ` +
        `use ${IMPORT_TARGET_FORMS}, or null to ignore the column`,
    );
  }
  return target;
}

function missingIdMessage(mapping: ImportMapping | undefined): string {
  if (mapping === undefined) {
    return 'no column is named "id"; add a column "id" with the profile ids, or pass a mapping';
  }
  const idHeader = Object.keys(mapping).find((header) => mapping[header] === 'id');
  if (idHeader === undefined) {
    return 'the mapping maps no header to "id"; map the profile id column to "id"';
  }
  return `the mapping maps "${idHeader}" to "id", but the header row has no column "${idHeader}"`;
}
