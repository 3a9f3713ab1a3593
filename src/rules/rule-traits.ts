import { isAttributeCondition, type Condition, type Rule } from './rule.js';

/** Attribute names and identifier types a rule reads, each listed once in order of appearance. */
export interface ReferencedFields {
  attributes: string[];
  identifiers: string[];
}

/**
 * Returns whether the rule's result can change while the profile stays the same. Only
 * `within_last_days` depends on the current time. `before` and `after` compare with fixed
 * dates, so they do not.
 */
export function isTimeDependent(rule: Rule): boolean {
  return listConditions(rule).some((condition) => condition.op === 'within_last_days');
}

/** Returns the profile fields a rule reads, so that callers can tell which changes affect it. */
export function referencedFields(rule: Rule): ReferencedFields {
  const attributes = new Set<string>();
  const identifiers = new Set<string>();
  for (const condition of listConditions(rule)) {
    if (isAttributeCondition(condition)) attributes.add(condition.attribute);
    else identifiers.add(condition.identifier);
  }

  return { attributes: [...attributes], identifiers: [...identifiers] };
}

function listConditions(rule: Rule): Condition[] {
  if ('and' in rule) return rule.and.flatMap(listConditions);
  if ('or' in rule) return rule.or.flatMap(listConditions);
  if ('not' in rule) return listConditions(rule.not);

  return [rule];
}
