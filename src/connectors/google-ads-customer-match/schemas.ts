import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';
import { tokenUrlProperty } from '../google-data-manager/schemas.js';

/** A Google Ads customer id: 10 digits, with or without the dashes of `123-456-7890`. */
const CUSTOMER_ID_PATTERN = '^[0-9]{3}-?[0-9]{3}-?[0-9]{4}$';

export const googleAdsSettingsSchema = Type.Object(
  {
    customerId: Type.String({
      pattern: CUSTOMER_ID_PATTERN,
      title: 'Customer id',
      description:
        'Google Ads account that owns the Customer Match audiences, such as 123-456-7890. It is sent as the operating account of type GOOGLE_ADS, without dashes.',
    }),
    loginCustomerId: Type.Optional(
      Type.String({
        pattern: CUSTOMER_ID_PATTERN,
        title: 'Manager account id (login customer id)',
        description:
          'Google Ads manager account through which the Google account of the refresh token has access. It is sent as the login account, without dashes.',
      }),
    ),
    tokenUrl: tokenUrlProperty,
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export type GoogleAdsSettings = Static<typeof googleAdsSettingsSchema>;
