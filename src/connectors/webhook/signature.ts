import { createHmac } from 'node:crypto';

/**
 * Returns the signature header value `t=<unix seconds>,v1=<hex>`, where `v1` is the
 * HMAC-SHA256, keyed with the signing secret, of the timestamp, a dot and the raw body:
 * `<t>.<body>`. Signing the timestamp lets the endpoint reject a replayed request.
 */
export function signWebhookBody(secret: string, timestampSeconds: number, rawBody: string): string {
  const digest = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${rawBody}`, 'utf8')
    .digest('hex');

  return `t=${timestampSeconds},v1=${digest}`;
}
