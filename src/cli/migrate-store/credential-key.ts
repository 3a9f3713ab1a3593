import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SecretBox } from '../../secrets/secret-box.js';
import { SECRET_KEY_FILE } from '../../secrets/secret-key.js';
import type { Store } from '../../store/store.js';

/**
 * Source of the embedded deployment's credential key, chosen as the service chooses it:
 * ACTIVATOR_SECRET_KEY when set, else the key file in the data directory.
 */
export type CredentialKeySource =
  | { kind: 'environment'; key: Buffer }
  | { kind: 'file'; filePath: string; key: Buffer }
  /** The key file exists but does not contain base64 of 32 bytes. */
  | { kind: 'invalid-file'; filePath: string }
  | { kind: 'missing'; filePath: string };

/** Result of opening every connector's sealed credentials with the key. */
export interface CredentialCheck {
  key: CredentialKeySource;
  connectors: number;
  /** Ids of connectors whose credentials fail to decrypt with the key. */
  undecryptable: string[];
}

/** Finds the credential key of `dataDir` without creating a key file, unlike the service. */
export function findCredentialKey(
  configured: Buffer | undefined,
  dataDir: string,
): CredentialKeySource {
  if (configured) return { kind: 'environment', key: configured };

  const filePath = path.join(dataDir, SECRET_KEY_FILE);
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', filePath };
    throw error;
  }
  // The first line is the current key; later lines are previous keys kept during a rotation.
  const key = Buffer.from(text.split(/\s+/)[0] ?? '', 'base64');
  if (key.length !== 32) return { kind: 'invalid-file', filePath };

  return { kind: 'file', filePath, key };
}

/** Decrypts the credentials of every connector in `store` and lists the ones that fail. */
export async function checkCredentials(
  store: Store,
  key: CredentialKeySource,
): Promise<CredentialCheck> {
  const rows = await store.db
    .selectFrom('connectors')
    .select(['id', 'credentials'])
    .orderBy('id')
    .execute();
  if (key.kind !== 'environment' && key.kind !== 'file') {
    return { key, connectors: rows.length, undecryptable: [] };
  }

  const box = new SecretBox(key.key);
  const undecryptable: string[] = [];
  for (const row of rows) {
    try {
      box.open(row.credentials);
    } catch {
      undecryptable.push(row.id);
    }
  }

  return { key, connectors: rows.length, undecryptable };
}

/**
 * Describes the key that the PostgreSQL deployment needs, for the summary. It names the key
 * file or the variable, never the key.
 */
export function describeCredentialKey(check: CredentialCheck, dataDir: string): string {
  const { key } = check;
  const copied = 'Connector credentials were copied as stored, still encrypted.';
  switch (key.kind) {
    case 'file':
      return (
        `${copied} They decrypt only with the key in ${key.filePath}. Start the PostgreSQL ` +
        `deployment with that key: keep DATA_DIR=${dataDir}, or copy ${SECRET_KEY_FILE} with ` +
        'mode 0600 into its DATA_DIR, or set ACTIVATOR_SECRET_KEY to the content of the file.'
      );
    case 'environment':
      return (
        `${copied} They decrypt only with the key in ACTIVATOR_SECRET_KEY. Start the ` +
        'PostgreSQL deployment with the same ACTIVATOR_SECRET_KEY.'
      );
    case 'invalid-file':
      return (
        `${copied} The key file ${key.filePath} does not contain base64 of 32 bytes, so the ` +
        'credentials were not checked. Start the PostgreSQL deployment with the key that the ' +
        'embedded deployment used, or the credentials cannot be decrypted.'
      );
    case 'missing':
      return (
        `${copied} There is no key file ${key.filePath} and ACTIVATOR_SECRET_KEY is not set, ` +
        'so the credentials were not checked. Start the PostgreSQL deployment with the key ' +
        'that the embedded deployment used, or the credentials cannot be decrypted.'
      );
  }
}
