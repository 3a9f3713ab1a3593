import { readFileSync } from 'node:fs';
import path from 'node:path';
import { API_TOKEN_FILE } from '../../auth/api-token.js';
import type { Config } from '../../config/config.js';
import { isErrorCode } from './column-mapping.js';

/** Service URL and API token that `activator import` uses when no flag sets them. */
export interface ImportDefaults {
  url: string;
  token?: string;
}

/**
 * Derives the import defaults from the service configuration: the URL of HOST:PORT, and the
 * token from ACTIVATOR_API_TOKEN or else from `$DATA_DIR/api-token` when that file exists.
 * Unlike the service, this never creates the token file.
 */
export function readImportDefaults(
  config: Pick<Config, 'host' | 'port' | 'dataDir' | 'apiToken'>,
): ImportDefaults {
  return {
    url: serviceUrl(config.host, config.port),
    token: config.apiToken ?? readTokenFile(path.join(config.dataDir, API_TOKEN_FILE)),
  };
}

/** Builds the URL a client on this machine uses to reach a service listening on host:port. */
export function serviceUrl(host: string, port: number): string {
  // A wildcard listen address accepts connections on loopback, and is no address to connect to.
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  if (host.includes(':')) return `http://[${host}]:${port}`;

  return `http://${host}:${port}`;
}

function readTokenFile(filePath: string): string | undefined {
  try {
    const token = readFileSync(filePath, 'utf8').trim();

    return token === '' ? undefined : token;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw new Error(`Failed to read the API token file ${filePath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
