import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

/** Header that carries the request signature unless the connector names another. */
export const WEBHOOK_DEFAULT_SIGNATURE_HEADER = 'X-Activator-Signature';

/** Profiles per request unless the connector sets `batchSize`. */
export const WEBHOOK_DEFAULT_BATCH_SIZE = 500;

/** Largest `batchSize` a connector may set, which is also the engine's batch size. */
export const WEBHOOK_MAX_BATCH_SIZE = 10_000;

/**
 * Origin for the `defaultBaseUrl` of the catalog entry. The schema requires `baseUrl`, so no
 * request uses it; the `.invalid` top-level domain never resolves (RFC 6761).
 */
export const WEBHOOK_PLACEHOLDER_ORIGIN = 'https://webhook-endpoint-not-set.invalid';

export const webhookSettingsSchema = Type.Object(
  {
    ...commonSettingsProperties,
    // Required here, unlike other types: the operator's endpoint is the destination itself, and
    // the service checks every `baseUrl` against loopback, private and metadata addresses.
    baseUrl: Type.String({
      format: 'uri',
      pattern: '^https?://[^?#\\s]+$',
      maxLength: 2048,
      title: 'Endpoint URL',
      description:
        'The http or https URL that receives the batches as signed POST requests, such as ' +
        'https://hooks.example.com/activator. A query string or fragment is not allowed.',
    }),
    batchSize: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: WEBHOOK_MAX_BATCH_SIZE,
        default: WEBHOOK_DEFAULT_BATCH_SIZE,
        title: 'Batch size',
        description: 'Maximum profiles in one request to the endpoint.',
      }),
    ),
    signatureHeader: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9-]{1,64}$',
        default: WEBHOOK_DEFAULT_SIGNATURE_HEADER,
        title: 'Signature header',
        description: 'Name of the request header that carries the HMAC-SHA256 signature.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const webhookCredentialsSchema = Type.Object(
  {
    signingSecret: Type.String({
      minLength: 16,
      maxLength: 512,
      format: 'password',
      writeOnly: true,
      title: 'Signing secret',
      description:
        'Shared secret, at least 16 characters, that keys the HMAC-SHA256 signature of every ' +
        'request. The endpoint checks the signature with the same secret.',
    }),
  },
  { additionalProperties: false },
);

export const webhookAudienceSettingsSchema = Type.Object(
  {
    audience: Type.String({
      minLength: 1,
      maxLength: 200,
      title: 'Audience label',
      description:
        'Label sent in every request as destination.audience, so that the endpoint can tell ' +
        'the audiences apart.',
    }),
  },
  { additionalProperties: false },
);

export type WebhookSettings = Static<typeof webhookSettingsSchema>;
export type WebhookCredentials = Static<typeof webhookCredentialsSchema>;
export type WebhookAudienceSettings = Static<typeof webhookAudienceSettingsSchema>;
