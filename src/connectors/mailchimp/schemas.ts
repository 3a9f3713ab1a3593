import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

/**
 * Placeholder origin for a connector without `baseUrl`. The real origin depends on the data
 * center in the API key (`https://<dc>.api.mailchimp.com`), which `mailchimpApiOrigin` derives.
 * The `.invalid` top-level domain never resolves (RFC 6761), so a request that reaches this
 * origin fails without leaving the host.
 */
export const MAILCHIMP_PLACEHOLDER_ORIGIN = 'https://mailchimp-data-center-from-api-key.invalid';

/** Path prefix of the Marketing API version 3.0. */
export const MAILCHIMP_API_PATH = '/3.0';

/** An API key is the key itself, a hyphen, and the data center, such as `0123abcd-us6`. */
const API_KEY_PATTERN = '^[A-Za-z0-9]{1,128}-[a-z]{1,10}[0-9]{1,5}$';

export const mailchimpSettingsSchema = Type.Object(
  { ...commonSettingsProperties },
  { additionalProperties: false },
);

export const mailchimpCredentialsSchema = Type.Object(
  {
    apiKey: Type.String({
      pattern: API_KEY_PATTERN,
      format: 'password',
      writeOnly: true,
      title: 'API key',
      description:
        'A Mailchimp Marketing API key, such as 0123456789abcdef0123456789abcdef-us6. ' +
        'The part after the last hyphen names the data center that requests go to.',
    }),
  },
  { additionalProperties: false },
);

export const mailchimpAudienceSettingsSchema = Type.Object(
  {
    listId: Type.String({
      pattern: '^[A-Za-z0-9]{1,64}$',
      title: 'Audience (list) id',
      description:
        'The id of the Mailchimp audience, shown under Audience settings as "Audience ID", ' +
        'such as a1b2c3d4e5.',
    }),
  },
  { additionalProperties: false },
);

export type MailchimpSettings = Static<typeof mailchimpSettingsSchema>;
export type MailchimpCredentials = Static<typeof mailchimpCredentialsSchema>;
export type MailchimpAudienceSettings = Static<typeof mailchimpAudienceSettingsSchema>;

/** Returns the data center of an API key (`us6` for `...-us6`), or undefined without a suffix. */
export function mailchimpDataCenter(apiKey: string): string | undefined {
  const match = /-([a-z]{1,10}[0-9]{1,5})$/.exec(apiKey.trim());

  return match?.[1];
}

/** Returns the API origin for a key, such as `https://us6.api.mailchimp.com`. */
export function mailchimpApiOrigin(apiKey: string): string | undefined {
  const dataCenter = mailchimpDataCenter(apiKey);

  return dataCenter === undefined ? undefined : `https://${dataCenter}.api.mailchimp.com`;
}
