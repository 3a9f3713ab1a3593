import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/app-error.js';
import { readOrCreatePrivateFile } from './private-file.js';

export const SECRET_KEY_FILE = 'secret.key';

/** The credential key and, during a rotation, the keys before it. */
export interface SecretKeys {
  key: Buffer;
  previous: Buffer[];
  source: 'environment' | 'file';
  created: boolean;
  filePath?: string;
}

/**
 * Returns the credential encryption keys: the configured ones, or the key file in the data
 * directory, created once with 32 random bytes. The file's first line is the current key; any
 * further lines are previous keys, kept while `activator rotate-key` re-encrypts.
 */
export function loadSecretKey(
  configured: Buffer | undefined,
  dataDir: string,
  configuredPrevious: Buffer[] = [],
): SecretKeys {
  if (configured) {
    return { key: configured, previous: configuredPrevious, source: 'environment', created: false };
  }
  const filePath = path.join(dataDir, SECRET_KEY_FILE);
  const { value, created } = readOrCreatePrivateFile(filePath, () =>
    randomBytes(32).toString('base64'),
  );
  const keys = value.split(/\s+/).map((line) => Buffer.from(line, 'base64'));
  if (keys.some((key) => key.length !== 32)) {
    throw new ConfigError(
      'ACTIVATOR_SECRET_KEY',
      `the key file ${filePath} does not hold base64 of 32 bytes on each line. Restore it from a ` +
        'backup; a new key cannot decrypt the stored credentials.',
    );
  }

  return { key: keys[0]!, previous: keys.slice(1), source: 'file', created, filePath };
}

/** Replaces the key file in one step (write aside, then rename), mode 0600. */
export function writeSecretKeyFile(filePath: string, keys: Buffer[]): void {
  const aside = `${filePath}.next`;
  writeFileSync(aside, `${keys.map((key) => key.toString('base64')).join('\n')}\n`, {
    mode: 0o600,
  });
  renameSync(aside, filePath);
}
