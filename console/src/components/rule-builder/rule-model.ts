import {
  IDENTIFIER_OPERATORS,
  RULE_OPERATORS,
  type Rule,
  type RuleOperator,
  type ScalarValue,
} from '../../api/types';

/** Type that a condition's value text is read as, for `eq`, `neq` and `in` on attributes. */
export type ValueKind = 'text' | 'number' | 'boolean';

export interface ConditionNode {
  kind: 'condition';
  key: string;
  negated: boolean;
  subject: 'attribute' | 'identifier';
  name: string;
  op: RuleOperator;
  /** The value as typed: one value, or comma-separated values for `in`. */
  value: string;
  valueKind: ValueKind;
}

export interface GroupNode {
  kind: 'group';
  key: string;
  negated: boolean;
  combinator: 'and' | 'or';
  children: RuleNode[];
}

/** The editor's form of a rule; `not` is a flag on a node, and keys identify React rows. */
export type RuleNode = ConditionNode | GroupNode;

let nextKey = 0;
const newKey = () => `rule-node-${++nextKey}`;

export function newCondition(): ConditionNode {
  return {
    kind: 'condition',
    key: newKey(),
    negated: false,
    subject: 'attribute',
    name: '',
    op: 'eq',
    value: '',
    valueKind: 'text',
  };
}

export function newGroup(children: RuleNode[] = [newCondition()]): GroupNode {
  return { kind: 'group', key: newKey(), negated: false, combinator: 'and', children };
}

export function operatorsFor(subject: ConditionNode['subject']): readonly RuleOperator[] {
  return subject === 'identifier' ? IDENTIFIER_OPERATORS : RULE_OPERATORS;
}

/** True when the operator's value kind is chosen by the user (text, number or true/false). */
export function hasSelectableValueKind(node: ConditionNode): boolean {
  return (
    node.subject === 'attribute' && (node.op === 'eq' || node.op === 'neq' || node.op === 'in')
  );
}

function readScalar(text: string, kind: ValueKind): ScalarValue {
  if (kind === 'number') {
    const number = Number(text);
    return text.trim() !== '' && Number.isFinite(number) ? number : text;
  }
  if (kind === 'boolean') {
    if (text.trim().toLowerCase() === 'true') return true;
    if (text.trim().toLowerCase() === 'false') return false;
  }

  return text;
}

/**
 * Converts the typed value for the operator. Text that does not fit (letters for `gt`) is sent
 * as typed, so the service's message names the condition and the expected value.
 */
function readValue(node: ConditionNode): ScalarValue | ScalarValue[] | undefined {
  const kind = hasSelectableValueKind(node) ? node.valueKind : 'text';
  switch (node.op) {
    case 'exists':
      return undefined;
    case 'in':
      return node.value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => readScalar(part, kind));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'within_last_days':
      return readScalar(node.value.trim(), 'number');
    case 'before':
    case 'after':
      return node.value.trim();
    default:
      return readScalar(node.value, kind);
  }
}

/** Converts the editor tree to the API's rule JSON. */
export function toRule(node: RuleNode): Rule {
  let rule: Rule;
  if (node.kind === 'group') {
    const children = node.children.map(toRule);
    rule = node.combinator === 'and' ? { and: children } : { or: children };
  } else {
    const value = readValue(node);
    const base =
      node.subject === 'attribute'
        ? { attribute: node.name.trim() }
        : { identifier: node.name.trim() };
    rule = { ...base, op: node.op, ...(value === undefined ? {} : { value }) } as Rule;
  }

  return node.negated ? { not: rule } : rule;
}

function valueKindOf(value: unknown): ValueKind {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return 'number';
  if (typeof first === 'boolean') return 'boolean';

  return 'text';
}

/** Converts the API's rule JSON to an editor tree; the top level is always a group. */
export function fromRule(rule: Rule): GroupNode {
  const node = toNode(rule);

  return node.kind === 'group' && !node.negated ? node : newGroup([node]);
}

function toNode(rule: Rule): RuleNode {
  if ('not' in rule) {
    const inner = toNode(rule.not);
    // A double `not` keeps both levels: the inner one moves into a group of its own.
    return inner.negated ? { ...newGroup([inner]), negated: true } : { ...inner, negated: true };
  }
  if ('and' in rule) return { ...newGroup(rule.and.map(toNode)), combinator: 'and' };
  if ('or' in rule) return { ...newGroup(rule.or.map(toNode)), combinator: 'or' };
  const subject = 'attribute' in rule ? 'attribute' : 'identifier';
  const value = rule.value;

  return {
    ...newCondition(),
    subject,
    name: 'attribute' in rule ? rule.attribute : rule.identifier,
    op: rule.op,
    value: Array.isArray(value)
      ? value.map(String).join(', ')
      : value === undefined
        ? ''
        : String(value),
    valueKind: valueKindOf(value),
  };
}

/** Returns the rule path of a group's child as service errors write it, such as `rule.and[0]`. */
export function childPath(parentPath: string, group: GroupNode, index: number): string {
  const groupPath = group.negated ? `${parentPath}.not` : parentPath;

  return `${groupPath}.${group.combinator}[${index}]`;
}
