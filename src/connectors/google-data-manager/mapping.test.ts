import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import {
  buildAudienceMembers,
  buildDestination,
  buildIngestRequest,
  buildRemoveRequest,
  consentOf,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  normalizePostalCode,
} from './mapping.js';

/** Reference digest, computed here without the code under test. */
function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

describe('normalizeEmail', () => {
  it.each([
    ['jane@example.com', 'jane@example.com'],
    ['  Jane@Example.COM ', 'jane@example.com'],
    ['jane .doe@example.com', 'jane.doe@example.com'],
    ['user.name+NYC@Example.com', 'user.name+nyc@example.com'],
    ['Cloudy.SanFrancisco+shopping@gmail.com', 'cloudysanfrancisco@gmail.com'],
    ['j.a.n.e@googlemail.com', 'jane@googlemail.com'],
    ['jane+a+b@gmail.com', 'jane@gmail.com'],
    ['jane@sub.gmail.com', 'jane@sub.gmail.com'],
    ['Ame\u0301lie@example.com', 'am\u00e9lie@example.com'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    'no-at-sign',
    'two@@example.com',
    '@example.com',
    'jane@',
    '+tag@gmail.com',
    '...@gmail.com',
  ])('rejects %j', (input) => {
    expect(normalizeEmail(input)).toBeUndefined();
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+31612345678', '+31612345678'],
    ['+1 (800) 555-0100', '+18005550100'],
    ['+44 (0)20 7946 0958', '+442079460958'],
    ['+39 06 1234 5678', '+390612345678'],
    ['+1.800.555.0100', '+18005550100'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['0612345678', '31612345678', '+0612345678', '+1', '+1234567890123456', '+31 6 abc'])(
    'rejects %j',
    (input) => {
      expect(normalizePhone(input)).toBeUndefined();
    },
  );
});

describe('address normalization', () => {
  it.each([
    ['Jane', 'jane'],
    ["  O'Brien-Smith ", 'obriensmith'],
    ['Mary   Ann', 'mary ann'],
    ['José', 'josé'],
  ])('normalizes name %j to %j', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });

  it.each([
    ['94043-1351', 'US', '94043'],
    ['940431351', 'US', '94043'],
    [' SW1A   1AA ', 'GB', 'SW1A 1AA'],
    ['1012 AB', 'NL', '1012 AB'],
  ])('normalizes postal code %j in %s to %j', (input, region, expected) => {
    expect(normalizePostalCode(input, region)).toBe(expected);
  });
});

describe('consentOf', () => {
  it.each([
    ['granted', { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' }],
    ['denied', { adUserData: 'CONSENT_DENIED', adPersonalization: 'CONSENT_DENIED' }],
    ['unknown', undefined],
  ] as const)('maps advertising consent %s', (state, expected) => {
    expect(consentOf({ key: 'p1', identifiers: {}, consents: { advertising: state } })).toEqual(
      expected,
    );
  });

  it('leaves consent out when the profile has none', () => {
    expect(consentOf({ key: 'p1', identifiers: {} })).toBeUndefined();
  });
});

describe('buildAudienceMembers', () => {
  it('hashes email and phone with the plus kept', () => {
    const profile: BatchProfile = {
      key: 'p1',
      identifiers: { email: ['Jane@Example.com'], phone: ['+31612345678'] },
    };
    const { members, keys } = buildAudienceMembers([profile], 'add');

    expect(keys).toEqual(['p1']);
    expect(members).toEqual([
      {
        userData: {
          userIdentifiers: [
            { emailAddress: sha256('jane@example.com') },
            { phoneNumber: sha256('+31612345678') },
          ],
        },
      },
    ]);
  });

  it('keeps SHA-256 values and lowercases them', () => {
    const digest = sha256('jane@example.com');
    const { members } = buildAudienceMembers(
      [{ key: 'p1', identifiers: { email: [digest.toUpperCase()] } }],
      'add',
    );

    expect(members[0]?.userData.userIdentifiers).toEqual([{ emailAddress: digest }]);
  });

  it('adds an address when all four attributes are usable', () => {
    const profile: BatchProfile = {
      key: 'p1',
      identifiers: { email: ['jane@example.com'] },
      attributes: {
        firstName: ' Jane ',
        lastName: "O'Hara",
        country: 'Netherlands',
        zip: '1012 ab',
      },
    };
    const { members } = buildAudienceMembers([profile], 'add');

    expect(members[0]?.userData.userIdentifiers).toEqual([
      { emailAddress: sha256('jane@example.com') },
      {
        address: {
          givenName: sha256('jane'),
          familyName: sha256('ohara'),
          regionCode: 'NL',
          postalCode: '1012 ab',
        },
      },
    ]);
  });

  it.each([
    ['without zip', { firstName: 'Jane', lastName: 'Doe', country: 'US' }],
    ['with unknown country', { firstName: 'Jane', lastName: 'Doe', country: 'Atlantis', zip: '1' }],
    ['with punctuation-only name', { firstName: '...', lastName: 'Doe', country: 'US', zip: '1' }],
  ])('leaves the address out %s', (_case, attributes) => {
    const { members } = buildAudienceMembers(
      [{ key: 'p1', identifiers: { email: ['jane@example.com'] }, attributes }],
      'add',
    );

    expect(members[0]?.userData.userIdentifiers).toEqual([
      { emailAddress: sha256('jane@example.com') },
    ]);
  });

  it('takes identifiers in turn up to 10', () => {
    const emails = Array.from({ length: 8 }, (_, index) => `user${index}@example.com`);
    const phones = ['+31611111111', '+31622222222', '+31633333333'];
    const { members } = buildAudienceMembers(
      [{ key: 'p1', identifiers: { email: emails, phone: phones } }],
      'add',
    );
    const identifiers = members[0]?.userData.userIdentifiers ?? [];

    expect(identifiers).toHaveLength(10);
    expect(identifiers.slice(0, 6)).toEqual([
      { emailAddress: sha256('user0@example.com') },
      { phoneNumber: sha256('+31611111111') },
      { emailAddress: sha256('user1@example.com') },
      { phoneNumber: sha256('+31622222222') },
      { emailAddress: sha256('user2@example.com') },
      { phoneNumber: sha256('+31633333333') },
    ]);
  });

  it('sends one digest for emails equal after normalization', () => {
    const { members } = buildAudienceMembers(
      [{ key: 'p1', identifiers: { email: ['jane.doe@gmail.com', 'JaneDoe+x@gmail.com'] } }],
      'add',
    );

    expect(members[0]?.userData.userIdentifiers).toEqual([
      { emailAddress: sha256('janedoe@gmail.com') },
    ]);
  });

  it('skips profiles without usable identifiers', () => {
    const { members, skipped } = buildAudienceMembers(
      [
        { key: 'p1', identifiers: {} },
        { key: 'p2', identifiers: { email: ['', '  '] } },
        { key: 'p3', identifiers: { email: ['not-an-email'], phone: ['0612345678'] } },
        { key: 'p4', identifiers: { maid: ['6f1b1c2e-0000-4000-8000-000000000000'] } },
      ],
      'add',
    );

    expect(members).toEqual([]);
    expect(skipped).toEqual([
      { key: 'p1', status: 'skipped', reason: 'no_identifier' },
      { key: 'p2', status: 'skipped', reason: 'no_identifier' },
      { key: 'p3', status: 'skipped', reason: 'invalid_identifier' },
      { key: 'p4', status: 'skipped', reason: 'no_identifier' },
    ]);
  });

  it('sends consent with adds only', () => {
    const profile: BatchProfile = {
      key: 'p1',
      identifiers: { email: ['jane@example.com'] },
      consents: { advertising: 'granted' },
    };

    expect(buildAudienceMembers([profile], 'add').members[0]?.consent).toEqual({
      adUserData: 'CONSENT_GRANTED',
      adPersonalization: 'CONSENT_GRANTED',
    });
    expect(buildAudienceMembers([profile], 'remove').members[0]).not.toHaveProperty('consent');
  });
});

describe('request bodies', () => {
  const destination = buildDestination(
    { operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' } },
    '42',
  );
  const members = [{ userData: { userIdentifiers: [{ emailAddress: sha256('a@example.com') }] } }];

  it('builds a destination without login account', () => {
    expect(destination).toEqual({
      operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
      productDestinationId: '42',
    });
  });

  it('builds an ingest body with terms of service', () => {
    expect(buildIngestRequest(destination, members)).toEqual({
      destinations: [destination],
      audienceMembers: members,
      encoding: 'HEX',
      termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
    });
  });

  it('builds a remove body without terms of service', () => {
    expect(buildRemoveRequest(destination, members)).toEqual({
      destinations: [destination],
      audienceMembers: members,
      encoding: 'HEX',
    });
  });
});
