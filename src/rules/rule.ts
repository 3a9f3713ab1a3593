/**
 * Audience rules: conditions on one profile attribute or identifier type, combined with
 * `and`, `or` and `not`. `validateRule` checks untrusted input, and `evaluateRule` applies a
 * rule to a profile.
 */

/** Comparison operators, in the order error messages list them. */
export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
  'within_last_days',
  'exists',
] as const;

export type Operator = (typeof OPERATORS)[number];

/**
 * Operators allowed on identifiers. Identifier values are strings such as emails or hashes,
 * so numeric and date comparisons do not apply to them.
 */
export const IDENTIFIER_OPERATORS = [
  'eq',
  'neq',
  'in',
  'contains',
  'starts_with',
  'exists',
] as const satisfies readonly Operator[];

/** A single value a condition compares with. */
export type ScalarValue = string | number | boolean;

/**
 * Comparison value of a condition: a scalar for most operators, a non-empty array for `in`,
 * and absent for `exists`.
 */
export type ConditionValue = ScalarValue | ScalarValue[];

/** A condition on the attribute `profile.attributes[attribute]`. */
export interface AttributeCondition {
  attribute: string;
  op: Operator;
  value?: ConditionValue;
}

/** A condition on the values in `profile.identifiers[identifier]`, true when any value passes. */
export interface IdentifierCondition {
  identifier: string;
  op: Operator;
  value?: ConditionValue;
}

export interface AndRule {
  and: Rule[];
}

export interface OrRule {
  or: Rule[];
}

export interface NotRule {
  not: Rule;
}

export type Condition = AttributeCondition | IdentifierCondition;

export type Rule = Condition | AndRule | OrRule | NotRule;

/** Maximum nesting of a rule. A condition at the top level has depth 1. */
export const MAX_RULE_DEPTH = 20;

/** Maximum number of conditions in one rule, counted over every branch. */
export const MAX_RULE_CONDITIONS = 500;

/** Maximum number of values in the array of an `in` condition. */
export const MAX_IN_VALUES = 1000;

export function isAttributeCondition(rule: Rule): rule is AttributeCondition {
  return 'attribute' in rule;
}

export function isIdentifierCondition(rule: Rule): rule is IdentifierCondition {
  return 'identifier' in rule;
}
