import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readOrCreatePrivateFile } from '../secrets/private-file.js';

export const API_TOKEN_FILE = 'api-token';

/** Returns the configured API token, or the one generated once into `$DATA_DIR/api-token`. */
export function loadApiToken(
  configured: string | undefined,
  dataDir: string,
): { token: string; source: 'environment' | 'file'; created: boolean; filePath?: string } {
  if (configured) return { token: configured, source: 'environment', created: false };
  const filePath = path.join(dataDir, API_TOKEN_FILE);
  const { value, created } = readOrCreatePrivateFile(filePath, () =>
    randomBytes(32).toString('base64url'),
  );

  return { token: value, source: 'file', created, filePath };
}

/** Reads the token from an `Authorization: Bearer <token>` header. */
export function parseBearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);

  return match?.[1];
}
