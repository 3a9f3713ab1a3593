import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

/** Host suffix of Blob Storage endpoints in Azure's public cloud. */
export const AZURE_BLOB_HOST_SUFFIX = '.blob.core.windows.net';

/** `x-ms-version` sent when a connector sets no `apiVersion`. */
export const AZURE_DEFAULT_API_VERSION = '2025-01-05';

export const azureBlobSettingsSchema = Type.Object(
  {
    account: Type.String({
      pattern: '^[a-z0-9]{3,24}$',
      title: 'Storage account name',
      description:
        'Name of the Azure storage account: 3 to 24 lowercase letters and digits. Requests go to https://{account}.blob.core.windows.net unless baseUrl is set.',
    }),
    container: Type.String({
      minLength: 3,
      maxLength: 63,
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      title: 'Container',
      description:
        'Existing blob container that receives the files: lowercase letters, digits and single hyphens.',
    }),
    prefix: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$',
        title: 'Blob name prefix',
        description:
          'Folder path in front of every blob name, such as activator/exports. Segments of letters, digits and . _ - joined by /.',
      }),
    ),
    apiVersion: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        title: 'Storage service version',
        description: `Value of the x-ms-version header, such as ${AZURE_DEFAULT_API_VERSION}.`,
        default: AZURE_DEFAULT_API_VERSION,
      }),
    ),
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export const azureBlobCredentialsSchema = Type.Object(
  {
    sasToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        pattern: '(^|[?&])sig=',
        format: 'password',
        writeOnly: true,
        title: 'SAS token',
        description:
          'Shared access signature query string (sv=...&sp=...&sig=...) for the container, with create and write permissions (sp with c and w).',
      }),
    ),
    accountKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[A-Za-z0-9+/]+={0,2}$',
        format: 'password',
        writeOnly: true,
        title: 'Account key',
        description:
          'Base64 access key of the storage account, used to sign each request with Shared Key.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);

export const azureBlobAudienceSettingsSchema = Type.Object(
  {
    folder: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$',
      title: 'Folder',
      description:
        "Folder below the prefix that receives this audience's files, such as audiences/vip.",
    }),
  },
  { additionalProperties: false },
);

export type AzureBlobSettings = Static<typeof azureBlobSettingsSchema>;
export type AzureBlobCredentials = Static<typeof azureBlobCredentialsSchema>;
export type AzureBlobAudienceSettings = Static<typeof azureBlobAudienceSettingsSchema>;

/** Returns the blob endpoint of an account in Azure's public cloud. */
export function defaultAccountUrl(account: string): string {
  return `https://${account}${AZURE_BLOB_HOST_SUFFIX}`;
}
