import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

/**
 * Checks a bearer token in constant time: both sides are hashed first, so neither the
 * comparison nor an early length check leaks how much of the token matched.
 */
export function createTokenVerifier(expectedToken: string): (presented: string) => boolean {
  const expectedDigest = sha256(expectedToken);

  return (presented) => timingSafeEqual(sha256(presented), expectedDigest);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Reads the token from an `Authorization: Bearer <token>` header. */
export function parseBearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);

  return match?.[1];
}
