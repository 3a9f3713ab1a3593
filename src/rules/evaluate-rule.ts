import type { Profile } from '../profiles/profile.js';
import { MS_PER_DAY, parseIsoDate, utcDayNumber } from './rule-dates.js';
import {
  isAttributeCondition,
  type AttributeCondition,
  type ConditionValue,
  type IdentifierCondition,
  type Rule,
  type ScalarValue,
} from './rule.js';

/** Attribute whose values match `eq`, `neq` and `in` regardless of case ("nl" matches "NL"). */
const CASE_INSENSITIVE_ATTRIBUTE = 'country';

// Plain decimal notation such as `42`, `-3` or `19.95`, the form of numbers imported from CSV.
const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/**
 * Returns whether `profile` matches `rule` at the time `now`. The rule must have passed
 * `validateRule`.
 *
 * Attribute conditions:
 * - `eq`, `neq` and `in` compare strings case-sensitively, except on the `country` attribute.
 *   A number in the rule matches a number attribute, or a string attribute in plain decimal
 *   notation, because values imported from CSV are strings. A boolean matches only a boolean.
 * - `contains` and `starts_with` apply to string attributes and ignore case.
 * - `gt`, `gte`, `lt` and `lte` read the attribute as a number in the same way as `eq`.
 * - `before`, `after` and `within_last_days` read the attribute as an ISO 8601 date or
 *   date-time. Text that is not one makes the condition false.
 * - `exists` is true when the attribute is present and neither null nor an empty string.
 *
 * A missing attribute makes every operator false except `neq`, which is always the negation of
 * `eq`. An attribute of the wrong type for the operator, such as a number for `contains`, also
 * makes the condition false, except for `neq` and `exists`. Identifier conditions are true when
 * any value of that identifier type passes, except that `neq` is true when no value equals the
 * rule's value.
 */
export function evaluateRule(rule: Rule, profile: Profile, now: Date): boolean {
  if ('and' in rule) return rule.and.every((item) => evaluateRule(item, profile, now));
  if ('or' in rule) return rule.or.some((item) => evaluateRule(item, profile, now));
  if ('not' in rule) return !evaluateRule(rule.not, profile, now);
  if (isAttributeCondition(rule)) return evaluateAttributeCondition(rule, profile, now);

  return evaluateIdentifierCondition(rule, profile);
}

function evaluateAttributeCondition(
  condition: AttributeCondition,
  profile: Profile,
  now: Date,
): boolean {
  const { attribute, op, value } = condition;
  // Object.hasOwn keeps names such as `constructor` from reading the prototype.
  const present = Object.hasOwn(profile.attributes, attribute);
  const actual = present ? profile.attributes[attribute] : undefined;
  const ignoreCase = attribute === CASE_INSENSITIVE_ATTRIBUTE;

  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '';
    case 'eq':
      return isScalar(value) && scalarEquals(actual, value, ignoreCase);
    case 'neq':
      return !(isScalar(value) && scalarEquals(actual, value, ignoreCase));
    case 'in':
      return Array.isArray(value) && value.some((item) => scalarEquals(actual, item, ignoreCase));
    case 'contains':
      return typeof actual === 'string' && typeof value === 'string' && containsText(actual, value);
    case 'starts_with':
      return (
        typeof actual === 'string' && typeof value === 'string' && startsWithText(actual, value)
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compareNumbers(op, readNumber(actual), value);
    case 'before':
    case 'after':
      return compareDates(op, actual, value);
    case 'within_last_days':
      return isWithinLastDays(actual, value, now);
  }
}

function evaluateIdentifierCondition(condition: IdentifierCondition, profile: Profile): boolean {
  const { identifier, op, value } = condition;
  const values = Object.hasOwn(profile.identifiers, identifier)
    ? (profile.identifiers[identifier] ?? [])
    : [];

  switch (op) {
    case 'exists':
      return values.some((item) => item !== '');
    case 'eq':
      return values.some((item) => item === value);
    case 'neq':
      return !values.some((item) => item === value);
    case 'in':
      return Array.isArray(value) && values.some((item) => value.includes(item));
    case 'contains':
      return typeof value === 'string' && values.some((item) => containsText(item, value));
    case 'starts_with':
      return typeof value === 'string' && values.some((item) => startsWithText(item, value));
    default:
      // validateRule rejects the numeric and date operators on identifiers.
      return false;
  }
}

function isScalar(value: ConditionValue | undefined): value is ScalarValue {
  return value !== undefined && !Array.isArray(value);
}

function scalarEquals(actual: unknown, expected: ScalarValue, ignoreCase: boolean): boolean {
  if (typeof expected === 'number') return readNumber(actual) === expected;
  if (typeof expected === 'boolean') return actual === expected;
  if (typeof actual !== 'string') return false;

  return ignoreCase ? foldCase(actual) === foldCase(expected) : actual === expected;
}

function containsText(actual: string, expected: string): boolean {
  return foldCase(actual).includes(foldCase(expected));
}

function startsWithText(actual: string, expected: string): boolean {
  return foldCase(actual).startsWith(foldCase(expected));
}

/**
 * Lower-cases text for case-insensitive matching. `toLowerCase` turns a capital sigma at the end
 * of a word into the final form ς and elsewhere into σ, so "ΣΣ" alone and at the start of "ΣΣΣ"
 * would differ. Writing every ς as σ makes the result independent of the neighbouring letters.
 */
function foldCase(text: string): string {
  return text.toLowerCase().replaceAll('ς', 'σ');
}

/** Reads a finite number, or a string in plain decimal notation, as a number. */
function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return Number(value);

  return undefined;
}

function compareNumbers(
  op: 'gt' | 'gte' | 'lt' | 'lte',
  actual: number | undefined,
  expected: ConditionValue | undefined,
): boolean {
  if (actual === undefined || typeof expected !== 'number') return false;

  switch (op) {
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
  }
}

/**
 * Compares instants when the rule gives a date-time. When the rule gives a date only, the
 * attribute's UTC calendar day is compared, so `after 2024-06-01` starts on 2 June (UTC) and
 * neither operator matches a time on 1 June.
 */
function compareDates(
  op: 'before' | 'after',
  actual: unknown,
  expected: ConditionValue | undefined,
): boolean {
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  const actualDate = parseIsoDate(actual);
  const expectedDate = parseIsoDate(expected);
  if (actualDate === undefined || expectedDate === undefined) return false;

  let difference = actualDate.epochMs - expectedDate.epochMs;
  if (expectedDate.dateOnly) {
    difference = utcDayNumber(actualDate.epochMs) - utcDayNumber(expectedDate.epochMs);
  }

  return op === 'before' ? difference < 0 : difference > 0;
}

/** Returns whether the attribute's date lies in [now − days × 24 h, now], both ends included. */
function isWithinLastDays(actual: unknown, days: ConditionValue | undefined, now: Date): boolean {
  if (typeof actual !== 'string' || typeof days !== 'number') return false;
  const actualDate = parseIsoDate(actual);
  if (actualDate === undefined) return false;

  const end = now.getTime();
  const start = end - days * MS_PER_DAY;

  return actualDate.epochMs >= start && actualDate.epochMs <= end;
}
