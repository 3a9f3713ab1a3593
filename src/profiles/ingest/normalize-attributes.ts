import type { FieldRejection } from '../profile.js';
import { isDayFirstDateShape, parseCalendarDate, parseDayFirstDate } from './calendar-date.js';
import { resolveRegion } from './country.js';
import { isFieldName } from './field-name.js';
import { isPlainObject } from './plain-object.js';

export interface AttributesNormalization {
  attributes: Record<string, unknown>;
  rejections: FieldRejection[];
  /** ISO 3166-1 alpha-2 code resolved from the `country` attribute. */
  region: string | undefined;
}

type AttributeResult = { value: unknown } | { reason: string };

const DATE_ATTRIBUTE_NAME_PATTERN = /(At|Date)$/;

/**
 * Normalizes profile attributes. Attributes with a fixed meaning are checked:
 *
 * - `dateOfBirth`: `YYYY-MM-DD` or `DD-MM-YYYY`, stored `YYYY-MM-DD`, else `invalid_date`.
 * - `gender`: `m`, `f`, `male` or `female` in any case, stored `m` or `f`, else `invalid_gender`.
 * - `country`: a string, stored as given, else `invalid_country`. When it resolves to a country,
 *   its alpha-2 code is stored as `countryCode` and replaces any `countryCode` given.
 *
 * An attribute whose name ends in `At` or `Date` (`subscribedAt`, `signupDate`) and whose value is
 * `DD-MM-YYYY` is stored as `YYYY-MM-DD`, or rejected with `invalid_date` when the date does not
 * exist. Other values are kept as given when they are strings, finite numbers, booleans or null.
 * Objects and arrays are rejected with `unsupported_value`.
 */
export function normalizeAttributes(input: unknown): AttributesNormalization {
  const rejections: FieldRejection[] = [];
  if (input === undefined) {
    return { attributes: {}, rejections, region: undefined };
  }
  if (!isPlainObject(input)) {
    rejections.push({ field: 'attributes', reason: 'unsupported_value' });
    return { attributes: {}, rejections, region: undefined };
  }

  const entries: [string, unknown][] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) {
      continue;
    }
    const result = isFieldName(name) ? normalizeAttribute(name, value) : { reason: 'invalid_name' };
    if ('reason' in result) {
      rejections.push({ field: `attributes.${name}`, reason: result.reason });
    } else {
      entries.push([name, result.value]);
    }
  }

  // Object.fromEntries defines own properties, so a name such as `__proto__` cannot reach the
  // prototype. `isFieldName` already rejects it; this keeps the object safe if that rule changes.
  const attributes = Object.fromEntries(entries);
  const country = attributes['country'];
  const region = typeof country === 'string' ? resolveRegion(country) : undefined;
  if (region !== undefined) {
    attributes['countryCode'] = region;
  }
  return { attributes, rejections, region };
}

function normalizeAttribute(name: string, value: unknown): AttributeResult {
  switch (name) {
    case 'dateOfBirth':
      return normalizeDateOfBirth(value);
    case 'gender':
      return normalizeGender(value);
    case 'country':
      return typeof value === 'string' ? { value } : { reason: 'invalid_country' };
    default:
      return normalizeOtherAttribute(name, value);
  }
}

function normalizeDateOfBirth(value: unknown): AttributeResult {
  const date = typeof value === 'string' ? parseCalendarDate(value.trim()) : undefined;
  return date === undefined ? { reason: 'invalid_date' } : { value: date };
}

function normalizeGender(value: unknown): AttributeResult {
  const gender = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (gender === 'm' || gender === 'male') {
    return { value: 'm' };
  }
  if (gender === 'f' || gender === 'female') {
    return { value: 'f' };
  }
  return { reason: 'invalid_gender' };
}

function normalizeOtherAttribute(name: string, value: unknown): AttributeResult {
  if (typeof value === 'string') {
    return normalizeStringAttribute(name, value);
  }
  const isSupported =
    value === null ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value));
  return isSupported ? { value } : { reason: 'unsupported_value' };
}

function normalizeStringAttribute(name: string, value: string): AttributeResult {
  const trimmed = value.trim();
  if (!DATE_ATTRIBUTE_NAME_PATTERN.test(name) || !isDayFirstDateShape(trimmed)) {
    return { value };
  }
  const date = parseDayFirstDate(trimmed);
  return date === undefined ? { reason: 'invalid_date' } : { value: date };
}
