import { type Static, Type } from 'typebox';
import { asyncScriptTag, inlineScriptTag, scriptStringLiteral } from './snippet-html.js';
import { defineTagBasedType } from './tag-based-type.js';

export const googleTagSettingsSchema = Type.Object(
  {
    tagId: Type.String({
      pattern: '^(G|AW|DC|GT)-[A-Za-z0-9]{1,30}$',
      title: 'Tag id',
      description:
        'A Google tag id: G-… for Google Analytics, AW-… for Google Ads, DC-… for a ' +
        'Floodlight configuration of Campaign Manager 360, GT-… for a combined tag.',
    }),
  },
  { additionalProperties: false },
);

export type GoogleTagSettings = Static<typeof googleTagSettingsSchema>;

/** Writes the gtag.js loader and the `config` call for the tag id; Google documents no image. */
export function googleTagSnippet(settings: GoogleTagSettings): string {
  const scriptUrl =
    'https://www.googletagmanager.com/gtag/js?id=' + encodeURIComponent(settings.tagId);

  return [
    asyncScriptTag(scriptUrl),
    inlineScriptTag([
      'window.dataLayer = window.dataLayer || [];',
      'function gtag() {',
      '  dataLayer.push(arguments);',
      '}',
      "gtag('js', new Date());",
      `gtag('config', ${scriptStringLiteral(settings.tagId)});`,
    ]),
  ].join('\n');
}

/** Google tag (gtag.js): Google Analytics, Google Ads and Floodlight from the browser. */
export const googleTag = defineTagBasedType<GoogleTagSettings>({
  id: 'google-tag',
  name: 'Google tag',
  identifierTypes: ['googleGid'],
  defaultBaseUrl: 'https://www.googletagmanager.com',
  settingsSchema: googleTagSettingsSchema,
  snippet: googleTagSnippet,
});
