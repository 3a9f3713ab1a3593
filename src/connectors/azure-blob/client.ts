import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import {
  AZURE_DEFAULT_API_VERSION,
  defaultAccountUrl,
  type AzureBlobCredentials,
  type AzureBlobSettings,
} from './schemas.js';
import { signSharedKey } from './shared-key.js';

/** Content type of the blobs Activator writes: one JSON record per line. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/**
 * Blob Storage calls of the Azure type: HTTP only, no mapping or classification. Requests are
 * authorized with the SAS token in the query string, or signed with the account key (Shared Key).
 */
export class AzureBlobClient {
  readonly #version: string;
  /** Path of `baseUrl`, which prefixes every request path and so is part of the signature. */
  readonly #basePath: string;

  constructor(
    private readonly http: PartnerHttpClient,
    private readonly settings: AzureBlobSettings,
    private readonly credentials: AzureBlobCredentials,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#version = settings.apiVersion ?? AZURE_DEFAULT_API_VERSION;
    const baseUrl = settings.baseUrl ?? defaultAccountUrl(settings.account);
    this.#basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  }

  /** Get Container Properties (`GET /{container}?restype=container`): the credential check. */
  getContainerProperties(): Promise<PartnerResponse> {
    return this.#send('GET', `/${this.settings.container}`, { restype: 'container' }, {});
  }

  /**
   * Put Blob of a block blob with `If-None-Match: *`, so the call fails with 409
   * `BlobAlreadyExists` rather than overwrite a blob of the same name.
   */
  putBlob(blobName: string, body: string): Promise<PartnerResponse> {
    const headers = {
      'content-length': String(Buffer.byteLength(body, 'utf8')),
      'content-type': NDJSON_CONTENT_TYPE,
      'if-none-match': '*',
      'x-ms-blob-type': 'BlockBlob',
    };

    return this.#send(
      'PUT',
      `/${this.settings.container}/${encodeBlobName(blobName)}`,
      {},
      headers,
      body,
    );
  }

  #send(
    method: 'GET' | 'PUT',
    path: string,
    query: Record<string, string>,
    extraHeaders: Record<string, string>,
    body?: string,
  ): Promise<PartnerResponse> {
    const headers: Record<string, string> = {
      accept: 'application/xml',
      'x-ms-date': this.now().toUTCString(),
      'x-ms-version': this.#version,
      ...extraHeaders,
    };
    const fullQuery = { ...query };
    if (this.credentials.accountKey !== undefined) {
      headers.authorization = signSharedKey(this.settings.account, this.credentials.accountKey, {
        method,
        path: this.#basePath + path,
        query,
        headers,
      });
    } else {
      Object.assign(fullQuery, parseSasToken(this.credentials.sasToken ?? ''));
    }

    return this.http.send({ method, path, query: fullQuery, headers, body });
  }
}

/** Percent-encodes each segment of a blob name and keeps the `/` between them. */
export function encodeBlobName(blobName: string): string {
  return blobName.split('/').map(encodeURIComponent).join('/');
}

/** Reads a SAS token, with or without a leading `?`, into decoded query parameters. */
export function parseSasToken(token: string): Record<string, string> {
  const trimmed = token.trim().replace(/^\?/, '');

  return Object.fromEntries(new URLSearchParams(trimmed));
}
