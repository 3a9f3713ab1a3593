import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

export const META_DEFAULT_API_VERSION = 'v25.0';
export const META_GRAPH_ORIGIN = 'https://graph.facebook.com';

export const metaSettingsSchema = Type.Object(
  {
    adAccountId: Type.String({
      pattern: '^(act_)?[0-9]{1,20}$',
      title: 'Ad account id',
      description: 'The numeric id of the Meta ad account; an act_ prefix is accepted.',
    }),
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^v[0-9]{1,3}\\.0$',
        title: 'Graph API version',
        description: `Version in the Graph API path, such as ${META_DEFAULT_API_VERSION}.`,
        default: META_DEFAULT_API_VERSION,
      }),
    ),
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export const metaCredentialsSchema = Type.Object(
  {
    accessToken: Type.String({
      minLength: 1,
      maxLength: 4096,
      format: 'password',
      writeOnly: true,
      title: 'Access token',
      description:
        'A system-user token of the Business Manager with the ads_management permission.',
    }),
    appSecret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        format: 'password',
        writeOnly: true,
        title: 'App secret',
        description:
          'When set, every call carries appsecret_proof, as apps that require it expect.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const metaAudienceSettingsSchema = Type.Object(
  {
    customAudienceId: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,30}$',
        title: 'Custom audience id',
        description: 'An existing customer-list custom audience of the ad account.',
      }),
    ),
    audienceName: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        title: 'New audience name',
        description: 'Activator creates a customer-list custom audience with this name.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);

export type MetaSettings = Static<typeof metaSettingsSchema>;
export type MetaCredentials = Static<typeof metaCredentialsSchema>;
export type MetaAudienceSettings = Static<typeof metaAudienceSettingsSchema>;
