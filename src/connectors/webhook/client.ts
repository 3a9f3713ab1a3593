import type { PartnerHttpClient, PartnerResponse } from '../../net/partner-http-client.js';
import {
  WEBHOOK_DEFAULT_SIGNATURE_HEADER,
  type WebhookCredentials,
  type WebhookSettings,
} from './schemas.js';
import { signWebhookBody } from './signature.js';

/** Requests of the webhook type to the operator's endpoint: HTTP and signing only. */
export class WebhookClient {
  readonly #signatureHeader: string;
  readonly #path: string;

  constructor(
    private readonly http: PartnerHttpClient,
    settings: WebhookSettings,
    private readonly credentials: WebhookCredentials,
    private readonly now: () => number = Date.now,
  ) {
    this.#signatureHeader = settings.signatureHeader ?? WEBHOOK_DEFAULT_SIGNATURE_HEADER;
    // The HTTP client joins the endpoint path without its trailing slash, so a slash is added
    // back for an endpoint that ends in one, such as https://hooks.example.com/ or .../in/.
    this.#path = new URL(settings.baseUrl).pathname.endsWith('/') ? '/' : '';
  }

  /** POSTs a JSON body to the endpoint, signed over the exact bytes that are sent. */
  post(body: unknown): Promise<PartnerResponse> {
    const rawBody = JSON.stringify(body);
    const timestampSeconds = Math.floor(this.now() / 1000);
    const signature = signWebhookBody(this.credentials.signingSecret, timestampSeconds, rawBody);

    return this.http.send({
      method: 'POST',
      path: this.#path,
      headers: { 'content-type': 'application/json', [this.#signatureHeader]: signature },
      body: rawBody,
    });
  }
}
