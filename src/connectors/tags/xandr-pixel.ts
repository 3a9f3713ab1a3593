import { type Static, Type } from 'typebox';
import { asyncScriptTag, noscriptImageTag } from './snippet-html.js';
import { defineTagBasedType } from './tag-based-type.js';

export const xandrPixelSettingsSchema = Type.Object(
  {
    segmentId: Type.String({
      pattern: '^[0-9]{1,20}$',
      title: 'Segment id',
      description: 'The numeric id of the Xandr segment that a page view adds the visitor to.',
    }),
    memberId: Type.String({
      pattern: '^[0-9]{1,20}$',
      title: 'Member id',
      description: 'The numeric id of the Xandr member that owns the segment.',
    }),
  },
  { additionalProperties: false },
);

export type XandrPixelSettings = Static<typeof xandrPixelSettingsSchema>;

/**
 * Builds the segment pixel URL. With `t=1` Xandr returns JavaScript, with `t=2` an image.
 * NOTE: the host and the `member`, `add` and `t` parameters are guessed from memory of the
 * Xandr segment pixel documentation. Check them against it before production use.
 */
function xandrSegmentUrl(settings: XandrPixelSettings, responseType: 1 | 2): string {
  const query = new URLSearchParams({
    member: settings.memberId,
    add: settings.segmentId,
    t: String(responseType),
  });

  return `https://secure.adnxs.com/seg?${query.toString()}`;
}

/** Writes the segment pixel as a script with an image fallback. */
export function xandrPixelSnippet(settings: XandrPixelSettings): string {
  return [
    asyncScriptTag(xandrSegmentUrl(settings, 1)),
    noscriptImageTag(xandrSegmentUrl(settings, 2)),
  ].join('\n');
}

/** Xandr segment pixel: adds each visitor of the tagged pages to a Xandr segment. */
export const xandrPixel = defineTagBasedType<XandrPixelSettings>({
  id: 'xandr-pixel',
  name: 'Xandr segment pixel',
  identifierTypes: ['xandrUid'],
  defaultBaseUrl: 'https://secure.adnxs.com',
  settingsSchema: xandrPixelSettingsSchema,
  snippet: xandrPixelSnippet,
});
