import { describe, expect, it } from 'vitest';
import { resolveRegion } from './country.js';

describe('resolveRegion', () => {
  it.each([
    ['nl', 'NL'],
    ['NL', 'NL'],
    [' de ', 'DE'],
    ['nld', 'NL'],
    ['USA', 'US'],
    ['Netherlands', 'NL'],
    ['the netherlands', 'NL'],
    ['United States of America', 'US'],
    ['UK', 'GB'],
    ['Holy See (Vatican City State)', 'VA'],
    ['Saint Barthelemy', 'BL'],
    ["Cote d'Ivoire", 'CI'],
    ['Libyan Arab Jamahiriya', 'LY'],
    ['Palestinian Territory', 'PS'],
    ['Slovakia (Slovak Republic)', 'SK'],
    ['Svalbard & Jan Mayen Islands', 'SJ'],
    ['Democratic Republic of the Congo', 'CD'],
    ['South Korea', 'KR'],
    ['North Korea', 'KP'],
    ['Saint Martin (French part)', 'MF'],
  ])('resolves %j to %s', (value, expected) => {
    expect(resolveRegion(value)).toBe(expected);
  });

  it.each([
    ['Korea'],
    ['congo'],
    ['Saint Martin'],
    ['Virgin Islands'],
    ['Netherlands Antilles'],
    ['Atlantis'],
    ['XX'],
    ['ZZZ'],
    ['528'],
    [''],
    ['  '],
    [undefined],
  ])('gives no region for %j', (value) => {
    expect(resolveRegion(value)).toBeUndefined();
  });
});
