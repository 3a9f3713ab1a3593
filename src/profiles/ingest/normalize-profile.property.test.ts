import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Profile, ProfileInput } from '../profile.js';
import { profileInputArbitrary } from '../../test-support/profile-arbitraries.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../../test-support/property-runs.js';
import { resolveRegion } from './country.js';
import { isFieldName } from './field-name.js';
import { normalizeIdentifier } from './identifiers.js';
import { normalizeProfile, type NormalizedProfile } from './normalize-profile.js';

const RUNS = 500;
const ROW_REASONS = ['invalid_profile', 'missing_id', 'invalid_id'];
const CONSENT_STATES = ['granted', 'denied', 'unknown'];

/** Any JSON value, or a value shaped like a profile input with good and bad fields. */
const inputArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 6, arbitrary: profileInputArbitrary },
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the own keys of `value` whose values are not undefined, or none for a non-object. */
function definedKeys(value: unknown): string[] {
  return isObject(value) ? Object.keys(value).filter((key) => value[key] !== undefined) : [];
}

function normalizeAccepted(input: unknown): NormalizedProfile | undefined {
  const result = normalizeProfile(input as ProfileInput);

  return 'error' in result ? undefined : result;
}

describe('normalizeProfile properties', () => {
  it(
    'stores the profile or rejects it with a reason',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeProfile(input as ProfileInput);

          if ('error' in result) {
            expect(ROW_REASONS).toContain(result.reason);
            expect(result.error).not.toBe('');
            return;
          }
          const id = (input as { id: string }).id.trim();
          expect(result.profile.id).toBe(id);
          expect([...id].length).toBeGreaterThan(0);
          expect([...id].length).toBeLessThanOrEqual(200);
          expect(id).not.toMatch(/\p{Cc}/u);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'names an input field in every rejection',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeAccepted(input);
          fc.pre(result !== undefined);
          const source = input as Record<string, unknown>;

          for (const { field, reason } of result?.rejections ?? []) {
            const [section, ...rest] = field.split('.');
            // Reasons are snake_case, except that `invalid_<type>` keeps the identifier type.
            expect(reason.replace(`invalid_${rest.join('.')}`, 'invalid_type')).toMatch(
              /^[a-z][a-z0-9_]*$/,
            );
            expect(['identifiers', 'attributes', 'consents']).toContain(section);
            if (rest.length > 0) {
              expect(definedKeys(source[section as string])).toContain(rest.join('.'));
            }
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'stores or rejects every identifier value',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeAccepted(input);
          fc.pre(result !== undefined && isObject((input as ProfileInput).identifiers));
          const identifiers = (input as ProfileInput).identifiers ?? {};
          const { profile, rejections } = result as NormalizedProfile;

          for (const type of Object.keys(identifiers)) {
            if (!isFieldName(type)) {
              // A type that is not a field name is rejected once, whatever its values.
              expect(rejections).toContainEqual({
                field: `identifiers.${type}`,
                reason: 'invalid_name',
              });
              expect(Object.hasOwn(profile.identifiers, type)).toBe(false);
              continue;
            }
            const raw = identifiers[type];
            const sent = Array.isArray(raw) ? raw.length : 1;
            const rejected = rejections.filter(({ field }) => field === `identifiers.${type}`);
            const stored = Object.hasOwn(profile.identifiers, type)
              ? (profile.identifiers[type] ?? [])
              : [];

            // Repeated values are stored once, so stored plus rejected may be fewer than sent.
            expect(stored.length + rejected.length).toBeLessThanOrEqual(sent);
            expect(stored.length > 0).toBe(sent > rejected.length);
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'stores or rejects every attribute and consent',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeAccepted(input);
          fc.pre(result !== undefined);
          const { profile, rejections } = result as NormalizedProfile;
          const source = input as Record<string, unknown>;
          const rejectedFields = new Set(rejections.map(({ field }) => field));

          for (const name of definedKeys(source.attributes)) {
            const isStored = Object.hasOwn(profile.attributes, name);
            // A country that resolves sets countryCode, which replaces a rejected countryCode.
            const country = profile.attributes.country;
            const isDerived =
              name === 'countryCode' &&
              typeof country === 'string' &&
              resolveRegion(country) !== undefined;
            if (isDerived) continue;

            expect(isStored).not.toBe(rejectedFields.has(`attributes.${name}`));
          }
          for (const purpose of definedKeys(source.consents)) {
            const isPurpose = purpose === 'advertising' || purpose === 'email';
            const isRejected = rejectedFields.has(`consents.${purpose}`);
            if (!isPurpose) expect(isRejected).toBe(true);
          }
          expect(Object.keys(profile.consents).sort()).toEqual(['advertising', 'email']);
          expect(CONSENT_STATES).toContain(profile.consents.advertising);
          expect(CONSENT_STATES).toContain(profile.consents.email);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'stores identifiers already normalized',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeAccepted(input);
          fc.pre(result !== undefined);
          const { profile } = result as NormalizedProfile;
          const region = profile.attributes.countryCode as string | undefined;

          for (const [type, values] of Object.entries(profile.identifiers)) {
            expect(isFieldName(type)).toBe(true);
            expect(values.length).toBeGreaterThan(0);
            expect(new Set(values).size).toBe(values.length);
            for (const value of values) {
              expect(normalizeIdentifier(type, value, { region })).toEqual({ value });
            }
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'returns a stored profile unchanged',
    () => {
      fc.assert(
        fc.property(inputArbitrary, (input) => {
          const result = normalizeAccepted(input);
          fc.pre(result !== undefined);
          const { profile } = result as NormalizedProfile;

          expect(normalizeProfile(asInput(profile))).toEqual({ profile, rejections: [] });
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

function asInput(profile: Profile): ProfileInput {
  return {
    id: profile.id,
    identifiers: profile.identifiers,
    attributes: profile.attributes,
    consents: profile.consents,
  };
}
