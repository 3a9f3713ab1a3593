import fc from 'fast-check';
import countries from 'i18n-iso-countries';
import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { hashSha256Hex } from '../../identifiers/sha256.js';
import {
  exampleNumberArbitrary,
  sha256HexArbitrary,
} from '../../test-support/profile-arbitraries.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../../test-support/property-runs.js';
import { parseCalendarDate } from './calendar-date.js';
import { resolveRegion } from './country.js';
import { normalizeIdentifier, type IdentifierResult } from './identifiers.js';
import { normalizePhoneNumber } from './phone-number.js';

const RUNS = 500;

const IDENTIFIER_TYPES = ['email', 'phone', 'maid', 'externalId', 'xandrUid'] as const;

/** Reason codes each identifier type may reject a value with. */
function allowedReasons(type: string): string[] {
  switch (type) {
    case 'email':
      return ['empty', 'invalid_email'];
    case 'phone':
      return ['empty', 'invalid_phone', 'phone_without_region'];
    case 'maid':
      return ['empty', 'invalid_maid'];
    default:
      return ['empty', `invalid_${type}`];
  }
}

/** Whitespace that `String.prototype.trim` removes, ASCII and Unicode. */
const whitespaceArbitrary = fc.string({
  unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff'),
  maxLength: 3,
});

const COUNTRIES = getCountries();
const ALPHA2_CODES = Object.keys(countries.getAlpha2Codes());

/** Text that often looks like an identifier of some type, and otherwise is any text. */
const identifierTextArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'+0123456789 -().x'), maxLength: 20 }),
  fc.mixedCase(fc.emailAddress()),
  fc.mixedCase(fc.uuid()),
  sha256HexArbitrary,
  exampleNumberArbitrary.map(({ example }) => example.formatNational()),
  fc
    .tuple(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
    )
    .map(([local, domain]) => `${local}@${domain}.example`),
);

const typeArbitrary = fc.oneof(
  fc.constantFrom(...IDENTIFIER_TYPES),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/),
);

/** A region as `normalizeProfile` passes it: resolved from a country, or none. */
const regionArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...COUNTRIES),
  fc.string({ maxLength: 12 }).map((country) => resolveRegion(country)),
);

function expectValue(result: IdentifierResult): string {
  expect(result).toHaveProperty('value');

  return 'value' in result ? result.value : '';
}

