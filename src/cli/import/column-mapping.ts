import { readFile } from 'node:fs/promises';
import { ImportError } from './import-error.js';

/**
 * Target of one CSV column or NDJSON key: `id`, `identifiers.<type>`, `attributes.<name>` or
 * `consents.<purpose>`. `null` drops the column.
 */
export type MappingTarget = string | null;

/** Column mapping that the import endpoint receives as its `mapping` query parameter. */
export type ColumnMapping = Record<string, MappingTarget>;

const TARGET_PATTERN = /^(?:id|(?:identifiers|attributes|consents)\.[A-Za-z][A-Za-z0-9_]*)$/;

export const TARGET_FORMS = 'id, identifiers.<type>, attributes.<name>, consents.<purpose> or null';

export function isMappingTarget(value: unknown): value is MappingTarget {
  return value === null || (typeof value === 'string' && TARGET_PATTERN.test(value));
}

/** Reads a mapping file: a JSON object from CSV header to target. */
export async function readMappingFile(filePath: string): Promise<ColumnMapping> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) {
      throw new ImportError(`mapping file not found: ${filePath}`);
    }
    throw new ImportError(`failed to read the mapping file ${filePath}: ${errorText(error)}`, {
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`mapping file ${filePath} is not valid JSON: ${errorText(error)}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ImportError(
      `mapping file ${filePath} must contain a JSON object from CSV header to target, such as {"Email": "identifiers.email"}.`,
    );
  }

  const mapping = new Map<string, MappingTarget>();
  for (const [header, target] of Object.entries(parsed)) {
    if (!isMappingTarget(target)) {
      throw new ImportError(
        `mapping file ${filePath}: header '${header}' maps to ${JSON.stringify(target)}, expected ${TARGET_FORMS}.`,
      );
    }
    mapping.set(header, target);
  }

  return Object.fromEntries(mapping);
}

/**
 * Parses one `--map header=target` value. The split is at the last `=` because targets never
 * contain one, so a header may. The target `null` drops the column.
 */
export function parseMapFlag(value: string): [header: string, target: MappingTarget] {
  const separator = value.lastIndexOf('=');
  const header = separator > 0 ? value.slice(0, separator) : '';
  const targetText = separator > 0 ? value.slice(separator + 1).trim() : '';
  const target = targetText === 'null' ? null : targetText;
  if (header.trim() === '' || !isMappingTarget(target)) {
    throw new ImportError(
      `invalid --map value '${value}': expected header=target, where target is ${TARGET_FORMS} (for example --map "Email=identifiers.email").`,
    );
  }

  return [header, target];
}

/** Merges `--map` values over the mapping file; a later flag for the same header wins. */
export function mergeMapFlags(base: ColumnMapping, mapFlags: readonly string[]): ColumnMapping {
  // A Map, and Object.fromEntries at the end, keep a header such as `__proto__` an own key.
  const merged = new Map<string, MappingTarget>(Object.entries(base));
  for (const flag of mapFlags) {
    const [header, target] = parseMapFlag(flag);
    merged.set(header, target);
  }

  return Object.fromEntries(merged);
}

export function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
