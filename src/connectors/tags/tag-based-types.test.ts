import { describe, expect, it } from 'vitest';
import type { ConnectorContext } from '../connector-type.js';
import { googleTag, googleTagSnippet } from './google-tag.js';
import { metaPixel, metaPixelSnippet } from './meta-pixel.js';
import { TAG_BASED_BATCH_MESSAGE } from './tag-based-type.js';
import { xandrPixel, xandrPixelSnippet } from './xandr-pixel.js';

// Tag-based types never read the context, so an empty one is enough.
const context = {} as ConnectorContext<never, Record<string, never>>;

describe('tag-based types', () => {
  for (const type of [metaPixel, googleTag, xandrPixel]) {
    it(`${type.id} rejects every batch profile`, async () => {
      const result = await type.sendBatch(context as never, {
        operation: 'add',
        destination: {},
        profiles: [
          { key: 'p1', identifiers: {} },
          { key: 'p2', identifiers: {} },
        ],
      });

      expect(result.outcomes).toHaveLength(2);
      for (const outcome of result.outcomes) {
        expect(outcome).toMatchObject({
          status: 'error',
          category: 'other',
          retryable: false,
          partnerMessage: TAG_BASED_BATCH_MESSAGE,
        });
      }
    });

    it(`${type.id} passes the credential check`, async () => {
      expect(await type.checkCredentials(context as never)).toEqual({
        ok: true,
        message: 'Tag-based: nothing to check on the server.',
      });
    });

    it(`${type.id} needs granted advertising consent`, () => {
      expect(type.kind).toBe('tag-based');
      expect(type.multipleConfigurations).toBe(true);
      expect(type.consent).toEqual({ purposes: ['advertising'], unknownAllowed: false });
    });
  }
});

describe('snippets', () => {
  it('meta-pixel loads fbevents.js with the pixel id', () => {
    const snippet = metaPixelSnippet({ pixelId: '123456789012345' });

    expect(snippet).toContain('src="https://connect.facebook.net/en_US/fbevents.js"');
    expect(snippet).toContain(`fbq('init', "123456789012345");`);
    expect(snippet).toContain(
      'src="https://www.facebook.com/tr?id=123456789012345&amp;ev=PageView&amp;noscript=1"',
    );
  });

  it('google-tag loads gtag.js with the tag id', () => {
    const snippet = googleTagSnippet({ tagId: 'DC-1234567' });

    expect(snippet).toContain('src="https://www.googletagmanager.com/gtag/js?id=DC-1234567"');
    expect(snippet).toContain(`gtag('config', "DC-1234567");`);
    expect(snippet).not.toContain('<noscript>');
  });

  it('xandr-pixel adds the segment of the member', () => {
    const snippet = xandrPixelSnippet({ segmentId: '4242', memberId: '77' });

    expect(snippet).toContain('src="https://secure.adnxs.com/seg?member=77&amp;add=4242&amp;t=1"');
    expect(snippet).toContain('src="https://secure.adnxs.com/seg?member=77&amp;add=4242&amp;t=2"');
  });

  it('escapes a value that would close the script', () => {
    // Settings are validated before use; the escaping covers a value that bypassed that.
    const snippet = googleTagSnippet({ tagId: 'G-</script><b>' });

    expect(snippet).not.toContain('</script><b>');
  });
});
