import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BatchProfile } from '../connector-type.js';
import {
  buildMetaPayload,
  normalizeCity,
  normalizeCountryCode,
  normalizeEmail,
  normalizeGender,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
  splitDateOfBirth,
} from './mapping.js';

/** Reference digest, computed here without the code under test. */
function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function profile(
  key: string,
  identifiers: BatchProfile['identifiers'],
  attributes?: Record<string, unknown>,
): BatchProfile {
  return attributes === undefined ? { key, identifiers } : { key, identifiers, attributes };
}

/** Returns the value of `column` in each row, so a test can check one column. */
function column(payload: ReturnType<typeof buildMetaPayload>, name: string): string[] {
  const index = payload.schema.indexOf(name as (typeof payload.schema)[number]);
  if (index === -1)
    throw new Error(`Column ${name} is missing from schema ${payload.schema.join(',')}`);
  return payload.data.map((row) => row[index] ?? 'MISSING CELL');
}

describe('buildMetaPayload schema', () => {
  it('includes only keys present in the batch', () => {
    const payload = buildMetaPayload([profile('p1', { email: ['a@example.com'] })]);
    expect(payload.schema).toEqual(['EMAIL']);
  });

  it('orders keys in the fixed column order', () => {
    const payload = buildMetaPayload([
      profile(
        'p1',
        { maid: ['AAAA'], phone: ['+15551234567'], email: ['a@example.com'], externalId: ['c-1'] },
        {
          gender: 'f',
          dateOfBirth: '1990-05-07',
          country: 'US',
          zip: '94103',
          state: 'CA',
          city: 'San Francisco',
          lastName: 'Doe',
          firstName: 'Jane',
        },
      ),
    ]);
    expect(payload.schema).toEqual([
      'EXTERN_ID',
      'EMAIL',
      'PHONE',
      'MADID',
      'FN',
      'LN',
      'CT',
      'ST',
      'ZIP',
      'COUNTRY',
      'DOBY',
      'DOBM',
      'DOBD',
      'GEN',
    ]);
  });

  it('unions keys across profiles', () => {
    const payload = buildMetaPayload([
      profile('p1', { phone: ['+15551234567'] }),
      profile('p2', { externalId: ['c-2'] }),
    ]);
    expect(payload.schema).toEqual(['EXTERN_ID', 'PHONE']);
  });

  it('fills missing values with empty strings', () => {
    const payload = buildMetaPayload([
      profile('p1', { phone: ['+15551234567'] }),
      profile('p2', { externalId: ['c-2'] }),
    ]);
    expect(payload.data).toEqual([
      ['', sha256('15551234567')],
      ['c-2', ''],
    ]);
  });

  it('returns empty payload when every profile is skipped', () => {
    const payload = buildMetaPayload([profile('p1', {})]);
    expect(payload).toEqual({
      schema: [],
      data: [],
      keys: [],
      skipped: [{ key: 'p1', status: 'skipped', reason: 'no_identifier' }],
    });
  });
});

