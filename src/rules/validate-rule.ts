import { describeValue } from './describe-value.js';
import { parseIsoDate } from './rule-dates.js';
import {
  IDENTIFIER_OPERATORS,
  MAX_IN_VALUES,
  MAX_RULE_CONDITIONS,
  MAX_RULE_DEPTH,
  OPERATORS,
  type Condition,
  type ConditionValue,
  type Operator,
  type Rule,
  type ScalarValue,
} from './rule.js';

export type RuleValidationResult = { rule: Rule } | { error: string };

const RULE_KEYS = ['attribute', 'identifier', 'and', 'or', 'not'] as const;
type RuleKey = (typeof RULE_KEYS)[number];

/** Thrown inside the validator to stop at the first error, and caught by `validateRule`. */
class RuleValidationError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
  }
}

interface ValidationState {
  rootPath: string;
  conditionCount: number;
}

/**
 * Checks an untrusted value (parsed JSON) against the rule language and returns a copy that
 * contains only the known keys, or the first error. Errors start with the path of the offending
 * value, such as `rule.and[2].op`, and `path` sets the prefix of that path.
 *
 * Value types per operator: `eq` and `neq` take a string, number or boolean (a string on
 * identifiers). `in` takes a non-empty array of those. `contains` and `starts_with` take a
 * non-empty string. `gt`, `gte`, `lt` and `lte` take a number only, because dates are compared
 * with `before` and `after`, which take an ISO 8601 date or date-time. `within_last_days`
 * takes a positive integer, and `exists` takes no value.
 */
export function validateRule(value: unknown, path = 'rule'): RuleValidationResult {
  const state: ValidationState = { rootPath: path, conditionCount: 0 };
  try {
    return { rule: readRule(value, path, 1, state) };
  } catch (error) {
    if (error instanceof RuleValidationError) return { error: error.message };
    throw error;
  }
}

function readRule(value: unknown, path: string, depth: number, state: ValidationState): Rule {
  if (depth > MAX_RULE_DEPTH) {
    throw new RuleValidationError(
      path,
      `the rule is nested deeper than the maximum of ${MAX_RULE_DEPTH} levels. Flatten nested and, or and not groups`,
    );
  }
  if (!isObject(value)) {
    throw new RuleValidationError(
      path,
      `expected an object with one of the keys ${RULE_KEYS.join(', ')}, got ${describeValue(value)}`,
    );
  }

  const ruleKey = findRuleKey(value, path);
  switch (ruleKey) {
    case 'and':
    case 'or':
      return readGroup(value, ruleKey, path, depth, state);
    case 'not':
      rejectUnknownKeys(value, ['not'], path);
      return { not: readRule(value.not, `${path}.not`, depth + 1, state) };
    case 'attribute':
    case 'identifier':
      return readCondition(value, ruleKey, path, state);
  }
}

/** Returns the key that sets the kind of rule, and rejects objects with none or several. */
function findRuleKey(value: Record<string, unknown>, path: string): RuleKey {
  const present = RULE_KEYS.filter((key) => Object.hasOwn(value, key));
  const [first, second] = present;
  if (first === undefined) {
    throw new RuleValidationError(
      path,
      `missing a rule key. Use exactly one of ${RULE_KEYS.join(', ')}`,
    );
  }
  if (second !== undefined) {
    throw new RuleValidationError(
      path,
      `has both '${first}' and '${second}'. Use exactly one of ${RULE_KEYS.join(', ')}, and nest rules to combine them`,
    );
  }

  return first;
}

function readGroup(
  value: Record<string, unknown>,
  key: 'and' | 'or',
  path: string,
  depth: number,
  state: ValidationState,
): Rule {
  rejectUnknownKeys(value, [key], path);
  const items = value[key];
  const itemsPath = `${path}.${key}`;
  if (!Array.isArray(items)) {
    throw new RuleValidationError(
      itemsPath,
      `expected an array of rules, got ${describeValue(items)}`,
    );
  }
  if (items.length === 0) {
    throw new RuleValidationError(itemsPath, `must contain at least one rule`);
  }

  const rules = items.map((item, index) =>
    readRule(item, `${itemsPath}[${index}]`, depth + 1, state),
  );

  return key === 'and' ? { and: rules } : { or: rules };
}

