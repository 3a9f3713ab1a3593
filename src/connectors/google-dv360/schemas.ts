import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';
import { tokenUrlProperty } from '../google-data-manager/schemas.js';

export const dv360SettingsSchema = Type.Object(
  {
    advertiserId: Type.String({
      pattern: '^[0-9]{1,20}$',
      title: 'Advertiser id',
      description:
        'Display & Video 360 advertiser that owns the Customer Match audiences. It is sent as the operating account of type DISPLAY_VIDEO_ADVERTISER.',
    }),
    loginAccountId: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,20}$',
        title: 'Partner id (login account)',
        description:
          'Display & Video 360 partner of the advertiser. Set it when the Google account of the refresh token has partner-level access; it is sent as the login account of type DISPLAY_VIDEO_PARTNER.',
      }),
    ),
    tokenUrl: tokenUrlProperty,
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export type Dv360Settings = Static<typeof dv360SettingsSchema>;
