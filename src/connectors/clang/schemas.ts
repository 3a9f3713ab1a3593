import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

/** Clang's API origin. Accounts on Clang's second platform set `baseUrl` to `https://login.myclang.com`. */
export const CLANG_API_ORIGIN = 'https://secure.myclang.com';

/** Path of the SOAP endpoint below the origin. */
export const CLANG_SOAP_PATH = '/app/api/soap/public/index.php';

/** WSDL version whose operations and types the client uses. */
export const CLANG_DEFAULT_API_VERSION = '1.24';

/** Profiles of one batch that are sent at the same time when a connector sets no value. */
export const CLANG_DEFAULT_CONCURRENT_PROFILES = 5;

export const clangSettingsSchema = Type.Object(
  {
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,2}\\.[0-9]{1,3}$',
        title: 'SOAP API version',
        description: `Version of Clang's SOAP API in the endpoint URL (version=...), such as ${CLANG_DEFAULT_API_VERSION}.`,
        default: CLANG_DEFAULT_API_VERSION,
      }),
    ),
    maxConcurrentProfiles: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 20,
        title: 'Max concurrent profiles per batch',
        description:
          'Profiles of one batch that are sent to Clang at the same time. Each profile takes two or three SOAP calls.',
        default: CLANG_DEFAULT_CONCURRENT_PROFILES,
      }),
    ),
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export const clangCredentialsSchema = Type.Object(
  {
    uuid: Type.String({
      minLength: 1,
      maxLength: 200,
      format: 'password',
      writeOnly: true,
      title: 'API token (uuid)',
      description:
        "The account's Clang API token, sent as the uuid parameter of every SOAP call. Clang support issues it.",
    }),
  },
  { additionalProperties: false },
);

export const clangAudienceSettingsSchema = Type.Object(
  {
    groupId: Type.String({
      pattern: '^[0-9]{1,18}$',
      title: 'Group id',
      description: 'Numeric id of the Clang group that the audience members are added to.',
    }),
  },
  { additionalProperties: false },
);

export type ClangSettings = Static<typeof clangSettingsSchema>;
export type ClangCredentials = Static<typeof clangCredentialsSchema>;
export type ClangAudienceSettings = Static<typeof clangAudienceSettingsSchema>;