describe('buildMetaPayload identifiers', () => {
  it.each([
    [
      'trimmed and lowercased email',
      { email: [' Jane@Example.COM '] },
      'EMAIL',
      sha256('jane@example.com'),
    ],
    ['E.164 phone', { phone: ['+15551234567'] }, 'PHONE', sha256('15551234567')],
    ['formatted phone', { phone: ['+1 (555) 123-4567'] }, 'PHONE', sha256('15551234567')],
    ['phone with 00 prefix', { phone: ['0031612345678'] }, 'PHONE', sha256('31612345678')],
    ['Dutch E.164 phone', { phone: ['+31612345678'] }, 'PHONE', sha256('31612345678')],
    ['phone with trunk zero', { phone: ['+44 (0)20 7946 0958'] }, 'PHONE', sha256('442079460958')],
    [
      'email with decomposed accent',
      { email: ['Jose\u0301@example.com'] },
      'EMAIL',
      sha256('jos\u00e9@example.com'),
    ],
    ['external id in plain text', { externalId: ['Cust-001'] }, 'EXTERN_ID', 'Cust-001'],
    [
      'MADID in plain lowercase',
      { maid: ['6D92078A-8246-4BA4-AE5B-76104861E7DC'] },
      'MADID',
      '6d92078a-8246-4ba4-ae5b-76104861e7dc',
    ],
  ])('sends %s', (_name, identifiers, key, expected) => {
    const payload = buildMetaPayload([profile('p1', identifiers)]);
    expect(column(payload, key)).toEqual([expected]);
  });

  it('matches known digest of normalized email', () => {
    // From `printf %s jane@example.com | sha256sum`.
    const payload = buildMetaPayload([profile('p1', { email: ['Jane@Example.com'] })]);
    expect(column(payload, 'EMAIL')).toEqual([
      '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d',
    ]);
  });

  it.each([
    ['email', 'EMAIL'],
    ['phone', 'PHONE'],
  ])('keeps pre-hashed %s and lowercases it', (type, key) => {
    const digest = sha256('anything');
    const payload = buildMetaPayload([profile('p1', { [type]: [digest.toUpperCase()] })]);
    expect(column(payload, key)).toEqual([digest]);
  });

  it.each([
    ['email', 'EMAIL'],
    ['phone', 'PHONE'],
  ])('keeps lowercase pre-hashed %s', (type, key) => {
    const digest = sha256('anything');
    const payload = buildMetaPayload([profile('p1', { [type]: [digest] })]);
    expect(column(payload, key)).toEqual([digest]);
  });

  it('never hashes blank values', () => {
    const payload = buildMetaPayload([
      profile(
        'p1',
        { externalId: ['c-1'], email: ['', '  '], phone: [' '], maid: [''] },
        { firstName: ' ', lastName: '', city: '\t' },
      ),
    ]);
    const cells = payload.data.flat();

    expect(payload.schema).toEqual(['EXTERN_ID']);
    expect(cells).not.toContain(sha256(''));
    expect(cells).not.toContain(sha256(' '));
  });

  it('sends same email in different case once', () => {
    const payload = buildMetaPayload([
      profile('p1', { email: ['Jane@Example.com', ' jane@example.COM '] }),
    ]);
    expect(payload.data).toEqual([[sha256('jane@example.com')]]);
  });

  it('uses first external id only', () => {
    const payload = buildMetaPayload([profile('p1', { externalId: ['c-1', 'c-2'] })]);
    expect(payload.data).toEqual([['c-1']]);
  });
});

describe('buildMetaPayload multiple values', () => {
  const payload = buildMetaPayload([
    profile(
      'p1',
      {
        externalId: ['c-1'],
        email: ['a@example.com', 'b@example.com', 'c@example.com'],
        phone: ['+15551234567', '+15557654321'],
      },
      { firstName: 'Jane' },
    ),
    profile('p2', { email: ['d@example.com'] }),
  ]);

  it('adds one row per additional value', () => {
    expect(payload.keys).toEqual(['p1', 'p1', 'p1', 'p2']);
  });

  it('pairs emails and phones by position', () => {
    const phones = column(payload, 'PHONE');
    const pairs = column(payload, 'EMAIL').map((email, index) => [email, phones[index]]);
    expect(pairs).toEqual([
      [sha256('a@example.com'), sha256('15551234567')],
      [sha256('b@example.com'), sha256('15557654321')],
      [sha256('c@example.com'), ''],
      [sha256('d@example.com'), ''],
    ]);
  });

  it('repeats external id in extra rows', () => {
    expect(column(payload, 'EXTERN_ID')).toEqual(['c-1', 'c-1', 'c-1', '']);
  });

  it('repeats attributes in extra rows', () => {
    const firstName = sha256('jane');
    expect(column(payload, 'FN')).toEqual([firstName, firstName, firstName, '']);
  });

  it('drops values equal after normalization', () => {
    const deduplicated = buildMetaPayload([
      profile('p1', { email: ['A@example.com', 'a@example.com '] }),
    ]);
    expect(deduplicated.keys).toEqual(['p1']);
  });

  it('adds rows for additional MADIDs', () => {
    const devices = buildMetaPayload([profile('p1', { maid: ['aaaa', 'bbbb'] })]);
    expect(devices.data).toEqual([['aaaa'], ['bbbb']]);
  });
});

