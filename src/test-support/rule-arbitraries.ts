import fc from 'fast-check';
import type { Profile } from '../profiles/profile.js';
import type { AttributeCondition, IdentifierCondition, Rule, ScalarValue } from '../rules/rule.js';

// fast-check generators of rules, profiles and dates for the property-based tests. Names and
// values come from small pools most of the time, so that generated rules often read fields the
// generated profiles have, and otherwise from arbitrary text.

export const MS_PER_DAY = 86_400_000;

/** Attribute names of generated rules and profiles, prototype names included. */
export const ATTRIBUTE_POOL = [
  'country',
  'tier',
  'age',
  'subscribedAt',
  'vip',
  'constructor',
  '__proto__',
] as const;

/** Identifier types of generated rules and profiles, prototype names included. */
export const IDENTIFIER_POOL = ['email', 'phone', 'maid', 'constructor'] as const;

/**
 * Characters whose case mapping is irregular: the Greek sigma forms (Σ lower-cases to the final
 * form ς at the end of a word), dotted capital I (one letter that lower-cases to two), sharp s
 * and the Kelvin sign.
 */
const CASE_EDGE_CHARACTERS = ['Σ', 'σ', 'ς', 'Α', 'İ', 'i', 'ß', 'K', 'k', 'A', 'a', ' ', '.'];

/** One code point: an ASCII letter or digit, a case edge character or any code point. */
const textUnit = fc.oneof(
  fc.constantFrom('N', 'L', 'n', 'l', '4', '2', 'x', '-'),
  fc.constantFrom(...CASE_EDGE_CHARACTERS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Text of up to 8 code points, mixing case edge characters with any code point. */
export function textArbitrary(minLength = 0): fc.Arbitrary<string> {
  return fc.string({ unit: textUnit, minLength, maxLength: 8 });
}

/** Generates names from `pool` most of the time, and otherwise any non-empty text. */
function nameArbitrary(pool: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }) },
  );
}

export const attributeNameArbitrary = nameArbitrary(ATTRIBUTE_POOL);
export const identifierNameArbitrary = nameArbitrary(IDENTIFIER_POOL);

const finiteNumberArbitrary = fc.oneof(
  fc.constantFrom(0, -0, 1, 42, -3, 7.5),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A number written the way a CSV import stores it: plain decimal text such as `42` or `-7.5`. */
const decimalTextArbitrary = fc
  .tuple(fc.integer({ min: -1000, max: 1000 }), fc.option(fc.nat({ max: 99 })))
  .map(([whole, fraction]) => (fraction === null ? `${whole}` : `${whole}.${fraction}`));

export const scalarArbitrary: fc.Arbitrary<ScalarValue> = fc.oneof(
  textArbitrary(),
  decimalTextArbitrary,
  finiteNumberArbitrary,
  fc.boolean(),
);

/** A date as text in one of the ISO 8601 forms the rule language reads, with its instant. */
export interface DateText {
  text: string;
  /** The instant the text stands for, in ms since the epoch. */
  epochMs: number;
  /** True for a calendar date without a time. */
  dateOnly: boolean;
}

// Years 0002 to 9998, so that an offset of up to a day keeps the local time in 4-digit years.
const instantArbitrary = fc.oneof(
  fc.integer({ min: new Date('0002-01-01T00:00:00Z').getTime(), max: Date.UTC(9998, 11, 31) }),
  fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
);

/** Formats `epochMs` as local time at `offsetMinutes` east of UTC, with that offset. */
export function formatWithOffset(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');

  return `${local}${sign}${hours}:${minutes}`;
}

/** Formats an instant in the ISO 8601 form `form`, returning the text and the instant it means. */
export function formatDate(epochMs: number, form: number, offsetMinutes: number): DateText {
  const iso = new Date(epochMs).toISOString();
  switch (form) {
    case 0:
      return { text: iso, epochMs, dateOnly: false };
    case 1:
      return { text: formatWithOffset(epochMs, offsetMinutes), epochMs, dateOnly: false };
    case 2:
      // A date-time without an offset is read as UTC.
      return { text: iso.slice(0, 23).replace('T', ' '), epochMs, dateOnly: false };
    case 3:
      // Digits past the milliseconds are cut off.
      return { text: `${iso.slice(0, 23)}987z`.replace('T', 't'), epochMs, dateOnly: false };
    case 4:
      return {
        text: `${iso.slice(0, 16)}Z`,
        epochMs: Math.floor(epochMs / 60_000) * 60_000,
        dateOnly: false,
      };
    default: {
      const midnight = Math.floor(epochMs / MS_PER_DAY) * MS_PER_DAY;
      return { text: iso.slice(0, 10), epochMs: midnight, dateOnly: true };
    }
  }
}

export const dateTextArbitrary: fc.Arbitrary<DateText> = fc
  .tuple(
    instantArbitrary,
    fc.nat({ max: 5 }),
    fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
  )
  .map(([epochMs, form, offset]) => formatDate(epochMs, form, offset));

function attributeConditionArbitrary(): fc.Arbitrary<AttributeCondition> {
  const attribute = attributeNameArbitrary;
  return fc.oneof(
    fc.record({ attribute, op: fc.constantFrom('eq', 'neq'), value: scalarArbitrary }),
    fc.record({
      attribute,
      op: fc.constant('in'),
      value: fc.array(scalarArbitrary, { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      attribute,
      op: fc.constantFrom('contains', 'starts_with'),
      value: textArbitrary(1),
    }),
    fc.record({
      attribute,
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: finiteNumberArbitrary,
    }),
    fc.record({
      attribute,
      op: fc.constantFrom('before', 'after'),
      value: dateTextArbitrary.map((date) => date.text),
    }),
    fc.record({
      attribute,
      op: fc.constant('within_last_days'),
      value: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1 })),
    }),
    fc.record({ attribute, op: fc.constant('exists') }),
  );
}

