import { existsSync } from 'node:fs';
import path from 'node:path';

const FILE = path.join('shared', 'data', 'customers-10000.csv');

/**
 * Finds the public sample CRM export that tests read. It lives outside the repository, next to
 * the checkout (`../shared/data`) or at `/work/shared/data`; `ACTIVATOR_SAMPLE_EXPORT` names it
 * explicitly. Throws with the places looked at when it is missing.
 */
export function sampleExportPath(): string {
  const candidates = [
    process.env.ACTIVATOR_SAMPLE_EXPORT,
    path.resolve('..', FILE),
    path.resolve('..', '..', FILE),
    path.join('/work', FILE),
  ].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `The sample export customers-10000.csv was not found at ${candidates.join(', ')}. ` +
        'Set ACTIVATOR_SAMPLE_EXPORT to its path.',
    );
  }

  return found;
}