describe('buildMetaPayload skipped profiles', () => {
  it.each([
    ['no identifiers', {}, 'no_identifier'],
    ['blank email', { email: ['  '] }, 'no_identifier'],
    ['empty lists', { email: [], phone: [] }, 'no_identifier'],
    ['identifier type Meta cannot match', { xandrUid: ['123'] }, 'no_identifier'],
    ['phone without digits', { phone: ['n/a'] }, 'invalid_identifier'],
  ])('skips profile with %s', (_name, identifiers, reason) => {
    const payload = buildMetaPayload([profile('p1', identifiers)]);
    expect(payload.skipped).toEqual([{ key: 'p1', status: 'skipped', reason }]);
  });

  it('skips profile with attributes only', () => {
    const payload = buildMetaPayload([profile('p1', {}, { firstName: 'Jane', zip: '94103' })]);
    expect(payload.skipped).toEqual([{ key: 'p1', status: 'skipped', reason: 'no_identifier' }]);
  });

  it('keeps keys aligned around skipped profile', () => {
    const payload = buildMetaPayload([
      profile('p1', { email: ['a@example.com'] }),
      profile('p2', {}),
      profile('p3', { email: ['c@example.com'] }),
    ]);
    expect(payload.keys).toEqual(['p1', 'p3']);
    expect(payload.data).toEqual([[sha256('a@example.com')], [sha256('c@example.com')]]);
  });

  it('sends profile whose other phone is valid', () => {
    const payload = buildMetaPayload([profile('p1', { phone: ['n/a', '+15551234567'] })]);
    expect(payload.data).toEqual([[sha256('15551234567')]]);
  });
});

describe('buildMetaPayload attributes', () => {
  const email = { email: ['a@example.com'] };

  it.each([
    ['first name', { firstName: " O'Brien-Smith " }, 'FN', sha256('obriensmith')],
    ['last name with accent', { lastName: 'Müller' }, 'LN', sha256('müller')],
    ['city', { city: 'San Francisco' }, 'CT', sha256('sanfrancisco')],
    ['state code', { state: 'CA' }, 'ST', sha256('ca')],
    ['US state name', { state: 'New York', country: 'US' }, 'ST', sha256('ny')],
    ['US state name without country', { state: 'california' }, 'ST', sha256('ca')],
    ['non-US state name', { state: 'Georgia', country: 'DE' }, 'ST', sha256('georgia')],
    ['US ZIP+4', { zip: '94103-1234' }, 'ZIP', sha256('94103')],
    ['UK postcode', { zip: 'SW1A 1AA', country: 'GB' }, 'ZIP', sha256('sw1a1aa')],
    ['country code', { country: 'NL' }, 'COUNTRY', sha256('nl')],
    ['gender', { gender: 'F' }, 'GEN', sha256('f')],
    ['year of birth', { dateOfBirth: '1990-05-07' }, 'DOBY', sha256('1990')],
    ['month of birth', { dateOfBirth: '1990-05-07' }, 'DOBM', sha256('05')],
    ['day of birth', { dateOfBirth: '1990-05-07' }, 'DOBD', sha256('07')],
  ])('hashes %s', (_name, attributes, key, expected) => {
    const payload = buildMetaPayload([profile('p1', email, attributes)]);
    expect(column(payload, key)).toEqual([expected]);
  });

  it('hashes composed and decomposed names alike', () => {
    const payload = buildMetaPayload([
      profile('p1', { externalId: ['c-1'] }, { firstName: 'Ren\u00e9e', lastName: 'Mu\u0308ller' }),
      profile('p2', { externalId: ['c-2'] }, { firstName: 'Rene\u0301e', lastName: 'M\u00fcller' }),
    ]);

    expect(column(payload, 'FN')).toEqual([sha256('ren\u00e9e'), sha256('ren\u00e9e')]);
    expect(column(payload, 'LN')).toEqual([sha256('m\u00fcller'), sha256('m\u00fcller')]);
  });

  it('keeps pre-hashed attribute and lowercases it', () => {
    const digest = sha256('jane');
    const payload = buildMetaPayload([profile('p1', email, { firstName: digest.toUpperCase() })]);
    expect(column(payload, 'FN')).toEqual([digest]);
  });

  it.each([
    ['country name', { country: 'Netherlands' }],
    ['alpha-3 country code', { country: 'NLD' }],
    ['gender word', { gender: 'female' }],
    ['impossible date of birth', { dateOfBirth: '1990-02-30' }],
    ['date of birth in other format', { dateOfBirth: '07/05/1990' }],
    ['pre-hashed date of birth', { dateOfBirth: sha256('19900507') }],
    ['numeric zip', { zip: 94103 }],
    ['name of punctuation only', { firstName: '--' }],
    ['blank city', { city: '  ' }],
  ])('leaves out %s', (_name, attributes) => {
    const payload = buildMetaPayload([profile('p1', email, attributes)]);
    expect(payload.schema).toEqual(['EMAIL']);
  });
});

