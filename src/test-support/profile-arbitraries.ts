import fc from 'fast-check';
import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';

// fast-check generators of profile inputs as the API, an NDJSON line or a CSV row sends them:
// mostly usable values, mixed with values each check of `normalizeProfile` rejects.

/** Regions that libphonenumber-js has phone metadata for. */
export const PHONE_REGIONS = getCountries();

/** An example mobile number of a region, from the libphonenumber-js metadata. */
export const exampleNumberArbitrary = fc.constantFrom(...PHONE_REGIONS).map((region) => {
  const example = getExampleNumber(region, examples);
  if (example === undefined) throw new Error(`no example phone number for ${region}`);

  return { region, example };
});

const hexDigits = [...'0123456789abcdefABCDEF'];

/** 64 hex digits in mixed case: a SHA-256 digest as partners accept pre-hashed values. */
export const sha256HexArbitrary = fc.string({
  unit: fc.constantFrom(...hexDigits),
  minLength: 64,
  maxLength: 64,
});

/** Profile ids: mostly valid, sometimes blank, too long, with a control character or not text. */
export const profileIdArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '   ',
      ' crm-1 ',
      'a\u0000b',
      'x'.repeat(201),
      '\u{1f600}'.repeat(200),
      '\u{1f600}'.repeat(201),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 7, true, {}, []) },
);

/** Identifier text of any type: emails, phone numbers, device ids, digests and other text. */
export const identifierTextArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.mixedCase(fc.emailAddress()),
  exampleNumberArbitrary.map(({ example }) => example.formatNational()),
  exampleNumberArbitrary.map(({ example }) => example.formatInternational()),
  fc.mixedCase(fc.uuid()),
  sha256HexArbitrary,
  fc.string({ unit: fc.constantFrom(...'+0123456789 -().x'), maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom('', '  ', '00000000-0000-0000-0000-000000000000', 'jane@localhost'),
);

/** Identifier types of the standard set, partner types and names that are not field names. */
export const identifierTypeArbitrary = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('email', 'phone', 'maid', 'externalId', 'xandrUid') },
  { weight: 1, arbitrary: fc.constantFrom('1abc', 'a.b', '', '__proto__', 'x'.repeat(70)) },
);

const identifierValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: identifierTextArbitrary },
  { weight: 4, arbitrary: fc.array(identifierTextArbitrary, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(7, null, {}, [1, 'a@b.example'], true) },
);

/** Attribute names with a fixed meaning, date names, other names and invalid names. */
export const attributeNameArbitrary = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'country',
      'countryCode',
      'dateOfBirth',
      'gender',
      'subscribedAt',
      'signupDate',
      'firstName',
      'city',
      'loyaltyPoints',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('1st', 'a.b', '', '__proto__', 'constructor') },
);

const attributeValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('Netherlands', 'NL', 'nld', 'Korea', 'Atlantis', 'united states', ' BE '),
  fc.constantFrom('14-07-1990', '1990-07-14', '31-02-2020', '2020-02-30', '29-02-2024'),
  fc.constantFrom('M', 'female', ' F ', 'x'),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constantFrom<unknown>(null, ['NL'], { nested: 1 }),
);

const consentValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('granted', 'denied', 'unknown'),
  fc.constantFrom(' Denied ', 'GRANTED', 'maybe', ''),
  fc.constantFrom<unknown>(1, null, true),
);

/** Builds an object from entries as own properties, so `__proto__` becomes a plain key. */
function objectOf(
  entries: fc.Arbitrary<[string, unknown][]>,
): fc.Arbitrary<Record<string, unknown>> {
  return entries.map((pairs) => Object.fromEntries(pairs));
}

/** Profile inputs as JSON sends them: any mix of valid and invalid ids, identifiers and values. */
export const profileInputArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    id: profileIdArbitrary,
    identifiers: fc.oneof(
      {
        weight: 8,
        arbitrary: objectOf(
          fc.array(fc.tuple(identifierTypeArbitrary, identifierValueArbitrary), { maxLength: 4 }),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('a@b.example', ['x'], null) },
    ),
    attributes: fc.oneof(
      {
        weight: 8,
        arbitrary: objectOf(
          fc.array(fc.tuple(attributeNameArbitrary, attributeValueArbitrary), { maxLength: 5 }),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('NL', [], null) },
    ),
    consents: fc.oneof(
      {
        weight: 8,
        arbitrary: objectOf(
          fc.array(
            fc.tuple(
              fc.constantFrom('advertising', 'email', 'sms', '__proto__'),
              consentValueArbitrary,
            ),
            { maxLength: 3 },
          ),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('granted', null) },
    ),
  },
  { requiredKeys: ['id'] },
);