describe('normalizeIdentifier properties', () => {
  it(
    'returns a value or a reason for any text',
    () => {
      fc.assert(
        fc.property(
          typeArbitrary,
          identifierTextArbitrary,
          regionArbitrary,
          (type, raw, region) => {
            const result = normalizeIdentifier(type, raw, { region });

            expect(Object.keys(result)).toHaveLength(1);
            if ('value' in result) {
              expect(result.value).toBeTypeOf('string');
              expect(result.value).toBe(result.value.trim());
              expect(result.value).not.toBe('');
            } else {
              expect(allowedReasons(type)).toContain(result.reason);
            }
          },
        ),
        propertyRuns(RUNS * 2),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'is idempotent',
    () => {
      fc.assert(
        fc.property(
          typeArbitrary,
          identifierTextArbitrary,
          regionArbitrary,
          regionArbitrary,
          (type, raw, region, otherRegion) => {
            const first = normalizeIdentifier(type, raw, { region });
            fc.pre('value' in first);
            const value = expectValue(first);

            expect(normalizeIdentifier(type, value, { region })).toEqual({ value });
            // A normalized phone number is E.164, so it no longer depends on the region.
            expect(normalizeIdentifier(type, value, { region: otherRegion })).toEqual({ value });
          },
        ),
        propertyRuns(RUNS * 2),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'ignores surrounding whitespace',
    () => {
      fc.assert(
        fc.property(
          typeArbitrary,
          identifierTextArbitrary,
          whitespaceArbitrary,
          whitespaceArbitrary,
          regionArbitrary,
          (type, raw, before, after, region) => {
            expect(normalizeIdentifier(type, `${before}${raw}${after}`, { region })).toEqual(
              normalizeIdentifier(type, raw, { region }),
            );
          },
        ),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'lower-cases and trims valid emails',
    () => {
      const emailArbitrary = fc
        .mixedCase(fc.emailAddress())
        .filter((email) => Buffer.byteLength(email) <= 254);
      fc.assert(
        fc.property(emailArbitrary, whitespaceArbitrary, (email, padding) => {
          const value = expectValue(
            normalizeIdentifier('email', `${padding}${email}${padding}`, {}),
          );

          expect(value).toBe(email.toLowerCase());
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'stores emails in lower case and NFC',
    () => {
      fc.assert(
        fc.property(identifierTextArbitrary, (raw) => {
          const result = normalizeIdentifier('email', raw, {});
          fc.pre('value' in result);
          const value = expectValue(result);

          expect(value).toBe(value.toLowerCase());
          expect(value).toBe(value.normalize('NFC'));
        }),
        propertyRuns(RUNS * 2),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  // Lower-casing can leave a sequence that NFC composes: "J\u030c@example.com" must be stored
  // as "\u01f0@example.com", so normalizing it again changes nothing.
  it(
    'stores emails with combining marks in NFC',
    () => {
      const localPartArbitrary = fc.string({
        unit: fc.constantFrom('A', 'J', 'T', 'a', 'j', '\u030c', '\u0308', '\u0301'),
        minLength: 1,
        maxLength: 6,
      });
      fc.assert(
        fc.property(localPartArbitrary, (localPart) => {
          const value = expectValue(normalizeIdentifier('email', `${localPart}@example.com`, {}));

          expect(value).toBe(value.normalize('NFC'));
          expect(normalizeIdentifier('email', value, {})).toEqual({ value });
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'passes SHA-256 hex through in lower case',
    () => {
      fc.assert(
        fc.property(
          typeArbitrary,
          sha256HexArbitrary,
          whitespaceArbitrary,
          regionArbitrary,
          (type, digest, padding, region) => {
            expect(normalizeIdentifier(type, `${padding}${digest}${padding}`, { region })).toEqual({
              value: digest.toLowerCase(),
            });
          },
        ),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'keeps digests of any text unchanged',
    () => {
      fc.assert(
        fc.property(typeArbitrary, fc.string({ unit: 'binary' }), (type, text) => {
          const digest = hashSha256Hex(text);

          expect(normalizeIdentifier(type, digest, {})).toEqual({ value: digest });
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'lower-cases mobile advertising ids',
    () => {
      fc.assert(
        fc.property(fc.mixedCase(fc.uuid()), (uuid) => {
          const expected =
            uuid === '00000000-0000-0000-0000-000000000000'
              ? { reason: 'invalid_maid' }
              : { value: uuid.toLowerCase() };

          expect(normalizeIdentifier('maid', uuid, {})).toEqual(expected);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('normalizePhoneNumber properties', () => {
  /** Ways of writing an international number that all mean the same number. */
  function internationalForms(international: string, e164: string): string[] {
    return [
      e164,
      international,
      international.replaceAll(' ', '-'),
      international.replaceAll(' ', '.'),
      `00${e164.slice(1)}`,
      `${international} x123`,
      `${e164} ext. 5`,
    ];
  }

  it(
    'reads every form of a valid number to one E.164 value',
    () => {
      fc.assert(
        fc.property(exampleNumberArbitrary, regionArbitrary, ({ region, example }, otherRegion) => {
          const national = example.formatNational();

          expect(normalizePhoneNumber(national, region)).toEqual({ value: example.number });
          expect(normalizePhoneNumber(` ${national} `, region)).toEqual({
            value: example.number,
          });
          for (const form of internationalForms(example.formatInternational(), example.number)) {
            expect(normalizePhoneNumber(form, otherRegion), form).toEqual({
              value: example.number,
            });
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'returns E.164 or a reason for any text and region',
    () => {
      const anyRegion = fc.oneof(
        regionArbitrary,
        fc.string({ maxLength: 4 }),
        fc.constantFrom('__proto__', 'constructor', 'toString', 'nl', 'ZZ'),
      );
      fc.assert(
        fc.property(identifierTextArbitrary, anyRegion, (raw, region) => {
          const result = normalizePhoneNumber(raw, region as CountryCode | undefined);

          if ('value' in result) {
            expect(result.value).toMatch(/^\+[1-9]\d{1,14}$/);
          } else {
            expect(['invalid_phone', 'phone_without_region']).toContain(result.reason);
          }
        }),
        propertyRuns(RUNS * 2),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('resolveRegion properties', () => {
  it(
    'returns an upper-case alpha-2 code or nothing',
    () => {
      const countryArbitrary = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.mixedCase(fc.constantFrom(...COUNTRIES)),
        fc.constantFrom('__proto__', 'constructor', 'Korea', 'Congo', 'PRO', 'NLD'),
      );
      fc.assert(
        fc.property(countryArbitrary, (country) => {
          const region = resolveRegion(country);

          if (region !== undefined) {
            expect(region).toMatch(/^[A-Z]{2}$/);
            expect(resolveRegion(region)).toBe(region);
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'reads alpha-2 and alpha-3 codes in any letter case',
    () => {
      const codeArbitrary = fc.constantFrom(...ALPHA2_CODES).chain((alpha2) =>
        fc.record({
          alpha2: fc.constant(alpha2),
          written: fc.mixedCase(
            fc.constantFrom(alpha2, countries.alpha2ToAlpha3(alpha2) ?? alpha2),
          ),
        }),
      );
      fc.assert(
        fc.property(codeArbitrary, ({ alpha2, written }) => {
          expect(resolveRegion(written)).toBe(alpha2);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('parseCalendarDate properties', () => {
  const fieldsArbitrary = fc.record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
  });
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

  it(
    'accepts exactly the dates that exist, in both orders',
    () => {
      fc.assert(
        fc.property(fieldsArbitrary, ({ year, month, day }) => {
          const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const dayFirst = `${pad(day)}-${pad(month)}-${pad(year, 4)}`;
          const date = new Date(0);
          date.setUTCFullYear(year, month - 1, day);
          const exists =
            year >= 1 &&
            month >= 1 &&
            month <= 12 &&
            date.getUTCMonth() === month - 1 &&
            date.getUTCDate() === day;
          const expected = exists ? iso : undefined;

          expect(parseCalendarDate(iso)).toBe(expected);
          expect(parseCalendarDate(dayFirst)).toBe(expected);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'is idempotent',
    () => {
      const textArbitrary = fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789-'), maxLength: 12 }),
        fieldsArbitrary.map(({ year, month, day }) => `${pad(day)}-${pad(month)}-${pad(year, 4)}`),
      );
      fc.assert(
        fc.property(textArbitrary, (text) => {
          const date = parseCalendarDate(text);
          fc.pre(date !== undefined);

          expect(parseCalendarDate(date as string)).toBe(date);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});
