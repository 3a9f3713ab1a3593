import { createHmac } from 'node:crypto';
import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import { META_DEFAULT_API_VERSION, type MetaCredentials, type MetaSettings } from './schemas.js';

/** Graph API calls of the Meta type: HTTP only, no mapping or classification. */
export class MetaGraphClient {
  readonly #version: string;
  readonly #adAccountId: string;

  constructor(
    private readonly http: PartnerHttpClient,
    settings: MetaSettings,
    private readonly credentials: MetaCredentials,
  ) {
    this.#version = settings.apiVersion ?? META_DEFAULT_API_VERSION;
    this.#adAccountId = settings.adAccountId.replace(/^act_/, '');
  }

  /** Reads the ad account: the credential check. */
  getAdAccount(): Promise<PartnerResponse> {
    return this.http.send({
      method: 'GET',
      path: `/${this.#version}/act_${this.#adAccountId}`,
      query: { fields: 'id,name,account_status', ...this.#proofQuery() },
      headers: { authorization: `Bearer ${this.credentials.accessToken}` },
    });
  }

  createCustomAudience(name: string): Promise<PartnerResponse> {
    return this.http.send({
      method: 'POST',
      path: `/${this.#version}/act_${this.#adAccountId}/customaudiences`,
      json: {
        name,
        subtype: 'CUSTOM',
        customer_file_source: 'USER_PROVIDED_ONLY',
        description: 'Created by Activator',
        ...this.#authBody(),
      },
    });
  }

  /** Adds (POST) or removes (DELETE) rows; the payload travels in the body, never the URL. */
  editUsers(
    audienceId: string,
    operation: 'add' | 'remove',
    payload: { schema: string[]; data: string[][] },
  ): Promise<PartnerResponse> {
    return this.http.send({
      method: operation === 'add' ? 'POST' : 'DELETE',
      path: `/${this.#version}/${audienceId}/users`,
      json: { payload, ...this.#authBody() },
    });
  }

  #authBody(): Record<string, string> {
    return { access_token: this.credentials.accessToken, ...this.#proofQuery() };
  }

  /** `appsecret_proof` is the HMAC-SHA256 of the token keyed with the app secret, in hex. */
  #proofQuery(): Record<string, string> {
    if (!this.credentials.appSecret) return {};
    const proof = createHmac('sha256', this.credentials.appSecret)
      .update(this.credentials.accessToken)
      .digest('hex');

    return { appsecret_proof: proof };
  }
}
