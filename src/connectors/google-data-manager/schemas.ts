import { type Static, Type } from 'typebox';

/** Origin of Google's Data Manager API. */
export const DATA_MANAGER_ORIGIN = 'https://datamanager.googleapis.com';

/** Google's OAuth 2.0 token endpoint, where a refresh token is exchanged for an access token. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** OAuth scope that Data Manager API calls need. */
export const DATA_MANAGER_SCOPE = 'https://www.googleapis.com/auth/datamanager';

/** Values of `ProductAccount.AccountType` that the two Data Manager types send. */
export type DataManagerAccountType =
  'GOOGLE_ADS' | 'DISPLAY_VIDEO_ADVERTISER' | 'DISPLAY_VIDEO_PARTNER';

/** The `tokenUrl` setting that both Data Manager types accept. */
export const tokenUrlProperty = Type.Optional(
  Type.String({
    format: 'uri',
    maxLength: 2048,
    title: 'Token URL',
    description: `OAuth 2.0 token endpoint that exchanges the refresh token for an access token. Defaults to ${GOOGLE_TOKEN_URL}.`,
    default: GOOGLE_TOKEN_URL,
  }),
);

export const dataManagerCredentialsSchema = Type.Object(
  {
    clientId: Type.String({
      minLength: 1,
      maxLength: 512,
      title: 'OAuth client id',
      description:
        'Client id of the OAuth client in the Google Cloud project that has the Data Manager API enabled.',
    }),
    clientSecret: Type.String({
      minLength: 1,
      maxLength: 512,
      format: 'password',
      writeOnly: true,
      title: 'OAuth client secret',
    }),
    refreshToken: Type.String({
      minLength: 1,
      maxLength: 4096,
      format: 'password',
      writeOnly: true,
      title: 'Refresh token',
      description: `A refresh token issued to the client for the scope ${DATA_MANAGER_SCOPE}.`,
    }),
  },
  { additionalProperties: false },
);

export const dataManagerAudienceSettingsSchema = Type.Object(
  {
    userListId: Type.String({
      pattern: '^[0-9]{1,20}$',
      title: 'User list id',
      description:
        'Numeric id of the Customer Match audience (user list) that receives the members. It is sent as the productDestinationId.',
    }),
  },
  { additionalProperties: false },
);

export type DataManagerCredentials = Static<typeof dataManagerCredentialsSchema>;
export type DataManagerAudienceSettings = Static<typeof dataManagerAudienceSettingsSchema>;

/** The accounts a request acts on, as the type derives them from its settings. */
export interface DataManagerAccounts {
  operatingAccount: { accountType: DataManagerAccountType; accountId: string };
  /** Manager or partner account through which the OAuth user reaches the operating account. */
  loginAccount?: { accountType: DataManagerAccountType; accountId: string };
}

/** Settings fields that the shared Data Manager code reads, whatever the type. */
export interface DataManagerCommonSettings {
  baseUrl?: string;
  timeoutMs?: number;
  tokenUrl?: string;
}
