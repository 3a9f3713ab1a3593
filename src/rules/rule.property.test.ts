import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Profile } from '../profiles/profile.js';
import { PROPERTY_TEST_TIMEOUT_MS, propertyRuns } from '../test-support/property-runs.js';
import {
  MS_PER_DAY,
  attributeNameArbitrary,
  conditionArbitrary,
  dateTextArbitrary,
  formatDate,
  nowArbitrary,
  profileArbitrary,
  ruleArbitrary,
  textArbitrary,
  type DateText,
} from '../test-support/rule-arbitraries.js';
import { evaluateRule } from './evaluate-rule.js';
import { parseIsoDate } from './rule-dates.js';
import { isTimeDependent, referencedFields } from './rule-traits.js';
import { MAX_RULE_DEPTH, OPERATORS, type Condition, type Rule } from './rule.js';
import { validateRule, type RuleValidationResult } from './validate-rule.js';

const RUNS = 300;
const RULE_KEYS = ['attribute', 'identifier', 'and', 'or', 'not'];

/** Matches the path an error message starts with, such as `rule.and[2].value[0]`. */
const ERROR_PATH_PATTERN = /^(rule(?:\.(?:and|or|not|attribute|identifier|op|value)|\[\d+\])*): \S/;

/** Asserts that validation failed and returns the path its error starts with. */
function rejectionPath(result: RuleValidationResult): string {
  expect(result).toHaveProperty('error');

  return 'error' in result ? errorPath(result.error) : '';
}

function errorPath(error: string): string {
  const match = ERROR_PATH_PATTERN.exec(error);
  if (!match?.[1]) throw new Error(`the error does not start with a rule path: ${error}`);

  return match[1];
}

