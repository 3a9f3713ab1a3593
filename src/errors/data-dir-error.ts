import { ConfigError } from './app-error.js';

/**
 * Builds the start-up error for a failure to use `target`, a path in DATA_DIR. `error` carries
 * an errno code (`EROFS`) or a SQLite result code (`SQLITE_FULL`). The message names that code
 * and the change that fixes it.
 */
export function dataDirError(target: string, error: unknown): ConfigError {
  const code = String((error as { code?: unknown } | undefined)?.code ?? '');
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'EROFS') {
    return new ConfigError(
      'DATA_DIR',
      `${target} is on a read-only file system (EROFS). Activator writes its store, key file ` +
        'and API token there. Remount the file system read-write or set DATA_DIR to a ' +
        'writable directory.',
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY')) {
    return new ConfigError(
      'DATA_DIR',
      `this process (uid ${process.getuid?.() ?? 'unknown'}) may not write to ${target} ` +
        `(${code}). Give the user that runs Activator read and write access to DATA_DIR and ` +
        'its files, or set DATA_DIR to a directory that user owns.',
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) {
    return new ConfigError(
      'DATA_DIR',
      `the disk that holds ${target} is full (${code}). Free space on it, then start Activator ` +
        'again.',
    );
  }

  return new ConfigError(
    'DATA_DIR',
    `${target} cannot be used: ${detail}. Set DATA_DIR to a writable directory.`,
  );
}
