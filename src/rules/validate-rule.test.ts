import { describe, expect, it } from 'vitest';
import {
  MAX_IN_VALUES,
  MAX_RULE_CONDITIONS,
  MAX_RULE_DEPTH,
  OPERATORS,
  type Rule,
} from './rule.js';
import { validateRule } from './validate-rule.js';

const OPERATOR_LIST = OPERATORS.join(', ');

describe('validateRule', () => {
  it.each<[string, unknown]>([
    ['a condition', { attribute: 'tier', op: 'eq', value: 'Gold' }],
    ['a number eq', { attribute: 'age', op: 'eq', value: 3 }],
    ['a boolean neq', { attribute: 'vip', op: 'neq', value: false }],
    ['a mixed in list', { attribute: 'x', op: 'in', value: ['a', 1, true] }],
    ['a date before', { attribute: 'd', op: 'before', value: '2024-02-29' }],
    ['a date-time after', { attribute: 'd', op: 'after', value: '2024-06-01T10:30:00.123+02:00' }],
    ['a date-time without offset', { attribute: 'd', op: 'after', value: '2024-06-01T10:30' }],
    ['an identifier exists', { identifier: 'email', op: 'exists' }],
    ['a nested group', { or: [{ and: [{ not: { attribute: 'a', op: 'exists' } }] }] }],
  ])('accepts %s', (_name, input) => {
    expect(validateRule(input)).toEqual({ rule: input });
  });

  it.each<[string, unknown, string]>([
    [
      'a non-object',
      'tier',
      `rule: expected an object with one of the keys attribute, identifier, and, or, not, got 'tier'`,
    ],
    [
      'null',
      null,
      'rule: expected an object with one of the keys attribute, identifier, and, or, not, got null',
    ],
    [
      'an object without a rule key',
      { op: 'eq' },
      'rule: missing a rule key. Use exactly one of attribute, identifier, and, or, not',
    ],
    [
      'two rule keys',
      { attribute: 'a', identifier: 'b', op: 'exists' },
      `rule: has both 'attribute' and 'identifier'. Use exactly one of attribute, identifier, and, or, not, and nest rules to combine them`,
    ],
    [
      'an unknown key on a condition',
      { attribute: 'a', op: 'exists', negate: true },
      `rule: unknown key 'negate'. Allowed keys here: attribute, op, value`,
    ],
    [
      'an unknown key on a group',
      { and: [{ attribute: 'a', op: 'exists' }], label: 'x' },
      `rule: unknown key 'label'. Allowed keys here: and`,
    ],
    [
      'an unknown key on not',
      { not: { attribute: 'a', op: 'exists' }, op: 'eq' },
      `rule: unknown key 'op'. Allowed keys here: not`,
    ],
    [
      'a __proto__ key',
      JSON.parse('{"attribute":"a","op":"exists","__proto__":{}}'),
      `rule: unknown key '__proto__'. Allowed keys here: attribute, op, value`,
    ],
    [
      'an empty attribute name',
      { attribute: '', op: 'exists' },
      `rule.attribute: expected a non-empty attribute name, got ''`,
    ],
    [
      'a non-string identifier',
      { identifier: 3, op: 'exists' },
      'rule.identifier: expected a non-empty identifier name, got 3',
    ],
    [
      'a missing op',
      { attribute: 'a', value: 1 },
      `rule.op: missing operator. Use one of ${OPERATOR_LIST}`,
    ],
    [
      'an unknown op',
      {
        and: [
          { attribute: 'a', op: 'exists' },
          { attribute: 'b', op: 'equals', value: 1 },
        ],
      },
      `rule.and[1].op: unknown operator 'equals'. Use one of ${OPERATOR_LIST}`,
    ],
    [
      'a non-string op',
      { attribute: 'a', op: 1 },
      `rule.op: unknown operator 1. Use one of ${OPERATOR_LIST}`,
    ],
    [
      'a numeric op on an identifier',
      { identifier: 'email', op: 'gt', value: 1 },
      `rule.op: operator 'gt' does not apply to identifiers. Use one of eq, neq, in, contains, starts_with, exists`,
    ],
    [
      'a date op on an identifier',
      { identifier: 'email', op: 'within_last_days', value: 1 },
      `rule.op: operator 'within_last_days' does not apply to identifiers. Use one of eq, neq, in, contains, starts_with, exists`,
    ],
    [
      'a missing value',
      { attribute: 'a', op: 'eq' },
      `rule.value: missing value. Operator 'eq' needs a string, number or boolean`,
    ],
    [
      'a value on exists',
      { attribute: 'a', op: 'exists', value: true },
      `rule.value: operator 'exists' takes no value. Remove it`,
    ],
    [
      'a null eq value',
      { attribute: 'a', op: 'eq', value: null },
      `rule.value: expected a string, number or boolean for operator 'eq', got null`,
    ],
    [
      'an object neq value',
      { attribute: 'a', op: 'neq', value: {} },
      `rule.value: expected a string, number or boolean for operator 'neq', got an object`,
    ],
    [
      'a number eq on an identifier',
      { identifier: 'email', op: 'eq', value: 5 },
      `rule.value: expected a string for operator 'eq', got 5`,
    ],
    [
      'an empty in list',
      { attribute: 'a', op: 'in', value: [] },
      `rule.value: expected a non-empty array of strings, numbers or booleans for operator 'in', got an empty array`,
    ],
    [
      'a scalar in value',
      { attribute: 'a', op: 'in', value: 'NL' },
      `rule.value: expected a non-empty array of strings, numbers or booleans for operator 'in', got 'NL'`,
    ],
    [
      'a null in the in list',
      { attribute: 'a', op: 'in', value: ['NL', null] },
      'rule.value[1]: expected a string, number or boolean, got null',
    ],
    [
      'a number in an identifier in list',
      { identifier: 'phone', op: 'in', value: ['+31', 31] },
      'rule.value[1]: expected a string, got 31',
    ],
    [
      'a number contains value',
      { attribute: 'a', op: 'contains', value: 4 },
      `rule.value: expected a non-empty string for operator 'contains', got 4`,
    ],
    [
      'an empty starts_with value',
      { attribute: 'a', op: 'starts_with', value: '' },
      `rule.value: expected a non-empty string for operator 'starts_with', got ''`,
    ],
    [
      'a string gt value',
      { attribute: 'a', op: 'gt', value: '5' },
      `rule.value: expected a number (compare dates with before or after) for operator 'gt', got '5'`,
    ],
    [
      'a date lte value',
      { attribute: 'a', op: 'lte', value: '2024-01-01' },
      `rule.value: expected a number (compare dates with before or after) for operator 'lte', got '2024-01-01'`,
    ],
    [
      'a slash date',
      { attribute: 'a', op: 'before', value: '2024/01/01' },
      `rule.value: expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ) for operator 'before', got '2024/01/01'`,
    ],
    [
      'an impossible date',
      { attribute: 'a', op: 'after', value: '2023-02-29' },
      `rule.value: expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ) for operator 'after', got '2023-02-29'`,
    ],
    [
      'hour 24',
      { attribute: 'a', op: 'after', value: '2023-02-01T24:00:00Z' },
      `rule.value: expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ) for operator 'after', got '2023-02-01T24:00:00Z'`,
    ],
    [
      'a number date',
      { attribute: 'a', op: 'before', value: 1717200000 },
      `rule.value: expected an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ) for operator 'before', got 1717200000`,
    ],
    [
      'zero days',
      { attribute: 'a', op: 'within_last_days', value: 0 },
      `rule.value: expected a positive integer number of days for operator 'within_last_days', got 0`,
    ],
    [
      'fractional days',
      { attribute: 'a', op: 'within_last_days', value: 1.5 },
      `rule.value: expected a positive integer number of days for operator 'within_last_days', got 1.5`,
    ],
    [
      'string days',
      { attribute: 'a', op: 'within_last_days', value: '30' },
      `rule.value: expected a positive integer number of days for operator 'within_last_days', got '30'`,
    ],
    ['an empty and', { and: [] }, 'rule.and: must contain at least one rule'],
    [
      'an empty or deep inside',
      { not: { and: [{ attribute: 'a', op: 'exists' }, { or: [] }] } },
      'rule.not.and[1].or: must contain at least one rule',
    ],
    [
      'a non-array or',
      { or: { attribute: 'a', op: 'exists' } },
      'rule.or: expected an array of rules, got an object',
    ],
    [
      'an array as not',
      { not: [{ attribute: 'a', op: 'exists' }] },
      'rule.not: expected an object with one of the keys attribute, identifier, and, or, not, got an array',
    ],
  ])('rejects %s', (_name, input, expected) => {
    expect(validateRule(input)).toEqual({ error: expected });
  });

  it('prefixes errors with the given path', () => {
    const result = validateRule({ and: [{ attribute: 'a', op: 'nope' }] }, 'steps[2].rule');

    expect(result).toEqual({
      error: `steps[2].rule.and[0].op: unknown operator 'nope'. Use one of ${OPERATOR_LIST}`,
    });
  });

  it('returns a copy of the rule', () => {
    const input = { and: [{ attribute: 'a', op: 'in', value: ['x'] }] };
    const result = validateRule(input);

    if (!('rule' in result)) throw new Error(result.error);

    expect(result.rule).toEqual(input);
    expect(result.rule).not.toBe(input);
  });

  it('accepts the maximum depth', () => {
    expect(validateRule(nestNot(MAX_RULE_DEPTH))).toEqual({ rule: nestNot(MAX_RULE_DEPTH) });
  });

  it('rejects one level over the maximum depth', () => {
    const path = `rule${'.not'.repeat(MAX_RULE_DEPTH)}`;

    expect(validateRule(nestNot(MAX_RULE_DEPTH + 1))).toEqual({
      error: `${path}: the rule is nested deeper than the maximum of ${MAX_RULE_DEPTH} levels. Flatten nested and, or and not groups`,
    });
  });

  it('rejects very deep nesting quickly', () => {
    let rule: unknown = { attribute: 'a', op: 'exists' };
    for (let level = 0; level < 100_000; level += 1) rule = { not: rule };

    expect(validateRule(rule)).toHaveProperty('error');
  });

  it('accepts the maximum number of conditions', () => {
    expect(validateRule(manyConditions(MAX_RULE_CONDITIONS))).toHaveProperty('rule');
  });

  it('rejects one condition over the maximum', () => {
    expect(validateRule(manyConditions(MAX_RULE_CONDITIONS + 1))).toEqual({
      error: `rule: the rule has more than the maximum of ${MAX_RULE_CONDITIONS} conditions. Split it into smaller audiences or use 'in' with a list of values`,
    });
  });

  it('rejects an oversized in list', () => {
    const values = Array.from({ length: MAX_IN_VALUES + 1 }, (_value, index) => `v${index}`);

    expect(validateRule({ attribute: 'a', op: 'in', value: values })).toEqual({
      error: `rule.value: has ${MAX_IN_VALUES + 1} values, more than the maximum of ${MAX_IN_VALUES}`,
    });
  });
});

/** Builds a condition wrapped so that the whole rule has `depth` levels. */
function nestNot(depth: number): Rule {
  let rule: Rule = { attribute: 'a', op: 'exists' };
  for (let level = 1; level < depth; level += 1) rule = { not: rule };

  return rule;
}

function manyConditions(count: number): Rule {
  return {
    or: Array.from({ length: count }, (_value, index) => ({
      attribute: `a${index}`,
      op: 'exists' as const,
    })),
  };
}
