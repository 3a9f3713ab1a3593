import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors/app-error.js';
import { readOrCreatePrivateFile } from './private-file.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * Returns the credential encryption key: the configured one, or the key file in the data
 * directory, created once with 32 random bytes.
 */
export function loadSecretKey(
  configured: Buffer | undefined,
  dataDir: string,
): { key: Buffer; source: 'environment' | 'file'; created: boolean; filePath?: string } {
  if (configured) return { key: configured, source: 'environment', created: false };
  const filePath = path.join(dataDir, SECRET_KEY_FILE);
  const { value, created } = readOrCreatePrivateFile(filePath, () =>
    randomBytes(32).toString('base64'),
  );
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      'ACTIVATOR_SECRET_KEY',
      `the key file ${filePath} does not hold base64 of 32 bytes. Restore it from a backup; ` +
        'a new key cannot decrypt the stored credentials.',
    );
  }

  return { key, source: 'file', created, filePath };
}