function readCondition(
  value: Record<string, unknown>,
  key: 'attribute' | 'identifier',
  path: string,
  state: ValidationState,
): Condition {
  rejectUnknownKeys(value, [key, 'op', 'value'], path);

  state.conditionCount += 1;
  if (state.conditionCount > MAX_RULE_CONDITIONS) {
    throw new RuleValidationError(
      state.rootPath,
      `the rule has more than the maximum of ${MAX_RULE_CONDITIONS} conditions. Split it into smaller audiences or use 'in' with a list of values`,
    );
  }

  const name = value[key];
  if (typeof name !== 'string' || name.length === 0) {
    throw new RuleValidationError(
      `${path}.${key}`,
      `expected a non-empty ${key} name, got ${describeValue(name)}`,
    );
  }

  const op = readOperator(value.op, key, `${path}.op`);
  const conditionValue = readConditionValue(value.value, op, key, `${path}.value`);
  const condition: Condition =
    key === 'attribute' ? { attribute: name, op } : { identifier: name, op };
  if (conditionValue !== undefined) condition.value = conditionValue;

  return condition;
}

function readOperator(value: unknown, key: 'attribute' | 'identifier', path: string): Operator {
  if (value === undefined) {
    throw new RuleValidationError(path, `missing operator. Use one of ${OPERATORS.join(', ')}`);
  }
  if (!isOneOf(value, OPERATORS)) {
    throw new RuleValidationError(
      path,
      `unknown operator ${describeValue(value)}. Use one of ${OPERATORS.join(', ')}`,
    );
  }
  if (key === 'identifier' && !isOneOf(value, IDENTIFIER_OPERATORS)) {
    throw new RuleValidationError(
      path,
      `operator '${value}' does not apply to identifiers. Use one of ${IDENTIFIER_OPERATORS.join(', ')}`,
    );
  }

  return value;
}

/** Checks the value of a condition for its operator, and returns undefined for `exists`. */
function readConditionValue(
  value: unknown,
  op: Operator,
  key: 'attribute' | 'identifier',
  path: string,
): ConditionValue | undefined {
  if (op === 'exists') {
    if (value !== undefined) {
      throw new RuleValidationError(path, `operator 'exists' takes no value. Remove it`);
    }
    return undefined;
  }

  const expected = describeExpectedValue(op, key);
  if (value === undefined) {
    throw new RuleValidationError(path, `missing value. Operator '${op}' needs ${expected}`);
  }
  const reject = (): never => {
    throw new RuleValidationError(
      path,
      `expected ${expected} for operator '${op}', got ${describeValue(value)}`,
    );
  };

  switch (op) {
    case 'eq':
    case 'neq':
      return isScalarFor(value, key) ? value : reject();
    case 'in':
      return readInValues(value, key, path, reject);
    case 'contains':
    case 'starts_with':
      return typeof value === 'string' && value.length > 0 ? value : reject();
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' && Number.isFinite(value) ? value : reject();
    case 'before':
    case 'after':
      return typeof value === 'string' && parseIsoDate(value) !== undefined ? value : reject();
    case 'within_last_days':
      return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : reject();
  }
}

function readInValues(
  value: unknown,
  key: 'attribute' | 'identifier',
  path: string,
  reject: () => never,
): ScalarValue[] {
  if (!Array.isArray(value) || value.length === 0) reject();
  const values = value as unknown[];
  if (values.length > MAX_IN_VALUES) {
    throw new RuleValidationError(
      path,
      `has ${values.length} values, more than the maximum of ${MAX_IN_VALUES}`,
    );
  }

  return values.map((item, index) => {
    if (isScalarFor(item, key)) return item;
    const expected = key === 'identifier' ? 'a string' : 'a string, number or boolean';
    throw new RuleValidationError(
      `${path}[${index}]`,
      `expected ${expected}, got ${describeValue(item)}`,
    );
  });
}

function describeExpectedValue(op: Operator, key: 'attribute' | 'identifier'): string {
  switch (op) {
    case 'eq':
    case 'neq':
      return key === 'identifier' ? 'a string' : 'a string, number or boolean';
    case 'in':
      return key === 'identifier'
        ? 'a non-empty array of strings'
        : 'a non-empty array of strings, numbers or booleans';
    case 'contains':
    case 'starts_with':
      return 'a non-empty string';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return 'a number (compare dates with before or after)';
    case 'before':
    case 'after':
      return 'an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)';
    case 'within_last_days':
      return 'a positive integer number of days';
    case 'exists':
      return 'no value';
  }
}

function isScalarFor(value: unknown, key: 'attribute' | 'identifier'): value is ScalarValue {
  if (typeof value === 'string') return true;
  if (key === 'identifier') return false;

  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
): void {
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new RuleValidationError(
      path,
      `unknown key '${unknown}'. Allowed keys here: ${allowed.join(', ')}`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(value: unknown, options: readonly T[]): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}
