import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dataDirError } from '../errors/data-dir-error.js';

/**
 * Reads a file holding one secret, or creates it with `create()` and mode 0600 when it does not
 * exist yet. Returns the value and whether it was created now. The file lives in DATA_DIR, so a
 * file-system failure (no permission, read-only, disk full) is raised as a ConfigError naming it.
 */
export function readOrCreatePrivateFile(
  filePath: string,
  create: () => string,
): { value: string; created: boolean } {
  try {
    return { value: readFileSync(filePath, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw dataDirError(filePath, error);
  }
  const value = create();
  try {
    // `wx` fails when another process created the file first; its value then wins.
    writeFileSync(filePath, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { value: readFileSync(filePath, 'utf8').trim(), created: false };
    }
    // Unless the error is EEXIST, a file at this path is this call's own or does not exist. A
    // write that failed part way (a full disk) leaves it empty or cut off, and the next start
    // would read that as the secret.
    try {
      rmSync(filePath, { force: true });
    } catch {
      // Removing fails only where the file could not be created either, such as on a
      // read-only file system.
    }
    throw dataDirError(filePath, error);
  }
  chmodSync(filePath, 0o600);

  return { value, created: true };
}