describe('normalizers', () => {
  it.each([
    [' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['Jose\u0301@example.com', 'jos\u00e9@example.com'],
  ])('normalizeEmail(%j)', (value, expected) => {
    expect(normalizeEmail(value)).toBe(expected);
  });

  it.each([
    ['+15551234567', '15551234567'],
    ['+1 (555) 123-4567', '15551234567'],
    ['0044 20 7946 0958', '442079460958'],
    ['+44 (0)20 7946 0958', '442079460958'],
    ['+44(0)2079460958', '442079460958'],
    ['+49 ( 0 ) 30 123456', '4930123456'],
    ['+39 06 1234 5678', '390612345678'],
    ['n/a', ''],
  ])('normalizePhone(%j)', (value, expected) => {
    expect(normalizePhone(value)).toBe(expected);
  });

  it.each([
    ['  Jane ', 'jane'],
    ["D'Angelo", 'dangelo'],
    ['Mary  Ann', 'mary ann'],
    ['José', 'josé'],
    ['Jose\u0301', 'jos\u00e9'],
  ])('normalizeName(%j)', (value, expected) => {
    expect(normalizeName(value)).toBe(expected);
  });

  it.each([
    ['New York', 'newyork'],
    ['St. Louis', 'stlouis'],
    ['München', 'münchen'],
  ])('normalizeCity(%j)', (value, expected) => {
    expect(normalizeCity(value)).toBe(expected);
  });

  it.each([
    ['CA', true, 'ca'],
    ['North Carolina', true, 'nc'],
    ['District of Columbia', true, 'dc'],
    ['North Carolina', false, 'northcarolina'],
    ['Noord-Holland', false, 'noordholland'],
  ])('normalizeState(%j, mayBeUs %s)', (value, mayBeUs, expected) => {
    expect(normalizeState(value, mayBeUs)).toBe(expected);
  });

  it.each([
    ['94103-1234', undefined, '94103'],
    ['94103-1234', 'us', '94103'],
    ['941031234', 'us', '94103'],
    ['941031234', undefined, '941031234'],
    ['12345-6789', 'br', '12345-6789'],
    ['SW1A 1AA', 'gb', 'sw1a1aa'],
  ])('normalizeZip(%j, %s)', (value, countryCode, expected) => {
    expect(normalizeZip(value, countryCode)).toBe(expected);
  });

  it.each([
    ['NL', 'nl'],
    [' us ', 'us'],
    ['NLD', undefined],
    ['Netherlands', undefined],
    ['N1', undefined],
  ])('normalizeCountryCode(%j)', (value, expected) => {
    expect(normalizeCountryCode(value)).toBe(expected);
  });

  it.each([
    ['m', 'm'],
    [' F ', 'f'],
    ['male', undefined],
    ['x', undefined],
  ])('normalizeGender(%j)', (value, expected) => {
    expect(normalizeGender(value)).toBe(expected);
  });

  it.each([
    ['1990-05-07', { year: '1990', month: '05', day: '07' }],
    ['2000-02-29', { year: '2000', month: '02', day: '29' }],
    ['1900-02-29', undefined],
    ['1990-13-01', undefined],
    ['1990-00-10', undefined],
    ['1990-04-31', undefined],
    ['1899-12-31', undefined],
    ['1990-5-7', undefined],
  ])('splitDateOfBirth(%j)', (value, expected) => {
    expect(splitDateOfBirth(value)).toEqual(expected);
  });
});
