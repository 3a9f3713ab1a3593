import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import {
  type ClangProfile,
  lookupKeyOf,
  mapClangProfile,
  normalizeClangEmail,
  normalizeClangPhone,
  toClangGender,
} from './mapping.js';

const SHA256_OF_EMAIL = '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d';

function profile(
  identifiers: BatchProfile['identifiers'],
  attributes?: Record<string, unknown>,
): BatchProfile {
  return attributes === undefined
    ? { key: 'p1', identifiers }
    : { key: 'p1', identifiers, attributes };
}

/** Maps a profile that must have a lookup, and fails the test otherwise. */
function mapUsable(input: BatchProfile): ClangProfile {
  const result = mapClangProfile(input);
  if (!result.ok)
    throw new Error(`Expected a usable profile, got ${JSON.stringify(result.outcome)}`);

  return result.profile;
}

describe('normalizeClangEmail', () => {
  it.each([
    ['Jane@Example.COM', 'jane@example.com'],
    ['  jane@example.com ', 'jane@example.com'],
    ['Rene\u0301e@example.com', 'ren\u00e9e@example.com'],
    ['jane@example', undefined],
    ['not an email', undefined],
    ['', undefined],
    [SHA256_OF_EMAIL, undefined],
  ])('normalizes %j to %j', (value, expected) => {
    expect(normalizeClangEmail(value)).toBe(expected);
  });
});

describe('normalizeClangPhone', () => {
  it.each([
    ['+31612345678', '+31612345678'],
    [' +31612345678 ', '+31612345678'],
    ['0612345678', undefined],
    ['+0612345678', undefined],
    [SHA256_OF_EMAIL, undefined],
  ])('normalizes %j to %j', (value, expected) => {
    expect(normalizeClangPhone(value)).toBe(expected);
  });
});

describe('toClangGender', () => {
  it.each([
    ['m', 'MAN'],
    ['F', 'WOMAN'],
    [' f ', 'WOMAN'],
    ['x', undefined],
    ['male', undefined],
  ])('maps %j to %j', (value, expected) => {
    expect(toClangGender(value)).toBe(expected);
  });
});

describe('mapClangProfile lookup', () => {
  it('prefers external id', () => {
    const mapped = mapUsable(profile({ externalId: ['c-1'], email: ['a@example.com'] }));

    expect(mapped.lookup).toEqual({ by: 'externalId', value: 'c-1' });
  });

  it('falls back to first usable email', () => {
    const mapped = mapUsable(
      profile({ externalId: ['  '], email: [SHA256_OF_EMAIL, 'B@example.com'] }),
    );

    expect(mapped.lookup).toEqual({
      by: 'emailAddress',
      value: 'b@example.com',
    });
  });

  it.each([
    ['no identifiers', {}, 'no_identifier'],
    ['only a phone', { phone: ['+31612345678'] }, 'no_identifier'],
    ['blank email', { email: [' '] }, 'no_identifier'],
    ['hashed email', { email: [SHA256_OF_EMAIL] }, 'invalid_identifier'],
    ['malformed email', { email: ['jane at example'] }, 'invalid_identifier'],
  ])('skips profile with %s', (_case, identifiers, reason) => {
    expect(mapClangProfile(profile(identifiers))).toEqual({
      ok: false,
      outcome: { key: 'p1', status: 'skipped', reason },
    });
  });

  it('builds distinct lookup keys per field', () => {
    expect(lookupKeyOf({ by: 'externalId', value: 'a@example.com' })).not.toBe(
      lookupKeyOf({ by: 'emailAddress', value: 'a@example.com' }),
    );
  });
});

describe('mapClangProfile customer fields', () => {
  it('maps identifiers and attributes', () => {
    const mapped = mapUsable(
      profile(
        { externalId: [' c-1 '], email: ['Jane@Example.com'], phone: ['+31612345678'] },
        {
          firstName: ' Jane ',
          lastName: 'Doe',
          gender: 'f',
          city: 'Utrecht',
          zip: '3511 AA',
          country: 'NL',
          dateOfBirth: '1990-05-07',
          loyaltyTier: 'gold',
        },
      ),
    );

    expect(mapped.customer).toEqual({
      externalId: 'c-1',
      emailAddress: 'jane@example.com',
      mobilePhone: '+31612345678',
      firstname: 'Jane',
      lastname: 'Doe',
      gender: 'WOMAN',
      city: 'Utrecht',
      zipCode: '3511 AA',
      country: 'NL',
    });
  });

  it('leaves out attributes that are not text', () => {
    const mapped = mapUsable(
      profile({ email: ['a@example.com'] }, { firstName: 42, lastName: '  ', gender: 'x' }),
    );

    expect(mapped.customer).toEqual({ emailAddress: 'a@example.com' });
  });

  it('cuts long attribute to 255 characters', () => {
    const mapped = mapUsable(profile({ email: ['a@example.com'] }, { city: 'x'.repeat(300) }));

    expect(mapped.customer.city).toHaveLength(255);
  });
});
