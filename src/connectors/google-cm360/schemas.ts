import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

/**
 * CM360 API version in the request path. Google sunset v4 on 2026-02-26, so v5 is the default.
 * Source: https://developers.google.com/ads/blog/posts/2026/01/campaign-manager-360-api-v4-sunset
 */
export const CM360_DEFAULT_API_VERSION = 'v5';
export const CM360_API_ORIGIN = 'https://dfareporting.googleapis.com';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** OAuth scope that `conversions.batchinsert` requires; `userProfiles.get` accepts it too. */
export const CM360_CONVERSIONS_SCOPE = 'https://www.googleapis.com/auth/ddmconversions';

/** Defaults of the audience connection settings, which every conversion needs. */
export const DEFAULT_QUANTITY = 1;
export const DEFAULT_VALUE = 0;
export const DEFAULT_ORDINAL = '1';

const int64Id = (title: string, description: string) =>
  Type.String({ pattern: '^[0-9]{1,20}$', title, description });

export const cm360EncryptionInfoSchema = Type.Object(
  {
    encryptionEntityType: Type.Enum(
      [
        'DCM_ACCOUNT',
        'DCM_ADVERTISER',
        'DBM_PARTNER',
        'DBM_ADVERTISER',
        'ADWORDS_CUSTOMER',
        'DFP_NETWORK_CODE',
      ],
      {
        title: 'Encryption entity type',
        description: 'Entity whose key encrypted the user ids, as set up for ad serving.',
      },
    ),
    encryptionEntityId: int64Id('Encryption entity id', 'Id of that entity, digits only.'),
    encryptionSource: Type.Enum(['AD_SERVING', 'DATA_TRANSFER'], {
      title: 'Encryption source',
      description:
        'AD_SERVING for ids from the %m Floodlight macro, DATA_TRANSFER for ids from Data Transfer files.',
    }),
  },
  {
    additionalProperties: false,
    title: 'Encryption info',
    description:
      'How the encryptedUserId identifiers were encrypted. Required to send profiles that only have an encryptedUserId.',
  },
);

export const cm360SettingsSchema = Type.Object(
  {
    profileId: int64Id(
      'User profile id',
      'Numeric id of the Campaign Manager 360 user profile that uploads the conversions.',
    ),
    floodlightConfigurationId: int64Id(
      'Floodlight configuration id',
      'Floodlight configuration that the Floodlight activities of the connections belong to.',
    ),
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^v[0-9]{1,2}(\\.[0-9]{1,2})?$',
        title: 'API version',
        description: `Campaign Manager 360 API version in the request path, such as ${CM360_DEFAULT_API_VERSION}.`,
        default: CM360_DEFAULT_API_VERSION,
      }),
    ),
    tokenUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        title: 'OAuth token URL',
        description:
          "OAuth 2.0 token endpoint that exchanges the refresh token for access tokens. Change it only for a proxy or a test partner; Google's is the default.",
        default: GOOGLE_TOKEN_URL,
      }),
    ),
    encryptionInfo: Type.Optional(cm360EncryptionInfoSchema),
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export const cm360CredentialsSchema = Type.Object(
  {
    clientId: Type.String({
      minLength: 1,
      maxLength: 512,
      title: 'OAuth client id',
      description: 'Client id of the OAuth client in the Google Cloud project.',
    }),
    clientSecret: Type.String({
      minLength: 1,
      maxLength: 512,
      format: 'password',
      writeOnly: true,
      title: 'OAuth client secret',
      description: 'Client secret of the same OAuth client.',
    }),
    refreshToken: Type.String({
      minLength: 1,
      maxLength: 4096,
      format: 'password',
      writeOnly: true,
      title: 'Refresh token',
      description: `Refresh token of a Google account with access to the user profile, granted the ${CM360_CONVERSIONS_SCOPE} scope.`,
    }),
  },
  { additionalProperties: false },
);

export const cm360AudienceSettingsSchema = Type.Object(
  {
    floodlightActivityId: int64Id(
      'Floodlight activity id',
      'Floodlight activity that each conversion is recorded for, digits only.',
    ),
    quantity: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        title: 'Quantity',
        description: 'Number of items of each conversion.',
        default: DEFAULT_QUANTITY,
      }),
    ),
    value: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1_000_000_000,
        title: 'Value',
        description:
          'Revenue of each conversion, in the currency of the advertiser that owns the Floodlight configuration.',
        default: DEFAULT_VALUE,
      }),
    ),
    ordinal: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.:-]{1,64}$',
        title: 'Ordinal',
        description:
          'De-duplication key: CM360 keeps one conversion per user, activity, day and ordinal. Give two steps that report the same activity different ordinals.',
        default: DEFAULT_ORDINAL,
      }),
    ),
  },
  { additionalProperties: false },
);

export type Cm360EncryptionInfo = Static<typeof cm360EncryptionInfoSchema>;
export type Cm360Settings = Static<typeof cm360SettingsSchema>;
export type Cm360Credentials = Static<typeof cm360CredentialsSchema>;
export type Cm360AudienceSettings = Static<typeof cm360AudienceSettingsSchema>;