/** Returns whether `path` is `base` or a path inside it. */
function isWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`);
}

/** Splits a path such as `rule.and[2].op` into the keys and indexes after `rule`. */
function pathSegments(path: string): (string | number)[] {
  return [...path.slice('rule'.length).matchAll(/\.(\w+)|\[(\d+)\]/g)].map((match) =>
    match[1] === undefined ? Number(match[2]) : match[1],
  );
}

function valueAt(root: unknown, segments: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
      return undefined;
    }
    value = (value as Record<string | number, unknown>)[segment];
  }

  return value;
}

/** Returns a copy of `root` with the value at `segments` replaced, or deleted for `undefined`. */
function replaceAt(root: unknown, segments: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  const replaced = replaceAt(copy[head], rest, value);
  if (replaced === undefined) delete copy[head];
  else copy[head] = replaced;

  return copy;
}

/** A place in a rule: a rule node, or a field of one (`op`, `value`, a group's array). */
interface Site {
  path: string;
  isRule: boolean;
}

function listSites(rule: Rule, path = 'rule'): Site[] {
  const sites: Site[] = [{ path, isRule: true }];
  if ('and' in rule || 'or' in rule) {
    const key = 'and' in rule ? 'and' : 'or';
    const items = 'and' in rule ? rule.and : rule.or;
    sites.push({ path: `${path}.${key}`, isRule: false });
    items.forEach((item, index) => sites.push(...listSites(item, `${path}.${key}[${index}]`)));
  } else if ('not' in rule) {
    sites.push(...listSites(rule.not, `${path}.not`));
  } else {
    for (const key of Object.keys(rule)) sites.push({ path: `${path}.${key}`, isRule: false });
  }

  return sites;
}

/** The path of the rule node that contains a field site: `rule.and[1]` for `rule.and[1].op`. */
function parentRulePath(path: string): string {
  return path.slice(0, path.lastIndexOf('.'));
}

/** JSON values that look like rules: rule keys, operators and dates mixed with any JSON. */
const ruleLikeJsonArbitrary: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }),
    fc.constantFrom(...OPERATORS, 'country', 'email', '2024-06-01', '2023-02-29', 7, -1, 1.5),
    fc.array(tie('node'), { maxLength: 3 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...RULE_KEYS, 'op', 'value') },
            { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
          ),
          tie('node'),
        ),
        { maxLength: 4 },
      )
      .map((entries) => Object.fromEntries(entries)),
  ),
})).node;

const anyJsonArbitrary = fc.oneof(
  fc.jsonValue({ stringUnit: 'binary' }),
  ruleLikeJsonArbitrary,
  ruleArbitrary as fc.Arbitrary<unknown>,
);

describe('validateRule properties', () => {
  it(
    'accepts every generated rule unchanged',
    () => {
      fc.assert(
        fc.property(ruleArbitrary, (rule) => {
          const result = validateRule(rule);

          expect(result).toEqual({ rule });
          if ('rule' in result) expect(result.rule).not.toBe(rule);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'returns a rule or an error naming a path',
    () => {
      fc.assert(
        fc.property(anyJsonArbitrary, (value) => {
          const result = validateRule(value);

          if ('rule' in result) {
            expect(result.rule).toEqual(value);
            expect(validateRule(result.rule)).toEqual(result);
            return;
          }
          const path = errorPath(result.error);
          if (path !== 'rule') {
            // The node that contains the offending key is part of the input.
            const segments = pathSegments(path);
            expect(valueAt(value, segments.slice(0, -1))).toBeTypeOf('object');
          }
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'starts errors with the given path prefix',
    () => {
      fc.assert(
        fc.property(anyJsonArbitrary, (value) => {
          const result = validateRule(value, 'body.rule');

          if ('error' in result) expect(result.error).toMatch(/^body\.rule[.[:]/);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'names the node of an added unknown key',
    () => {
      const mutation = ruleArbitrary.chain((rule) =>
        fc.record({
          rule: fc.constant(rule),
          site: fc.constantFrom(...listSites(rule).filter((site) => site.isRule)),
          key: fc.string({ unit: 'binary', maxLength: 8 }),
          value: fc.jsonValue({ maxDepth: 1 }),
        }),
      );
      fc.assert(
        fc.property(mutation, ({ rule, site, key, value }) => {
          const segments = pathSegments(site.path);
          const node = valueAt(rule, segments) as object;
          fc.pre(!Object.hasOwn(node, key));
          const mutated = replaceAt(rule, segments, { ...node, [key]: value });
          const result = validateRule(mutated);

          expect(rejectionPath(result)).toBe(site.path);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'names the node that is not a rule',
    () => {
      const notARule = fc
        .jsonValue({ maxDepth: 2, stringUnit: 'binary' })
        .filter(
          (value) =>
            typeof value !== 'object' ||
            value === null ||
            Array.isArray(value) ||
            !RULE_KEYS.some((key) => Object.hasOwn(value, key)),
        );
      const mutation = ruleArbitrary.chain((rule) =>
        fc.record({
          rule: fc.constant(rule),
          site: fc.constantFrom(...listSites(rule).filter((site) => site.isRule)),
          value: notARule,
        }),
      );
      fc.assert(
        fc.property(mutation, ({ rule, site, value }) => {
          const result = validateRule(replaceAt(rule, pathSegments(site.path), value));

          expect(rejectionPath(result)).toBe(site.path);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'names the condition of a replaced or deleted field',
    () => {
      const mutation = ruleArbitrary.chain((rule) =>
        fc.record({
          rule: fc.constant(rule),
          site: fc.constantFrom(...listSites(rule).filter((site) => !site.isRule)),
          // undefined deletes the field.
          value: fc.option(ruleLikeJsonArbitrary, { nil: undefined }),
        }),
      );
      fc.assert(
        fc.property(mutation, ({ rule, site, value }) => {
          const result = validateRule(replaceAt(rule, pathSegments(site.path), value));

          if ('error' in result) {
            expect(isWithin(errorPath(result.error), parentRulePath(site.path))).toBe(true);
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('accepts nesting up to the maximum depth only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * MAX_RULE_DEPTH }), (notCount) => {
        let rule: Rule = { attribute: 'tier', op: 'exists' };
        for (let level = 0; level < notCount; level += 1) rule = { not: rule };
        const result = validateRule(rule);

        // The condition under `notCount` levels of not is at depth notCount + 1.
        if (notCount + 1 <= MAX_RULE_DEPTH) {
          expect(result).toEqual({ rule });
        } else {
          expect(rejectionPath(result)).toBe(`rule${'.not'.repeat(MAX_RULE_DEPTH)}`);
        }
      }),
      propertyRuns(50),
    );
  });
});

describe('evaluateRule properties', () => {
  const casesArbitrary = fc.record({
    rule: ruleArbitrary,
    profile: profileArbitrary,
    now: nowArbitrary,
  });
  const groupArbitrary = fc.record({
    rules: fc.array(ruleArbitrary, { minLength: 1, maxLength: 4 }),
    profile: profileArbitrary,
    now: nowArbitrary,
  });

  it(
    'returns a boolean for every rule and profile',
    () => {
      fc.assert(
        fc.property(casesArbitrary, ({ rule, profile, now }) => {
          expect(evaluateRule(rule, profile, now)).toBeTypeOf('boolean');
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'returns true and false for generated cases',
    () => {
      // Guards the other properties against generators that make every rule false.
      const results = fc
        .sample(casesArbitrary, { numRuns: 2_000, seed: 42 })
        .map(({ rule, profile, now }) => evaluateRule(rule, profile, now));
      const trueCount = results.filter(Boolean).length;

      expect(trueCount).toBeGreaterThan(results.length / 10);
      expect(results.length - trueCount).toBeGreaterThan(results.length / 10);
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'negates with not, and not twice is the rule',
    () => {
      fc.assert(
        fc.property(casesArbitrary, ({ rule, profile, now }) => {
          const result = evaluateRule(rule, profile, now);

          expect(evaluateRule({ not: rule }, profile, now)).toBe(!result);
          expect(evaluateRule({ not: { not: rule } }, profile, now)).toBe(result);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'and is every and or is some',
    () => {
      fc.assert(
        fc.property(groupArbitrary, ({ rules, profile, now }) => {
          const results = rules.map((rule) => evaluateRule(rule, profile, now));

          expect(evaluateRule({ and: rules }, profile, now)).toBe(results.every(Boolean));
          expect(evaluateRule({ or: rules }, profile, now)).toBe(results.some(Boolean));
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'and and or commute, associate and absorb',
    () => {
      const lawsArbitrary = fc.record({
        a: ruleArbitrary,
        b: ruleArbitrary,
        c: ruleArbitrary,
        profile: profileArbitrary,
        now: nowArbitrary,
      });
      fc.assert(
        fc.property(lawsArbitrary, ({ a, b, c, profile, now }) => {
          const evaluate = (rule: Rule): boolean => evaluateRule(rule, profile, now);

          for (const key of ['and', 'or'] as const) {
            const group = (...rules: Rule[]): Rule =>
              key === 'and' ? { and: rules } : { or: rules };
            const dual = (...rules: Rule[]): Rule =>
              key === 'and' ? { or: rules } : { and: rules };
            const flat = evaluate(group(a, b, c));

            expect(evaluate(group(b, a))).toBe(evaluate(group(a, b)));
            expect(evaluate(group(a, group(b, c)))).toBe(flat);
            expect(evaluate(group(group(a, b), c))).toBe(flat);
            expect(evaluate(group(a))).toBe(evaluate(a));
            expect(evaluate(group(a, a))).toBe(evaluate(a));
            expect(evaluate(group(a, dual(a, b)))).toBe(evaluate(a));
            expect(evaluate(group(a, dual(b, c)))).toBe(evaluate(dual(group(a, b), group(a, c))));
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'not of and is or of nots, and the reverse',
    () => {
      fc.assert(
        fc.property(groupArbitrary, ({ rules, profile, now }) => {
          const negated = rules.map((rule): Rule => ({ not: rule }));
          const evaluate = (rule: Rule): boolean => evaluateRule(rule, profile, now);

          expect(evaluate({ not: { and: rules } })).toBe(evaluate({ or: negated }));
          expect(evaluate({ not: { or: rules } })).toBe(evaluate({ and: negated }));
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'neq is the negation of eq',
    () => {
      const eqArbitrary = conditionArbitrary.filter(
        (condition) => condition.op === 'eq' || condition.op === 'neq',
      );
      fc.assert(
        fc.property(eqArbitrary, profileArbitrary, nowArbitrary, (condition, profile, now) => {
          const eq = evaluateRule({ ...condition, op: 'eq' }, profile, now);

          expect(evaluateRule({ ...condition, op: 'neq' }, profile, now)).toBe(!eq);
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'fails every operator but neq on a missing field',
    () => {
      fc.assert(
        fc.property(
          conditionArbitrary,
          profileArbitrary,
          nowArbitrary,
          (condition, profile, now) => {
            const without = withoutField(profile, condition);

            expect(evaluateRule(condition, without, now)).toBe(condition.op === 'neq');
          },
        ),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'ignores the time unless the rule uses within_last_days',
    () => {
      fc.assert(
        fc.property(casesArbitrary, nowArbitrary, ({ rule, profile, now }, otherNow) => {
          fc.pre(!isTimeDependent(rule));

          expect(evaluateRule(rule, profile, otherNow)).toBe(evaluateRule(rule, profile, now));
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'reads only the fields referencedFields lists',
    () => {
      const changesArbitrary = fc.array(
        fc.tuple(fc.boolean(), attributeNameArbitrary, fc.option(textArbitrary())),
        { maxLength: 5 },
      );
      fc.assert(
        fc.property(casesArbitrary, changesArbitrary, ({ rule, profile, now }, changes) => {
          const fields = referencedFields(rule);
          const attributes = { ...profile.attributes };
          const identifiers = { ...profile.identifiers };
          for (const [isAttribute, name, value] of changes) {
            if (isAttribute && !fields.attributes.includes(name)) {
              setOrDelete(attributes, name, value);
            }
            if (!isAttribute && !fields.identifiers.includes(name)) {
              setOrDelete(identifiers, name, value === null ? null : [value]);
            }
          }
          const changed: Profile = { ...profile, attributes, identifiers };

          expect(evaluateRule(rule, changed, now)).toBe(evaluateRule(rule, profile, now));
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'gives the same result after a JSON round trip of the rule',
    () => {
      fc.assert(
        fc.property(casesArbitrary, ({ rule, profile, now }) => {
          const stored = JSON.parse(JSON.stringify(rule)) as unknown;
          const revalidated = validateRule(stored);

          expect('rule' in revalidated).toBe(true);
          if ('rule' in revalidated) {
            expect(evaluateRule(revalidated.rule, profile, now)).toBe(
              evaluateRule(rule, profile, now),
            );
          }
        }),
        propertyRuns(RUNS),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'contains and starts_with find the text in any letter case',
    () => {
      const textCase = fc.record({
        text: textArbitrary(1),
        start: fc.nat(),
        length: fc.nat(),
        lowerCase: fc.boolean(),
      });
      fc.assert(
        fc.property(textCase, nowArbitrary, ({ text, start, length, lowerCase }, now) => {
          const codePoints = [...text];
          const from = start % codePoints.length;
          const to = from + 1 + (length % (codePoints.length - from));
          const fold = (value: string): string => (lowerCase ? value.toLowerCase() : value);
          const part = fold(codePoints.slice(from, to).join(''));
          const prefix = fold(codePoints.slice(0, to).join(''));
          const profile = profileWith({ city: text });

          expect(
            evaluateRule({ attribute: 'city', op: 'contains', value: part }, profile, now),
          ).toBe(true);
          expect(
            evaluateRule({ attribute: 'city', op: 'starts_with', value: prefix }, profile, now),
          ).toBe(true);
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

describe('date operator properties', () => {
  /** A second date: unrelated to the first, or the same instant written in another form. */
  const datePairArbitrary = dateTextArbitrary.chain((first) =>
    fc.record({
      first: fc.constant(first),
      second: fc.oneof(
        dateTextArbitrary,
        fc
          .tuple(fc.nat({ max: 5 }), fc.integer({ min: -1439, max: 1439 }))
          .map(([form, offset]) => formatDate(first.epochMs, form, offset)),
      ),
    }),
  );

  it(
    'parses every generated date to its instant',
    () => {
      fc.assert(
        fc.property(dateTextArbitrary, (date) => {
          expect(parseIsoDate(date.text)).toEqual({
            epochMs: date.epochMs,
            dateOnly: date.dateOnly,
          });
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'accepts exactly the calendar dates and times that exist',
    () => {
      const fieldsArbitrary = fc.record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        time: fc.option(
          fc.tuple(
            fc.integer({ min: 0, max: 25 }),
            fc.integer({ min: 0, max: 61 }),
            fc.integer({ min: 0, max: 61 }),
            fc.integer({ min: 0, max: 25 }),
            fc.integer({ min: 0, max: 61 }),
          ),
        ),
      });
      fc.assert(
        fc.property(fieldsArbitrary, ({ year, month, day, time }) => {
          const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
          let text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          let timeExists = true;
          if (time !== null) {
            const [hour, minute, second, offsetHours, offsetMinutes] = time;
            text += `T${pad(hour)}:${pad(minute)}:${pad(second)}+${pad(offsetHours)}:${pad(offsetMinutes)}`;
            timeExists =
              hour <= 23 &&
              minute <= 59 &&
              second <= 59 &&
              offsetHours <= 23 &&
              offsetMinutes <= 59;
          }
          const dateExists =
            month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

          expect(parseIsoDate(text) !== undefined, text).toBe(dateExists && timeExists);
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'compares instants, or UTC days for a date-only rule value',
    () => {
      fc.assert(
        fc.property(datePairArbitrary, nowArbitrary, ({ first, second }, now) => {
          const profile = profileWith({ seenAt: first.text });
          const after = evaluateRule(
            { attribute: 'seenAt', op: 'after', value: second.text },
            profile,
            now,
          );
          const before = evaluateRule(
            { attribute: 'seenAt', op: 'before', value: second.text },
            profile,
            now,
          );
          const [actual, expected] = second.dateOnly
            ? [utcDay(first), utcDay(second)]
            : [first.epochMs, second.epochMs];

          expect(after).toBe(actual > expected);
          expect(before).toBe(actual < expected);
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'within_last_days holds from now minus the days up to now',
    () => {
      const windowArbitrary = fc
        .record({
          days: fc.integer({ min: 1, max: 400 }),
          ratio: fc.double({ min: -1, max: 2, noNaN: true }),
          edge: fc.constantFrom(undefined, 0, -1, 1, 'start', 'beforeStart'),
          form: fc.nat({ max: 5 }),
          offset: fc.integer({ min: -1439, max: 1439 }),
          now: nowArbitrary,
        })
        .map(({ days, ratio, edge, form, offset, now }) => {
          const windowMs = days * MS_PER_DAY;
          let ageMs = Math.round(ratio * windowMs);
          if (typeof edge === 'number') ageMs = edge;
          if (edge === 'start') ageMs = windowMs;
          if (edge === 'beforeStart') ageMs = windowMs + 1;
          return { days, now, date: formatDate(now.getTime() - ageMs, form, offset) };
        });
      fc.assert(
        fc.property(windowArbitrary, ({ days, now, date }) => {
          const profile = profileWith({ seenAt: date.text });
          const result = evaluateRule(
            { attribute: 'seenAt', op: 'within_last_days', value: days },
            profile,
            now,
          );
          const ageMs = now.getTime() - date.epochMs;

          expect(result).toBe(ageMs >= 0 && ageMs <= days * MS_PER_DAY);
        }),
        propertyRuns(RUNS * 3),
      );
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );
});

function profileWith(attributes: Record<string, unknown>): Profile {
  return {
    id: 'p1',
    identifiers: {},
    attributes,
    consents: { advertising: 'unknown', email: 'unknown' },
  };
}

function withoutField(profile: Profile, condition: Condition): Profile {
  if ('attribute' in condition) {
    const attributes = { ...profile.attributes };
    delete attributes[condition.attribute];
    return { ...profile, attributes };
  }
  const identifiers = { ...profile.identifiers };
  delete identifiers[condition.identifier];
  return { ...profile, identifiers };
}

function setOrDelete(target: Record<string, unknown>, name: string, value: unknown): void {
  if (value === null) {
    delete target[name];
  } else {
    Object.defineProperty(target, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

function utcDay(date: DateText): number {
  return Math.floor(date.epochMs / MS_PER_DAY);
}

function daysInMonth(year: number, month: number): number {
  const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, isLeapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  return days[month - 1] ?? 0;
}
