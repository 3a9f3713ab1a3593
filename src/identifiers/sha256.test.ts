import { describe, expect, it } from 'vitest';
import { hashSha256Hex, isSha256Hex } from './sha256.js';

describe('hashSha256Hex', () => {
  // Digests computed independently with `printf %s VALUE | sha256sum`.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['jane@example.com', '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d'],
  ])('hashes %j to known digest', (value, digest) => {
    expect(hashSha256Hex(value)).toBe(digest);
  });

  it('hashes non-ASCII text as UTF-8', () => {
    // Digest of the UTF-8 bytes c3 a9 ("é"), from `printf '\xc3\xa9' | sha256sum`.
    expect(hashSha256Hex('\u00e9')).toBe(
      '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c',
    );
  });
});

describe('isSha256Hex', () => {
  const lowerDigest = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

  it.each([
    ['lowercase digest', lowerDigest, true],
    ['uppercase digest', lowerDigest.toUpperCase(), true],
    ['63 digits', lowerDigest.slice(1), false],
    ['65 digits', `${lowerDigest}0`, false],
    ['non-hex letter', `g${lowerDigest.slice(1)}`, false],
    ['surrounding space', ` ${lowerDigest.slice(1)}`, false],
    ['empty string', '', false],
  ])('classifies %s', (_name, value, expected) => {
    expect(isSha256Hex(value)).toBe(expected);
  });
});