function identifierConditionArbitrary(): fc.Arbitrary<IdentifierCondition> {
  const identifier = identifierNameArbitrary;
  return fc.oneof(
    fc.record({ identifier, op: fc.constantFrom('eq', 'neq'), value: textArbitrary() }),
    fc.record({
      identifier,
      op: fc.constant('in'),
      value: fc.array(textArbitrary(), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      identifier,
      op: fc.constantFrom('contains', 'starts_with'),
      value: textArbitrary(1),
    }),
    fc.record({ identifier, op: fc.constant('exists') }),
  );
}

export const conditionArbitrary: fc.Arbitrary<AttributeCondition | IdentifierCondition> = fc.oneof(
  { weight: 3, arbitrary: attributeConditionArbitrary() },
  { weight: 1, arbitrary: identifierConditionArbitrary() },
);

/**
 * Valid rules: at most 6 levels and 3 rules per group, so at most 243 conditions, within the
 * validator's limits of 20 levels and 500 conditions.
 */
export const ruleArbitrary: fc.Arbitrary<Rule> = fc.letrec<{
  rule: Rule;
  group: Rule[];
}>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    { weight: 3, arbitrary: conditionArbitrary },
    { weight: 1, arbitrary: tie('group').map((and): Rule => ({ and })) },
    { weight: 1, arbitrary: tie('group').map((or): Rule => ({ or })) },
    { weight: 1, arbitrary: tie('rule').map((not): Rule => ({ not })) },
  ),
  group: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }),
})).rule;

/** Attribute values a stored profile may hold, and a few it should not (NaN, arrays). */
const attributeValueArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarArbitrary },
  { weight: 3, arbitrary: dateTextArbitrary.map((date) => date.text) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, '', Number.NaN, Infinity, ['NL'], { a: 1 }),
  },
);

/** Profiles whose attributes and identifiers are own properties, prototype names included. */
export const profileArbitrary: fc.Arbitrary<Profile> = fc
  .record({
    attributes: fc.array(fc.tuple(attributeNameArbitrary, attributeValueArbitrary), {
      maxLength: 6,
    }),
    identifiers: fc.array(
      fc.tuple(identifierNameArbitrary, fc.array(textArbitrary(), { maxLength: 3 })),
      { maxLength: 4 },
    ),
  })
  .map(({ attributes, identifiers }) => ({
    id: 'p1',
    // Object.fromEntries defines own properties, so `__proto__` becomes a plain key.
    attributes: Object.fromEntries(attributes),
    identifiers: Object.fromEntries(identifiers),
    consents: { advertising: 'unknown', email: 'unknown' },
  }));

export const nowArbitrary: fc.Arbitrary<Date> = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((epochMs) => new Date(epochMs));
