import { type Static, Type } from 'typebox';
import {
  asyncScriptTag,
  inlineScriptTag,
  noscriptImageTag,
  scriptStringLiteral,
} from './snippet-html.js';
import { defineTagBasedType } from './tag-based-type.js';

export const metaPixelSettingsSchema = Type.Object(
  {
    pixelId: Type.String({
      pattern: '^[0-9]{1,20}$',
      title: 'Pixel id',
      description: 'The numeric id of the Meta pixel (dataset) in Events Manager.',
    }),
  },
  { additionalProperties: false },
);

export type MetaPixelSettings = Static<typeof metaPixelSettingsSchema>;

/** Meta's browser library; Meta documents this URL in the pixel base code. */
const META_PIXEL_SCRIPT_URL = 'https://connect.facebook.net/en_US/fbevents.js';

/**
 * Writes the pixel base code: a minimal `fbq` queue that fbevents.js replaces once loaded,
 * the init and PageView calls, and the image fallback.
 */
export function metaPixelSnippet(settings: MetaPixelSettings): string {
  const pixelId = scriptStringLiteral(settings.pixelId);
  const imageUrl =
    'https://www.facebook.com/tr?id=' +
    encodeURIComponent(settings.pixelId) +
    '&ev=PageView&noscript=1';

  return [
    inlineScriptTag([
      'if (!window.fbq) {',
      '  var queue = function () {',
      '    queue.callMethod ? queue.callMethod.apply(queue, arguments) : queue.queue.push(arguments);',
      '  };',
      '  queue.push = queue;',
      '  queue.loaded = true;',
      "  queue.version = '2.0';",
      '  queue.queue = [];',
      '  window.fbq = window._fbq = queue;',
      '}',
      `fbq('init', ${pixelId});`,
      "fbq('track', 'PageView');",
    ]),
    asyncScriptTag(META_PIXEL_SCRIPT_URL),
    noscriptImageTag(imageUrl),
  ].join('\n');
}

/** Meta Pixel: the operator's site sends browser events to Meta through fbevents.js. */
export const metaPixel = defineTagBasedType<MetaPixelSettings>({
  id: 'meta-pixel',
  name: 'Meta Pixel',
  identifierTypes: ['metaFbp'],
  defaultBaseUrl: 'https://www.facebook.com',
  settingsSchema: metaPixelSettingsSchema,
  snippet: metaPixelSnippet,
});
