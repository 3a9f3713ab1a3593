import { type Static, Type } from 'typebox';
import { commonSettingsProperties } from '../common-settings.js';

export const XANDR_API_ORIGIN = 'https://api.appnexus.com';

/** Separators the legacy BSS file format uses when the account was set up with the defaults. */
export const DEFAULT_SEPARATOR_1 = ';';
export const DEFAULT_SEPARATOR_3 = ':';

/** Job status poll interval when the connector sets none, in seconds. */
export const DEFAULT_STATUS_POLL_SECONDS = 60;

/** `EXPIRATION` of 0 keeps a user in the segment for Xandr's maximum of 180 days. */
export const MAX_EXPIRATION_MINUTES = 180 * 24 * 60;

/**
 * One character that Xandr accepts as a BSS separator: not a digit, line break or one of
 * `[ ] ( ) { } $ \ / | ? * + -`, which Xandr's file format page disallows.
 */
const SEPARATOR_PATTERN = '^[^0-9\\r\\n\\[\\](){}$\\\\/|?*+\\-]$';

export const xandrSettingsSchema = Type.Object(
  {
    memberId: Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      title: 'Member id',
      description:
        'The Xandr member (seat) that owns the segments. Xandr support must have set up the Batch Segment Service for it.',
    }),
    separator1: Type.Optional(
      Type.String({
        pattern: SEPARATOR_PATTERN,
        default: DEFAULT_SEPARATOR_1,
        title: 'Separator 1',
        description:
          "The member's BSS separator_1, between the user id and the segment block of a line.",
      }),
    ),
    separator3: Type.Optional(
      Type.String({
        pattern: SEPARATOR_PATTERN,
        default: DEFAULT_SEPARATOR_3,
        title: 'Separator 3',
        description:
          "The member's BSS separator_3, between SEG_ID and EXPIRATION inside a segment block.",
      }),
    ),
    expirationMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_EXPIRATION_MINUTES,
        default: 0,
        title: 'Membership lifetime (minutes)',
        description:
          'EXPIRATION written for an added user, in minutes. 0 keeps the user for the maximum of 180 days.',
      }),
    ),
    statusPollSeconds: Type.Optional(
      Type.Integer({
        minimum: 5,
        maximum: 3_600,
        default: DEFAULT_STATUS_POLL_SECONDS,
        title: 'Job status poll interval (s)',
        description: 'Seconds between two status requests for an uploaded BSS job.',
      }),
    ),
    ...commonSettingsProperties,
  },
  { additionalProperties: false },
);

export const xandrCredentialsSchema = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      maxLength: 256,
      title: 'Username',
      description: 'An API user of the member, for POST /auth.',
    }),
    password: Type.String({
      minLength: 1,
      maxLength: 256,
      format: 'password',
      writeOnly: true,
      title: 'Password',
      description: 'The password of the API user.',
    }),
  },
  { additionalProperties: false },
);

export const xandrAudienceSettingsSchema = Type.Object(
  {
    segmentId: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      title: 'Segment id',
      description: 'Id of an existing Xandr segment that the member may add users to.',
    }),
  },
  { additionalProperties: false },
);

export type XandrSettings = Static<typeof xandrSettingsSchema>;
export type XandrCredentials = Static<typeof xandrCredentialsSchema>;
export type XandrAudienceSettings = Static<typeof xandrAudienceSettingsSchema>;
