import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Reads a file holding one secret, or creates it with `create()` and mode 0600 when it does not
 * exist yet. Returns the value and whether it was created now.
 */
export function readOrCreatePrivateFile(
  filePath: string,
  create: () => string,
): { value: string; created: boolean } {
  try {
    return { value: readFileSync(filePath, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = create();
  try {
    // `wx` fails when another process created the file first; its value then wins.
    writeFileSync(filePath, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;

    return { value: readFileSync(filePath, 'utf8').trim(), created: false };
  }
  chmodSync(filePath, 0o600);

  return { value, created: true };
}
